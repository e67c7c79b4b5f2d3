//! The filesystem as an engine [`System`]: the loaded spec (model, preconditions, effects,
//! postconditions, invariants) over the call vocabulary. Which drivers run it is the subject's
//! business (`crate::fs::subject`); the system only predicts and checks.

use crate::engine::system::{CheckKind, CoverageCounter, Finding, StepCheck, StepId, System};
use crate::fs::call::{Call, CallOutcome, ErrKind};
use crate::fs::compare::Comparison;
use crate::fs::config::FsConfig;
use crate::fs::model::ModelState;
use crate::fs::model::checks::Trace;
use crate::fs::observation::Observation;
use crate::fs::spec::{PostResult, Spec, SpecErrors, Verdict};
use std::cell::RefCell;
use std::path::Path;

/// The loaded spec as a [`System`].
#[derive(Debug)]
pub struct FsSystem {
    spec: Spec,
    /// The alphabet: spec step `index[i]` is step `i` (all of them, unless a subject lacks
    /// some ops).
    index: Vec<usize>,
    calls: Vec<Call>,
    /// What is compared between the subject and the reference (timestamps by value or by
    /// order, and which parts the subject reports).
    comparison: Comparison,
    action_names: Vec<String>,
    clause_ids: Vec<String>,
    /// `is_invariant[c]`: clause `c` is checked by an invariant (reported as such).
    is_invariant: Vec<bool>,
}

thread_local! {
    /// Postcondition results of the current step, reused so a passing step allocates nothing.
    static POST: RefCell<Vec<PostResult>> = const { RefCell::new(Vec::new()) };
}

impl FsSystem {
    /// Wraps a loaded spec.
    pub fn new(spec: Spec) -> Self {
        let calls = spec.steps.iter().map(|s| s.call.clone()).collect();
        let index = (0..spec.steps.len()).collect();
        let action_names = spec.actions.iter().map(|a| a.name.clone()).collect();
        let clause_ids = spec.clause_ids();
        let mut is_invariant = vec![false; clause_ids.len()];
        for c in spec.invariant_clauses() {
            if let Some(x) = is_invariant.get_mut(usize::from(c)) {
                *x = true;
            }
        }
        FsSystem {
            spec,
            index,
            calls,
            comparison: Comparison::default(),
            action_names,
            clause_ids,
            is_invariant,
        }
    }

    /// The spec.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Compares as `c` says (chosen from a process subject's handshake).
    pub fn set_comparison(&mut self, c: Comparison) {
        self.comparison = c;
    }

    /// What this run compares.
    pub fn comparison(&self) -> Comparison {
        self.comparison
    }

    /// Drops from the alphabet every step whose op is not in `ops` (a subject that does not
    /// implement them); returns the dropped op names, sorted, for the run's summary.
    pub fn keep_ops(&mut self, ops: &[String]) -> Vec<String> {
        let mut dropped: Vec<String> = Vec::new();
        let (mut index, mut calls) = (Vec::new(), Vec::new());
        for (i, s) in self.spec.steps.iter().enumerate() {
            if ops.iter().any(|o| o == s.call.op()) {
                index.push(i);
                calls.push(s.call.clone());
            } else if !dropped.iter().any(|d| d == s.call.op()) {
                dropped.push(s.call.op().to_string());
            }
        }
        dropped.sort();
        self.index = index;
        self.calls = calls;
        dropped
    }

    /// The spec step of alphabet step `step`.
    fn spec_step(&self, step: StepId) -> usize {
        self.index.get(step as usize).copied().unwrap_or(usize::MAX)
    }

    /// The filesystem configuration the spec asks for (every driver is built with it).
    pub fn fs_config(&self) -> FsConfig {
        self.spec.config.clone()
    }

    /// Loads the specs of `dir` (the loader's `file:line:col` errors on failure).
    pub fn load(dir: &Path) -> Result<FsSystem, SpecErrors> {
        Self::load_walk(dir, false)
    }

    /// [`FsSystem::load`]; with `walk`, over the spec's wider `walk:` alphabet (a superset).
    pub fn load_walk(dir: &Path, walk: bool) -> Result<FsSystem, SpecErrors> {
        crate::fs::spec::load_specs_with(dir, walk).map(FsSystem::new)
    }

    fn clause_names(&self, idx: impl IntoIterator<Item = u16>) -> Vec<String> {
        let mut v: Vec<String> = idx
            .into_iter()
            .filter_map(|c| self.clause_ids.get(usize::from(c)).cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

impl System for FsSystem {
    type Step = Call;
    type Model = ModelState;
    type Prediction = Verdict;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn steps(&self) -> &[Call] {
        &self.calls
    }
    fn label(&self, step: StepId) -> &str {
        self.spec
            .steps
            .get(self.spec_step(step))
            .map_or("?", |s| s.label.as_str())
    }
    fn action_names(&self) -> &[String] {
        &self.action_names
    }
    fn action_of(&self, step: StepId) -> usize {
        self.spec
            .steps
            .get(self.spec_step(step))
            .map_or(usize::MAX, |s| s.action)
    }
    fn clause_ids(&self) -> &[String] {
        &self.clause_ids
    }
    fn clause_text(&self, i: usize) -> Option<&str> {
        self.spec.clauses.get(i).map(|c| c.rule.as_str())
    }
    fn init_model(&self) -> ModelState {
        self.spec.init_state()
    }
    fn same_model(&self, before: &ModelState, after: &ModelState) -> bool {
        before.shares_with(after)
    }
    fn predict(&self, model: &mut ModelState, step: StepId) -> Verdict {
        self.spec.predict_mut(model, self.spec_step(step))
    }

    fn check(&self, c: &StepCheck<'_, Self>, cov: &mut CoverageCounter, out: &mut Vec<Finding>) {
        let v = c.prediction;
        // Model and observation exactly as the previous step left them, checked and passed
        // there: the invariants and the abstraction (pure functions of them) hold again.
        let settled = c.obs_unchanged && self.same_model(c.model_before, c.model_after);
        for (clause, held) in v.pre_results(&self.spec) {
            if held {
                cov.held(usize::from(clause));
            } else {
                cov.failed(usize::from(clause));
            }
        }
        let matches = match (&v.outcome, c.outcome) {
            (Ok(()), CallOutcome::Ok(_)) => true,
            (Err(k), CallOutcome::Err { kind, .. }) => k == kind,
            _ => false,
        };
        if !matches {
            let mut f = Finding::new(
                CheckKind::Outcome,
                format!(
                    "{}: expected {}, got {}",
                    self.label(c.step),
                    self.describe_expected(v),
                    c.outcome.describe()
                ),
            );
            // The clauses that decided the prediction: the failing precondition's, or every
            // evaluated precondition's when success was predicted.
            f.clauses = self.clause_names(
                v.pre_results(&self.spec)
                    .filter(|(_, held)| !*held || !v.failed)
                    .map(|(c, _)| c),
            );
            out.push(f);
        }
        POST.with(|buf| {
            let mut buf = buf.borrow_mut();
            buf.clear();
            self.spec.check_post_into(
                self.spec_step(c.step),
                c.model_after,
                c.outcome,
                c.obs,
                settled,
                Trace {
                    model_unchanged: self.same_model(c.model_before, c.model_after),
                    subject_same: c.subject_same,
                },
                &mut buf,
            );
            for r in buf.iter() {
                cov.checked(usize::from(r.clause));
                if !r.ok {
                    let inv = self
                        .is_invariant
                        .get(usize::from(r.clause))
                        .copied()
                        .unwrap_or(false);
                    let kind = if inv {
                        CheckKind::Invariant
                    } else {
                        CheckKind::Post
                    };
                    let mut f =
                        Finding::new(kind, format!("{}: {}", self.label(c.step), r.message));
                    f.clauses = self.clause_names([r.clause]);
                    out.push(f);
                }
            }
        });
        if settled {
            // The invariants held on this very state at the previous step (see above).
            for clause in self.spec.settled_clauses() {
                cov.checked(usize::from(clause));
            }
        }
        if settled {
            return;
        }
        if let Err(m) = self.spec.model_matches(c.model_after, c.obs) {
            out.push(Finding::new(
                CheckKind::Abstraction,
                format!("state differs from the model: {m}"),
            ));
        }
    }

    fn outcome_key(&self, o: &CallOutcome) -> &'static str {
        o.key()
    }
    fn diff(
        &self,
        subject: &Observation,
        reference: &Observation,
        names: (&str, &str),
    ) -> Vec<String> {
        let c = &self.comparison;
        let (s, r) = (c.observation(subject), c.observation(reference));
        crate::fs::observation::diff(&s, &r, names.0, names.1)
    }
    fn same_outcome(&self, subject: &CallOutcome, reference: &CallOutcome) -> bool {
        self.comparison.same_outcome(subject, reference)
    }
    fn same_obs(&self, subject: &Observation, reference: &Observation) -> bool {
        self.comparison.same_obs(subject, reference)
    }
    fn describe_expected(&self, p: &Verdict) -> String {
        match p.outcome {
            Ok(()) => "Ok".to_string(),
            Err(k) => format!("Err({k})"),
        }
    }
    fn describe_outcome(&self, o: &CallOutcome) -> String {
        match self.comparison().outcome(o) {
            // The path is compared, so a mismatch may lie only there: show it.
            CallOutcome::Err { path: Some(p), .. } => format!("{} naming {p:?}", o.describe()),
            _ => o.describe(),
        }
    }
    fn outcome_keys(&self) -> Vec<&'static str> {
        std::iter::once("ok")
            .chain(ErrKind::ALL.iter().map(|k| k.name()))
            .collect()
    }
}
