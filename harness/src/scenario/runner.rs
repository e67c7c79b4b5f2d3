//! Executes scenario steps directly on memfs-core's public API and checks each outcome.

use super::format::{FsConfig, Scenario, Step};
use super::host::HostSnapshot;
use memfs_core::{
    FileHandle, LockWait, MemoryFileSystem, MfsError, OpenMode, OpenOptions, Stat, Stats,
    StorageKind, WalkEntry,
};
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a step returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Unit,
    Bool(bool),
    U64(u64),
    Bytes(Vec<u8>),
    Names(Vec<String>),
    Stat(Stat),
    Stats(Stats),
    Files(BTreeMap<String, Vec<u8>>),
    Walk(Vec<WalkEntry>),
}

fn bytes_json(b: &[u8]) -> J {
    match std::str::from_utf8(b) {
        Ok(s) => J::String(s.to_string()),
        Err(_) => J::Array(b.iter().map(|x| json!(x)).collect()),
    }
}

impl Out {
    /// The value as JSON, the form `returns:` is compared against (bytes as text when UTF-8).
    pub fn to_json(&self) -> J {
        match self {
            Out::Unit => J::Null,
            Out::Bool(b) => json!(b),
            Out::U64(n) => json!(n),
            Out::Bytes(b) => bytes_json(b),
            Out::Names(v) => json!(v),
            Out::Stat(s) => json!({
                "size": s.size, "created_at": s.created_at.0, "modified_at": s.modified_at.0,
                "generation": s.generation, "is_dir": s.is_dir,
            }),
            Out::Stats(s) => json!({
                "used_bytes": s.used_bytes, "quota_bytes": s.quota_bytes, "free_bytes": s.free_bytes,
                "file_count": s.file_count, "dir_count": s.dir_count, "chunk_count": s.chunk_count,
                "overhead_per_chunk_estimate": s.overhead_per_chunk_estimate,
            }),
            Out::Files(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), bytes_json(v))).collect()),
            Out::Walk(w) => J::Array(w.iter().map(|e| json!([e.dir, e.dirs, e.files])).collect()),
        }
    }

    fn len(&self) -> Option<u64> {
        Some(match self {
            Out::Bytes(b) => b.len() as u64,
            Out::Names(v) => v.len() as u64,
            Out::Files(m) => m.len() as u64,
            Out::Walk(w) => w.len() as u64,
            _ => return None,
        })
    }

    fn contains(&self, needle: &str) -> Option<bool> {
        Some(match self {
            Out::Bytes(b) => {
                b.windows(needle.len().max(1))
                    .any(|w| w == needle.as_bytes())
                    || needle.is_empty()
            }
            Out::Names(v) => v.iter().any(|n| n == needle),
            Out::Files(m) => m.contains_key(needle),
            _ => return None,
        })
    }
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

/// Runs scenarios; `dump_on_failure` exports every filesystem of a failing scenario to disk
/// under that directory (seed 001's export-on-failure flow, applied to the harness itself).
#[derive(Debug, Default, Clone)]
pub struct Runner {
    pub dump_on_failure: Option<PathBuf>,
}

struct State {
    fss: BTreeMap<String, MemoryFileSystem>,
    default_fs: String,
    handles: BTreeMap<(String, String), FileHandle>,
    vars: BTreeMap<String, Out>,
    steps_run: u64,
}

fn build_fs(name: &str, c: &FsConfig) -> Result<MemoryFileSystem, String> {
    let mut b = MemoryFileSystem::builder().default_lock_timeout(LockWait::For(
        Duration::from_millis(c.lock_timeout_ms.unwrap_or(0)),
    ));
    if let Some(q) = c.quota {
        b = b.quota(q);
    }
    if let Some(o) = c.chunk_overhead {
        b = b.chunk_overhead(o);
    }
    if let Some(n) = c.max_nodes {
        b = b.max_nodes(n);
    }
    b = b.storage(match c.storage.as_deref() {
        Some("sequential") => StorageKind::Sequential,
        Some("random_access") => StorageKind::RandomAccess,
        _ => StorageKind::Auto,
    });
    b.build()
        .map_err(|e| format!("cannot build filesystem `{name}`: {e}"))
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
fn payload(st: &Step, vars: &BTreeMap<String, Out>) -> Result<Vec<u8>, String> {
    if let Some(v) = &st.from {
        return match vars.get(v) {
            Some(Out::Bytes(b)) => Ok(b.clone()),
            Some(Out::Files(m)) if m.len() == 1 => {
                Ok(m.values().next().cloned().unwrap_or_default())
            }
            Some(other) => Err(format!("`from: {v}` holds {other:?}, not bytes")),
            None => Err(format!("`from: {v}`: no such saved value")),
        };
    }
    let d = st.data.as_deref().unwrap_or("").as_bytes();
    Ok(d.repeat(st.data_repeat.unwrap_or(1) as usize))
}

enum StepErr {
    /// The core returned an error (may be expected).
    Core(MfsError),
    /// The scenario itself is wrong at run time (unknown handle, bad saved value, ...).
    Harness(String),
}

impl From<MfsError> for StepErr {
    fn from(e: MfsError) -> Self {
        StepErr::Core(e)
    }
}

impl Runner {
    /// Runs one scenario to its first failing step.
    pub fn run(&self, sc: &Scenario) -> Outcome {
        let mut st = State {
            fss: BTreeMap::new(),
            default_fs: sc
                .filesystems
                .keys()
                .next()
                .cloned()
                .unwrap_or_else(|| "main".into()),
            handles: BTreeMap::new(),
            vars: BTreeMap::new(),
            steps_run: 0,
        };
        for (name, cfg) in &sc.filesystems {
            match build_fs(name, cfg) {
                Ok(fs) => {
                    st.fss.insert(name.clone(), fs);
                }
                Err(message) => {
                    let failure = Failure {
                        step: "setup".into(),
                        line: 1,
                        op: "filesystems".into(),
                        message,
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
                st.handles.clear(); // release locks so the export can read every file
                match fs.export_tree("/", false) {
                    Ok(files) => {
                        if let Err(e) = write_tree(&target.join(name), &files) {
                            notes.push(e);
                        }
                    }
                    Err(e) => notes.push(format!("cannot export `{name}`: {e}")),
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
            Err(StepErr::Harness(m)) => return Some(fail(m)),
            Err(StepErr::Core(e)) => {
                if expected != e.kind().name() {
                    return Some(fail(format!(
                        "expected {expected}, got {}: {e}",
                        e.kind().name()
                    )));
                }
                let text = e.to_string();
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
            Ok(out) => {
                if expected != "ok" {
                    return Some(fail(format!(
                        "expected {expected}, got ok ({})",
                        out.to_json()
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

fn check(st: &State, step: &Step, out: &Out) -> Option<String> {
    let got = out.to_json();
    if let Some(exp) = step.returns.as_ref().filter(|e| !matches(e, &got)) {
        return Some(format!("returned {}, expected {exp}", short(&got)));
    }
    if let Some(n) = step.len {
        match out.len() {
            Some(l) if l == n => {}
            Some(l) => return Some(format!("returned {l} items/bytes, expected {n}")),
            None => return Some(format!("`len` does not apply to {}", short(&got))),
        }
    }
    if let Some(c) = &step.contains {
        match out.contains(c) {
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
                    short(&saved.to_json())
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

fn exec(st: &mut State, step: &Step) -> Result<Out, StepErr> {
    let fs_name = step.fs.clone().unwrap_or_else(|| st.default_fs.clone());
    fn h<'a>(st: &'a mut State, fs_name: &str, step: &Step) -> Result<&'a mut FileHandle, StepErr> {
        let name = step.handle.clone().unwrap_or_default();
        st.handles
            .get_mut(&(fs_name.to_string(), name.clone()))
            .ok_or_else(|| {
                StepErr::Harness(format!(
                    "no open handle `{name}` on `{fs_name}` (open it first)"
                ))
            })
    }
    let path = step.path.as_deref().unwrap_or("");
    let src = step.src.as_deref().unwrap_or("");
    let dst = step.dst.as_deref().unwrap_or("");
    let op = step.op.value.as_str();
    // Handle operations first: they borrow the handle table mutably.
    match op {
        "write" => {
            let data = payload(step, &st.vars).map_err(StepErr::Harness)?;
            return Ok(Out::U64(h(st, &fs_name, step)?.write_data(&data)? as u64));
        }
        "read" => {
            return Ok(Out::Bytes(
                h(st, &fs_name, step)?.read_data(step.max.map(|m| m as usize))?,
            ));
        }
        "seek" => {
            let off = step.offset.unwrap_or(0);
            let pos = match step.whence.as_deref().unwrap_or("start") {
                "current" => SeekFrom::Current(off),
                "end" => SeekFrom::End(off),
                _ => SeekFrom::Start(u64::try_from(off).map_err(|_| {
                    StepErr::Harness(format!(
                        "seek from start to {off}: use whence: current/end for negative offsets"
                    ))
                })?),
            };
            return Ok(Out::U64(h(st, &fs_name, step)?.seek_to(pos)?));
        }
        "tell" => return Ok(Out::U64(h(st, &fs_name, step)?.tell()?)),
        "truncate" => return Ok(Out::U64(h(st, &fs_name, step)?.truncate(step.size)?)),
        "close" => {
            h(st, &fs_name, step)?.close();
            return Ok(Out::Unit);
        }
        _ => {}
    }
    let fs = st
        .fss
        .get(&fs_name)
        .ok_or_else(|| StepErr::Harness(format!("no filesystem `{fs_name}`")))?;
    let out = match op {
        "open" => {
            let mode: OpenMode = step.mode.as_deref().unwrap_or("").parse()?;
            let mut opts = OpenOptions::new().preallocate(step.preallocate.unwrap_or(0));
            if let Some(ms) = step.lock_timeout_ms {
                opts = opts.lock_timeout(LockWait::For(Duration::from_millis(ms)));
            }
            let handle = fs.open_with(path, mode, &opts)?;
            st.handles.insert(
                (fs_name.clone(), step.handle.clone().unwrap_or_default()),
                handle,
            );
            Out::Unit
        }
        "write_file" | "append_file" => {
            let data = payload(step, &st.vars).map_err(StepErr::Harness)?;
            let mode = if op == "append_file" {
                OpenMode::Append
            } else {
                OpenMode::Write
            };
            let mut f = fs.open(path, mode)?;
            let n = f.write_data(&data)?;
            f.close();
            Out::U64(n as u64)
        }
        "read_file" => {
            let mut f = fs.open(path, OpenMode::Read)?;
            let data = f.read_data(None)?;
            f.close();
            Out::Bytes(data)
        }
        "mkdir" => {
            fs.mkdir(path, step.exist_ok.unwrap_or(false))?;
            Out::Unit
        }
        "listdir" => Out::Names(fs.listdir(path)?),
        "exists" => Out::Bool(fs.exists(path)),
        "is_dir" => Out::Bool(fs.is_dir(path)),
        "is_file" => Out::Bool(fs.is_file(path)),
        "stat" => Out::Stat(fs.stat(path)?),
        "stats" => Out::Stats(fs.stats()),
        "get_size" => Out::U64(fs.get_size(path)?),
        "rename" => {
            fs.rename(src, dst)?;
            Out::Unit
        }
        "move" => {
            fs.move_path(src, dst)?;
            Out::Unit
        }
        "remove" => {
            fs.remove(path)?;
            Out::Unit
        }
        "rmtree" => {
            fs.rmtree(path)?;
            Out::Unit
        }
        "copy" => {
            fs.copy(src, dst)?;
            Out::Unit
        }
        "copy_tree" => {
            fs.copy_tree(src, dst)?;
            Out::Unit
        }
        "walk" => Out::Walk(fs.walk(path)?),
        "glob" => Out::Names(fs.glob(step.pattern.as_deref().unwrap_or(""))?),
        "export_tree" => Out::Files(fs.export_tree(
            step.prefix.as_deref().unwrap_or("/"),
            step.only_dirty.unwrap_or(false),
        )?),
        "iter_export_tree" => {
            let mut m = BTreeMap::new();
            for item in fs.iter_export_tree(
                step.prefix.as_deref().unwrap_or("/"),
                step.only_dirty.unwrap_or(false),
            )? {
                let (p, d) = item?;
                m.insert(p, d);
            }
            Out::Files(m)
        }
        "export_as_bytesio" => Out::Bytes(fs.export_as_bytesio(path, step.max_size)?.into_inner()),
        "import_tree" => {
            let entries: Vec<(String, Vec<u8>)> = match (&step.from, &step.entries) {
                (Some(v), _) => match st.vars.get(v) {
                    Some(Out::Files(m)) => m.iter().map(|(k, x)| (k.clone(), x.clone())).collect(),
                    other => {
                        return Err(StepErr::Harness(format!(
                            "`from: {v}` holds {other:?}, not a file map"
                        )));
                    }
                },
                (None, Some(e)) => e
                    .iter()
                    .map(|(k, x)| (k.clone(), x.as_bytes().to_vec()))
                    .collect(),
                (None, None) => Vec::new(),
            };
            fs.import_tree(entries)?;
            Out::Unit
        }
        "export_to_disk" => {
            let files = fs.export_tree(step.prefix.as_deref().unwrap_or("/"), false)?;
            Out::Names(
                export_to_disk(step.dir.as_deref().unwrap_or("dump"), &files)
                    .map_err(StepErr::Harness)?,
            )
        }
        other => return Err(StepErr::Harness(format!("op `{other}` cannot run here"))),
    };
    Ok(out)
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
