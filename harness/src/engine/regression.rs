//! Regression files: a shrunk failing sequence saved as readable YAML (labels and structured
//! steps, expected vs observed outcome, clauses, state diff), and their replay. A file whose
//! steps the spec no longer has is STALE, never silently skipped.

use super::explore::stable_hash;
use super::group::GroupKey;
use super::run::{DriverFor, Parties, StepFailure};
use super::shrink::Shrunk;
use super::system::{Finding, StepId, System};
use crate::results::FailureSummary;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One step of a regression file: its label, its action and its structured form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionStep<St> {
    pub label: String,
    pub action: String,
    pub call: St,
}

/// The contents of `scenarios/regressions/<id>.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionFile<St> {
    /// Stable hash of the step labels; also the file stem.
    pub id: String,
    pub steps: Vec<RegressionStep<St>>,
    /// 1-based index of the failing step (the last one once shrunk).
    pub failing_step: usize,
    /// What the model expected at the failing step.
    pub expected: String,
    /// What the implementation under test returned.
    pub observed: String,
    /// What the reference (oracle) returned.
    pub reference: String,
    pub message: String,
    pub clauses: Vec<String>,
    pub findings: Vec<Finding>,
    /// Differences between the implementation's and the oracle's state after the failing step.
    #[serde(default)]
    pub diff: Vec<String>,
    /// How many failing prefixes of the run that found it share its root cause (0: unknown).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prefixes: u64,
    /// Set for a disagreement found on another implementation and kept as a record: replayed
    /// on that subject it must still fail exactly so (else the file is STALE: the subject
    /// changed); on any other subject it must pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<Known>,
}

/// A recorded disagreement of one subject (see [`RegressionFile::known`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    /// The subject's driver name (`dmemfs`).
    pub subject: String,
    /// How it fails: the failure group's key.
    pub group: GroupKey,
    /// What the subject answered at the failing step, as recorded.
    pub observed: String,
    /// `defect` (the subject breaks what it promises, or fails with an error outside the
    /// vocabulary) or `deliberate` (our semantics differ on purpose: a weak point they fix);
    /// filled in by whoever classified it, like the three fields below.
    #[serde(default)]
    pub class: String,
    /// The root cause in a few words; files with the same cause are one disagreement.
    #[serde(default)]
    pub cause: String,
    /// The semantics line that decides it (`§7 export: never forever [fixed]`).
    #[serde(default)]
    pub semantics: String,
    /// Anything else worth knowing (the subject's source line, say).
    #[serde(default)]
    pub note: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The short id of a sequence: a stable hash of its step labels (10 hex digits).
pub fn short_id<S: System>(sys: &S, steps: &[StepId]) -> String {
    let h = stable_hash(steps.iter().map(|s| sys.label(*s).as_bytes()));
    format!("{h:016x}")[..10].to_string()
}

/// Builds the regression file of a shrunk failure.
pub fn regression_file<S: System>(sys: &S, shrunk: &Shrunk) -> RegressionFile<S::Step> {
    let steps = shrunk
        .steps
        .iter()
        .map(|s| RegressionStep {
            label: sys.label(*s).to_string(),
            action: sys
                .action_names()
                .get(sys.action_of(*s))
                .cloned()
                .unwrap_or_default(),
            call: sys.steps()[*s as usize].clone(),
        })
        .collect();
    let f = &shrunk.failure;
    RegressionFile {
        id: short_id(sys, &shrunk.steps),
        steps,
        failing_step: f.position + 1,
        expected: f.expected.clone(),
        observed: f.observed.clone(),
        reference: f.reference.clone(),
        message: f.message(),
        clauses: f.clauses(),
        findings: f.findings.clone(),
        diff: f.diff(),
        prefixes: 0,
        known: None,
    }
}

/// The run-result summary of a shrunk failure (with where its file went, if written).
pub fn failure_summary<S: System>(sys: &S, shrunk: &Shrunk, file: Option<&Path>) -> FailureSummary {
    FailureSummary {
        id: short_id(sys, &shrunk.steps),
        steps: shrunk
            .steps
            .iter()
            .map(|s| sys.label(*s).to_string())
            .collect(),
        message: shrunk.failure.message(),
        clauses: shrunk.failure.clauses(),
        file: file.map(|p| p.display().to_string()),
        prefixes: 0,
        group: GroupKey::of(sys, &shrunk.steps, &shrunk.failure).to_string(),
    }
}

/// A regression file (or a folder of them) could not be read, parsed, listed or written.
#[derive(Debug, thiserror::Error)]
pub enum RegressionError {
    #[error("cannot serialize regression {id}: {message}")]
    Serialize { id: String, message: String },
    #[error("{}: cannot {what}: {source}", path.display())]
    Io {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    #[error("{}: not a regression file: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{}: no such file or directory", .0.display())]
    Missing(PathBuf),
}

fn io_err(path: &Path, what: &'static str) -> impl FnOnce(std::io::Error) -> RegressionError {
    let path = path.to_path_buf();
    move |source| RegressionError::Io { path, what, source }
}

/// Serializes a regression file to YAML with a header saying how to replay it.
pub fn to_yaml<St: Serialize>(file: &RegressionFile<St>) -> Result<String, RegressionError> {
    let body = serde_saphyr::to_string(file).map_err(|e| RegressionError::Serialize {
        id: file.id.clone(),
        message: e.to_string(),
    })?;
    Ok(format!(
        "# Regression found by `harness explore`. Replay: `harness replay <this file>`.\n\
         # It must replay as passing once the bug is fixed (tests/regressions.rs enforces it).\n{body}"
    ))
}

/// Writes `<dir>/<id>.yaml` (creating `dir`) and returns its path.
pub fn write<St: Serialize>(
    dir: &Path,
    file: &RegressionFile<St>,
) -> Result<PathBuf, RegressionError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir, "create"))?;
    let path = dir.join(format!("{}.yaml", file.id));
    std::fs::write(&path, to_yaml(file)?).map_err(io_err(&path, "write"))?;
    Ok(path)
}

/// Reads a regression file.
pub fn read<St: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<RegressionFile<St>, RegressionError> {
    let text = std::fs::read_to_string(path).map_err(io_err(path, "read"))?;
    serde_saphyr::from_str(&text).map_err(|e| RegressionError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Result of replaying one regression file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayStatus {
    /// Every step conforms now.
    Pass,
    /// A step still fails.
    Fail(StepFailure),
    /// A recorded disagreement of this subject still fails exactly as recorded.
    Known(GroupKey),
    /// The spec no longer has some of the file's steps (one reason per missing step).
    Stale(Vec<String>),
    /// The file cannot be read or parsed (the error, displayed).
    Invalid(String),
}

impl ReplayStatus {
    /// `PASS`, `FAIL`, `STALE` or `INVALID`.
    pub fn word(&self) -> &'static str {
        match self {
            ReplayStatus::Pass => "PASS",
            ReplayStatus::Fail(_) => "FAIL",
            ReplayStatus::Known(_) => "KNOWN",
            ReplayStatus::Stale(_) => "STALE",
            ReplayStatus::Invalid(_) => "INVALID",
        }
    }
}

/// Maps a file's steps onto the system's alphabet by action name and structured step; the
/// labels are only for humans. `Err` lists every step the spec no longer has.
pub fn resolve<S: System>(
    sys: &S,
    steps: &[RegressionStep<S::Step>],
) -> Result<Vec<StepId>, Vec<String>> {
    let mut ids = Vec::with_capacity(steps.len());
    let mut stale = Vec::new();
    for (i, st) in steps.iter().enumerate() {
        let Some(action) = sys.action_names().iter().position(|a| *a == st.action) else {
            stale.push(format!(
                "step {}: action `{}` is no longer in the spec",
                i + 1,
                st.action
            ));
            continue;
        };
        let found = sys
            .steps()
            .iter()
            .enumerate()
            .position(|(id, call)| sys.action_of(id as StepId) == action && *call == st.call);
        match found {
            Some(id) => ids.push(id as StepId),
            None => stale.push(format!(
                "step {}: action `{}` no longer has the step `{}` (its argument domains changed)",
                i + 1,
                st.action,
                st.label
            )),
        }
    }
    if stale.is_empty() {
        Ok(ids)
    } else {
        Err(stale)
    }
}

/// Replays one regression file against the given parties.
pub fn replay_file<S, A, B>(p: Parties<'_, S, A, B>, path: &Path) -> ReplayStatus
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let file: RegressionFile<S::Step> = match read(path) {
        Ok(f) => f,
        Err(e) => return ReplayStatus::Invalid(e.to_string()),
    };
    let ids = match resolve(p.system, &file.steps) {
        Err(stale) => return ReplayStatus::Stale(stale),
        Ok(ids) => ids,
    };
    let failure = p.run_sequence(&ids);
    let Some(known) = file.known.filter(|k| k.subject == p.subject.name()) else {
        return match failure {
            None => ReplayStatus::Pass,
            Some(f) => ReplayStatus::Fail(f),
        };
    };
    match failure {
        None => ReplayStatus::Stale(vec![format!(
            "the recorded disagreement of {} no longer reproduces: every step conforms now ({}; update or delete the file)",
            known.subject, known.group
        )]),
        Some(f) => {
            let end = f.position.min(ids.len().saturating_sub(1));
            let group = GroupKey::of(p.system, &ids[..=end], &f);
            if group == known.group && f.observed == known.observed {
                ReplayStatus::Known(group)
            } else {
                ReplayStatus::Stale(vec![format!(
                    "{} now fails differently: {group}, observed {} (recorded: {}, observed {})",
                    known.subject, f.observed, known.group, known.observed
                )])
            }
        }
    }
}

/// Expands files and folders (recursively) into the `.yaml`/`.yml` files they name, sorted.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, RegressionError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect_dir(p, &mut out)?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(RegressionError::Missing(p.clone()));
        }
    }
    Ok(out)
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), RegressionError> {
    let rd = std::fs::read_dir(dir).map_err(io_err(dir, "list"))?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_dir(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
    Ok(())
}

/// A recorded known disagreement: a regression file with a `known` record of one subject.
#[derive(Debug, Clone)]
pub struct KnownRecord {
    pub path: PathBuf,
    pub id: String,
    /// Length of its witness: a run shallower than this cannot be expected to find it.
    pub steps: usize,
    pub known: Known,
}

/// The known-disagreement records of `subject` among the regression files under `paths`
/// (files without a record, or with another subject's, are left out).
pub fn known_records<St: serde::de::DeserializeOwned>(
    paths: &[PathBuf],
    subject: &str,
) -> Result<Vec<KnownRecord>, RegressionError> {
    let mut out = Vec::new();
    for path in collect_files(paths)? {
        let file: RegressionFile<St> = read(&path)?;
        if let Some(known) = file.known.filter(|k| k.subject == subject) {
            out.push(KnownRecord {
                path,
                id: file.id,
                steps: file.steps.len(),
                known,
            });
        }
    }
    Ok(out)
}
