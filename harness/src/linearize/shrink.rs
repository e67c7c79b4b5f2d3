//! Witness shrinking: remove operations (chunks first, then one at a time) while the
//! remaining history stays non-linearizable, to reach a small, 1-minimal witness.

use super::checker::CheckOptions;
use super::history::Op;
use super::spec::SequentialSpec;
use super::wgl::{Verdict, check};
use std::time::Instant;

/// Shrinks a non-linearizable history. Candidates whose check comes back `Unknown` count as
/// linearizable (kept ops), so shrinking never trades a definite witness for a doubtful one.
pub fn shrink<S: SequentialSpec>(
    spec: &S,
    mut ops: Vec<Op<S::Call, S::Outcome>>,
    opts: &CheckOptions,
) -> Vec<Op<S::Call, S::Outcome>> {
    let deadline = Instant::now() + opts.shrink_budget;
    let fails = |h: &[Op<S::Call, S::Outcome>]| {
        matches!(check(spec, h, opts.max_steps_per_partition), Verdict::NotLinearizable)
    };
    // Most witnesses are local in time: try ever shorter prefixes (by invocation) first.
    ops.sort_by_key(|o| o.invoke_ns);
    let mut lo = 1usize;
    let mut hi = ops.len();
    while lo < hi && Instant::now() < deadline {
        let mid = lo + (hi - lo) / 2;
        if fails(&ops[..mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if hi < ops.len() && fails(&ops[..hi]) {
        ops.truncate(hi);
    }
    // Delta-debugging style chunk removal, down to single ops (1-minimality).
    let mut chunk = (ops.len() / 2).max(1);
    while Instant::now() < deadline {
        let mut removed = false;
        let mut start = 0;
        while start < ops.len() && Instant::now() < deadline {
            let end = (start + chunk).min(ops.len());
            let candidate: Vec<_> = ops[..start].iter().chain(&ops[end..]).cloned().collect();
            if !candidate.is_empty() && fails(&candidate) {
                ops = candidate;
                removed = true;
            } else {
                start = end;
            }
        }
        if chunk > 1 {
            chunk /= 2;
        } else if !removed {
            break;
        }
    }
    ops
}
