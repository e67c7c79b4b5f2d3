//! Linearizability checking of recorded concurrent histories: a generic Wing-Gong-Lowe
//! checker with memoization and P-compositional partitioning, witness shrinking, toy specs,
//! and the filesystem specification (the naive oracle) with a recorder for the core.

pub mod checker;
pub mod fs;
pub mod fs_spec;
pub mod history;
pub mod partition;
pub mod record;
pub mod shrink;
pub mod spec;
pub mod toy;
pub mod wgl;

pub use checker::{CheckOptions, CheckResult, CheckStats, Witness, check_history};
pub use history::{Op, Timeline};
pub use spec::{Footprint, SequentialSpec};
