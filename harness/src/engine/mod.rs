//! The exploration engine: sequences, exploring, shrinking, regression files and replay.
//! Generic over [`system::System`] and [`system::Driver`]; it has no filesystem knowledge.

pub mod system;
