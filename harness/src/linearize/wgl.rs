//! Wing-Gong-Lowe linearizability search over one history: repeatedly try to linearize a
//! minimal pending operation, backtracking on a return event; visited (linearized set, state)
//! pairs are memoized (Lowe's optimization), the set as a Zobrist hash, the state by
//! `SequentialSpec::state_hash`.

use super::history::Op;
use super::spec::SequentialSpec;
use std::collections::HashSet;

/// The answer of one search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A legal sequential order exists; its op indices, in linearization order.
    Linearizable(Vec<usize>),
    /// No legal order exists.
    NotLinearizable,
    /// The step budget ran out before an answer.
    Unknown { steps: u64 },
}

const NONE: usize = usize::MAX;

/// Searches for a linearization of `ops` against `spec`, giving up after `max_steps` search
/// steps (`u64::MAX`: never).
pub fn check<S: SequentialSpec>(
    spec: &S,
    ops: &[Op<S::Call, S::Outcome>],
    max_steps: u64,
) -> Verdict {
    let n = ops.len();
    if n == 0 {
        return Verdict::Linearizable(Vec::new());
    }
    // Event nodes: 2i = call of op i, 2i+1 = return of op i; head = 2n, tail = 2n+1.
    let head = 2 * n;
    let tail = 2 * n + 1;
    let mut events: Vec<(u64, u8, usize)> = Vec::with_capacity(2 * n);
    for (i, o) in ops.iter().enumerate() {
        // At equal instants calls come first: equal times count as overlapping, which can
        // only allow more orders (never reject a linearizable history).
        events.push((o.invoke_ns, 0, 2 * i));
        events.push((o.return_ns.max(o.invoke_ns), 1, 2 * i + 1));
    }
    events.sort_unstable();
    let mut next = vec![NONE; 2 * n + 2];
    let mut prev = vec![NONE; 2 * n + 2];
    let mut last = head;
    for &(_, _, node) in &events {
        next[last] = node;
        prev[node] = last;
        last = node;
    }
    next[last] = tail;
    prev[tail] = last;

    let zobrist: Vec<u64> = (0..n)
        .map(|i| splitmix(i as u64 ^ 0x9e37_79b9_7f4a_7c15))
        .collect();
    let mut cache: HashSet<(u64, u64)> = HashSet::new();
    let mut state = spec.init();
    let mut set_hash = 0u64;
    // Stack of (call node, state before it, set hash before it).
    let mut stack: Vec<(usize, S::State, u64)> = Vec::new();
    let mut entry = next[head];
    let mut steps = 0u64;

    while next[head] != tail {
        steps += 1;
        if steps > max_steps {
            return Verdict::Unknown { steps };
        }
        if entry.is_multiple_of(2) {
            let i = entry / 2;
            let (s2, out) = spec.apply(&state, &ops[i].call);
            let mut advanced = false;
            if spec.matches(&out, &ops[i].outcome) {
                let h2 = set_hash ^ zobrist[i];
                if cache.insert((h2, spec.state_hash(&s2))) {
                    let old = std::mem::replace(&mut state, s2);
                    stack.push((entry, old, set_hash));
                    set_hash = h2;
                    // lift the call and its return out of the list
                    let r = entry + 1;
                    next[prev[entry]] = next[entry];
                    prev[next[entry]] = prev[entry];
                    next[prev[r]] = next[r];
                    prev[next[r]] = prev[r];
                    entry = next[head];
                    advanced = true;
                }
            }
            if !advanced {
                entry = next[entry];
            }
        } else {
            // A return of a pending op: it had to be linearized before here. Backtrack.
            let Some((e, s, h)) = stack.pop() else {
                return Verdict::NotLinearizable;
            };
            state = s;
            set_hash = h;
            let r = e + 1;
            next[prev[r]] = r;
            prev[next[r]] = r;
            next[prev[e]] = e;
            prev[next[e]] = e;
            entry = next[e];
        }
    }
    Verdict::Linearizable(stack.iter().map(|(e, _, _)| e / 2).collect())
}

/// A well-mixing 64-bit hash step (SplitMix64 finalizer).
pub(crate) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}
