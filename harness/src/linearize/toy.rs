//! Tiny sequential specifications (a register and a key-value map) used to test the checker
//! itself on hand-built histories, independently of the filesystem.

use super::history::Op;
use super::spec::{Footprint, SequentialSpec};
use super::wgl::splitmix;
use std::collections::BTreeMap;

/// Calls of the toy key-value map (a register is the map restricted to one key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvCall {
    Put(String, u64),
    Get(String),
    /// Compare-and-swap: set to `new` if the value is `old`; reports success.
    Cas(String, u64, u64),
    /// Number of keys with a value (a global read).
    Len,
}

/// Outcomes of [`KvCall`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvOut {
    Unit,
    Value(Option<u64>),
    Flag(bool),
    Count(usize),
}

/// The sequential key-value map.
#[derive(Debug, Default, Clone, Copy)]
pub struct KvSpec;

impl SequentialSpec for KvSpec {
    type State = BTreeMap<String, u64>;
    type Call = KvCall;
    type Outcome = KvOut;

    fn init(&self) -> Self::State {
        BTreeMap::new()
    }

    fn apply(&self, state: &Self::State, call: &KvCall) -> (Self::State, KvOut) {
        let mut s = state.clone();
        let out = match call {
            KvCall::Put(k, v) => {
                s.insert(k.clone(), *v);
                KvOut::Unit
            }
            KvCall::Get(k) => KvOut::Value(s.get(k).copied()),
            KvCall::Cas(k, old, new) => {
                if s.get(k) == Some(old) {
                    s.insert(k.clone(), *new);
                    KvOut::Flag(true)
                } else {
                    KvOut::Flag(false)
                }
            }
            KvCall::Len => KvOut::Count(s.len()),
        };
        (s, out)
    }

    fn state_hash(&self, state: &Self::State) -> u64 {
        state.iter().fold(0u64, |h, (k, v)| {
            let kh = k.bytes().fold(0u64, |a, b| splitmix(a ^ u64::from(b)));
            splitmix(h ^ kh ^ splitmix(*v))
        })
    }

    fn is_read_only(&self, call: &KvCall) -> bool {
        matches!(call, KvCall::Get(_) | KvCall::Len)
    }

    fn describe_state(&self, state: &Self::State) -> String {
        format!("{state:?}")
    }

    fn footprints(&self, history: &[Op<KvCall, KvOut>]) -> Vec<Footprint> {
        history
            .iter()
            .map(|o| match &o.call {
                KvCall::Put(k, _) | KvCall::Get(k) | KvCall::Cas(k, _, _) => {
                    Footprint::Keys(vec![k.clone()])
                }
                KvCall::Len => Footprint::Global,
            })
            .collect()
    }
}
