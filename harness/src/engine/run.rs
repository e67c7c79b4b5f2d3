//! Executing and checking one step on the model and both drivers, and replaying a whole
//! sequence from scratch (used by the shrinker, regression files and `replay`).

use super::system::{
    CheckKind, CoverageCounter, Driver, DriverError, Finding, StepCheck, StepId, System,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The three parties of a run: the system (model + checks), the subject driver (the
/// implementation under test) and the reference driver (the oracle), both in their initial
/// state. Runs fork the drivers, never mutate these.
pub struct Parties<'a, S, A, B> {
    pub system: &'a S,
    pub subject: &'a A,
    pub reference: &'a B,
    /// Observe even where a driver says its state did not change (`Driver::same_state_as`
    /// or an unchanged observation digest) and fail the step if the observation differs: the
    /// shortcut trusts the subject's own claim, and a wrong claim would hide a wrong state
    /// (`explore --verify-shortcuts`; slower, for proving the claims, not for every run).
    pub verify_shortcuts: bool,
}

impl<S, A, B> Clone for Parties<'_, S, A, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, A, B> Copy for Parties<'_, S, A, B> {}

/// A driver usable with system `S` (`Sync` so worker threads can fork the pristine one).
pub trait DriverFor<S: System>:
    Driver<Step = S::Step, Outcome = S::Outcome, Obs = S::Obs> + Sync
{
}
impl<S: System, D: Driver<Step = S::Step, Outcome = S::Outcome, Obs = S::Obs> + Sync> DriverFor<S>
    for D
{
}

/// Everything about a failing step, built only when a step fails (off the hot path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFailure {
    /// 0-based position of the failing step in its sequence.
    pub position: usize,
    /// What the model expected.
    pub expected: String,
    /// What the subject returned.
    pub observed: String,
    /// The subject outcome's coverage key (`ok`, an error kind's name), or `driver` when the
    /// subject's driver failed: what failure groups compare instead of the full value.
    #[serde(default)]
    pub observed_key: String,
    /// What the reference returned.
    pub reference: String,
    pub findings: Vec<Finding>,
}

/// `observed_key` of a step whose subject driver failed.
pub const DRIVER_KEY: &str = "driver";

impl StepFailure {
    /// A failure without outcomes: a driver could not even be set up or forked.
    pub fn setup(position: usize, findings: Vec<Finding>) -> StepFailure {
        StepFailure {
            position,
            expected: String::new(),
            observed: String::new(),
            observed_key: DRIVER_KEY.into(),
            reference: String::new(),
            findings,
        }
    }

    /// One-line summary: the first finding's message (and how many more there are).
    pub fn message(&self) -> String {
        let first = self
            .findings
            .first()
            .map(|f| f.message.as_str())
            .unwrap_or("failed");
        match self.findings.len() {
            0 | 1 => first.to_string(),
            n => format!("{first} (+{} more)", n - 1),
        }
    }
    /// Every clause named by a finding, sorted and without duplicates.
    pub fn clauses(&self) -> Vec<String> {
        let mut c: Vec<String> = self
            .findings
            .iter()
            .flat_map(|f| f.clauses.iter().cloned())
            .collect();
        c.sort();
        c.dedup();
        c
    }
    /// The first non-empty observation diff of a finding.
    pub fn diff(&self) -> Vec<String> {
        self.findings
            .iter()
            .find(|f| !f.diff.is_empty())
            .map(|f| f.diff.clone())
            .unwrap_or_default()
    }
}

/// What the explorer remembers about a checked state so the next step can skip work: the
/// observation (equal for both drivers once checked) and each driver's observation digest.
#[derive(Debug)]
pub struct Seen<O> {
    pub obs: Arc<O>,
    pub digest_subject: Option<u64>,
    pub digest_reference: Option<u64>,
    /// Both digests equal the parent's: the step changed nothing either driver shows.
    pub unchanged: bool,
    /// Both drivers said exactly (`Driver::same_state_as`) that they are interchangeable with
    /// a fresh fork of the parent's: the explorer may run the next sibling step on them.
    pub reusable: bool,
}

impl<O> Clone for Seen<O> {
    fn clone(&self) -> Self {
        Seen {
            obs: Arc::clone(&self.obs),
            digest_subject: self.digest_subject,
            digest_reference: self.digest_reference,
            unchanged: self.unchanged,
            reusable: self.reusable,
        }
    }
}

fn same(a: Option<u64>, b: Option<u64>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x == y)
}

/// Whether one driver still shows the parent's observation (`Some(parent's Seen)` if so) and
/// its observation digest now. `exact` is the driver's exact answer, if it gave one: then no
/// digest is computed (an unchanged driver keeps the parent's digest, a changed one has none;
/// its children decide exactly again). Otherwise the digests are compared.
fn unchanged<O>(
    before: Option<&Seen<O>>,
    exact: Option<bool>,
    digest: impl FnOnce() -> Option<u64>,
    parent_digest: impl Fn(&Seen<O>) -> Option<u64>,
) -> (Option<&Seen<O>>, Option<u64>) {
    match exact {
        Some(true) => (before, before.and_then(&parent_digest)),
        Some(false) => (None, None),
        None => {
            let d = digest();
            (before.filter(|b| same(parent_digest(b), d)), d)
        }
    }
}

impl<'a, S: System, A: DriverFor<S>, B: DriverFor<S>> Parties<'a, S, A, B> {
    /// Executes `step` at `position` on both drivers (already forked from the parent state),
    /// checks it, and returns the model after the step with either what was seen (success)
    /// or the failure. `before` is the parent's [`Seen`] (`None` at the root): a driver whose
    /// state provably did not change (`Driver::same_state_as` against `forked_from`, the
    /// parent's drivers, when given and decidable) or else whose observation digest did not
    /// change reuses the parent's observation instead of observing again, and when neither
    /// changed the (already equal) observations are not re-compared.
    /// `scratch` is a reusable finding buffer (left empty on success).
    /// A panic during the step (an in-process subject's bug, say) is this step's failure, not
    /// the end of the run: the explorer shrinks and saves it like any other.
    #[allow(clippy::too_many_arguments)]
    pub fn exec_step(
        &self,
        model_before: &S::Model,
        before: Option<&Seen<S::Obs>>,
        forked_from: Option<(&A, &B)>,
        subject: &mut A,
        reference: &mut B,
        step: StepId,
        position: usize,
        cov: &mut CoverageCounter,
        scratch: &mut Vec<Finding>,
    ) -> (S::Model, Result<Seen<S::Obs>, StepFailure>) {
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.exec_step_unguarded(
                model_before,
                before,
                forked_from,
                subject,
                reference,
                step,
                position,
                cov,
                scratch,
            )
        }));
        ran.unwrap_or_else(|panic| {
            scratch.clear();
            (
                model_before.clone(),
                Err(panicked(position, panic.as_ref())),
            )
        })
    }

    /// [`Parties::exec_step`] without the panic guard.
    #[allow(clippy::too_many_arguments)]
    fn exec_step_unguarded(
        &self,
        model_before: &S::Model,
        before: Option<&Seen<S::Obs>>,
        forked_from: Option<(&A, &B)>,
        subject: &mut A,
        reference: &mut B,
        step: StepId,
        position: usize,
        cov: &mut CoverageCounter,
        scratch: &mut Vec<Finding>,
    ) -> (S::Model, Result<Seen<S::Obs>, StepFailure>) {
        let sys = self.system;
        let mut model = model_before.clone();
        let prediction = sys.predict(&mut model, step);
        let Some(call) = sys.steps().get(step as usize) else {
            let f = Finding::new(
                CheckKind::Driver,
                format!("step id {step} is not in the alphabet"),
            );
            return (model, Err(StepFailure::setup(position, vec![f])));
        };
        let t = sys.time_at(position);
        subject.set_time(t);
        reference.set_time(t);
        let out_s = subject.apply(call);
        let out_r = reference.apply(call);
        let (out_s, out_r) = match (out_s, out_r) {
            (Ok(s), Ok(r)) => (s, r),
            (s, r) => {
                let mut fs = Vec::new();
                for e in [s.as_ref().err(), r.as_ref().err()].into_iter().flatten() {
                    fs.push(driver_finding(e));
                }
                let f = StepFailure {
                    position,
                    expected: sys.describe_expected(&prediction),
                    // A driver failure's details are its finding's message; here only which.
                    observed: s
                        .as_ref()
                        .map(|o| sys.describe_outcome(o))
                        .unwrap_or_else(|e| format!("{} failure: {}", e.driver, e.fault)),
                    observed_key: s
                        .as_ref()
                        .map_or(DRIVER_KEY, |o| sys.outcome_key(o))
                        .to_string(),
                    reference: r
                        .as_ref()
                        .map(|o| sys.describe_outcome(o))
                        .unwrap_or_else(|e| format!("{} failure: {}", e.driver, e.fault)),
                    findings: fs,
                };
                return (model, Err(f));
            }
        };
        cov.outcome(sys.action_of(step), sys.outcome_key(&out_s));
        let exact_s = forked_from.and_then(|(s0, _)| subject.same_state_as(s0));
        let exact_r = forked_from.and_then(|(_, r0)| reference.same_state_as(r0));
        let (keep_s, ds) = unchanged(
            before,
            exact_s,
            || subject.observation_digest(),
            |b| b.digest_subject,
        );
        let (keep_r, dr) = unchanged(
            before,
            exact_r,
            || reference.observation_digest(),
            |b| b.digest_reference,
        );
        let observed = |keep: Option<&Seen<S::Obs>>, r: Result<S::Obs, DriverError>| match keep {
            Some(b) => Ok(Arc::clone(&b.obs)),
            None => r.map(Arc::new),
        };
        let obs_s = observed(
            keep_s,
            if keep_s.is_some() {
                Err(DriverError::new("", ""))
            } else {
                subject.observe()
            },
        );
        let obs_r = observed(
            keep_r,
            if keep_r.is_some() {
                Err(DriverError::new("", ""))
            } else {
                reference.observe()
            },
        );
        let (obs_s, obs_r) = match (obs_s, obs_r) {
            (Ok(s), Ok(r)) => (s, r),
            (s, r) => {
                let fs = [s.err(), r.err()]
                    .into_iter()
                    .flatten()
                    .map(|e| driver_finding(&e))
                    .collect();
                let f = self.failure(sys, position, &prediction, &out_s, &out_r, fs);
                return (model, Err(f));
            }
        };
        let unchanged = keep_s.is_some() && keep_r.is_some();
        // The subject's own answer whether the step left no trace: exact where it was forked
        // from its parent, else by its complete-state digests (a replayed sequence), so a
        // replay judges a step as the explorer did.
        let subject_same = if subject.sees_internal_state() {
            exact_s.or(match (before.and_then(|b| b.digest_subject), ds) {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            })
        } else {
            None
        };
        scratch.clear();
        if self.verify_shortcuts {
            self.verify_kept(keep_s, || subject.observe(), subject.name(), scratch);
            self.verify_kept(keep_r, || reference.observe(), reference.name(), scratch);
        }
        let check = StepCheck {
            step,
            position,
            model_before,
            model_after: &model,
            prediction: &prediction,
            outcome: &out_s,
            reference: &out_r,
            obs: obs_s.as_ref(),
            obs_unchanged: keep_s.is_some(),
            subject_same,
        };
        sys.check(&check, cov, scratch);
        if !sys.same_outcome(&out_s, &out_r) {
            scratch.push(Finding::new(
                CheckKind::Value,
                format!(
                    "{} returned {} but {} returned {}",
                    subject.name(),
                    sys.describe_outcome(&out_s),
                    reference.name(),
                    sys.describe_outcome(&out_r)
                ),
            ));
        }
        // Both unchanged: both still show the parent's observation, already found equal.
        if !unchanged && !Arc::ptr_eq(&obs_s, &obs_r) && !sys.same_obs(&obs_s, &obs_r) {
            let mut f = Finding::new(
                CheckKind::State,
                format!(
                    "{} state differs from {} state",
                    subject.name(),
                    reference.name()
                ),
            );
            f.diff = sys.diff(&obs_s, &obs_r, (subject.name(), reference.name()));
            scratch.push(f);
        }
        if scratch.is_empty() {
            let seen = Seen {
                obs: obs_s,
                digest_subject: ds,
                digest_reference: dr,
                unchanged,
                reusable: exact_s == Some(true) && exact_r == Some(true),
            };
            return (model, Ok(seen));
        }
        let findings = std::mem::take(scratch);
        let fail = self.failure(sys, position, &prediction, &out_s, &out_r, findings);
        (model, Err(fail))
    }

    /// With `verify_shortcuts`: a driver that kept its parent's observation must still show it.
    fn verify_kept(
        &self,
        kept: Option<&Seen<S::Obs>>,
        observe: impl FnOnce() -> Result<S::Obs, DriverError>,
        name: &str,
        out: &mut Vec<Finding>,
    ) {
        let Some(kept) = kept else { return };
        match observe() {
            Ok(now) if self.system.same_obs(&now, &kept.obs) => {}
            Ok(now) => {
                let mut f = Finding::new(
                    CheckKind::State,
                    format!(
                        "{name} said its state did not change (same_state_as or observation digest) but what it shows changed: the explorer's shortcut would have hidden this"
                    ),
                );
                f.diff = self.system.diff(&now, &kept.obs, (name, "before the step"));
                out.push(f);
            }
            Err(e) => out.push(driver_finding(&e)),
        }
    }

    fn failure(
        &self,
        sys: &S,
        position: usize,
        prediction: &S::Prediction,
        subject: &S::Outcome,
        reference: &S::Outcome,
        findings: Vec<Finding>,
    ) -> StepFailure {
        StepFailure {
            position,
            expected: sys.describe_expected(prediction),
            observed: sys.describe_outcome(subject),
            observed_key: sys.outcome_key(subject).to_string(),
            reference: sys.describe_outcome(reference),
            findings,
        }
    }

    /// Runs `seq` from the initial state and returns the first failing step, if any.
    pub fn run_sequence(&self, seq: &[StepId]) -> Option<StepFailure> {
        let mut cov = CoverageCounter::default();
        self.run_sequence_with(seq, &mut cov)
    }

    /// [`Parties::run_sequence`], counting coverage into `cov`.
    pub fn run_sequence_with(
        &self,
        seq: &[StepId],
        cov: &mut CoverageCounter,
    ) -> Option<StepFailure> {
        let (mut subject, mut reference) = match (self.subject.fork(), self.reference.fork()) {
            (Ok(s), Ok(r)) => (s, r),
            (s, r) => {
                let fs = [s.err(), r.err()]
                    .into_iter()
                    .flatten()
                    .map(|e| driver_finding(&e))
                    .collect();
                return Some(StepFailure::setup(0, fs));
            }
        };
        let mut model = self.system.init_model();
        let mut scratch = Vec::new();
        let mut seen: Option<Seen<S::Obs>> = None;
        for (position, &step) in seq.iter().enumerate() {
            // A panic is this sequence's failure at this step (`exec_step` catches it): the
            // walk and the shrinker need its position.
            let (next, r) = self.exec_step(
                &model,
                seen.as_ref(),
                None,
                &mut subject,
                &mut reference,
                step,
                position,
                cov,
                &mut scratch,
            );
            match r {
                Ok(s) => seen = Some(s),
                Err(f) => return Some(f),
            }
            model = next;
        }
        None
    }
}

/// The failure of a step during which a party panicked (the subject, the reference or the
/// model: the panic does not say which; its message and location usually do).
fn panicked(position: usize, panic: &(dyn std::any::Any + Send)) -> StepFailure {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".into());
    let e = DriverError::with_fault(
        "run",
        super::system::DriverFault::Crashed,
        format!("step {} panicked: {text}", position + 1),
    );
    StepFailure::setup(position, vec![driver_finding(&e)])
}

fn driver_finding(e: &DriverError) -> Finding {
    Finding::from_driver(e)
}
