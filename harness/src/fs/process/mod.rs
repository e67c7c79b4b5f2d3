//! Subjects in another process, in any language: the versioned JSON-lines protocol
//! (`adapters/PROTOCOL.md`, [`protocol`]), one child process and its pipes ([`child`]), and
//! the engine driver over a per-thread pool of children that forks by replaying a prefix
//! ([`driver`]).

pub mod child;
pub mod driver;
pub mod protocol;

pub use driver::{ProcessDriver, ProcessSpec, START_TIMEOUT, stats};
pub use protocol::ClockMode;
