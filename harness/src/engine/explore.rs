//! Exhaustive exploration of every step sequence of length 1..=depth: depth-first with prefix
//! sharing (each node is one step from a fork of its parent), parallel over first steps,
//! optional sound deduplication, deterministic results whatever the thread count.
//!
//! Determinism: the unit of parallel work is the subtree of one first step, explored
//! sequentially with its own deduplication table, and results are merged in first-step order.
//! Which states a task merges therefore never depends on scheduling.

use super::count;
use super::group::Groups;
use super::run::{DriverFor, Parties, StepFailure};
use super::system::{CoverageCounter, Finding, StepId, System};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What to explore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExploreConfig {
    /// Longest sequence length.
    pub depth: usize,
    /// At most this many occurrences of one step in a sequence (`None` = unlimited).
    pub max_repeat: Option<u32>,
    /// Merge prefixes that reach an already explored state (sound: model, subject and
    /// reference fingerprints must all match).
    pub dedup: bool,
    /// `(i, n)`: explore only shard `i` (1-based) of `n`.
    pub shard: Option<(u32, u32)>,
    /// Stop exploring once this many distinct failure groups are known (`None` = keep
    /// going). Checked between units of work, so a run may end with a few more.
    pub max_groups: Option<usize>,
    /// Regression files record each failure as a known disagreement of the subject (a run on
    /// another implementation: its files are records, not bugs to fix here).
    pub record_known: bool,
    /// With dedup: explore depth-first with a deduplication table per first-step subtree
    /// instead of level-order with one global table (fewer merges, less memory).
    pub depth_first: bool,
    /// Level-order only: stop once this instant has passed (checked before each level and
    /// between batches), keeping every level completed so far (`explore --time`).
    pub deadline: Option<Instant>,
}

impl Default for ExploreConfig {
    fn default() -> Self {
        ExploreConfig {
            depth: 3,
            max_repeat: None,
            dedup: true,
            shard: None,
            max_groups: None,
            record_known: false,
            depth_first: false,
            deadline: None,
        }
    }
}

impl ExploreConfig {
    /// Whether first step `s` belongs to this run's shard.
    pub fn in_shard(&self, s: usize) -> bool {
        match self.shard {
            None => true,
            Some((i, n)) => n > 0 && (s as u64 % n as u64) == (i as u64).wrapping_sub(1),
        }
    }
}

/// A failing sequence as found by the explorer (before shrinking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFailure {
    pub steps: Vec<StepId>,
    pub failure: StepFailure,
}

/// What an exploration produced (engine-level: step ids, not names).
#[derive(Debug, Clone, Default)]
pub struct Exploration {
    /// Raw sequences of length 1..=depth in this shard.
    pub sequences: u128,
    /// Steps executed on the drivers.
    pub steps: u64,
    /// Distinct states (model state + subject fingerprint).
    pub distinct_states: u64,
    /// Executed steps per depth (index 0 = depth 1).
    pub steps_per_depth: Vec<u64>,
    /// Wall time per depth (level order: measured per level; depth-first: the wall time
    /// apportioned by executed steps).
    pub time_per_depth: Vec<Duration>,
    /// Failing nodes found (each prunes its subtree).
    pub failing_nodes: u64,
    /// Every failing node, grouped by root cause (shortest witness per group).
    pub groups: Groups,
    /// The run stopped early: `max_groups` groups were found.
    pub stopped_early: bool,
    /// The deadline cut the run while it explored this level (1-based): the levels before it
    /// are complete, this one is partial.
    pub stopped_by_time: Option<usize>,
    pub coverage: CoverageCounter,
    pub wall: Duration,
}

/// Progress reporting hook: called from worker threads with raw sequences newly covered.
pub trait Progress: Sync {
    /// `n` more raw sequences are covered.
    fn covered(&self, n: u64);
}

/// No progress output.
pub struct NoProgress;
impl Progress for NoProgress {
    fn covered(&self, _n: u64) {}
}

/// Explores every sequence of the configured space: level-order with global deduplication
/// when `cfg.dedup` (unless `cfg.depth_first`), depth-first per first step otherwise.
/// Parallelism comes from the current rayon pool (wrap the call in `ThreadPool::install` to
/// choose the thread count).
pub fn explore<S, A, B>(
    p: Parties<'_, S, A, B>,
    cfg: &ExploreConfig,
    progress: &dyn Progress,
) -> Exploration
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    if cfg.dedup && !cfg.depth_first {
        return super::levels::explore_levels(p, cfg, progress);
    }
    explore_depth_first(p, cfg, progress)
}

/// Depth-first exploration, one parallel task per first step, each with its own
/// deduplication table when `cfg.dedup`.
pub fn explore_depth_first<S, A, B>(
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
    let a = p.system.steps().len();
    let firsts: Vec<usize> = (0..a).filter(|s| cfg.in_shard(*s)).collect();
    let sequences = firsts
        .iter()
        .map(|s| count::sequences_starting_with(a, cfg.depth, cfg.max_repeat, *s))
        .fold(0u128, |x, y| x.saturating_add(y));
    // Forking the pristine drivers up front means workers need only `Send`, not `Sync`.
    let mut tasks = Vec::with_capacity(firsts.len());
    let mut setup_failures = Groups::default();
    for &s in &firsts {
        match (p.subject.fork(), p.reference.fork()) {
            (Ok(x), Ok(y)) => tasks.push((s, x, y)),
            (x, y) => {
                let findings: Vec<Finding> = [x.err(), y.err()]
                    .into_iter()
                    .flatten()
                    .map(|e| Finding::from_driver(&e))
                    .collect();
                setup_failures.add(p.system, vec![s as StepId], StepFailure::setup(0, findings));
            }
        }
    }
    // Few first steps for the threads (a shard) and deep subtrees: split each first step's
    // subtree by second step too. Not with dedup (its per-first-step table needs the whole
    // subtree in order), nor for shallow subtrees (a task's set-up would cost more than its
    // steps).
    let split = !cfg.dedup && cfg.depth >= 4 && tasks.len() < 4 * rayon::current_num_threads();
    let stop = AtomicBool::new(false);
    let results: Vec<TaskResult> = if cfg.depth == 0 {
        Vec::new()
    } else {
        tasks
            .into_par_iter()
            .map(|(s, x, y)| run_task(p, cfg, s as StepId, x, y, progress, split, &stop))
            .collect()
    };
    let mut out = Exploration {
        sequences,
        steps_per_depth: vec![0; cfg.depth],
        time_per_depth: vec![Duration::ZERO; cfg.depth],
        coverage: CoverageCounter::new(p.system.action_names().len(), p.system.clause_ids().len()),
        groups: setup_failures,
        ..Default::default()
    };
    let mut states: HashSet<(u64, u64)> = HashSet::new();
    for r in results {
        out.steps += r.steps_per_depth.iter().sum::<u64>();
        for (d, n) in r.steps_per_depth.iter().enumerate() {
            out.steps_per_depth[d] += n;
        }
        out.failing_nodes += r.failing_nodes;
        out.groups.merge(r.groups);
        out.coverage.merge(&r.coverage);
        states.extend(r.states);
    }
    out.distinct_states = states.len() as u64;
    out.stopped_early = stop.load(Ordering::Relaxed);
    out.wall = start.elapsed();
    // Reading the clock per step costs more than a step's checks are worth measuring:
    // depth-first runs apportion the wall time by executed steps.
    let total = out.steps.max(1) as f64;
    for (t, n) in out.time_per_depth.iter_mut().zip(&out.steps_per_depth) {
        *t = out.wall.mul_f64(*n as f64 / total);
    }
    out
}

/// A node whose children are being visited.
pub(crate) struct Parent<S: System, A, B> {
    pub model: S::Model,
    pub subject: A,
    pub reference: B,
    pub seen: Option<super::run::Seen<S::Obs>>,
    pub fps: Fps,
    /// The (model hash, subject fingerprint) pair recorded in the distinct states for this
    /// node, once recorded.
    pub state: Option<(u64, u64)>,
}

/// A node's driver fingerprints, computed on first use (and inherited from the parent when
/// a step changed nothing).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Fps {
    s: Option<u64>,
    r: Option<u64>,
}

impl Fps {
    pub fn subject<D: super::system::Driver>(&mut self, d: &D) -> Option<u64> {
        if self.s.is_none() {
            self.s = d.fingerprint().ok();
        }
        self.s
    }
    pub fn reference<D: super::system::Driver>(&mut self, d: &D) -> Option<u64> {
        if self.r.is_none() {
            self.r = d.fingerprint().ok();
        }
        self.r
    }
}

/// Hash of a model state with fixed keys (every task must hash alike).
pub(crate) fn model_hash<M: Hash>(m: &M) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    m.hash(&mut h);
    h.finish()
}

struct TaskResult {
    steps_per_depth: Vec<u64>,
    failing_nodes: u64,
    groups: Groups,
    coverage: CoverageCounter,
    states: HashSet<(u64, u64)>,
}

/// Exact dedup key: the model itself (not its hash) plus both driver fingerprints and, with a
/// repeat cap, how often each step was used (it decides which continuations exist).
#[derive(PartialEq, Eq, Hash)]
struct StateKey<M> {
    model: M,
    subject: u64,
    reference: u64,
    used: Vec<(StepId, u8)>,
}

struct Task<'p, 'a, S: System, A, B> {
    p: Parties<'a, S, A, B>,
    cfg: &'p ExploreConfig,
    alphabet: usize,
    progress: &'p dyn Progress,
    pending_progress: u64,
    /// Subtree sizes by remaining depth (uncapped runs only; capped ones compute them).
    subtree: Vec<u64>,
    prefix: Vec<StepId>,
    used: Vec<u8>,
    visited: HashMap<StateKey<S::Model>, usize>,
    scratch: Vec<Finding>,
    res: TaskResult,
    /// Visit the first step's children as parallel tasks (`children_in_parallel`).
    split: bool,
    /// Set once some task has found `cfg.max_groups` failure groups: every task stops.
    stop: &'p AtomicBool,
}

#[allow(clippy::too_many_arguments)]
fn run_task<S, A, B>(
    p: Parties<'_, S, A, B>,
    cfg: &ExploreConfig,
    first: StepId,
    subject: A,
    reference: B,
    progress: &dyn Progress,
    split: bool,
    stop: &AtomicBool,
) -> TaskResult
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let mut t = Task::new(p, cfg, progress, stop);
    t.split = split;
    let root = Parent {
        model: p.system.init_model(),
        subject,
        reference,
        seen: None,
        fps: Fps::default(),
        state: None,
    };
    t.child(&root, first, None);
    t.progress.covered(t.pending_progress);
    t.res
}

impl<'p, 'a, S: System, A: DriverFor<S>, B: DriverFor<S>> Task<'p, 'a, S, A, B> {
    fn new(
        p: Parties<'a, S, A, B>,
        cfg: &'p ExploreConfig,
        progress: &'p dyn Progress,
        stop: &'p AtomicBool,
    ) -> Self {
        let alphabet = p.system.steps().len();
        let subtree = (0..=cfg.depth)
            .map(|r| {
                u64::try_from(count::subtree_sequences(alphabet, r, None, &[])).unwrap_or(u64::MAX)
            })
            .collect();
        Task {
            p,
            cfg,
            alphabet,
            progress,
            pending_progress: 0,
            subtree,
            prefix: Vec::with_capacity(cfg.depth),
            used: vec![0; alphabet],
            visited: HashMap::new(),
            scratch: Vec::new(),
            split: false,
            stop,
            res: TaskResult {
                steps_per_depth: vec![0; cfg.depth],
                failing_nodes: 0,
                groups: Groups::default(),
                coverage: CoverageCounter::new(
                    p.system.action_names().len(),
                    p.system.clause_ids().len(),
                ),
                states: HashSet::new(),
            },
        }
    }

    /// Visits the children of the first-step node `node` in parallel, one task per second
    /// step, and merges their results in step order (so exactly as a sequential visit would),
    /// keeping every thread busy when a shard has few first steps. Only without
    /// deduplication, whose per-first-step table must see the whole subtree in order.
    fn children_in_parallel(&mut self, node: &Parent<S, A, B>) {
        let (p, cfg, progress, stop) = (self.p, self.cfg, self.progress, self.stop);
        let steps: Vec<StepId> = (0..self.alphabet)
            .filter(|s| cfg.max_repeat.is_none_or(|k| u32::from(self.used[*s]) < k))
            .map(|s| s as StepId)
            .collect();
        let (prefix, used) = (&self.prefix, &self.used);
        let subs: Vec<TaskResult> = steps
            .into_par_iter()
            .map(|s| {
                let mut t = Task::new(p, cfg, progress, stop);
                t.prefix.clone_from(prefix);
                t.used.clone_from(used);
                t.child(node, s, None);
                t.progress.covered(t.pending_progress);
                t.res
            })
            .collect();
        for r in subs {
            for (d, n) in r.steps_per_depth.iter().enumerate() {
                self.res.steps_per_depth[d] += n;
            }
            self.res.failing_nodes += r.failing_nodes;
            self.res.groups.merge(r.groups);
            self.res.coverage.merge(&r.coverage);
            self.res.states.extend(r.states);
        }
    }

    /// Visits the node `prefix + step` below `parent`, then its subtree. `spare` is a pair of
    /// drivers interchangeable with a fresh fork of the parent's (a previous sibling's that its
    /// step provably left unchanged), used instead of forking. Returns this node's drivers
    /// when they are such a pair, for the next sibling.
    fn child(
        &mut self,
        parent: &Parent<S, A, B>,
        step: StepId,
        spare: Option<(A, B)>,
    ) -> Option<(A, B)> {
        if self.stop.load(Ordering::Relaxed) {
            return spare;
        }
        let position = self.prefix.len();
        let remaining = self.cfg.depth - position - 1;
        self.prefix.push(step);
        self.used[step as usize] += 1;
        let forked = match spare {
            Some((x, y)) => (Ok(x), Ok(y)),
            None => (parent.subject.fork(), parent.reference.fork()),
        };
        let (mut subject, mut reference) = match forked {
            (Ok(x), Ok(y)) => (x, y),
            (x, y) => {
                let findings = [x.err(), y.err()]
                    .into_iter()
                    .flatten()
                    .map(|e| Finding::from_driver(&e))
                    .collect();
                let failure = StepFailure::setup(position, findings);
                self.fail(failure, remaining);
                return None;
            }
        };
        let (model, result) = self.p.exec_step(
            &parent.model,
            parent.seen.as_ref(),
            Some((&parent.subject, &parent.reference)),
            &mut subject,
            &mut reference,
            step,
            position,
            &mut self.res.coverage,
            &mut self.scratch,
        );
        self.res.steps_per_depth[position] += 1;
        let seen = match result {
            Ok(s) => s,
            Err(f) => {
                self.fail(f, remaining);
                return None;
            }
        };
        let reusable = seen.reusable;
        let (fps, state) = if seen.unchanged {
            // Same drivers' states and, if the model is the parent's too, the same pair of
            // (model hash, fingerprint) the parent recorded.
            let same = self.p.system.same_model(&parent.model, &model);
            (parent.fps, parent.state.filter(|_| same))
        } else {
            (Fps::default(), None)
        };
        let mut node = Parent {
            model,
            subject,
            reference,
            seen: Some(seen),
            fps,
            state,
        };
        let explore_below = self.note_state(&mut node, remaining);
        if explore_below && position == 0 && self.split {
            self.tick(1);
            self.children_in_parallel(&node);
        } else if explore_below {
            self.tick(1);
            let mut spare = None;
            for s in 0..self.alphabet {
                if self
                    .cfg
                    .max_repeat
                    .is_some_and(|k| u32::from(self.used[s]) >= k)
                {
                    continue;
                }
                spare = self.child(&node, s as StepId, spare.take());
            }
        } else {
            let n = self.subtree_size(remaining);
            self.tick(n);
        }
        self.used[step as usize] -= 1;
        self.prefix.pop();
        // The children forked from this node and left it as it was.
        reusable.then_some((node.subject, node.reference))
    }

    /// Records the state reached; returns whether its subtree still needs exploring.
    fn note_state(&mut self, node: &mut Parent<S, A, B>, remaining: usize) -> bool {
        let Some(fs) = node.fps.subject(&node.subject) else {
            // No fingerprint: explore (never merge what cannot be compared).
            return remaining > 0;
        };
        if node.state.is_none() {
            let pair = (model_hash(&node.model), fs);
            self.res.states.insert(pair);
            node.state = Some(pair);
        }
        if remaining == 0 {
            return false;
        }
        if !self.cfg.dedup {
            return true;
        }
        let Some(fr) = node.fps.reference(&node.reference) else {
            return true;
        };
        let used = if self.cfg.max_repeat.is_some() {
            self.prefix_counts()
        } else {
            Vec::new()
        };
        let key = StateKey {
            model: node.model.clone(),
            subject: fs,
            reference: fr,
            used,
        };
        match self.visited.get_mut(&key) {
            Some(r) if *r >= remaining => false,
            Some(r) => {
                *r = remaining;
                true
            }
            None => {
                self.visited.insert(key, remaining);
                true
            }
        }
    }

    fn prefix_counts(&self) -> Vec<(StepId, u8)> {
        let mut v: Vec<(StepId, u8)> = self
            .prefix
            .iter()
            .map(|s| (*s, self.used[*s as usize]))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn subtree_size(&self, remaining: usize) -> u64 {
        match self.cfg.max_repeat {
            None => self.subtree[remaining],
            Some(k) => u64::try_from(count::subtree_sequences(
                self.alphabet,
                remaining,
                Some(k),
                &self.prefix,
            ))
            .unwrap_or(u64::MAX),
        }
    }

    fn fail(&mut self, failure: StepFailure, remaining: usize) {
        self.res.failing_nodes += 1;
        self.res
            .groups
            .add(self.p.system, self.prefix.clone(), failure);
        if self
            .cfg
            .max_groups
            .is_some_and(|m| self.res.groups.len() >= m)
        {
            self.stop.store(true, Ordering::Relaxed);
        }
        let n = self.subtree_size(remaining);
        self.tick(n);
        let step = self.prefix.pop();
        if let Some(s) = step {
            self.used[s as usize] -= 1;
        }
    }

    fn tick(&mut self, n: u64) {
        self.pending_progress += n;
        if self.pending_progress >= 4096 {
            self.progress.covered(self.pending_progress);
            self.pending_progress = 0;
        }
    }
}

/// A stable 64-bit FNV-1a hash (ids must not change between Rust versions or runs).
pub fn stable_hash(parts: impl IntoIterator<Item = impl AsRef<[u8]>>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.as_ref().iter().chain(std::iter::once(&0xffu8)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Number of sequences the progress bar counts towards (shard total), as `u64`.
pub fn progress_total(alphabet: usize, cfg: &ExploreConfig) -> u64 {
    let n = (0..alphabet)
        .filter(|s| cfg.in_shard(*s))
        .map(|s| count::sequences_starting_with(alphabet, cfg.depth, cfg.max_repeat, s))
        .fold(0u128, |x, y| x.saturating_add(y));
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Observer that counts progress into an atomic (tests and plain-line reporting).
#[derive(Debug, Default)]
pub struct CountingProgress(pub AtomicU64);
impl Progress for CountingProgress {
    fn covered(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}
