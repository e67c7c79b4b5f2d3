//! The sequential specification a concurrent history is checked against, and the footprint
//! of an operation that decides which operations commute (P-compositionality).

use super::history::Op;
use std::fmt::Debug;

/// What part of the state an operation reads or writes. Operations whose footprints share no
/// key commute and are checked in separate partitions; `Global` (e.g. `stats`, a quota error)
/// joins every partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Footprint {
    Keys(Vec<String>),
    Global,
}

/// A deterministic sequential object: the reference behaviour of a linearizable one.
pub trait SequentialSpec: Sync {
    type State: Clone + Send + Sync;
    type Call: Clone + Debug + Send + Sync;
    type Outcome: Clone + Debug + PartialEq + Send + Sync;

    /// The state before the first operation of the history.
    fn init(&self) -> Self::State;
    /// Runs one call on a state: the next state and the outcome the call must report.
    fn apply(&self, state: &Self::State, call: &Self::Call) -> (Self::State, Self::Outcome);
    /// A hash of the whole state (memoization key of the search; equal states hash equal).
    fn state_hash(&self, state: &Self::State) -> u64;
    /// Whether an observed outcome is the one the specification produced.
    fn matches(&self, spec: &Self::Outcome, observed: &Self::Outcome) -> bool {
        spec == observed
    }
    /// Whether `call` never changes the state, whatever the state (such calls may be removed
    /// from a witness without creating a spurious violation).
    fn is_read_only(&self, _call: &Self::Call) -> bool {
        false
    }
    /// Whether `ops[i]` can be dropped from a witness without creating a spurious violation:
    /// it changes the state in no linearization (by default: a read-only call).
    fn is_removable(&self, ops: &[Op<Self::Call, Self::Outcome>], i: usize) -> bool {
        self.is_read_only(&ops[i].call)
    }
    /// A short human description of a state, shown with a witness that starts from it.
    fn describe_state(&self, _state: &Self::State) -> String {
        String::new()
    }
    /// The footprint of every operation of `history` (same order). Context is available so
    /// that, e.g., a handle operation can be attributed to the path its handle was opened on.
    fn footprints(&self, history: &[Op<Self::Call, Self::Outcome>]) -> Vec<Footprint> {
        history.iter().map(|_| Footprint::Global).collect()
    }
}
