//! Filesystem drivers: the engine's [`crate::engine::system::Driver`] over the call vocabulary,
//! one per party. Each wraps its party's executor (`crate::fs::exec`) and adds what the
//! explorer needs beyond executing: observation, fingerprints, forking, exact sameness.

pub mod clock;
pub mod core;
pub mod oracle;
