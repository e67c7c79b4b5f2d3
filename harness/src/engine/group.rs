//! Failures grouped by root cause. Every failing prefix the explorer finds goes into the group
//! of its key (which check failed first, with which driver fault, at which action, naming which
//! clauses, expected what, observed what kind of outcome); a group keeps how many prefixes hit
//! it and its shortest witness. A subject that fails often then reads as a few groups, each
//! shown once, rather than as thousands of sequences.

use super::run::StepFailure;
use super::system::{CheckKind, DriverFault, StepId, System};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// What makes two failures the same root cause.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupKey {
    /// The first finding's check.
    pub check: CheckKind,
    /// The first finding's driver fault, for a driver finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<DriverFault>,
    /// The action of the failing step.
    pub action: String,
    /// The first finding's clauses, sorted.
    pub clauses: Vec<String>,
    /// What the model expected (`Ok`, `Err(NotFound)`).
    pub expected: String,
    /// The kind of what the subject answered (`ok`, an error kind, `driver`).
    pub observed: String,
}

impl GroupKey {
    /// The key of `failure`, the last step of `steps`.
    pub fn of<S: System>(sys: &S, steps: &[StepId], failure: &StepFailure) -> GroupKey {
        let first = failure.findings.first();
        let mut clauses = first.map(|f| f.clauses.clone()).unwrap_or_default();
        clauses.sort();
        clauses.dedup();
        let action = steps
            .get(failure.position)
            .or(steps.last())
            .and_then(|s| sys.action_names().get(sys.action_of(*s)))
            .cloned()
            .unwrap_or_default();
        GroupKey {
            check: first.map_or(CheckKind::Driver, |f| f.check),
            fault: first.and_then(|f| f.fault),
            action,
            clauses,
            expected: failure.expected.clone(),
            observed: failure.observed_key.clone(),
        }
    }
}

impl fmt::Display for GroupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let check = serde_json::to_value(self.check)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        write!(f, "{check}")?;
        if let Some(fault) = self.fault {
            write!(f, " ({fault})")?;
        }
        write!(
            f,
            " at {}: expected {}, observed {}",
            self.action, self.expected, self.observed
        )?;
        if !self.clauses.is_empty() {
            write!(f, " [{}]", self.clauses.join(", "))?;
        }
        Ok(())
    }
}

/// One root cause: how many failing prefixes hit it and the shortest of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: GroupKey,
    /// Failing prefixes (explored nodes whose last step failed) with this key.
    pub prefixes: u64,
    /// The shortest failing prefix (the lexicographically first among equals).
    pub witness: Vec<StepId>,
    /// How the witness's last step fails.
    pub failure: StepFailure,
}

/// Which of two witnesses a group keeps: the shorter, then the lexicographically smaller, so
/// the choice never depends on the order failures arrive in.
fn better(a: &[StepId], b: &[StepId]) -> bool {
    match a.len().cmp(&b.len()) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => a < b,
    }
}

/// Failure groups by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    by_key: BTreeMap<GroupKey, Group>,
}

impl Groups {
    /// Counts one failing prefix into its group.
    pub fn add<S: System>(&mut self, sys: &S, steps: Vec<StepId>, failure: StepFailure) {
        let key = GroupKey::of(sys, &steps, &failure);
        self.add_group(Group {
            key,
            prefixes: 1,
            witness: steps,
            failure,
        });
    }

    /// Adds a whole group (merging the groups of two workers).
    pub fn add_group(&mut self, g: Group) {
        match self.by_key.get_mut(&g.key) {
            None => {
                self.by_key.insert(g.key.clone(), g);
            }
            Some(mine) => {
                mine.prefixes += g.prefixes;
                if better(&g.witness, &mine.witness) {
                    mine.witness = g.witness;
                    mine.failure = g.failure;
                }
            }
        }
    }

    /// Adds every group of `other`.
    pub fn merge(&mut self, other: Groups) {
        for g in other.by_key.into_values() {
            self.add_group(g);
        }
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether no failure was found.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Failing prefixes over all groups.
    pub fn prefixes(&self) -> u64 {
        self.by_key.values().map(|g| g.prefixes).sum()
    }

    /// The groups, most hit first, then by key (a deterministic order).
    pub fn into_sorted(self) -> Vec<Group> {
        let mut v: Vec<Group> = self.by_key.into_values().collect();
        v.sort_by(|a, b| b.prefixes.cmp(&a.prefixes).then_with(|| a.key.cmp(&b.key)));
        v
    }

    /// The groups in key order, borrowed.
    pub fn iter(&self) -> impl Iterator<Item = &Group> {
        self.by_key.values()
    }
}
