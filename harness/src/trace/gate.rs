//! The traceability gate: from definitions, references and a run's clause counts, the gaps
//! (unreferenced, dangling, duplicate, malformed, not exercised) and the trace table.

use super::scan::{ClauseDef, Loc, Referrer, Role, Scan};
use crate::results::{ClauseCount, Coverage};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One thing the gate rejects. Each says where and what to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Gap {
    /// A file, id or tag that could not be read.
    Malformed { at: Loc, message: String },
    /// The same id defined twice.
    Duplicate { id: String, first: Loc, again: Loc },
    /// A reference to an id the catalogue does not define.
    Dangling { id: String, at: Loc },
    /// A clause no action, scenario or test references.
    Unreferenced { id: String, at: Loc },
    /// A clause the run did not exercise as its role requires.
    NotExercised {
        id: String,
        at: Loc,
        need: String,
        count: ClauseCount,
    },
    /// The run counted a clause the catalogue does not define.
    UnknownInRun { id: String },
}

impl Gap {
    /// The clause the gap is about, if any.
    pub fn clause(&self) -> Option<&str> {
        match self {
            Gap::Malformed { .. } => None,
            Gap::Duplicate { id, .. }
            | Gap::Dangling { id, .. }
            | Gap::Unreferenced { id, .. }
            | Gap::NotExercised { id, .. }
            | Gap::UnknownInRun { id } => Some(id),
        }
    }
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gap::Malformed { at, message } => write!(f, "{at}: {message}"),
            Gap::Duplicate { id, first, again } => {
                write!(
                    f,
                    "{again}: clause {id} defined again (first at {first}); give it a new id"
                )
            }
            Gap::Dangling { id, at } => write!(
                f,
                "{at}: dangling reference to {id}: no such clause in the catalogue (fix the id or define it)"
            ),
            Gap::Unreferenced { id, at } => write!(
                f,
                "{at}: clause {id} is referenced by no action, scenario or test (add `clause: {id}` to an action condition, a scenario's `clauses:`, or a `// spec: {id}` test tag)"
            ),
            Gap::NotExercised {
                id,
                at,
                need,
                count,
            } => write!(
                f,
                "{at}: clause {id} not exercised: {need} (held {}, failed {}, checked {}); extend the spec's domains, or mark it `unreachable: <why>`",
                count.held, count.failed, count.checked
            ),
            Gap::UnknownInRun { id } => {
                write!(
                    f,
                    "run result counts clause {id}, which the catalogue does not define (stale run or missing clause)"
                )
            }
        }
    }
}

/// One clause in the trace table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub def: ClauseDef,
    pub actions: BTreeSet<String>,
    pub scenarios: BTreeSet<String>,
    pub tests: BTreeSet<String>,
    pub roles: BTreeSet<Role>,
    /// Counts from the run (`None` when no run was given).
    pub count: Option<ClauseCount>,
}

/// The gate's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub gaps: Vec<Gap>,
    pub rows: Vec<Row>,
    /// Unreachable clauses the run exercised fully anyway: their mark can go.
    pub stale_unreachable: Vec<String>,
    /// Remarks that are not gaps (`file:line: text`).
    pub notes: Vec<String>,
}

impl Verdict {
    /// Clauses marked unreachable.
    pub fn unreachable(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.def.unreachable.is_some())
    }
}

/// What a clause still needs from the run, or `None` if its counts satisfy its roles.
/// Preconditions must be seen both holding and failing, postconditions checked, and a clause
/// referenced only elsewhere must be counted at all.
pub fn missing(roles: &BTreeSet<Role>, c: &ClauseCount) -> Option<String> {
    let mut need = Vec::new();
    if roles.contains(&Role::Pre) {
        if c.held == 0 {
            need.push("precondition never held");
        }
        if c.failed == 0 {
            need.push("precondition never failed");
        }
    }
    if roles.contains(&Role::Post) && c.checked == 0 {
        need.push("postcondition never checked");
    }
    if !roles.contains(&Role::Pre)
        && !roles.contains(&Role::Post)
        && c.held + c.failed + c.checked == 0
    {
        need.push("never evaluated in exploration");
    }
    (!need.is_empty()).then(|| need.join(", "))
}

/// Runs every check. `run` is the (merged) coverage of the CI-depth exploration, or `None`
/// to check references only.
pub fn check(scan: &Scan, run: Option<&Coverage>) -> Verdict {
    let mut gaps: Vec<Gap> = scan
        .problems
        .iter()
        .map(|(at, m)| Gap::Malformed {
            at: at.clone(),
            message: m.clone(),
        })
        .collect();
    let mut defs: BTreeMap<&str, &ClauseDef> = BTreeMap::new();
    for d in &scan.clauses {
        match defs.get(d.id.as_str()) {
            Some(first) => gaps.push(Gap::Duplicate {
                id: d.id.clone(),
                first: first.at.clone(),
                again: d.at.clone(),
            }),
            None => {
                defs.insert(&d.id, d);
            }
        }
    }
    let mut dangling: Vec<Gap> = scan
        .refs
        .iter()
        .filter(|r| !defs.contains_key(r.id.as_str()))
        .map(|r| Gap::Dangling {
            id: r.id.clone(),
            at: r.at.clone(),
        })
        .collect();
    dangling.sort_by(|a, b| format!("{a}").cmp(&format!("{b}")));
    dangling.dedup();
    gaps.extend(dangling);

    let mut rows = Vec::new();
    let mut stale = Vec::new();
    for d in defs.values() {
        let mut row = Row {
            def: (*d).clone(),
            actions: BTreeSet::new(),
            scenarios: BTreeSet::new(),
            tests: BTreeSet::new(),
            roles: BTreeSet::new(),
            count: run.map(|c| c.clauses.get(&d.id).copied().unwrap_or_default()),
        };
        for r in scan.refs.iter().filter(|r| r.id == d.id) {
            match &r.by {
                Referrer::Action(a) => {
                    row.actions.insert(if a.is_empty() {
                        r.at.file.display().to_string()
                    } else {
                        a.clone()
                    });
                    row.roles.insert(r.role);
                }
                Referrer::Scenario(s) => {
                    row.scenarios.insert(s.clone());
                }
                Referrer::Test(t) => {
                    row.tests.insert(t.clone());
                }
            }
        }
        if row.actions.is_empty() && row.scenarios.is_empty() && row.tests.is_empty() {
            gaps.push(Gap::Unreferenced {
                id: d.id.clone(),
                at: d.at.clone(),
            });
        }
        if let Some(c) = &row.count {
            let need = missing(&row.roles, c);
            match (&d.unreachable, need) {
                (None, Some(need)) => gaps.push(Gap::NotExercised {
                    id: d.id.clone(),
                    at: d.at.clone(),
                    need,
                    count: *c,
                }),
                (Some(_), None) => stale.push(d.id.clone()),
                _ => {}
            }
        }
        rows.push(row);
    }
    if let Some(cov) = run {
        for id in cov.clauses.keys() {
            if !defs.contains_key(id.as_str()) {
                gaps.push(Gap::UnknownInRun { id: id.clone() });
            }
        }
    }
    let notes = scan
        .notes
        .iter()
        .map(|(at, m)| format!("{at}: {m}"))
        .collect();
    Verdict {
        gaps,
        rows,
        stale_unreachable: stale,
        notes,
    }
}

fn join(s: &BTreeSet<String>) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The trace report (`reports/trace.md`): gaps first, then clause -> actions, scenarios,
/// tests and times exercised, then the unreachable list.
pub fn markdown(v: &Verdict, run_label: Option<&str>) -> String {
    let mut s = String::from("# Clause traceability\n\n");
    let _ = writeln!(
        s,
        "{} clauses, {} gaps, {} marked unreachable. Exercise counts: {}.\n",
        v.rows.len(),
        v.gaps.len(),
        v.unreachable().count(),
        run_label.unwrap_or("none (no run given)")
    );
    s.push_str("## Gaps\n\n");
    if v.gaps.is_empty() {
        s.push_str("None.\n\n");
    } else {
        for g in &v.gaps {
            let _ = writeln!(s, "- {}", cell(&g.to_string()));
        }
        s.push('\n');
    }
    s.push_str(
        "## Clauses\n\n| clause | rule | actions | scenarios | tests | held | failed | checked |\n",
    );
    s.push_str("|---|---|---|---|---|---:|---:|---:|\n");
    for r in &v.rows {
        let (h, f, c) = match r.count {
            Some(c) => (
                c.held.to_string(),
                c.failed.to_string(),
                c.checked.to_string(),
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {h} | {f} | {c} |",
            r.def.id,
            cell(&r.def.rule),
            cell(&join(&r.actions)),
            cell(&join(&r.scenarios)),
            cell(&join(&r.tests))
        );
    }
    s.push_str("\n## Unreachable at the CI depth\n\n");
    let mut any = false;
    for r in v.unreachable() {
        any = true;
        let _ = writeln!(
            s,
            "- {}: {}",
            r.def.id,
            cell(r.def.unreachable.as_deref().unwrap_or(""))
        );
    }
    if !any {
        s.push_str("None.\n");
    }
    if !v.notes.is_empty() {
        s.push_str("\n## Notes\n\n");
        for n in &v.notes {
            let _ = writeln!(s, "- {}", cell(n));
        }
    }
    if !v.stale_unreachable.is_empty() {
        let _ = writeln!(
            s,
            "\nMarked unreachable but fully exercised (drop the mark): {}",
            v.stale_unreachable.join(", ")
        );
    }
    s
}

/// One JUnit case per clause (failing if any gap names it) plus one per gap without a clause.
pub fn junit(v: &Verdict) -> crate::junit::Suite {
    use crate::junit::{Case, Suite};
    let mut cases = Vec::new();
    for r in &v.rows {
        let mine: Vec<String> = v
            .gaps
            .iter()
            .filter(|g| g.clause() == Some(r.def.id.as_str()))
            .map(|g| g.to_string())
            .collect();
        cases.push(if mine.is_empty() {
            Case::pass("trace.clause", &r.def.id)
        } else {
            Case::fail("trace.clause", &r.def.id, &mine[0], &mine.join("\n"))
        });
    }
    let known: BTreeSet<&str> = v.rows.iter().map(|r| r.def.id.as_str()).collect();
    for g in &v.gaps {
        if g.clause().is_none_or(|id| !known.contains(id)) {
            let name = match g.clause() {
                Some(id) => format!("reference {id}"),
                None => "input".to_string(),
            };
            cases.push(Case::fail(
                "trace.reference",
                &name,
                &g.to_string(),
                &g.to_string(),
            ));
        }
    }
    Suite {
        name: "harness trace --check".into(),
        seconds: 0.0,
        cases,
    }
}
