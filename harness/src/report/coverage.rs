//! The coverage report: action x outcome (ok and every error kind) and clause x (held, failed,
//! checked), with what was never exercised listed first.

use crate::results::{ClauseCount, RunResult};
use crate::trace::gate::missing;
use crate::trace::scan::{Referrer, Role, Scan};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What the spec declares, so items the run never touched still appear (all optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Declared {
    /// Action names of the spec.
    pub actions: BTreeSet<String>,
    /// Clause ids of the catalogue with the roles spec actions give them.
    pub clauses: BTreeMap<String, BTreeSet<Role>>,
    /// Clauses the catalogue marks unreachable at the CI depth, with the reason.
    pub unreachable: BTreeMap<String, String>,
}

impl Declared {
    /// Collects clause ids and roles from a trace scan and action names from `actions:` lists.
    pub fn from_scan(scan: &Scan) -> Self {
        let mut d = Declared::default();
        for c in &scan.clauses {
            d.clauses.entry(c.id.clone()).or_default();
            if let Some(why) = &c.unreachable {
                d.unreachable.insert(c.id.clone(), why.clone());
            }
        }
        for r in &scan.refs {
            if let Referrer::Action(a) = &r.by {
                if let Some(roles) = d.clauses.get_mut(&r.id) {
                    roles.insert(r.role);
                }
                if !a.is_empty() {
                    d.actions.insert(a.clone());
                }
            }
        }
        d
    }
}

/// One action row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRow {
    pub action: String,
    pub total: u64,
    /// `ok` and every error kind, zeros included, in the semantics document's order.
    pub outcomes: BTreeMap<String, u64>,
}

/// One clause row; `missing` says what exercise it still lacks (empty if none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseRow {
    pub clause: String,
    pub held: u64,
    pub failed: u64,
    pub checked: u64,
    /// What exercise it lacks (empty if none, or if it is marked unreachable).
    pub missing: String,
    /// Why the CI-depth exploration cannot reach it, if the catalogue says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
}

/// The coverage report, serialized as `coverage.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageReport {
    pub depth: u32,
    pub sequences: u64,
    pub steps: u64,
    pub distinct_states: u64,
    pub failures: usize,
    /// Actions that never ran at all.
    pub never_run_actions: Vec<String>,
    /// Clauses lacking some exercise, in order.
    pub under_exercised_clauses: Vec<String>,
    /// Never-run actions first, then by name.
    pub actions: Vec<ActionRow>,
    /// Under-exercised clauses first, then by id.
    pub clauses: Vec<ClauseRow>,
    /// The outcome columns, in order.
    #[serde(default)]
    pub outcome_keys: Vec<String>,
}

/// The outcome columns: the run's own list (`ok` then every error kind of its system), or for
/// a result that has none, `ok` then every key it saw, sorted.
pub fn outcome_keys(run: &RunResult) -> Vec<String> {
    if !run.outcome_keys.is_empty() {
        return run.outcome_keys.clone();
    }
    let seen: BTreeSet<&String> = run
        .coverage
        .actions
        .values()
        .flat_map(|o| o.keys())
        .filter(|k| *k != "ok")
        .collect();
    std::iter::once("ok".to_string())
        .chain(seen.into_iter().cloned())
        .collect()
}

/// Builds the report from a run and what the spec declares.
pub fn build(run: &RunResult, declared: &Declared) -> CoverageReport {
    let keys = outcome_keys(run);
    let mut names: BTreeSet<String> = declared.actions.clone();
    names.extend(run.coverage.actions.keys().cloned());
    let mut actions: Vec<ActionRow> = names
        .into_iter()
        .map(|a| {
            let seen = run.coverage.actions.get(&a);
            let mut outcomes: BTreeMap<String, u64> =
                keys.iter().map(|k| (k.to_string(), 0)).collect();
            if let Some(seen) = seen {
                for (k, n) in seen {
                    *outcomes.entry(k.clone()).or_default() += n;
                }
            }
            ActionRow {
                total: outcomes.values().sum(),
                action: a,
                outcomes,
            }
        })
        .collect();
    actions.sort_by(|x, y| (x.total > 0, &x.action).cmp(&(y.total > 0, &y.action)));

    let mut ids: BTreeMap<String, BTreeSet<Role>> = declared.clauses.clone();
    for (id, c) in &run.coverage.clauses {
        let roles = ids.entry(id.clone()).or_default();
        if roles.is_empty() {
            // Not declared by any spec action: infer the role from what the run counted.
            if c.held + c.failed > 0 {
                roles.insert(Role::Pre);
            }
            if c.checked > 0 {
                roles.insert(Role::Post);
            }
        }
    }
    let mut clauses: Vec<ClauseRow> = ids
        .iter()
        .map(|(id, roles)| {
            let c = run.coverage.clauses.get(id).copied().unwrap_or_default();
            let roles = if roles.is_empty() {
                BTreeSet::from([Role::Other])
            } else {
                roles.clone()
            };
            let ClauseCount {
                held,
                failed,
                checked,
            } = c;
            ClauseRow {
                clause: id.clone(),
                held,
                failed,
                checked,
                missing: match declared.unreachable.get(id) {
                    Some(_) => String::new(),
                    None => missing(&roles, &c).unwrap_or_default(),
                },
                unreachable: declared.unreachable.get(id).cloned(),
            }
        })
        .collect();
    clauses
        .sort_by(|x, y| (x.missing.is_empty(), &x.clause).cmp(&(y.missing.is_empty(), &y.clause)));
    CoverageReport {
        depth: run.depth,
        sequences: run.sequences,
        steps: run.steps,
        distinct_states: run.distinct_states,
        failures: run.failures.len(),
        never_run_actions: actions
            .iter()
            .filter(|a| a.total == 0)
            .map(|a| a.action.clone())
            .collect(),
        under_exercised_clauses: clauses
            .iter()
            .filter(|c| !c.missing.is_empty())
            .map(|c| c.clause.clone())
            .collect(),
        actions,
        clauses,
        outcome_keys: keys,
    }
}

/// The report as Markdown (`coverage.md`).
pub fn markdown(r: &CoverageReport) -> String {
    let mut s = String::from("# Coverage\n\n");
    let _ = writeln!(
        s,
        "Exploration depth {}: {} sequences, {} steps, {} distinct states, {} failures.\n",
        r.depth, r.sequences, r.steps, r.distinct_states, r.failures
    );
    s.push_str("## Never exercised\n\n");
    if r.never_run_actions.is_empty() && r.under_exercised_clauses.is_empty() {
        s.push_str(
            "Nothing: every action ran and every clause was exercised as its role requires.\n\n",
        );
    } else {
        for a in &r.never_run_actions {
            let _ = writeln!(s, "- action `{a}` never ran");
        }
        for c in r.clauses.iter().filter(|c| !c.missing.is_empty()) {
            let _ = writeln!(s, "- clause {}: {}", c.clause, c.missing);
        }
        s.push('\n');
    }
    let keys = &r.outcome_keys;
    s.push_str("## Actions x outcomes\n\n| action | total |");
    for k in keys {
        let _ = write!(s, " {k} |");
    }
    s.push_str("\n|---|---:|");
    for _ in keys {
        s.push_str("---:|");
    }
    s.push('\n');
    for a in &r.actions {
        let _ = write!(s, "| {} | {} |", a.action, a.total);
        for k in keys {
            let n = a.outcomes.get(k).copied().unwrap_or(0);
            if n == 0 {
                s.push_str(" . |");
            } else {
                let _ = write!(s, " {n} |");
            }
        }
        s.push('\n');
    }
    s.push_str("\n## Clauses\n\n| clause | held | failed | checked | missing |\n|---|---:|---:|---:|---|\n");
    for c in &r.clauses {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            c.clause,
            c.held,
            c.failed,
            c.checked,
            match (&c.unreachable, c.missing.is_empty()) {
                (Some(why), _) => format!("unreachable: {}", why.replace('|', "\\|")),
                (None, true) => "-".to_string(),
                (None, false) => c.missing.clone(),
            }
        );
    }
    s
}
