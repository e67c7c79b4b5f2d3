//! The exploration engine: sequences, exploring, shrinking, regression files and replay.
//! Generic over [`system::System`] and [`system::Driver`]; it has no filesystem knowledge.

pub mod count;
pub mod explore;
pub mod group;
pub mod levels;
pub mod progress;
pub mod regression;
pub mod run;
pub mod session;
pub mod shrink;
pub mod system;
pub mod toy;
