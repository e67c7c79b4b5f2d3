//! Runs scenario steps on the chosen subject: each step compiles to `Call`s (a composite such
//! as `write_file` to open + write + close on a slot of its own) executed through the
//! subject's driver, so a scenario means the same on memfs-core and on any other
//! implementation. The runner checks each outcome against the step's expectations.

use super::format::{Scenario, Step};
use super::host::HostSnapshot;
use crate::engine::system::{Driver, DriverError};
use crate::fs::call::{Call, CallOutcome, Slot, Whence};
use crate::fs::config::FsConfig;
use crate::fs::observation::{NodeObs, StepValue};
use crate::fs::subject::{DriverOptions, Subject, SubjectDriver};
use serde_json::{Value as J, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn bytes_json(b: &[u8]) -> J {
    match std::str::from_utf8(b) {
        Ok(s) => J::String(s.to_string()),
        Err(_) => J::Array(b.iter().map(|x| json!(x)).collect()),
    }
}

/// A step's value as JSON, the form `returns:` is compared against (bytes as text when UTF-8;
/// `stat` and `stats` with the library's field names).
pub fn to_json(v: &StepValue) -> J {
    match v {
        StepValue::Unit => J::Null,
        StepValue::Bool(b) => json!(b),
        StepValue::U64(n) => json!(n),
        StepValue::Bytes(b) => bytes_json(b),
        StepValue::Names(v) => json!(v),
        StepValue::Stat {
            size,
            created,
            modified,
            generation,
            is_dir,
        } => json!({
            "size": size, "created_at": created, "modified_at": modified,
            "generation": generation, "is_dir": is_dir,
        }),
        StepValue::Stats(s) => json!({
            "used_bytes": s.used_bytes, "quota_bytes": s.quota_bytes, "free_bytes": s.free_bytes,
            "file_count": s.file_count, "dir_count": s.dir_count, "chunk_count": s.chunk_count,
            "overhead_per_chunk_estimate": s.overhead_per_chunk_estimate,
        }),
        StepValue::Files(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), bytes_json(v))).collect())
        }
        StepValue::Walk(w) => J::Array(w.iter().map(|(d, ds, fs)| json!([d, ds, fs])).collect()),
    }
}

fn value_len(v: &StepValue) -> Option<u64> {
    Some(match v {
        StepValue::Bytes(b) => b.len() as u64,
        StepValue::Names(v) => v.len() as u64,
        StepValue::Files(m) => m.len() as u64,
        StepValue::Walk(w) => w.len() as u64,
        _ => return None,
    })
}

fn value_contains(v: &StepValue, needle: &str) -> Option<bool> {
    Some(match v {
        StepValue::Bytes(b) => {
            needle.is_empty() || b.windows(needle.len()).any(|w| w == needle.as_bytes())
        }
        StepValue::Names(v) => v.iter().any(|n| n == needle),
        StepValue::Files(m) => m.contains_key(needle),
        _ => return None,
    })
}

/// Whether `actual` matches `expected`: maps match on the expected keys, everything else exactly
/// (numbers compare by value).
pub fn matches(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        (J::Object(e), J::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| matches(v, av))),
        (J::Array(e), J::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y))
        }
        (J::Number(e), J::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

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
    pub dump_on_failure: Option<PathBuf>,
}

/// One filesystem of a running scenario: the subject's driver and which slot each handle
/// name is bound to. Slot 0 is the composites' own (`write_file`, `read_file`).
struct Fs {
    driver: SubjectDriver,
    slots: BTreeMap<String, Slot>,
    /// Handle names whose last open succeeded (a handle op on another name is the scenario's
    /// mistake, reported as such).
    open: BTreeSet<String>,
}

/// The composites' slot.
const SCRATCH: Slot = 0;

struct State {
    fss: BTreeMap<String, Fs>,
    default_fs: String,
    vars: BTreeMap<String, StepValue>,
    steps_run: u64,
}

/// Why a step did not produce an outcome to check.
enum StepErr {
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
        let opts = DriverOptions { messages: true };
        for (name, cfg) in &sc.filesystems {
            let cfg = FsConfig {
                slots: cfg.slots.max(slots),
                ..*cfg
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
        let before = sc.host_untouched.then(HostSnapshot::take);
        let mut failure = run_steps(&mut st, &sc.steps, "");
        if let (Some(before), None) = (before, &failure) {
            let after = HostSnapshot::take();
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

/// Replaces `{var}` and `{var:0N}` (zero-padded to N digits) in `s`.
pub fn substitute(s: &str, var: &str, value: u64) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let open = format!("{{{var}");
    while let Some(i) = rest.find(&open) {
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len()..];
        if let Some(tail) = after.strip_prefix('}') {
            out.push_str(&value.to_string());
            rest = tail;
        } else if let Some(end) = after
            .strip_prefix(":0")
            .and_then(|a| a.find('}').map(|e| (a, e)))
        {
            let (a, e) = end;
            match a[..e].parse::<usize>() {
                Ok(w) => out.push_str(&format!("{value:0w$}")),
                Err(_) => out.push_str(&rest[i..i + open.len() + 2 + e + 1]),
            }
            rest = &a[e + 1..];
        } else {
            out.push_str(&open);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn subst_step(st: &Step, var: &str, v: u64) -> Step {
    let f = |o: &Option<String>| o.as_ref().map(|s| substitute(s, var, v));
    let mut s = st.clone();
    s.path = f(&st.path);
    s.src = f(&st.src);
    s.dst = f(&st.dst);
    s.handle = f(&st.handle);
    s.data = f(&st.data);
    s.prefix = f(&st.prefix);
    s.pattern = f(&st.pattern);
    s.save_as = f(&st.save_as);
    s.equals = f(&st.equals);
    s.from = f(&st.from);
    s.contains = f(&st.contains);
    s.error_contains = f(&st.error_contains);
    s.dir = f(&st.dir);
    s.entries = st.entries.as_ref().map(|m| {
        m.iter()
            .map(|(k, x)| (substitute(k, var, v), substitute(x, var, v)))
            .collect()
    });
    s.steps = st
        .steps
        .as_ref()
        .map(|b| b.iter().map(|x| subst_step(x, var, v)).collect());
    s.returns = st.returns.as_ref().map(|r| subst_json(r, var, v));
    s
}

fn subst_json(j: &J, var: &str, v: u64) -> J {
    match j {
        J::String(s) => J::String(substitute(s, var, v)),
        J::Array(a) => J::Array(a.iter().map(|x| subst_json(x, var, v)).collect()),
        J::Object(m) => J::Object(
            m.iter()
                .map(|(k, x)| (substitute(k, var, v), subst_json(x, var, v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The step's payload: `data` repeated `data_repeat` times, or a saved value's bytes.
fn payload(st: &Step, vars: &BTreeMap<String, StepValue>) -> Result<Vec<u8>, StepErr> {
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

/// Runs `calls` in order on `fs` at the scenario's clock, stopping at the first error; the
/// outcome is the last call's (or the error's). `cleanup` runs after, whatever happened, and
/// its outcome is not reported (a composite's close).
fn run_calls(
    fs: &mut Fs,
    time: u64,
    calls: &[Call],
    cleanup: Option<Call>,
) -> Result<CallOutcome, StepErr> {
    let mut last = CallOutcome::Ok(StepValue::Unit);
    for c in calls {
        fs.driver.set_time(time);
        last = fs.driver.apply(c)?;
        if matches!(last, CallOutcome::Err { .. }) {
            break;
        }
    }
    if let Some(c) = cleanup {
        fs.driver.set_time(time);
        fs.driver.apply(&c)?;
    }
    Ok(last)
}

/// The slot bound to handle `name`, for a handle op: the scenario's mistake if it names a
/// handle it never opened successfully.
fn bound(fs: &Fs, fs_name: &str, step: &Step) -> Result<Slot, StepErr> {
    let name = step.handle.clone().unwrap_or_default();
    match fs.slots.get(&name) {
        Some(s) if fs.open.contains(&name) => Ok(*s),
        _ => Err(StepErr::Scenario(format!(
            "no open handle `{name}` on `{fs_name}` (open it first)"
        ))),
    }
}

/// Compiles one step into calls and runs them on its filesystem.
fn exec(st: &mut State, step: &Step) -> Result<CallOutcome, StepErr> {
    let fs_name = step.fs.clone().unwrap_or_else(|| st.default_fs.clone());
    let time = st.steps_run * 1_000;
    let path = step.path.clone().unwrap_or_default();
    let src = step.src.clone().unwrap_or_default();
    let dst = step.dst.clone().unwrap_or_default();
    let op = step.op.value.as_str();
    // Values the step takes from earlier steps, before the filesystem is borrowed.
    let data = match op {
        "write" | "write_file" | "append_file" => Some(payload(step, &st.vars)?),
        _ => None,
    };
    let entries: Option<Vec<(String, Vec<u8>)>> = if op == "import_tree" {
        Some(match (&step.from, &step.entries) {
            (Some(v), _) => match st.vars.get(v) {
                Some(StepValue::Files(m)) => {
                    m.iter().map(|(k, x)| (k.clone(), x.clone())).collect()
                }
                other => {
                    return Err(StepErr::Scenario(format!(
                        "`from: {v}` holds {other:?}, not a file map"
                    )));
                }
            },
            (None, Some(e)) => e
                .iter()
                .map(|(k, x)| (k.clone(), x.as_bytes().to_vec()))
                .collect(),
            (None, None) => Vec::new(),
        })
    } else {
        None
    };
    let fs = st
        .fss
        .get_mut(&fs_name)
        .ok_or_else(|| StepErr::Scenario(format!("no filesystem `{fs_name}`")))?;
    let one = |fs: &mut Fs, call: Call| run_calls(fs, time, &[call], None);
    let prefix = step.prefix.clone().unwrap_or_else(|| "/".into());
    let only_dirty = step.only_dirty.unwrap_or(false);
    match op {
        "open" => {
            let name = step.handle.clone().unwrap_or_default();
            let next = fs.slots.len() as u64 + 1;
            let slot = *fs
                .slots
                .entry(name.clone())
                .or_insert(Slot::try_from(next).unwrap_or(Slot::MAX));
            let out = one(
                fs,
                Call::Open {
                    slot,
                    path,
                    mode: step.mode.clone().unwrap_or_default(),
                    preallocate: step.preallocate.unwrap_or(0),
                    lock_timeout_ms: step.lock_timeout_ms,
                },
            )?;
            if matches!(out, CallOutcome::Ok(_)) {
                fs.open.insert(name);
            }
            Ok(out)
        }
        "write" => {
            let slot = bound(fs, &fs_name, step)?;
            let data = data.unwrap_or_default();
            one(fs, Call::Write { slot, data })
        }
        "read" => {
            let slot = bound(fs, &fs_name, step)?;
            one(
                fs,
                Call::Read {
                    slot,
                    max: step.max,
                },
            )
        }
        "seek" => {
            let slot = bound(fs, &fs_name, step)?;
            let whence = match step.whence.as_deref().unwrap_or("start") {
                "current" => Whence::Current,
                "end" => Whence::End,
                _ => Whence::Start,
            };
            let offset = step.offset.unwrap_or(0);
            one(
                fs,
                Call::Seek {
                    slot,
                    whence,
                    offset,
                },
            )
        }
        "tell" => {
            let slot = bound(fs, &fs_name, step)?;
            one(fs, Call::Tell { slot })
        }
        "truncate" => {
            let slot = bound(fs, &fs_name, step)?;
            one(
                fs,
                Call::Truncate {
                    slot,
                    size: step.size,
                },
            )
        }
        "close" => {
            let slot = bound(fs, &fs_name, step)?;
            one(fs, Call::Close { slot })
        }
        "write_file" | "append_file" => {
            let mode = if op == "append_file" { "ab" } else { "wb" };
            let open = Call::Open {
                slot: SCRATCH,
                path,
                mode: mode.into(),
                preallocate: 0,
                lock_timeout_ms: None,
            };
            let write = Call::Write {
                slot: SCRATCH,
                data: data.unwrap_or_default(),
            };
            run_calls(
                fs,
                time,
                &[open, write],
                Some(Call::Close { slot: SCRATCH }),
            )
        }
        "read_file" => {
            let open = Call::Open {
                slot: SCRATCH,
                path,
                mode: "rb".into(),
                preallocate: 0,
                lock_timeout_ms: None,
            };
            let read = Call::Read {
                slot: SCRATCH,
                max: None,
            };
            run_calls(fs, time, &[open, read], Some(Call::Close { slot: SCRATCH }))
        }
        "mkdir" => one(
            fs,
            Call::Mkdir {
                path,
                exist_ok: step.exist_ok.unwrap_or(false),
            },
        ),
        "listdir" => one(fs, Call::Listdir { path }),
        "exists" => one(fs, Call::Exists { path }),
        "is_dir" => one(fs, Call::IsDir { path }),
        "is_file" => one(fs, Call::IsFile { path }),
        "stat" => one(fs, Call::Stat { path }),
        "stats" => one(fs, Call::Stats),
        "get_size" => one(fs, Call::GetSize { path }),
        "rename" => one(fs, Call::Rename { src, dst }),
        "move" => one(fs, Call::Move { src, dst }),
        "remove" => one(fs, Call::Remove { path }),
        "rmtree" => one(fs, Call::Rmtree { path }),
        "copy" => one(fs, Call::Copy { src, dst }),
        "copy_tree" => one(fs, Call::CopyTree { src, dst }),
        "walk" => one(fs, Call::Walk { path }),
        "glob" => one(
            fs,
            Call::Glob {
                pattern: step.pattern.clone().unwrap_or_default(),
            },
        ),
        "export_tree" => one(fs, Call::ExportTree { prefix, only_dirty }),
        "iter_export_tree" => one(fs, Call::IterExportTree { prefix, only_dirty }),
        "export_as_bytesio" => one(
            fs,
            Call::ExportAsBytes {
                path,
                max_size: step.max_size,
            },
        ),
        "import_tree" => one(
            fs,
            Call::ImportTree {
                entries: entries.unwrap_or_default(),
            },
        ),
        "export_to_disk" => {
            let out = one(
                fs,
                Call::ExportTree {
                    prefix,
                    only_dirty: false,
                },
            )?;
            match out {
                CallOutcome::Ok(StepValue::Files(files)) => {
                    let dir = step.dir.as_deref().unwrap_or("dump");
                    let names = export_to_disk(dir, &files).map_err(StepErr::Scenario)?;
                    Ok(CallOutcome::Ok(StepValue::Names(names)))
                }
                CallOutcome::Ok(other) => Err(StepErr::Scenario(format!(
                    "export_tree answered {other:?}, not a file map"
                ))),
                err => Ok(err),
            }
        }
        other => Err(StepErr::Scenario(format!("op `{other}` cannot run here"))),
    }
}

/// Seed 001's flow: writes the exported files under a fresh directory in the temp dir, reads
/// them back and compares, removes the directory, and returns the relative paths written.
fn export_to_disk(name: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<String>, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let root = std::env::temp_dir()
        .join(format!("memfs-scenario-{}-{nanos}", std::process::id()))
        .join(name);
    let result = (|| {
        let written = write_tree(&root, files)?;
        let mut rel = Vec::new();
        for (vpath, data) in files {
            let real = root.join(vpath.trim_start_matches('/'));
            let back = std::fs::read(&real).map_err(|e| format!("{}: {e}", real.display()))?;
            if &back != data {
                return Err(format!(
                    "{} differs from the exported {vpath}",
                    real.display()
                ));
            }
            rel.push(vpath.trim_start_matches('/').to_string());
        }
        if written.len() != files.len() {
            return Err(format!(
                "wrote {} files for {} exported",
                written.len(),
                files.len()
            ));
        }
        Ok(rel)
    })();
    if let Some(top) = root.parent() {
        let _ = std::fs::remove_dir_all(top);
    }
    result
}
