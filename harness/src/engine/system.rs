//! The two traits the explorer is generic over, in the spirit of Stateright's `Model`:
//! a [`System`] (finite alphabet of steps, abstract model state, predictions, checks) and a
//! [`Driver`] (something that executes steps and can be observed, fingerprinted and forked).
//! Nothing here knows about filesystems: the filesystem system and its drivers live in
//! `crate::fs`.

use crate::results::ClauseCount;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::hash::Hash;

/// Index of a concrete step in a system's alphabet (`System::steps()[id]`).
pub type StepId = u32;

/// A system under test, described as a model: a finite alphabet of concrete steps (an action
/// with its arguments bound), an abstract model state, what the model predicts for each
/// step, and the domain checks of one executed step. The explorer enumerates sequences over
/// the alphabet; it never looks inside steps, models or outcomes.
pub trait System: Sync {
    /// A concrete step (e.g. a filesystem `Call`); serialized into regression files so a
    /// replay needs only the file and the spec.
    type Step: Clone + PartialEq + Debug + Serialize + DeserializeOwned + Send + Sync;
    /// Abstract model state; equality is exact (deduplication relies on it).
    type Model: Clone + Hash + Eq + Debug + Send + Sync;
    /// What the model predicts for one step (expected outcome, clauses evaluated, ...).
    type Prediction: Debug;
    /// What a driver reports for one step (a value or an error).
    type Outcome: Clone + PartialEq + Debug + Serialize + Send;
    /// A driver's complete observable state.
    type Obs: PartialEq + Debug + Serialize + Send + Sync;

    /// The alphabet: every concrete step, indexed by [`StepId`].
    fn steps(&self) -> &[Self::Step];
    /// Display label of a step (`open(path=/a, mode=wb, slot=0)`).
    fn label(&self, step: StepId) -> &str;
    /// Names of the actions the steps are instances of (coverage and regression files).
    fn action_names(&self) -> &[String];
    /// The action (index into [`System::action_names`]) a step is an instance of.
    fn action_of(&self, step: StepId) -> usize;
    /// Clause ids, indexed as in [`CoverageCounter`].
    fn clause_ids(&self) -> &[String];

    /// The rule text of clause `i`, if the system has one (for `list clauses`).
    fn clause_text(&self, i: usize) -> Option<&str> {
        let _ = i;
        None
    }

    /// The model state before any step.
    fn init_model(&self) -> Self::Model;
    /// Whether `after` is provably the very state `before` (e.g. a clone no effect touched),
    /// so whatever was derived from `before` (its hash) holds for `after`. `false` says
    /// nothing; the default never claims sameness.
    fn same_model(&self, before: &Self::Model, after: &Self::Model) -> bool {
        let _ = (before, after);
        false
    }
    /// Predicts `step` from `model`, advancing `model` in place to the predicted next state.
    fn predict(&self, model: &mut Self::Model, step: StepId) -> Self::Prediction;
    /// The clock value drivers are set to before the step at `position` (0-based) of a
    /// sequence. Strictly increasing so timestamps are distinguishable.
    fn time_at(&self, position: usize) -> u64 {
        (position as u64 + 1) * 1_000
    }

    /// Domain checks of one executed step: outcome vs prediction, postconditions, invariants,
    /// abstraction of the observation vs the model. Pushes one [`Finding`] per violation and
    /// counts the clauses it evaluated into `cov`. (Subject vs reference outcome and
    /// observation equality are checked by the explorer itself.)
    fn check(&self, c: &StepCheck<'_, Self>, cov: &mut CoverageCounter, out: &mut Vec<Finding>);
    /// Coverage key of an outcome: `"ok"` or an error kind name.
    fn outcome_key(&self, o: &Self::Outcome) -> &'static str;
    /// Every coverage key an outcome can have, in report order (reports list the ones that
    /// never occurred too). Empty: reports list only the keys seen.
    fn outcome_keys(&self) -> Vec<&'static str> {
        Vec::new()
    }
    /// Whether the subject's outcome agrees with the reference's. Equality by default; a
    /// system may compare less where a subject cannot share something (its own clock).
    fn same_outcome(&self, subject: &Self::Outcome, reference: &Self::Outcome) -> bool {
        subject == reference
    }
    /// Whether the subject's observation agrees with the reference's (equality by default).
    fn same_obs(&self, subject: &Self::Obs, reference: &Self::Obs) -> bool {
        subject == reference
    }
    /// Human-readable differences between two observations (empty if equal); `names` are the
    /// subject's and the reference's driver names.
    fn diff(&self, subject: &Self::Obs, reference: &Self::Obs, names: (&str, &str)) -> Vec<String>;
    /// The expected outcome of a prediction, as written in failure reports (`ok`, `Err(NotFound)`).
    fn describe_expected(&self, p: &Self::Prediction) -> String;
    /// An outcome as written in failure reports.
    fn describe_outcome(&self, o: &Self::Outcome) -> String {
        format!("{o:?}")
    }
}

/// Everything known about one executed step, handed to [`System::check`].
#[derive(Debug)]
pub struct StepCheck<'a, S: System + ?Sized> {
    pub step: StepId,
    /// 0-based position of the step in its sequence.
    pub position: usize,
    pub model_before: &'a S::Model,
    /// The model after the step (the prediction's next state).
    pub model_after: &'a S::Model,
    pub prediction: &'a S::Prediction,
    /// The subject's (implementation under test) outcome.
    pub outcome: &'a S::Outcome,
    /// The reference's (oracle) outcome.
    pub reference: &'a S::Outcome,
    /// The subject's observation after the step.
    pub obs: &'a S::Obs,
    /// `obs` is the very observation the previous step of the sequence was checked against
    /// (and passed with): the step changed nothing the subject shows. Always `false` for
    /// the first step. A system may skip re-evaluating checks that are pure functions of an
    /// unchanged state (see `FsSystem::check`).
    pub obs_unchanged: bool,
    /// Whether the step left the subject exactly as it was, what it does not show included:
    /// its driver's exact answer ([`Driver::same_state_as`] against the state it was forked
    /// from) or else its complete-state digests before and after; `None` where the driver
    /// cannot see its internal state ([`Driver::sees_internal_state`]) or neither is at hand
    /// (a sequence's first step). A system checks it against what its model says changed.
    pub subject_same: Option<bool>,
}

/// Something that executes steps: the implementation under test, a naive oracle, or later an
/// external process speaking JSON lines. Every fallible method returns a [`DriverError`] so a
/// crashed or confused driver is reported as a finding instead of aborting the run.
///
/// `fork` is how the explorer shares prefixes: each child node is one step from a fork of its
/// parent. A driver that cannot copy its state cheaply (an external process) may implement
/// `fork` by starting afresh and replaying the steps it has recorded since `reset`.
pub trait Driver: Send + Sized {
    type Step;
    type Outcome;
    type Obs;

    /// Short name used in reports (`core`, `oracle`).
    fn name(&self) -> &str;
    /// Returns to the initial (empty) state.
    fn reset(&mut self) -> Result<(), DriverError>;
    /// Sets the clock the next step runs at.
    fn set_time(&mut self, t: u64);
    /// Executes one step.
    fn apply(&mut self, step: &Self::Step) -> Result<Self::Outcome, DriverError>;
    /// The complete observable state.
    fn observe(&self) -> Result<Self::Obs, DriverError>;
    /// Hash of the complete internal state (not only what `observe` shows), insensitive to a
    /// monotone shift of time. Two states with equal fingerprints (and equal models) are
    /// treated as the same state by deduplication.
    fn fingerprint(&self) -> Result<u64, DriverError>;
    /// A hash of everything [`Driver::observe`] would show (absolute times included), if the
    /// driver can compute one more cheaply than observing: two states of this driver with
    /// equal digests must have equal observations. The explorer then reuses the parent's
    /// observation when a step leaves the digest unchanged (queries and failed calls).
    fn observation_digest(&self) -> Option<u64> {
        None
    }
    /// Whether this driver is exactly in the state of `earlier` (the driver it was forked
    /// from, not touched since): `Some(true)` only if every observation and fingerprint of the
    /// two must agree. `None` if the driver cannot decide exactly; the explorer then compares
    /// observation digests instead.
    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        let _ = earlier;
        None
    }
    /// Whether [`Driver::same_state_as`] and [`Driver::observation_digest`] cover the driver's
    /// complete internal state, not only what [`Driver::observe`] shows (an in-process
    /// implementation: yes; a black box judged by its observation: no). Only then can a
    /// system check that a step which should change nothing left no trace (`StepCheck::subject_same`).
    fn sees_internal_state(&self) -> bool {
        false
    }
    /// An independent copy of this driver in the same state.
    fn fork(&self) -> Result<Self, DriverError>;
}

/// A driver failed to do what it was asked, or its subject answered something the step
/// vocabulary cannot express. `fault` says which, so reports can group and classify it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{driver}: {fault}: {message}")]
pub struct DriverError {
    pub driver: String,
    pub fault: DriverFault,
    pub message: String,
}

/// What kind of driver failure a [`DriverError`] is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DriverFault {
    /// The driver itself could not do its work (build, observe, fork).
    Broken,
    /// The subject answered with an error the vocabulary has no kind for: a finding.
    Unmapped,
    /// The subject blocked in a call that can never return: a finding.
    Hung,
    /// The subject's process exited or could not be started.
    Crashed,
    /// The subject's process did not answer in time.
    Timeout,
    /// The subject's process answered something that is not a valid answer.
    Protocol,
    /// Replaying the same steps made the subject answer differently.
    Nondeterministic,
}

impl DriverFault {
    /// The fault's name in messages and reports (`unmapped`, `hung`, ...).
    pub fn name(self) -> &'static str {
        match self {
            DriverFault::Broken => "broken",
            DriverFault::Unmapped => "unmapped",
            DriverFault::Hung => "hung",
            DriverFault::Crashed => "crashed",
            DriverFault::Timeout => "timeout",
            DriverFault::Protocol => "protocol",
            DriverFault::Nondeterministic => "nondeterministic",
        }
    }
}

impl std::fmt::Display for DriverFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl DriverError {
    /// A driver error of the driver itself (`Broken`), with its name and what went wrong.
    pub fn new(driver: impl Into<String>, message: impl Into<String>) -> Self {
        Self::with_fault(driver, DriverFault::Broken, message)
    }

    /// A driver error of a given fault.
    pub fn with_fault(
        driver: impl Into<String>,
        fault: DriverFault,
        message: impl Into<String>,
    ) -> Self {
        DriverError {
            driver: driver.into(),
            fault,
            message: message.into(),
        }
    }
}

/// Which check a finding comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Subject outcome differs from the model's prediction.
    Outcome,
    /// Subject return value differs from the reference's.
    Value,
    /// Subject observation differs from the reference's.
    State,
    /// A postcondition failed.
    Post,
    /// An invariant failed.
    Invariant,
    /// The observation's abstraction differs from the model state.
    Abstraction,
    /// A driver failed.
    Driver,
}

/// One violation found at one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Finding {
    pub check: CheckKind,
    /// For a `Driver` finding: which kind of driver failure it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<DriverFault>,
    pub message: String,
    /// Clause ids involved.
    #[serde(default)]
    pub clauses: Vec<String>,
    /// State differences (observation diff), if any.
    #[serde(default)]
    pub diff: Vec<String>,
}

impl Finding {
    /// The finding of a driver failure (its fault kept for grouping and classification).
    pub fn from_driver(e: &DriverError) -> Self {
        Finding {
            fault: Some(e.fault),
            ..Finding::new(CheckKind::Driver, e.to_string())
        }
    }

    /// A finding without clauses or diff.
    pub fn new(check: CheckKind, message: impl Into<String>) -> Self {
        Finding {
            check,
            fault: None,
            message: message.into(),
            clauses: Vec::new(),
            diff: Vec::new(),
        }
    }
}

/// Allocation-free coverage counting for the hot loop: clause counts by clause index and
/// outcome counts by (action index, outcome key). Turned into `outcome::Coverage` at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageCounter {
    /// `clauses[i]` counts clause `System::clause_ids()[i]`.
    pub clauses: Vec<ClauseCount>,
    /// Outcome keys seen so far, indexing the inner vectors of `actions`.
    pub keys: Vec<&'static str>,
    /// `actions[a][k]`: how often action `a` had outcome `keys[k]`.
    pub actions: Vec<Vec<u64>>,
}

impl CoverageCounter {
    /// A counter sized for `actions` actions and `clauses` clauses.
    pub fn new(actions: usize, clauses: usize) -> Self {
        CoverageCounter {
            clauses: vec![ClauseCount::default(); clauses],
            keys: Vec::new(),
            actions: vec![Vec::new(); actions],
        }
    }
    fn clause(&mut self, i: usize) -> &mut ClauseCount {
        if i >= self.clauses.len() {
            self.clauses.resize(i + 1, ClauseCount::default());
        }
        &mut self.clauses[i]
    }
    /// Clause `i`'s precondition was evaluated and held.
    pub fn held(&mut self, i: usize) {
        self.clause(i).held += 1;
    }
    /// Clause `i`'s precondition was evaluated and failed.
    pub fn failed(&mut self, i: usize) {
        self.clause(i).failed += 1;
    }
    /// Clause `i` (postcondition or invariant) was checked.
    pub fn checked(&mut self, i: usize) {
        self.clause(i).checked += 1;
    }
    /// Action `action` had an outcome with coverage key `key`.
    pub fn outcome(&mut self, action: usize, key: &'static str) {
        self.add_outcome(action, key, 1);
    }
    /// Action `action` had an outcome with coverage key `key`, `n` times.
    pub fn add_outcome(&mut self, action: usize, key: &'static str, n: u64) {
        let k = match self.keys.iter().position(|x| *x == key) {
            Some(k) => k,
            None => {
                self.keys.push(key);
                self.keys.len() - 1
            }
        };
        if action >= self.actions.len() {
            self.actions.resize(action + 1, Vec::new());
        }
        let row = &mut self.actions[action];
        if k >= row.len() {
            row.resize(k + 1, 0);
        }
        row[k] += n;
    }
    /// Adds another counter into this one (keys may be in a different order).
    pub fn merge(&mut self, o: &CoverageCounter) {
        for (i, c) in o.clauses.iter().enumerate() {
            self.clause(i).add(c);
        }
        for (a, row) in o.actions.iter().enumerate() {
            for (k, n) in row.iter().enumerate() {
                if *n > 0 {
                    self.add_outcome(a, o.keys[k], *n);
                }
            }
        }
    }
    /// Named coverage (`outcome::Coverage`) with the system's action and clause names.
    pub fn to_coverage(&self, actions: &[String], clauses: &[String]) -> crate::results::Coverage {
        // Every action and clause appears, zero counts included, so reports can list the
        // never-exercised ones.
        let mut cov = crate::results::Coverage::default();
        for name in actions {
            cov.actions.entry(name.clone()).or_default();
        }
        for id in clauses {
            cov.clauses.entry(id.clone()).or_default();
        }
        for (a, row) in self.actions.iter().enumerate() {
            let Some(name) = actions.get(a) else { continue };
            for (k, n) in row.iter().enumerate() {
                if *n > 0 {
                    *cov.actions
                        .entry(name.clone())
                        .or_default()
                        .entry(self.keys[k].to_string())
                        .or_default() += n;
                }
            }
        }
        for (i, c) in self.clauses.iter().enumerate() {
            if let Some(id) = clauses.get(i) {
                cov.clauses.entry(id.clone()).or_default().add(c);
            }
        }
        cov
    }
}
