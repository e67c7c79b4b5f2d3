//! Linearizability checking of recorded concurrent histories: a generic Wing-Gong-Lowe checker
//! with memoization and P-compositional partitioning, witness shrinking, and toy specs. Nothing
//! here knows about filesystems: the filesystem specification and the core's recorder live in
//! `crate::fs::linearize`.

pub mod checker;
pub mod history;
pub mod partition;
pub mod shrink;
pub mod spec;
pub mod toy;
pub mod wgl;

pub use checker::{CheckOptions, CheckResult, CheckStats, Witness, check_history};
pub use history::{Op, Timeline};
pub use spec::{Footprint, SequentialSpec};
