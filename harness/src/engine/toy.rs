//! A toy system (BreakDancer's single memcached key: add / set / del / get / incr) with a
//! driver that can carry planted bugs. It exercises the engine in unit tests, integration
//! tests and benches without any filesystem.

use super::system::{
    CheckKind, CoverageCounter, Driver, DriverError, Finding, StepCheck, StepId, System,
};
use serde::{Deserialize, Serialize};

/// One operation on the single key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ToyStep {
    /// Store `v` if the key does not exist.
    Add { v: u8 },
    /// Store `v`.
    Set { v: u8 },
    /// Delete the key (must exist).
    Del,
    /// Read the key (must exist).
    Get,
    /// Increment (must exist, at most [`ToySystem::MAX`]).
    Incr,
}

/// Toy error kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ToyErr {
    NotFound,
    Exists,
    Overflow,
}

/// A toy step's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ToyOutcome {
    Ok(Option<u8>),
    Err(ToyErr),
}

/// Bugs a [`ToyDriver`] can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToyBug {
    /// `add` of an existing key overwrites it instead of failing (found at depth 2).
    AddOverwrites,
    /// `incr` at the maximum wraps to 0 instead of failing (needs 3 steps).
    IncrWraps,
}

/// The toy system: alphabet, model and checks.
#[derive(Debug, Clone)]
pub struct ToySystem {
    steps: Vec<ToyStep>,
    labels: Vec<String>,
    actions: Vec<String>,
    clauses: Vec<String>,
}

impl Default for ToySystem {
    fn default() -> Self {
        Self::new()
    }
}

impl ToySystem {
    /// Largest value `incr` may produce.
    pub const MAX: u8 = 2;

    /// The alphabet: add 0/1, set 0/1, del, get, incr (7 steps).
    pub fn new() -> Self {
        let steps = vec![
            ToyStep::Add { v: 0 },
            ToyStep::Add { v: 1 },
            ToyStep::Set { v: 0 },
            ToyStep::Set { v: 1 },
            ToyStep::Del,
            ToyStep::Get,
            ToyStep::Incr,
        ];
        let labels = steps
            .iter()
            .map(|s| match s {
                ToyStep::Add { v } => format!("add(v={v})"),
                ToyStep::Set { v } => format!("set(v={v})"),
                ToyStep::Del => "del()".to_string(),
                ToyStep::Get => "get()".to_string(),
                ToyStep::Incr => "incr()".to_string(),
            })
            .collect();
        let actions = ["add", "set", "del", "get", "incr"]
            .map(String::from)
            .to_vec();
        let clauses = [
            "TOY-ADD",
            "TOY-SET",
            "TOY-DEL",
            "TOY-GET",
            "TOY-INCR",
            "TOY-STATE",
        ]
        .map(String::from)
        .to_vec();
        ToySystem {
            steps,
            labels,
            actions,
            clauses,
        }
    }

    /// The model's semantics of one step: the outcome and the next value.
    pub fn apply(value: Option<u8>, step: &ToyStep) -> (ToyOutcome, Option<u8>) {
        match (*step, value) {
            (ToyStep::Add { .. }, Some(_)) => (ToyOutcome::Err(ToyErr::Exists), value),
            (ToyStep::Add { v }, None) | (ToyStep::Set { v }, _) => (ToyOutcome::Ok(None), Some(v)),
            (ToyStep::Del | ToyStep::Get | ToyStep::Incr, None) => {
                (ToyOutcome::Err(ToyErr::NotFound), None)
            }
            (ToyStep::Del, Some(_)) => (ToyOutcome::Ok(None), None),
            (ToyStep::Get, Some(v)) => (ToyOutcome::Ok(Some(v)), value),
            (ToyStep::Incr, Some(v)) if v >= Self::MAX => {
                (ToyOutcome::Err(ToyErr::Overflow), value)
            }
            (ToyStep::Incr, Some(v)) => (ToyOutcome::Ok(Some(v + 1)), Some(v + 1)),
        }
    }
}

impl System for ToySystem {
    type Step = ToyStep;
    type Model = Option<u8>;
    type Prediction = ToyOutcome;
    type Outcome = ToyOutcome;
    type Obs = Option<u8>;

    fn steps(&self) -> &[ToyStep] {
        &self.steps
    }
    fn label(&self, step: StepId) -> &str {
        self.labels
            .get(step as usize)
            .map(String::as_str)
            .unwrap_or("?")
    }
    fn action_names(&self) -> &[String] {
        &self.actions
    }
    fn action_of(&self, step: StepId) -> usize {
        match self.steps.get(step as usize) {
            Some(ToyStep::Add { .. }) => 0,
            Some(ToyStep::Set { .. }) => 1,
            Some(ToyStep::Del) => 2,
            Some(ToyStep::Get) => 3,
            _ => 4,
        }
    }
    fn clause_ids(&self) -> &[String] {
        &self.clauses
    }
    fn init_model(&self) -> Option<u8> {
        None
    }
    fn predict(&self, model: &mut Option<u8>, step: StepId) -> ToyOutcome {
        let (out, next) = Self::apply(*model, &self.steps[step as usize]);
        *model = next;
        out
    }
    fn check(&self, c: &StepCheck<'_, Self>, cov: &mut CoverageCounter, out: &mut Vec<Finding>) {
        let clause = self.action_of(c.step);
        if matches!(c.prediction, ToyOutcome::Ok(_)) {
            cov.held(clause);
        } else {
            cov.failed(clause);
        }
        if c.outcome != c.prediction {
            let mut f = Finding::new(
                CheckKind::Outcome,
                format!(
                    "{}: expected {:?}, got {:?}",
                    self.label(c.step),
                    c.prediction,
                    c.outcome
                ),
            );
            f.clauses.push(self.clauses[clause].clone());
            out.push(f);
        }
        cov.checked(5);
        if c.obs != c.model_after {
            let mut f = Finding::new(
                CheckKind::Abstraction,
                format!("value is {:?} but the model has {:?}", c.obs, c.model_after),
            );
            f.clauses.push("TOY-STATE".to_string());
            out.push(f);
        }
    }
    fn outcome_key(&self, o: &ToyOutcome) -> &'static str {
        match o {
            ToyOutcome::Ok(_) => "ok",
            ToyOutcome::Err(ToyErr::NotFound) => "NotFound",
            ToyOutcome::Err(ToyErr::Exists) => "Exists",
            ToyOutcome::Err(ToyErr::Overflow) => "Overflow",
        }
    }
    fn diff(
        &self,
        subject: &Option<u8>,
        reference: &Option<u8>,
        _names: (&str, &str),
    ) -> Vec<String> {
        if subject == reference {
            Vec::new()
        } else {
            vec![format!(
                "value: subject {subject:?} / reference {reference:?}"
            )]
        }
    }
    fn describe_expected(&self, p: &ToyOutcome) -> String {
        format!("{p:?}")
    }
}

/// A toy implementation, optionally with a planted bug.
#[derive(Debug, Clone, Default)]
pub struct ToyDriver {
    pub value: Option<u8>,
    pub bug: Option<ToyBug>,
    /// Steps applied since reset (part of no state; lets tests see forks are independent).
    pub applied: u64,
}

impl ToyDriver {
    /// A correct driver.
    pub fn correct() -> Self {
        ToyDriver::default()
    }
    /// A driver with `bug` planted.
    pub fn with_bug(bug: ToyBug) -> Self {
        ToyDriver {
            bug: Some(bug),
            ..Default::default()
        }
    }
}

impl Driver for ToyDriver {
    type Step = ToyStep;
    type Outcome = ToyOutcome;
    type Obs = Option<u8>;

    fn name(&self) -> &str {
        if self.bug.is_some() {
            "toy-buggy"
        } else {
            "toy"
        }
    }
    fn reset(&mut self) -> Result<(), DriverError> {
        self.value = None;
        self.applied = 0;
        Ok(())
    }
    fn set_time(&mut self, _t: u64) {}
    fn apply(&mut self, step: &ToyStep) -> Result<ToyOutcome, DriverError> {
        self.applied += 1;
        let (out, next) = match (self.bug, *step, self.value) {
            (Some(ToyBug::AddOverwrites), ToyStep::Add { v }, Some(_)) => {
                (ToyOutcome::Ok(None), Some(v))
            }
            (Some(ToyBug::IncrWraps), ToyStep::Incr, Some(v)) if v >= ToySystem::MAX => {
                (ToyOutcome::Ok(Some(0)), Some(0))
            }
            (_, s, v) => ToySystem::apply(v, &s),
        };
        self.value = next;
        Ok(out)
    }
    fn observe(&self) -> Result<Option<u8>, DriverError> {
        Ok(self.value)
    }
    fn fingerprint(&self) -> Result<u64, DriverError> {
        Ok(self.value.map_or(0, |v| u64::from(v) + 1))
    }
    fn fork(&self) -> Result<Self, DriverError> {
        Ok(self.clone())
    }
}
