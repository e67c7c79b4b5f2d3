//! The history checker: footprints -> partitions -> Wing-Gong-Lowe per partition (in
//! parallel), and for a failing partition a shrunk witness printed as a per-thread timeline.

use super::history::{Op, Timeline};
use super::partition::partition;
use super::shrink::shrink;
use super::spec::SequentialSpec;
use super::wgl::{Verdict, check};
use rayon::prelude::*;
use std::fmt;
use std::time::{Duration, Instant};

/// Search limits.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// Search steps allowed per partition before giving up with `Unknown`.
    pub max_steps_per_partition: u64,
    /// Time allowed for shrinking a witness (the unshrunk one is kept if it runs out).
    pub shrink_budget: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_steps_per_partition: 50_000_000,
            shrink_budget: Duration::from_secs(10),
        }
    }
}

/// A non-linearizable sub-history, shrunk so that removing any single op makes it
/// linearizable (or as far as the shrink budget allowed).
#[derive(Debug, Clone)]
pub struct Witness<C, O> {
    pub ops: Vec<Op<C, O>>,
    /// Size of the failing partition before shrinking.
    pub original_len: usize,
    /// Earlier operations of the partition replaced by the state they reach (0 = none).
    pub cut_ops: usize,
    /// Description of that start state (empty when starting from the initial state).
    pub start_state: String,
}

impl<C: fmt::Debug, O: fmt::Debug> fmt::Display for Witness<C, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "non-linearizable witness: {} operations (shrunk from a partition of {}); no order of \
             these calls that respects real time yields the observed results:",
            self.ops.len(),
            self.original_len
        )?;
        if self.cut_ops > 0 {
            writeln!(
                f,
                "starting after {} earlier operations, which every linearization runs first (quiescent cut), in state: {}",
                self.cut_ops, self.start_state
            )?;
        }
        write!(f, "{}", Timeline { ops: &self.ops })?;
        writeln!(f, "operations in full:")?;
        for (i, o) in self.ops.iter().enumerate() {
            writeln!(
                f,
                "  #{i} thread {}: {:?} -> {:?}",
                o.thread, o.call, o.outcome
            )?;
        }
        Ok(())
    }
}

/// The result of checking a whole history.
#[derive(Debug, Clone)]
pub enum CheckResult<C, O> {
    Linearizable,
    NotLinearizable(Witness<C, O>),
    /// Some partition exhausted its step budget (and none failed).
    Unknown {
        partition_len: usize,
        steps: u64,
    },
}

/// Numbers about one check, for reports.
#[derive(Debug, Clone, Default)]
pub struct CheckStats {
    pub ops: usize,
    pub partitions: usize,
    pub largest_partition: usize,
    pub elapsed: Duration,
}

/// Checks `history` against `spec`: linearizable, a shrunk witness, or unknown.
pub fn check_history<S: SequentialSpec>(
    spec: &S,
    history: &[Op<S::Call, S::Outcome>],
    opts: &CheckOptions,
) -> (CheckResult<S::Call, S::Outcome>, CheckStats) {
    let start = Instant::now();
    let footprints = spec.footprints(history);
    let parts = partition(&footprints);
    let stats = CheckStats {
        ops: history.len(),
        partitions: parts.len(),
        largest_partition: parts.iter().map(Vec::len).max().unwrap_or(0),
        elapsed: Duration::ZERO,
    };
    // Largest first so the parallel check is not left waiting on one big partition at the end.
    let mut order: Vec<&Vec<usize>> = parts.iter().collect();
    order.sort_by_key(|p| std::cmp::Reverse(p.len()));
    type Checked<C, O> = (Vec<Op<C, O>>, Verdict);
    let verdicts: Vec<Checked<S::Call, S::Outcome>> = order
        .par_iter()
        .map(|idx| {
            let ops: Vec<_> = idx.iter().map(|&i| history[i].clone()).collect();
            let v = check(spec, &ops, opts.max_steps_per_partition);
            (ops, v)
        })
        .collect();
    let mut unknown = None;
    for (ops, v) in verdicts {
        match v {
            Verdict::Linearizable(_) => {}
            Verdict::NotLinearizable => {
                let original_len = ops.len();
                let small = shrink(spec, ops, opts);
                let start_state = if small.cut_ops > 0 {
                    spec.describe_state(&small.start)
                } else {
                    String::new()
                };
                let witness = Witness {
                    ops: small.ops,
                    original_len,
                    cut_ops: small.cut_ops,
                    start_state,
                };
                let stats = CheckStats {
                    elapsed: start.elapsed(),
                    ..stats
                };
                return (CheckResult::NotLinearizable(witness), stats);
            }
            Verdict::Unknown { steps } => unknown = Some((ops.len(), steps)),
        }
    }
    let stats = CheckStats {
        elapsed: start.elapsed(),
        ..stats
    };
    match unknown {
        Some((partition_len, steps)) => (
            CheckResult::Unknown {
                partition_len,
                steps,
            },
            stats,
        ),
        None => (CheckResult::Linearizable, stats),
    }
}
