//! The report of another implementation's recorded disagreements (`reports/dmemfs.md` and
//! `.json`): the regression files that carry a `known` record, grouped by root cause, each
//! with its minimal witness, how many failing prefixes hit it, the clause it breaks, and
//! whether it is the subject's defect or one of our deliberate differences.

use crate::engine::regression::{Known, RegressionFile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One recorded disagreement file, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub id: String,
    /// The file it was read from.
    pub file: String,
    /// Which spec it was found on (the folder under the records' root: `default`, ...).
    pub spec: String,
    pub steps: Vec<String>,
    pub expected: String,
    pub observed: String,
    /// What went wrong at the failing step, in words.
    pub message: String,
    pub clauses: Vec<String>,
    pub prefixes: u64,
    pub known: Known,
}

/// One root cause with every witness of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub cause: String,
    pub class: String,
    pub semantics: String,
    /// Failing prefixes over all its witnesses and specs.
    pub prefixes: u64,
    pub witnesses: Vec<Witness>,
}

/// One exploration of the subject the records come from (a line of the report's run table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunLine {
    pub label: String,
    pub depth: u32,
    pub steps: u64,
    pub seconds: f64,
    pub steps_per_sec: f64,
    pub groups: usize,
    pub failing_prefixes: u64,
    pub notes: Vec<String>,
}

impl RunLine {
    /// The line of run result `r`, labelled `label` (the spec it explored).
    pub fn of(label: &str, r: &crate::results::RunResult) -> RunLine {
        RunLine {
            label: label.to_string(),
            depth: r.depth,
            steps: r.steps,
            seconds: r.seconds,
            steps_per_sec: if r.seconds > 0.0 {
                r.steps as f64 / r.seconds
            } else {
                0.0
            },
            groups: r.failures.len(),
            failing_prefixes: r.failures.iter().map(|f| f.prefixes).sum(),
            notes: r.notes.clone(),
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownReport {
    pub subject: String,
    /// The explorations given with the records.
    #[serde(default)]
    pub runs: Vec<RunLine>,
    /// Defects first, then deliberate differences, then the ones the semantics leave open
    /// (`unspecified`), then unclassified; most hit first.
    pub causes: Vec<Cause>,
    /// Files with a `known` record that nobody classified yet.
    pub unclassified: usize,
}

/// A witness from a regression file with a `known` record (`None` for other files).
pub fn witness<St>(file: &RegressionFile<St>, path: &str, spec: &str) -> Option<Witness> {
    let known = file.known.clone()?;
    Some(Witness {
        id: file.id.clone(),
        file: path.to_string(),
        spec: spec.to_string(),
        steps: file.steps.iter().map(|s| s.label.clone()).collect(),
        expected: file.expected.clone(),
        observed: file.observed.clone(),
        message: file.message.clone(),
        // A driver finding names no clause of its own: those of the step's preconditions.
        clauses: if known.group.clauses.is_empty() {
            file.clauses.clone()
        } else {
            known.group.clauses.clone()
        },
        prefixes: file.prefixes,
        known,
    })
}

fn class_rank(c: &str) -> u8 {
    match c {
        "defect" => 0,
        "deliberate" => 1,
        "unspecified" => 2,
        _ => 3,
    }
}

/// Groups witnesses by cause.
pub fn build(subject: &str, witnesses: Vec<Witness>, runs: Vec<RunLine>) -> KnownReport {
    let unclassified = witnesses
        .iter()
        .filter(|w| w.known.cause.is_empty())
        .count();
    let mut by: BTreeMap<(u8, String), Cause> = BTreeMap::new();
    for w in witnesses {
        let cause = if w.known.cause.is_empty() {
            format!("unclassified: {}", w.known.group)
        } else {
            w.known.cause.clone()
        };
        let c = by
            .entry((class_rank(&w.known.class), cause.clone()))
            .or_insert_with(|| Cause {
                cause,
                class: w.known.class.clone(),
                semantics: w.known.semantics.clone(),
                prefixes: 0,
                witnesses: Vec::new(),
            });
        c.prefixes += w.prefixes;
        c.witnesses.push(w);
    }
    let mut causes: Vec<Cause> = by.into_values().collect();
    for c in &mut causes {
        c.witnesses
            .sort_by(|a, b| a.steps.len().cmp(&b.steps.len()).then(a.id.cmp(&b.id)));
    }
    causes.sort_by(|a, b| {
        class_rank(&a.class)
            .cmp(&class_rank(&b.class))
            .then(b.prefixes.cmp(&a.prefixes))
            .then(a.cause.cmp(&b.cause))
    });
    KnownReport {
        subject: subject.to_string(),
        runs,
        causes,
        unclassified,
    }
}

/// The report as Markdown.
pub fn markdown(r: &KnownReport, intro: &str) -> String {
    let mut s = format!("# Disagreements of {}\n\n", r.subject);
    s.push_str(intro);
    if !intro.ends_with('\n') {
        s.push('\n');
    }
    let defects = r.causes.iter().filter(|c| c.class == "defect").count();
    let deliberate = r.causes.iter().filter(|c| c.class == "deliberate").count();
    let unspecified = r.causes.iter().filter(|c| c.class == "unspecified").count();
    let _ = writeln!(
        s,
        "\n{} distinct disagreements: {defects} defects of {}, {deliberate} deliberate differences of our semantics, {unspecified} where the semantics do not decide and the spec's reading does; {} unclassified witness files.\n",
        r.causes.len(),
        r.subject,
        r.unclassified
    );
    if !r.runs.is_empty() {
        s.push_str(
            "| run | depth | steps | seconds | steps/s | failure groups | failing prefixes |\n",
        );
        s.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
        for l in &r.runs {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.1} | {:.0} | {} | {} |",
                l.label, l.depth, l.steps, l.seconds, l.steps_per_sec, l.groups, l.failing_prefixes
            );
        }
        // Notes every run shares are said once; the others name their run.
        let shared = |n: &String| r.runs.iter().all(|l| l.notes.contains(n));
        let mut said = Vec::new();
        for l in &r.runs {
            for n in &l.notes {
                if !shared(n) {
                    let _ = writeln!(s, "\nNote ({}): {n}.", l.label);
                } else if !said.contains(&n) {
                    said.push(n);
                    let _ = writeln!(s, "\nNote: {n}.");
                }
            }
        }
        s.push('\n');
    }
    s.push_str("| # | class | root cause | semantics | witnesses | failing prefixes |\n");
    s.push_str("|---:|---|---|---|---:|---:|\n");
    for (i, c) in r.causes.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            i + 1,
            if c.class.is_empty() { "?" } else { &c.class },
            c.cause,
            c.semantics,
            c.witnesses.len(),
            c.prefixes
        );
    }
    for (i, c) in r.causes.iter().enumerate() {
        let _ = writeln!(s, "\n## {}. {} ({})\n", i + 1, c.cause, c.class);
        if !c.semantics.is_empty() {
            let _ = writeln!(s, "Semantics: {}\n", c.semantics);
        }
        for w in &c.witnesses {
            let _ = writeln!(
                s,
                "- `{}` ({} spec, {} failing prefixes; clauses {}): {}",
                w.id,
                w.spec,
                w.prefixes,
                if w.clauses.is_empty() {
                    "-".to_string()
                } else {
                    w.clauses.join(", ")
                },
                w.steps
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            );
            let _ = writeln!(
                s,
                "  - expected {}, {} answered {}: {}",
                w.expected, r.subject, w.observed, w.message
            );
            if !w.known.note.is_empty() {
                let _ = writeln!(s, "  - {}", w.known.note);
            }
        }
    }
    s
}
