//! Executors: the only code that turns a [`crate::fs::call::Call`] into an implementation's
//! operation. One per party: [`core::CoreExec`] for memfs-core and [`oracle::OracleExec`] for
//! the naive oracle (an external process speaks the same vocabulary over the wire,
//! `adapters/PROTOCOL.md`). Drivers, the linearizability recorder and specification, and
//! the scenario runner all go through them, so the slot conventions and the error mapping
//! exist exactly once per party.

pub mod core;
pub mod oracle;
