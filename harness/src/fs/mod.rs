//! The filesystem vocabulary, all in one place: what a step is ([`call`]), what an
//! implementation shows ([`observation`]), how it is configured ([`config`]), the simulated host's
//! memory the configuration may point at ([`host_memory`]), the abstract
//! model and its spec loader ([`model`], [`spec`]), the independent naive oracle ([`oracle`]),
//! the executors that turn calls into each party's operations ([`exec`]), the engine drivers
//! over them ([`drivers`]), subjects in other processes ([`process`]), the choice of the
//! subject under test ([`subject`]), the spec as an engine
//! system ([`system`]), and the linearizability recorder and specification ([`linearize`]).
//!
//! The engine (`crate::engine`), the linearizability checker (`crate::linearize`) and the
//! reports know none of this; they see it through the engine's `System` and `Driver` traits.

pub mod call;
pub mod compare;
pub mod config;
pub mod drivers;
pub mod exec;
pub mod host_memory;
pub mod linearize;
pub mod model;
pub mod observation;
pub mod oracle;
pub mod process;
pub mod spec;
pub mod subject;
pub mod system;
