//! Runs scenario steps on the chosen subject: each step compiles to `Call`s (a composite such
//! as `write_file` to open + write + close on a slot of its own) executed through the
//! subject's driver, so a scenario means the same on memfs-core and on any other
//! implementation. The runner checks each outcome against the step's expectations.

use super::format::{Scenario, Step};
use super::host::HostSnapshot;
use super::steps::exec;
use super::subst::subst_step;
use super::values::{matches, to_json, value_contains, value_len};
use crate::engine::system::{Driver, DriverError};
use crate::fs::call::{CallOutcome, Slot};
use crate::fs::config::FsConfig;
use crate::fs::observation::{NodeObs, StepValue};
use crate::fs::subject::{DriverOptions, Subject, SubjectDriver};
use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Why a scenario failed: which step, where, what.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Step position (`4`, or `3.2[i=7]` inside a repeat).
    pub step: String,
    pub line: u64,
    pub op: String,
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "step {} (line {}, `{}`): {}",
            self.step, self.line, self.op, self.message
        )
    }
}

/// The result of running one scenario.
#[derive(Debug)]
pub struct Outcome {
    pub steps_run: u64,
    pub failure: Option<Failure>,
    /// Where the filesystems were dumped after a failure (`dump_on_failure`).
    pub dumped_to: Option<PathBuf>,
}

/// Runs scenarios on a subject; `dump_on_failure` exports every filesystem of a failing
/// scenario to disk under that directory (seed 001's export-on-failure flow, applied to the
/// harness itself).
#[derive(Debug, Default, Clone)]
pub struct Runner {
    pub subject: Subject,
    /// How the subject's drivers are built (messages are always on: scenarios check them).
    pub options: DriverOptions,
    pub dump_on_failure: Option<PathBuf>,
}

/// One filesystem of a running scenario: the subject's driver and which slot each handle
/// name is bound to. Slot 0 is the composites' own (`write_file`, `read_file`).
pub(super) struct Fs {
    pub(super) driver: SubjectDriver,
    pub(super) slots: BTreeMap<String, Slot>,
    /// Handle names whose last open succeeded (a handle op on another name is the scenario's
    /// mistake, reported as such).
    pub(super) open: BTreeSet<String>,
}

/// The composites' slot.
pub(super) const SCRATCH: Slot = 0;

pub(super) struct State {
    pub(super) fss: BTreeMap<String, Fs>,
    pub(super) default_fs: String,
    pub(super) vars: BTreeMap<String, StepValue>,
    pub(super) steps_run: u64,
}

/// Why a step did not produce an outcome to check.
pub(super) enum StepErr {
    /// The scenario itself is wrong at run time (unknown handle, bad saved value, ...).
    Scenario(String),
    /// The subject's driver failed (crashed, answered something unmappable).
    Driver(DriverError),
}

impl From<DriverError> for StepErr {
    fn from(e: DriverError) -> Self {
        StepErr::Driver(e)
    }
}

/// Every handle name the steps use (through repeats), so each filesystem gets enough slots.
fn handle_names(steps: &[Step], out: &mut BTreeSet<String>) {
    for st in steps {
        if let Some(h) = &st.handle {
            out.insert(h.clone());
        }
        if let Some(body) = &st.steps {
            handle_names(body, out);
        }
    }
}

impl Runner {
    /// Runs one scenario to its first failing step.
    pub fn run(&self, sc: &Scenario) -> Outcome {
        let mut names = BTreeSet::new();
        handle_names(&sc.steps, &mut names);
        let slots = u8::try_from(names.len() + 1).unwrap_or(u8::MAX);
        let mut st = State {
            fss: BTreeMap::new(),
            default_fs: sc
                .filesystems
                .keys()
                .next()
                .cloned()
                .unwrap_or_else(|| "main".into()),
            vars: BTreeMap::new(),
            steps_run: 0,
        };
        // Scenarios never compare whole observations: no observation per call.
        let opts = DriverOptions {
            messages: true,
            observe_calls: false,
            ..self.options
        };
        for (name, cfg) in &sc.filesystems {
            let cfg = FsConfig {
                slots: cfg.slots.max(slots),
                ..cfg.clone()
            };
            match self.subject.driver(&cfg, opts) {
                Ok(driver) => {
                    st.fss.insert(
                        name.clone(),
                        Fs {
                            driver,
                            slots: BTreeMap::new(),
                            open: BTreeSet::new(),
                        },
                    );
                }
                Err(e) => {
                    let failure = Failure {
                        step: "setup".into(),
                        line: 1,
                        op: "filesystems".into(),
                        message: format!("cannot build filesystem `{name}`: {e}"),
                    };
                    return Outcome {
                        steps_run: 0,
                        failure: Some(failure),
                        dumped_to: None,
                    };
                }
            }
        }
        // Only the core runs on this thread: a process subject's writes are its own.
        let in_process = self.subject == Subject::Core;
        let before = sc
            .host_untouched
            .then(|| HostSnapshot::take_with(in_process));
        let mut failure = run_steps(&mut st, &sc.steps, "");
        if let (Some(before), None) = (before, &failure) {
            let after = HostSnapshot::take_with(in_process);
            let changes = before.changes(&after);
            if !changes.is_empty() {
                failure = Some(Failure {
                    step: "end".into(),
                    line: 1,
                    op: "host_untouched".into(),
                    message: format!("the host filesystem changed: {}", changes.join("; ")),
                });
            }
        }
        let mut dumped_to = None;
        if let (Some(f), Some(dir)) = (&failure, &self.dump_on_failure) {
            let target = dir.join(format!("scenario-{}", sc.number));
            let mut notes = Vec::new();
            for (name, fs) in &st.fss {
                match fs.driver.observe() {
                    Ok(obs) => {
                        let files: BTreeMap<String, Vec<u8>> = obs
                            .nodes
                            .into_iter()
                            .filter_map(|(p, n)| match n {
                                NodeObs::File { data, .. } => Some((p, data)),
                                NodeObs::Dir { .. } => None,
                            })
                            .collect();
                        if let Err(e) = write_tree(&target.join(name), &files) {
                            notes.push(e);
                        }
                    }
                    Err(e) => notes.push(format!("cannot observe `{name}`: {e}")),
                }
            }
            if notes.is_empty() {
                dumped_to = Some(target);
            } else {
                eprintln!(
                    "dump after failure of {} ({f}) incomplete: {}",
                    sc.number,
                    notes.join("; ")
                );
            }
        }
        Outcome {
            steps_run: st.steps_run,
            failure,
            dumped_to,
        }
    }
}

/// Writes an exported file map under `dir` (virtual `/a/b` -> `dir/a/b`).
pub fn write_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for (vpath, data) in files {
        let rel = vpath.trim_start_matches('/');
        if rel.split('/').any(|p| p == ".." || p.is_empty()) {
            return Err(format!(
                "refusing to write {vpath:?} outside {}",
                dir.display()
            ));
        }
        let real = dir.join(rel);
        if let Some(parent) = real.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&real, data).map_err(|e| format!("{}: {e}", real.display()))?;
        written.push(real);
    }
    Ok(written)
}

/// The step's payload: `data` repeated `data_repeat` times, or a saved value's bytes.
pub(super) fn payload(st: &Step, vars: &BTreeMap<String, StepValue>) -> Result<Vec<u8>, StepErr> {
    if let Some(v) = &st.from {
        return match vars.get(v) {
            Some(StepValue::Bytes(b)) => Ok(b.clone()),
            Some(StepValue::Files(m)) if m.len() == 1 => {
                Ok(m.values().next().cloned().unwrap_or_default())
            }
            Some(other) => Err(StepErr::Scenario(format!(
                "`from: {v}` holds {other:?}, not bytes"
            ))),
            None => Err(StepErr::Scenario(format!(
                "`from: {v}`: no such saved value"
            ))),
        };
    }
    let d = st.data.as_deref().unwrap_or("").as_bytes();
    Ok(d.repeat(st.data_repeat.unwrap_or(1) as usize))
}

fn run_steps(st: &mut State, steps: &[Step], prefix: &str) -> Option<Failure> {
    for (i, step) in steps.iter().enumerate() {
        let pos = format!("{prefix}{}", i + 1);
        let fail = |message: String| Failure {
            step: pos.clone(),
            line: step.op.referenced.line(),
            op: step.op.value.clone(),
            message,
        };
        if step.op.value == "repeat" {
            let var = step.var.clone().unwrap_or_default();
            let body = step.steps.as_deref().unwrap_or_default();
            for k in 0..step.times.unwrap_or(0) {
                let body: Vec<Step> = body.iter().map(|s| subst_step(s, &var, k)).collect();
                if let Some(mut f) = run_steps(st, &body, &format!("{pos}.")) {
                    f.step = format!("{}[{var}={k}]", f.step);
                    return Some(f);
                }
            }
            continue;
        }
        st.steps_run += 1;
        let expected = step.expect.as_deref().unwrap_or("ok");
        match exec(st, step) {
            Err(StepErr::Scenario(m)) => return Some(fail(m)),
            Err(StepErr::Driver(e)) => return Some(fail(format!("driver failure: {e}"))),
            Ok(CallOutcome::Err { kind, message, .. }) => {
                let text = &message.0;
                if expected != kind.name() {
                    return Some(fail(format!("expected {expected}, got {kind}: {text}")));
                }
                if let Some(want) = step
                    .error_contains
                    .as_ref()
                    .filter(|w| !text.contains(w.as_str()))
                {
                    return Some(fail(format!(
                        "error message {text:?} does not contain {want:?}"
                    )));
                }
            }
            Ok(CallOutcome::Ok(out)) => {
                if expected != "ok" {
                    return Some(fail(format!(
                        "expected {expected}, got ok ({})",
                        to_json(&out)
                    )));
                }
                if let Some(m) = check(st, step, &out) {
                    return Some(fail(m));
                }
                if let Some(name) = &step.save_as {
                    st.vars.insert(name.clone(), out);
                }
            }
        }
    }
    None
}

fn check(st: &State, step: &Step, out: &StepValue) -> Option<String> {
    let got = to_json(out);
    if let Some(exp) = step.returns.as_ref().filter(|e| !matches(e, &got)) {
        return Some(format!("returned {}, expected {exp}", short(&got)));
    }
    if let Some(n) = step.len {
        match value_len(out) {
            Some(l) if l == n => {}
            Some(l) => return Some(format!("returned {l} items/bytes, expected {n}")),
            None => return Some(format!("`len` does not apply to {}", short(&got))),
        }
    }
    if let Some(c) = &step.contains {
        match value_contains(out, c) {
            Some(true) => {}
            Some(false) => return Some(format!("{} does not contain {c:?}", short(&got))),
            None => return Some(format!("`contains` does not apply to {}", short(&got))),
        }
    }
    if let Some(v) = &step.equals {
        match st.vars.get(v) {
            Some(saved) if saved == out => {}
            Some(saved) => {
                return Some(format!(
                    "returned {}, but `{v}` holds {}",
                    short(&got),
                    short(&to_json(saved))
                ));
            }
            None => return Some(format!("`equals: {v}`: nothing saved under that name")),
        }
    }
    None
}

fn short(j: &J) -> String {
    let s = j.to_string();
    if s.chars().count() > 300 {
        let head: String = s.chars().take(300).collect();
        format!("{head}... ({} chars)", s.len())
    } else {
        s
    }
}
