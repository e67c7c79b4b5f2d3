//! Witness shrinking that stays sound: (1) the shortest non-linearizable prefix (verified);
//! (2) cut at the latest quiescent point (no operation spans it): every linearization then
//! runs the part before the cut first, so the part after it is non-linearizable from *every*
//! state the part before can reach, in particular from the one a found linearization reaches;
//! (3) remove operations that change the state in no linearization, e.g. read-only ones (removing an operation that never changes the state cannot
//! turn a linearizable history into a non-linearizable one). Removing writers is not sound
//! (a read would lose its write) and is not attempted.

use super::checker::CheckOptions;
use super::history::Op;
use super::spec::SequentialSpec;
use super::wgl::{Verdict, check};
use std::time::Instant;

/// A shrunk witness: the operations and the state they start from.
pub struct Shrunk<S: SequentialSpec> {
    pub ops: Vec<Op<S::Call, S::Outcome>>,
    /// The start state (the spec's initial one, or one reached by the cut-off prefix).
    pub start: S::State,
    /// Operations of the cut-off prefix (0 = starts from the initial state).
    pub cut_ops: usize,
}

/// A spec started from a given state instead of its initial one.
pub struct FromState<'a, S: SequentialSpec> {
    pub spec: &'a S,
    pub state: S::State,
}

impl<S: SequentialSpec> SequentialSpec for FromState<'_, S> {
    type State = S::State;
    type Call = S::Call;
    type Outcome = S::Outcome;
    fn init(&self) -> S::State {
        self.state.clone()
    }
    fn apply(&self, state: &S::State, call: &S::Call) -> (S::State, S::Outcome) {
        self.spec.apply(state, call)
    }
    fn state_hash(&self, state: &S::State) -> u64 {
        self.spec.state_hash(state)
    }
    fn matches(&self, spec: &S::Outcome, observed: &S::Outcome) -> bool {
        self.spec.matches(spec, observed)
    }
    fn is_read_only(&self, call: &S::Call) -> bool {
        self.spec.is_read_only(call)
    }
    fn is_removable(&self, ops: &[Op<S::Call, S::Outcome>], i: usize) -> bool {
        self.spec.is_removable(ops, i)
    }
}

/// Shrinks a non-linearizable history (see the module documentation).
pub fn shrink<S: SequentialSpec>(
    spec: &S,
    mut ops: Vec<Op<S::Call, S::Outcome>>,
    opts: &CheckOptions,
) -> Shrunk<S> {
    let deadline = Instant::now() + opts.shrink_budget;
    let budget = opts.max_steps_per_partition;
    let fails_from = |start: &S::State, h: &[Op<S::Call, S::Outcome>]| {
        let from = FromState {
            spec,
            state: start.clone(),
        };
        matches!(check(&from, h, budget), Verdict::NotLinearizable)
    };
    ops.sort_by_key(|o| o.invoke_ns);
    let init = spec.init();

    // (1) shortest failing prefix, by binary search, kept only if verified
    let (mut lo, mut hi) = (1usize, ops.len());
    while lo < hi && Instant::now() < deadline {
        let mid = lo + (hi - lo) / 2;
        if fails_from(&init, &ops[..mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if hi < ops.len() && fails_from(&init, &ops[..hi]) {
        ops.truncate(hi);
    }

    // (2) latest quiescent cut whose suffix still fails from the prefix's state
    let mut start = init;
    let mut cut_ops = 0;
    let mut cuts = Vec::new();
    let mut max_ret = 0u64;
    for j in 1..ops.len() {
        max_ret = max_ret.max(ops[j - 1].return_ns);
        if max_ret < ops[j].invoke_ns {
            cuts.push(j);
        }
    }
    for &j in cuts.iter().rev() {
        if Instant::now() >= deadline {
            break;
        }
        let Verdict::Linearizable(order) = check(spec, &ops[..j], budget) else {
            continue;
        };
        let mut s = spec.init();
        for i in order {
            s = spec.apply(&s, &ops[i].call).0;
        }
        if fails_from(&s, &ops[j..]) {
            ops.drain(..j);
            start = s;
            cut_ops = j;
            break;
        }
    }

    // (3) drop read-only operations that the violation does not need
    let mut i = 0;
    while i < ops.len() && Instant::now() < deadline {
        if spec.is_removable(&ops, i) {
            let mut candidate = ops.clone();
            candidate.remove(i);
            if !candidate.is_empty() && fails_from(&start, &candidate) {
                ops = candidate;
                continue;
            }
        }
        i += 1;
    }
    Shrunk {
        ops,
        start,
        cut_ops,
    }
}
