//! Level-order exploration with global, deterministic deduplication: the deduplicating
//! counterpart of the depth-first explorer. Each node is still one step from a fork of its
//! parent (prefix sharing), but nodes are expanded level by level so a state is expanded once,
//! at the shallowest depth it is reached (so with the most remaining depth), across the whole
//! run rather than per first-step subtree.
//!
//! Determinism: parents are expanded in parallel in fixed-size batches, and each batch's
//! children are merged into the visited set sequentially in (parent, step) order, which is the
//! lexicographic order of their sequences. Which node represents a state therefore never
//! depends on the thread count or scheduling.

use super::count;
use super::explore::{Exploration, ExploreConfig, Fps, Progress, RawFailure, model_hash};
use super::run::{DriverFor, Parties, Seen, StepFailure};
use super::system::{CoverageCounter, Finding, StepId, System};
use rayon::prelude::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Parents expanded per parallel batch (bounds the memory of not-yet-deduplicated children).
const BATCH: usize = 64;

struct Node<S: System, A, B> {
    model: S::Model,
    subject: A,
    reference: B,
    seq: Vec<StepId>,
    seen: Option<Seen<S::Obs>>,
    fps: Fps,
    /// This node's (model hash, subject fingerprint), once computed.
    state: Option<(u64, u64)>,
}

/// Exact identity of an explored state (see `explore::StateKey`).
#[derive(PartialEq, Eq, Hash)]
struct Key<M> {
    model: M,
    subject: u64,
    reference: u64,
    used: Vec<(StepId, u8)>,
}

enum Child<S: System, A, B> {
    /// Passed; `key` is `None` when a driver had no fingerprint (never merged).
    Passed {
        node: Option<Node<S, A, B>>,
        key: Option<Key<S::Model>>,
        state: Option<(u64, u64)>,
    },
    Failed(RawFailure),
}

struct BatchOut<S: System, A, B> {
    children: Vec<Child<S, A, B>>,
    cov: CoverageCounter,
    steps: u64,
}

/// Explores level by level with global deduplication (`cfg.dedup` is assumed on).
pub fn explore_levels<S, A, B>(
    p: Parties<'_, S, A, B>,
    cfg: &ExploreConfig,
    progress: &dyn Progress,
) -> Exploration
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let start = Instant::now();
    let sys = p.system;
    let a = sys.steps().len();
    let mut out = Exploration {
        sequences: (0..a)
            .filter(|s| cfg.in_shard(*s))
            .map(|s| count::sequences_starting_with(a, cfg.depth, cfg.max_repeat, s))
            .fold(0u128, |x, y| x.saturating_add(y)),
        steps_per_depth: vec![0; cfg.depth],
        time_per_depth: vec![Duration::ZERO; cfg.depth],
        coverage: CoverageCounter::new(sys.action_names().len(), sys.clause_ids().len()),
        ..Default::default()
    };
    let root: Node<S, A, B> = match (p.subject.fork(), p.reference.fork()) {
        (Ok(s), Ok(r)) => Node {
            model: sys.init_model(),
            subject: s,
            reference: r,
            seq: Vec::new(),
            seen: None,
            fps: Fps::default(),
            state: None,
        },
        (s, r) => {
            let findings = [s.err(), r.err()]
                .into_iter()
                .flatten()
                .map(|e| Finding::from_driver(&e))
                .collect();
            out.groups
                .add(sys, Vec::new(), StepFailure::setup(0, findings));
            out.failing_nodes = 1;
            out.wall = start.elapsed();
            return out;
        }
    };
    let mut visited: HashSet<Key<S::Model>> = HashSet::new();
    // The root is expanded with every step only when unsharded; a sharded run must still
    // expand a later state equal to the root with every step.
    if cfg.shard.is_none()
        && let (Ok(fs), Ok(fr)) = (root.subject.fingerprint(), root.reference.fingerprint())
    {
        visited.insert(Key {
            model: root.model.clone(),
            subject: fs,
            reference: fr,
            used: Vec::new(),
        });
    }
    let mut states: HashSet<(u64, u64)> = HashSet::new();
    let mut frontier = vec![root];
    let out_of_time = || cfg.deadline.is_some_and(|d| Instant::now() >= d);
    'levels: for depth in 1..=cfg.depth {
        if depth > 1 && out_of_time() {
            out.stopped_by_time = Some(depth);
            break 'levels;
        }
        let level_start = Instant::now();
        let remaining = cfg.depth - depth;
        // Without a repeat cap a subtree's size depends only on its remaining depth.
        let uncapped = cfg
            .max_repeat
            .is_none()
            .then(|| subtree(a, cfg, remaining, &[]) - 1);
        let below =
            |seq: &[StepId]| uncapped.unwrap_or_else(|| subtree(a, cfg, remaining, seq) - 1);
        let mut next = Vec::new();
        let mut frontier_iter = std::mem::take(&mut frontier).into_iter();
        loop {
            let batch: Vec<Node<S, A, B>> = frontier_iter.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break;
            }
            if depth > 1 && out_of_time() {
                out.stopped_by_time = Some(depth);
                out.time_per_depth[depth - 1] = level_start.elapsed();
                break 'levels;
            }
            let outs: Vec<BatchOut<S, A, B>> = batch
                .into_par_iter()
                .map(|parent| expand(p, cfg, parent, depth, remaining))
                .collect();
            for o in outs {
                out.steps += o.steps;
                out.steps_per_depth[depth - 1] += o.steps;
                out.coverage.merge(&o.cov);
                let mut covered = o.steps;
                for c in o.children {
                    match c {
                        Child::Failed(f) => {
                            out.failing_nodes += 1;
                            covered = covered.saturating_add(below(&f.steps));
                            out.groups.add(sys, f.steps, f.failure);
                        }
                        Child::Passed { node, key, state } => {
                            if let Some(t) = state {
                                states.insert(t);
                            }
                            let Some(node) = node else { continue };
                            let fresh = match key {
                                Some(k) => visited.insert(k),
                                None => true,
                            };
                            if fresh {
                                next.push(node);
                            } else {
                                covered = covered.saturating_add(below(&node.seq));
                            }
                        }
                    }
                }
                progress.covered(covered);
            }
            if cfg.max_groups.is_some_and(|m| out.groups.len() >= m) {
                out.stopped_early = true;
                out.time_per_depth[depth - 1] = level_start.elapsed();
                break 'levels;
            }
        }
        out.time_per_depth[depth - 1] = level_start.elapsed();
        frontier = next;
    }
    out.distinct_states = states.len() as u64;
    if let Some(cut) = out.stopped_by_time {
        // Report the levels that ran: the complete ones and the partial one.
        out.steps_per_depth.truncate(cut);
        out.time_per_depth.truncate(cut);
        out.sequences = (0..a)
            .filter(|s| cfg.in_shard(*s))
            .map(|s| count::sequences_starting_with(a, cut - 1, cfg.max_repeat, s))
            .fold(0u128, |x, y| x.saturating_add(y));
    }
    out.wall = start.elapsed();
    out
}

/// Sequences in the subtree below a node with `seq` and `remaining` steps left, itself included.
fn subtree(a: usize, cfg: &ExploreConfig, remaining: usize, seq: &[StepId]) -> u64 {
    u64::try_from(count::subtree_sequences(a, remaining, cfg.max_repeat, seq)).unwrap_or(u64::MAX)
}

fn expand<S, A, B>(
    p: Parties<'_, S, A, B>,
    cfg: &ExploreConfig,
    parent: Node<S, A, B>,
    depth: usize,
    remaining: usize,
) -> BatchOut<S, A, B>
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let sys = p.system;
    let a = sys.steps().len();
    let mut cov = CoverageCounter::default();
    let mut scratch = Vec::new();
    let mut children = Vec::new();
    let mut steps = 0;
    let position = depth - 1;
    for s in 0..a {
        if depth == 1 && !cfg.in_shard(s) {
            continue;
        }
        if let Some(k) = cfg.max_repeat {
            let used = parent.seq.iter().filter(|x| **x as usize == s).count();
            if used as u32 >= k {
                continue;
            }
        }
        let step = s as StepId;
        let mut seq = parent.seq.clone();
        seq.push(step);
        let (mut subject, mut reference) = match (parent.subject.fork(), parent.reference.fork()) {
            (Ok(x), Ok(y)) => (x, y),
            (x, y) => {
                let findings = [x.err(), y.err()]
                    .into_iter()
                    .flatten()
                    .map(|e| Finding::from_driver(&e))
                    .collect();
                let failure = StepFailure::setup(position, findings);
                children.push(Child::Failed(RawFailure {
                    steps: seq,
                    failure,
                }));
                continue;
            }
        };
        steps += 1;
        let (model, result) = p.exec_step(
            &parent.model,
            parent.seen.as_ref(),
            Some((&parent.subject, &parent.reference)),
            &mut subject,
            &mut reference,
            step,
            position,
            &mut cov,
            &mut scratch,
        );
        let seen = match result {
            Ok(s) => s,
            Err(failure) => {
                children.push(Child::Failed(RawFailure {
                    steps: seq,
                    failure,
                }));
                continue;
            }
        };
        let (mut fps, known) = if seen.unchanged {
            let same = sys.same_model(&parent.model, &model);
            (parent.fps, parent.state.filter(|_| same))
        } else {
            (Fps::default(), None)
        };
        let Some(fs) = fps.subject(&subject) else {
            // No fingerprint: never merged, always expanded.
            let node = (remaining > 0).then(|| Node {
                model,
                subject,
                reference,
                seq,
                seen: Some(seen),
                fps,
                state: None,
            });
            children.push(Child::Passed {
                node,
                key: None,
                state: None,
            });
            continue;
        };
        let state = Some(known.unwrap_or_else(|| (model_hash(&model), fs)));
        let key = if remaining > 0 {
            fps.reference(&reference).map(|fr| Key {
                model: model.clone(),
                subject: fs,
                reference: fr,
                used: if cfg.max_repeat.is_some() {
                    counts(&seq)
                } else {
                    Vec::new()
                },
            })
        } else {
            None
        };
        let node = (remaining > 0).then(|| Node {
            model,
            subject,
            reference,
            seq,
            seen: Some(seen),
            fps,
            state,
        });
        children.push(Child::Passed { node, key, state });
    }
    BatchOut {
        children,
        cov,
        steps,
    }
}

fn counts(seq: &[StepId]) -> Vec<(StepId, u8)> {
    let mut v: Vec<StepId> = seq.to_vec();
    v.sort_unstable();
    let mut out: Vec<(StepId, u8)> = Vec::new();
    for s in v {
        match out.last_mut() {
            Some((x, n)) if *x == s => *n = n.saturating_add(1),
            _ => out.push((s, 1)),
        }
    }
    out
}
