//! Specs: YAML files (`specs/*.yaml`, merged) holding numbered clauses and actions with
//! ordered preconditions, effects and postconditions. Loading validates every name against
//! the model's registries and expands each action into concrete steps; the resulting
//! [`Spec`] is what the engine explores: it predicts each step from a model state and checks
//! what the system under test returned and looks like afterwards.
//!
//! ```yaml
//! clauses:                       # usually in clauses.yaml
//!   - { id: OPEN-3, rule: "open of a directory is IsADirectory", source: "semantics §4" }
//! config: { quota: 400, chunk_overhead: 64, max_nodes: 5, slots: 2 }
//! domains:                       # named value lists, shared by actions
//!   small: { kind: bytes, values: ["", "hello", { fill: "m", len: 200 }] }
//! invariants:                    # checked after every step
//!   - { check: "used_within_quota()", clause: QUOTA-11 }
//! actions:
//!   - name: open_rb
//!     params:                    # with values: ranged (cartesian); kind only: set by cases
//!       path: { kind: path }
//!       slot: { kind: slot, values: [0, 1] }
//!       mode: { kind: mode, values: [rb] }
//!     cases: [ { path: /a }, { path: /a/b } ]
//!     call: { op: open, slot: $slot, path: $path, mode: $mode }
//!     pre:                       # ordered: the first failing one decides the error
//!       - { if: "valid_path(path)", else: InvalidInput, clause: PATH-9 }
//!       - { if: "not is_dir(path)", else: IsADirectory, clause: OPEN-3 }
//!       - { if: "is_file(path)", else: NotFound, clause: [OPEN-4, TREE-8] }
//!     effect: [ "open(slot, path, mode)" ]
//!     post:                      # on the system's return value and observed state
//!       - { check: "observed_handle_matches(slot)", clause: OPEN-13 }
//! ```
//! Kinds: path, slot, mode, bytes, int, opt_size, bool, whence, entries (`[[path, data], ...]`),
//! guard_mode (`none`, `init`, `per_write`), guard_action (`warn`, `error`).
//! Conditions (`not`, `and`, `or`, parentheses; value functions such as `parent(p)` as
//! arguments), effects and checks are listed by `harness list actions` and defined in
//! `crate::fs::model::{conditions, effects, checks}`; the memory guard's preconditions
//! (`guard_allows_*`) are `crate::fs::model::guard`'s and stand alone in a `pre:` entry. A file
//! with `extends: DIR` loads that spec directory first and overrides its `config:` keys
//! (variants). `config:` keys are `crate::fs::config::FsConfig`'s (`memory_guard`,
//! `memory_guard_action`, `available_memory`, `host_root` relative to the file; see `config`).
mod calls;
mod compile;
mod config;
pub mod error;
pub mod expr;
mod list;
mod load;
pub mod raw;
mod resolve;
mod values;

pub use error::{SpecError, SpecErrors};
pub use load::{
    load_spec_files, load_spec_files_with, load_spec_sources, load_spec_sources_with, load_specs,
    load_specs_with,
};

use crate::fs::call::{Call, CallOutcome, ErrKind};
use crate::fs::config::GuardMode;
use crate::fs::model::Mismatch;
use crate::fs::model::args::Arg;
use crate::fs::model::checks::{CheckFn, PostCtx, Trace};
use crate::fs::model::conditions::CondFn;
use crate::fs::model::effects::EffectFn;
use crate::fs::model::guard::{self, Decision, RequestFn};
use crate::fs::model::{self, FsConfig, ModelState};
use crate::fs::observation::Observation;
use std::ops::Range;

/// Index of a clause in [`Spec::clauses`].
pub type ClauseIdx = u16;

/// A numbered requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub id: String,
    pub rule: String,
    pub source: String,
    /// Why exploration cannot reach it, if it cannot.
    pub unreachable: Option<String>,
    pub file: String,
    pub line: u64,
}

/// An action as written in the spec (for listings and reports).
#[derive(Debug, Clone)]
pub struct ActionInfo {
    pub name: String,
    pub doc: Option<String>,
    /// The operation it calls.
    pub op: &'static str,
    /// Parameter names and kinds, in declared order.
    pub params: Vec<(String, &'static str)>,
    /// Preconditions: expression text, error kind, clauses.
    pub pre: Vec<(String, ErrKind, Vec<ClauseIdx>)>,
    pub effects: Vec<String>,
    /// Postconditions: check text, clauses.
    pub post: Vec<(String, Vec<ClauseIdx>)>,
    /// Clauses listed under the action's `clauses:`.
    pub listed: Vec<ClauseIdx>,
    /// Its concrete steps (indices into [`Spec::steps`]).
    pub steps: Range<usize>,
    pub file: String,
    pub line: u64,
}

/// A compiled condition expression with its arguments bound.
#[derive(Debug, Clone)]
pub(crate) enum CExpr {
    Cond(CondFn, Box<[Arg]>),
    /// A memory-guard condition: holds unless the guard refuses the request.
    Guard(RequestFn, Box<[Arg]>),
    Not(Box<CExpr>),
    All(Vec<CExpr>),
    Any(Vec<CExpr>),
}

impl CExpr {
    fn eval(&self, st: &ModelState, cfg: &FsConfig) -> bool {
        match self {
            CExpr::Cond(f, a) => f(st, cfg, a),
            CExpr::Guard(f, a) => guard::decide(cfg, f(st, cfg, a)) != Decision::Refuse,
            CExpr::Not(x) => !x.eval(st, cfg),
            CExpr::All(v) => v.iter().all(|x| x.eval(st, cfg)),
            CExpr::Any(v) => v.iter().any(|x| x.eval(st, cfg)),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CPre {
    cond: CExpr,
    err: ErrKind,
    clauses: Box<[ClauseIdx]>,
}

#[derive(Debug, Clone)]
pub(crate) struct CCheck {
    f: CheckFn,
    args: Box<[Arg]>,
    clauses: Box<[ClauseIdx]>,
    /// Reads only the state, never the outcome (see `resolve::TCheck::state_only`).
    state_only: bool,
}

/// One concrete step: an action with its parameters bound.
#[derive(Debug, Clone)]
pub struct Step {
    /// Index into [`Spec::actions`].
    pub action: usize,
    /// `open_wb(path=/a, slot=0)`.
    pub label: String,
    /// The call every driver executes.
    pub call: Call,
    pre: Vec<CPre>,
    effects: Vec<(EffectFn, Box<[Arg]>)>,
    post: Vec<CCheck>,
}

/// What the model predicts for one step, without the next state (see [`Spec::predict_mut`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub step: u32,
    /// `Ok`, or the error of the first failing precondition.
    pub outcome: Result<(), ErrKind>,
    /// How many preconditions were evaluated (all held except the last if `failed`).
    pub evaluated: u8,
    pub failed: bool,
}

impl Verdict {
    /// Each evaluated precondition's clauses with whether it held, in order. A memory-guard
    /// precondition counts only where the guard checks allocations (`per_write`): elsewhere it
    /// holds by construction and decided nothing, so it names no clause (in coverage, and in
    /// the clauses of a failure, which group failures: a spec without a guard groups as before).
    pub fn pre_results<'a>(&self, spec: &'a Spec) -> impl Iterator<Item = (ClauseIdx, bool)> + 'a {
        let n = usize::from(self.evaluated);
        let failed = self.failed;
        let guard_on = spec.config.memory_guard == GuardMode::PerWrite;
        let pres = spec
            .steps
            .get(self.step as usize)
            .map_or(&[][..], |s| &s.pre[..n.min(s.pre.len())]);
        pres.iter().enumerate().flat_map(move |(i, p)| {
            let held = !(failed && i + 1 == n);
            let counts = guard_on || !matches!(p.cond, CExpr::Guard(..));
            p.clauses
                .iter()
                .filter(move |_| counts)
                .map(move |c| (*c, held))
        })
    }
}

/// A prediction: the verdict and the next state (equal to the old one on an error).
#[derive(Debug, Clone)]
pub struct Prediction {
    pub verdict: Verdict,
    pub next: ModelState,
}

impl Prediction {
    /// `Ok`, or the expected error.
    pub fn outcome(&self) -> Result<(), ErrKind> {
        self.verdict.outcome
    }
}

/// The result of one postcondition or invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostResult {
    pub clause: ClauseIdx,
    pub ok: bool,
    /// Empty when `ok`; otherwise what differed.
    pub message: String,
}

/// A loaded, validated, expanded spec.
#[derive(Debug)]
pub struct Spec {
    pub clauses: Vec<Clause>,
    pub actions: Vec<ActionInfo>,
    pub steps: Vec<Step>,
    pub config: FsConfig,
    invariants: Vec<CCheck>,
}

impl Spec {
    fn assemble(
        clauses: Vec<Clause>,
        actions: Vec<ActionInfo>,
        steps: Vec<Step>,
        invariants: Vec<CCheck>,
        config: FsConfig,
    ) -> Spec {
        Spec {
            clauses,
            actions,
            steps,
            config,
            invariants,
        }
    }

    /// The model state before any step: only the root, every slot empty.
    pub fn init_state(&self) -> ModelState {
        ModelState::new(&self.config)
    }

    /// Predicts `step` from `st` and advances `st` in place (unchanged on a predicted error,
    /// but for the memory-guard warnings counted before the failing precondition).
    /// An out-of-range step predicts `InvalidInput` and changes nothing.
    pub fn predict_mut(&self, st: &mut ModelState, step: usize) -> Verdict {
        let sid = u32::try_from(step).unwrap_or(u32::MAX);
        let Some(s) = self.steps.get(step) else {
            return Verdict {
                step: sid,
                outcome: Err(ErrKind::InvalidInput),
                evaluated: 0,
                failed: false,
            };
        };
        for (i, p) in s.pre.iter().enumerate() {
            // A guard's decision, taken once: it refuses (the precondition fails) or warns.
            let held = match &p.cond {
                CExpr::Guard(f, a) => match guard::decide(&self.config, f(st, &self.config, a)) {
                    Decision::Refuse => false,
                    Decision::Warn => {
                        // Recorded when the guard is reached, even if a later precondition
                        // then fails the call: the warning is not filesystem state (GUARD-11).
                        st.add_warning();
                        true
                    }
                    Decision::Pass => true,
                },
                cond => cond.eval(st, &self.config),
            };
            if !held {
                let evaluated = u8::try_from(i + 1).unwrap_or(u8::MAX);
                return Verdict {
                    step: sid,
                    outcome: Err(p.err),
                    evaluated,
                    failed: true,
                };
            }
        }
        for (f, a) in &s.effects {
            f(st, &self.config, a);
        }
        let evaluated = u8::try_from(s.pre.len()).unwrap_or(u8::MAX);
        Verdict {
            step: sid,
            outcome: Ok(()),
            evaluated,
            failed: false,
        }
    }

    /// Predicts `step` from `st`: the expected outcome, the next state and the precondition
    /// trace.
    pub fn predict(&self, st: &ModelState, step: usize) -> Prediction {
        let mut next = st.clone();
        let verdict = self.predict_mut(&mut next, step);
        Prediction { verdict, next }
    }

    /// Postconditions (only when the call returned `Ok`) and invariants (always), evaluated
    /// on what the system returned and looks like, against the predicted next state.
    pub fn check_post(
        &self,
        step: usize,
        next: &ModelState,
        outcome: &CallOutcome,
        obs: &Observation,
    ) -> Vec<PostResult> {
        let mut out = Vec::new();
        self.check_post_into(step, next, outcome, obs, false, Trace::default(), &mut out);
        out
    }

    /// [`Spec::check_post`] appending to a caller's buffer (no allocation when all pass).
    ///
    /// `settled`: `next` and `obs` are exactly the model state and observation the previous
    /// step was checked against, and every invariant held there. An invariant that reads only
    /// the state (never the outcome) is a pure function of them and its (constant) arguments,
    /// so it holds again: it is neither evaluated nor reported a second time (its clauses are
    /// [`Spec::settled_clauses`], which the caller counts as checked). `trace`: what the
    /// model and the subject's driver say the step changed (see `left_no_trace`).
    #[allow(clippy::too_many_arguments)]
    pub fn check_post_into(
        &self,
        step: usize,
        next: &ModelState,
        outcome: &CallOutcome,
        obs: &Observation,
        settled: bool,
        trace: Trace,
        out: &mut Vec<PostResult>,
    ) {
        let ctx = PostCtx {
            st: next,
            cfg: &self.config,
            outcome,
            obs,
            trace,
        };
        let posts = match (self.steps.get(step), outcome) {
            (Some(s), CallOutcome::Ok(_)) => &s.post[..],
            _ => &[][..],
        };
        let n_posts = posts.len();
        for (i, c) in posts.iter().chain(&self.invariants).enumerate() {
            if settled && i >= n_posts && c.state_only {
                continue;
            }
            let r = (c.f)(&ctx, &c.args);
            for &clause in c.clauses.iter() {
                let (ok, message) = match &r {
                    Ok(()) => (true, String::new()),
                    Err(m) => (false, m.0.clone()),
                };
                out.push(PostResult {
                    clause,
                    ok,
                    message,
                });
            }
        }
    }

    /// Whether the observation abstracts to the model state (tree, contents, generations,
    /// stats, handles); `Err` says what differs.
    pub fn model_matches(&self, st: &ModelState, obs: &Observation) -> Result<(), Mismatch> {
        model::matches(st, &self.config, obs)
    }

    /// The step with this display label (`open_wb(path=/a, slot=0, prealloc=0, mode=wb)`).
    pub fn step_index(&self, label: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.label == label)
    }

    /// The clause ids, indexed by [`ClauseIdx`].
    pub fn clause_ids(&self) -> Vec<String> {
        self.clauses.iter().map(|c| c.id.clone()).collect()
    }

    /// The index of a clause id.
    pub fn clause_index(&self, id: &str) -> Option<ClauseIdx> {
        self.clauses
            .iter()
            .position(|c| c.id == id)
            .and_then(|i| ClauseIdx::try_from(i).ok())
    }

    /// Clauses referenced by some precondition, postcondition or invariant, with whether a
    /// precondition (true) or only checks (false) reference them.
    pub fn referenced_clauses(&self) -> std::collections::BTreeMap<ClauseIdx, bool> {
        let mut m = std::collections::BTreeMap::new();
        for a in &self.actions {
            for (_, _, cs) in &a.pre {
                for c in cs {
                    m.insert(*c, true);
                }
            }
            for (_, cs) in &a.post {
                for c in cs {
                    m.entry(*c).or_insert(false);
                }
            }
        }
        for i in &self.invariants {
            for c in i.clauses.iter() {
                m.entry(*c).or_insert(false);
            }
        }
        m
    }

    /// Clauses of the invariants that read only the state, each once per invariant naming it:
    /// what [`Spec::check_post_into`] leaves out when `settled` (they hold, see there).
    pub fn settled_clauses(&self) -> impl Iterator<Item = ClauseIdx> + '_ {
        self.invariants
            .iter()
            .filter(|i| i.state_only)
            .flat_map(|i| i.clauses.iter().copied())
    }

    /// Clause indices of the invariants (checked after every step).
    pub fn invariant_clauses(&self) -> Vec<ClauseIdx> {
        self.invariants
            .iter()
            .flat_map(|i| i.clauses.iter().copied())
            .collect()
    }
}
