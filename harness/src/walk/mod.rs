//! Random walks over the spec's wider `walk:` alphabet: proptest-state-machine generates
//! sequences with the spec model as its `ReferenceStateMachine` (each transition one step,
//! applied by the model's prediction), every sequence is executed and checked exactly as the
//! explorer checks a step (`Parties::run_sequence`), a failing one is shrunk by proptest and
//! then made 1-minimal within its root cause (`engine::shrink`), and failures are grouped
//! (`engine::group`). Deterministic for a seed; proptest's failure persistence is off (the
//! regression files are the persistence).

use crate::engine::group::{GroupKey, Groups};
use crate::engine::run::{DriverFor, Parties};
use crate::engine::shrink::{Shrunk, shrink_while};
use crate::engine::system::{StepId, System};
use crate::fs::model::ModelState;
use crate::fs::system::FsSystem;
use proptest::arbitrary::any;
use proptest::sample::Index;
use proptest::strategy::{BoxedStrategy, Just, Strategy};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use proptest_state_machine::ReferenceStateMachine;
use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one walk run does.
#[derive(Debug, Clone)]
pub struct WalkConfig {
    /// The seed every random choice derives from.
    pub seed: u64,
    /// Sequences (proptest cases) to generate.
    pub cases: u32,
    /// Longest sequence, in steps.
    pub steps: usize,
    /// Stop cleanly (between sequences) once this much time is spent.
    pub time: Option<Duration>,
    /// Stop after this many failing sequences (each is shrunk, which costs).
    pub max_failures: usize,
}

/// What a walk run found.
#[derive(Debug)]
pub struct WalkOutcome {
    /// Sequences generated and checked.
    pub cases: u32,
    /// Steps executed (generation and shrinking).
    pub steps: u64,
    /// Failure groups (by root cause), witnesses shrunk.
    pub groups: Groups,
    /// Each group's shrunk witness, in group order.
    pub shrunk: Vec<(GroupKey, Shrunk)>,
    /// The time budget ended the run before `cases` sequences.
    pub stopped_by_time: bool,
    pub elapsed: Duration,
}

/// The state the static `ReferenceStateMachine` functions reach: the system and its steps by
/// action (set for the duration of one run on the running thread).
struct Ctx {
    system: Arc<FsSystem>,
    by_action: Arc<Vec<Vec<StepId>>>,
}

/// Steps drawn per transition, of which the first the model accepts is usually taken.
const CANDIDATES: usize = 8;

thread_local! {
    static CTX: RefCell<Option<Ctx>> = const { RefCell::new(None) };
}

fn with_ctx<R>(f: impl FnOnce(&Ctx) -> R) -> Option<R> {
    CTX.with(|c| c.borrow().as_ref().map(f))
}

/// The spec model as proptest-state-machine's reference machine: the state is the model
/// state, a transition a step of the walk alphabet (an action drawn uniformly, then one of
/// its steps), applying it is the model's prediction.
pub struct SpecMachine;

impl ReferenceStateMachine for SpecMachine {
    type State = ModelState;
    type Transition = StepId;

    fn init_state() -> BoxedStrategy<ModelState> {
        // Only `walk` runs this machine, and it sets the context first.
        #[allow(clippy::expect_used)]
        let m = with_ctx(|c| c.system.init_model()).expect("walk() sets the context");
        Just(m).boxed()
    }

    fn transitions(state: &ModelState) -> BoxedStrategy<StepId> {
        let Some((system, by)) = with_ctx(|c| (Arc::clone(&c.system), Arc::clone(&c.by_action)))
        else {
            return Just(0).boxed();
        };
        if by.is_empty() {
            return Just(0).boxed();
        }
        // A uniform draw is mostly refused steps (an open on a missing parent, a read on a
        // closed slot) and long walks would rarely build deep state. So draw CANDIDATES steps
        // (an action uniformly, then one of its steps) and, three times in four, take the first
        // one the model accepts; else (or if none is accepted) the first: refusals stay in.
        let state = state.clone();
        let draw = (0..by.len(), any::<Index>());
        (any::<u8>(), proptest::collection::vec(draw, CANDIDATES))
            .prop_map(move |(coin, cands)| {
                let ids: Vec<StepId> = cands
                    .iter()
                    .map(|(a, i)| {
                        let v = &by[*a];
                        v[i.index(v.len())]
                    })
                    .collect();
                let accepted = |id: &&StepId| {
                    let mut m = state.clone();
                    system.predict(&mut m, **id).outcome.is_ok()
                };
                let pick = if coin % 4 == 0 {
                    None
                } else {
                    ids.iter().find(accepted)
                };
                pick.or(ids.first()).copied().unwrap_or(0)
            })
            .boxed()
    }

    fn apply(mut state: ModelState, t: &StepId) -> ModelState {
        with_ctx(|c| {
            c.system.predict(&mut state, *t);
        });
        state
    }
}

/// The 32-byte ChaCha seed of a `--seed`.
fn rng_seed(seed: u64) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (i, chunk) in b.chunks_mut(8).enumerate() {
        let v = seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        chunk.copy_from_slice(&v.to_le_bytes());
    }
    b
}

/// Runs a walk over `system` (a walk alphabet: `FsSystem` loaded with `walk`) with the given
/// drivers. `Err` only if proptest cannot generate (an empty alphabet).
pub fn walk<A: DriverFor<FsSystem>, B: DriverFor<FsSystem>>(
    system: Arc<FsSystem>,
    subject: &A,
    reference: &B,
    cfg: &WalkConfig,
) -> Result<WalkOutcome, String> {
    let sys: &FsSystem = &system;
    let mut by_action: Vec<Vec<StepId>> = vec![Vec::new(); sys.action_names().len()];
    for id in 0..sys.steps().len() {
        let id = StepId::try_from(id).map_err(|_| "the alphabet is too large".to_string())?;
        if let Some(v) = by_action.get_mut(sys.action_of(id)) {
            v.push(id);
        }
    }
    by_action.retain(|v| !v.is_empty());
    if by_action.is_empty() {
        return Err("the walk alphabet is empty: the spec has no steps".into());
    }
    CTX.with(|c| {
        *c.borrow_mut() = Some(Ctx {
            system: Arc::clone(&system),
            by_action: Arc::new(by_action),
        })
    });
    let r = run(sys, subject, reference, cfg);
    CTX.with(|c| *c.borrow_mut() = None);
    r
}

fn run<A: DriverFor<FsSystem>, B: DriverFor<FsSystem>>(
    sys: &FsSystem,
    subject: &A,
    reference: &B,
    cfg: &WalkConfig,
) -> Result<WalkOutcome, String> {
    let p = Parties {
        system: sys,
        subject,
        reference,
        verify_shortcuts: false,
    };
    let started = Instant::now();
    let config = Config {
        cases: cfg.cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &rng_seed(cfg.seed));
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = SpecMachine::sequential_strategy(1..=cfg.steps.max(1));
    let steps = Cell::new(0u64);
    let mut groups = Groups::default();
    let mut failures = 0usize;
    let mut cases = 0u32;
    let mut stopped_by_time = false;
    for _ in 0..cfg.cases {
        if cfg.time.is_some_and(|t| started.elapsed() >= t) {
            stopped_by_time = true;
            break;
        }
        let tree = strategy.new_tree(&mut runner).map_err(|e| e.to_string())?;
        cases += 1;
        let result = runner.run_one(tree, |(_, seq, seen)| {
            let failure = p.run_sequence(&seq);
            // The sequential strategy's shrinker first drops the transitions the test never
            // ran; it learns how many ran from this counter (left at 0 it would shrink every
            // failure to the empty sequence).
            let ran = failure.as_ref().map_or(seq.len(), |f| f.position + 1);
            if let Some(seen) = seen {
                seen.store(ran, std::sync::atomic::Ordering::SeqCst);
            }
            steps.set(steps.get() + ran as u64);
            match failure {
                None => Ok(()),
                Some(f) => Err(TestCaseError::fail(f.message())),
            }
        });
        match result {
            Ok(_) => {}
            Err(TestError::Abort(why)) => return Err(why.to_string()),
            Err(TestError::Fail(why, (_, seq, _))) => {
                let Some(f) = p.run_sequence(&seq) else {
                    // Never dropped as a pass: the same steps failed a moment ago.
                    return Err(format!(
                        "a walk sequence failed ({why}) but its {} steps pass when run again: a party is nondeterministic",
                        seq.len()
                    ));
                };
                let end = f.position.min(seq.len().saturating_sub(1));
                groups.add(sys, seq[..=end].to_vec(), f);
                failures += 1;
                if failures >= cfg.max_failures {
                    break;
                }
            }
        }
    }
    // Each group's witness made 1-minimal without drifting into another root cause.
    let mut shrunk = Vec::new();
    for g in groups.iter() {
        let key = g.key.clone();
        let keeps =
            |s: &[StepId], f: &crate::engine::run::StepFailure| GroupKey::of(sys, s, f) == key;
        if let Some(s) = shrink_while(p, &g.witness, keeps) {
            steps.set(steps.get() + s.attempts as u64 * s.steps.len() as u64);
            shrunk.push((g.key.clone(), s));
        }
    }
    Ok(WalkOutcome {
        cases,
        steps: steps.get(),
        groups,
        shrunk,
        stopped_by_time,
        elapsed: started.elapsed(),
    })
}
