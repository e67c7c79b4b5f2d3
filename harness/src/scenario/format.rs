//! The scenario file format (`scenarios/*.yaml`): a numbered, titled use case with the clauses
//! it demonstrates, its filesystems, and a list of steps with expected outcomes. Loading
//! validates every step so a malformed file fails with `file:line:col` before anything runs.
//!
//! ```yaml
//! number: "2.1"
//! title: ETL staging committed by rename
//! clauses: [RENAME-1]
//! filesystems: { main: { quota: 4096 } }     # optional; default: one `main` with defaults
//! host_untouched: false                      # optional: assert no host file changed
//! steps:
//!   - { op: mkdir, path: /staging }
//!   - { op: write_file, path: /staging/r.csv, data: "a,b\n" }
//!   - { op: rename, src: /staging, dst: /output }
//!   - { op: exists, path: /staging, returns: false }
//!   - { op: read_file, path: /out/r.csv, expect: NotFound }
//!   - { op: repeat, times: 3, var: i, steps: [ { op: mkdir, path: "/d{i:02}" } ] }
//! ```

use crate::fs::call::ErrKind;
use crate::fs::config::FsConfig;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One step: an operation with its arguments, and what must come of it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub op: Spanned<String>,
    /// Which filesystem (default: the only one, or `main`).
    pub fs: Option<String>,
    pub path: Option<String>,
    pub src: Option<String>,
    pub dst: Option<String>,
    pub mode: Option<String>,
    /// Handle name (`open` binds it; handle ops use it).
    pub handle: Option<String>,
    /// Bytes as UTF-8 text.
    pub data: Option<String>,
    /// Repeat `data` this many times (large payloads).
    pub data_repeat: Option<u64>,
    /// Take the bytes (or the file map for `import_tree`) from a saved value.
    pub from: Option<String>,
    pub exist_ok: Option<bool>,
    pub max: Option<u64>,
    pub size: Option<u64>,
    /// `start`, `current` or `end`.
    pub whence: Option<String>,
    pub offset: Option<i64>,
    pub prefix: Option<String>,
    pub only_dirty: Option<bool>,
    pub max_size: Option<u64>,
    pub pattern: Option<String>,
    pub preallocate: Option<u64>,
    pub lock_timeout_ms: Option<u64>,
    /// `import_tree` entries: path -> text.
    pub entries: Option<IndexMap<String, String>>,
    /// `repeat`: how many times, the loop variable, and the body.
    pub times: Option<u64>,
    pub var: Option<String>,
    pub steps: Option<Vec<Step>>,
    /// `export_to_disk`: subdirectory name of the dump under the temp directory.
    pub dir: Option<String>,
    /// `ok` (default) or an error kind name.
    pub expect: Option<String>,
    /// With an expected error: text its message must contain (e.g. the offending path).
    pub error_contains: Option<String>,
    /// Expected value: exact for scalars and lists, a subset for maps; bytes compare as text.
    pub returns: Option<serde_json::Value>,
    /// Expected length of the returned list, map or bytes.
    pub len: Option<u64>,
    /// The returned bytes contain this text, or the list/map contains this item/key.
    pub contains: Option<String>,
    /// Saves the returned value under this name.
    pub save_as: Option<String>,
    /// The returned value equals the value saved under this name.
    pub equals: Option<String>,
    /// Free text for readers.
    pub note: Option<String>,
}

/// A scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Dotted number (`"2.1"`); quote it in YAML.
    pub number: String,
    pub title: String,
    /// Clause ids this scenario demonstrates.
    #[serde(default)]
    pub clauses: Vec<String>,
    /// Where the use case comes from (`seed004 §5.2 test_stage_then_commit_via_rename`).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Filesystems by name (default: one named `main`), each with the harness's one
    /// filesystem configuration (missing keys take its defaults).
    #[serde(default)]
    pub filesystems: IndexMap<String, FsConfig>,
    /// Assert that running the scenario changes nothing on the host filesystem.
    #[serde(default)]
    pub host_untouched: bool,
    pub steps: Vec<Step>,
    /// The file it was loaded from (set by the loader).
    #[serde(skip)]
    pub file: PathBuf,
}

/// Every operation a step may name, with the fields it requires.
pub const OPS: &[(&str, &[&str])] = &[
    ("open", &["path", "mode", "handle"]),
    ("write", &["handle"]),
    ("read", &["handle"]),
    ("seek", &["handle", "offset"]),
    ("tell", &["handle"]),
    ("truncate", &["handle"]),
    ("close", &["handle"]),
    ("write_file", &["path"]),
    ("append_file", &["path"]),
    ("read_file", &["path"]),
    ("mkdir", &["path"]),
    ("listdir", &["path"]),
    ("exists", &["path"]),
    ("is_dir", &["path"]),
    ("is_file", &["path"]),
    ("stat", &["path"]),
    ("stats", &[]),
    ("get_size", &["path"]),
    ("rename", &["src", "dst"]),
    ("move", &["src", "dst"]),
    ("remove", &["path"]),
    ("rmtree", &["path"]),
    ("copy", &["src", "dst"]),
    ("copy_tree", &["src", "dst"]),
    ("walk", &["path"]),
    ("glob", &["pattern"]),
    ("export_tree", &[]),
    ("iter_export_tree", &[]),
    ("export_as_bytesio", &["path"]),
    ("import_tree", &[]),
    ("export_to_disk", &["dir"]),
    ("repeat", &["times", "var", "steps"]),
];

/// A malformed scenario: where and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct FormatError {
    pub file: String,
    pub line: u64,
    pub col: u64,
    pub message: String,
}

impl Step {
    fn has(&self, field: &str) -> bool {
        match field {
            "path" => self.path.is_some(),
            "src" => self.src.is_some(),
            "dst" => self.dst.is_some(),
            "mode" => self.mode.is_some(),
            "handle" => self.handle.is_some(),
            "offset" => self.offset.is_some(),
            "pattern" => self.pattern.is_some(),
            "dir" => self.dir.is_some(),
            "times" => self.times.is_some(),
            "var" => self.var.is_some(),
            "steps" => self.steps.is_some(),
            _ => false,
        }
    }
}

/// Parses and validates one scenario file's text.
pub fn parse(text: &str, file: &Path) -> Result<Scenario, FormatError> {
    let fname = file.display().to_string();
    let mut sc: Scenario = serde_saphyr::from_str(text).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        FormatError {
            file: fname.clone(),
            line,
            col,
            message: e.without_snippet().to_string(),
        }
    })?;
    sc.file = file.to_path_buf();
    let whole = |message: String| FormatError {
        file: fname.clone(),
        line: 1,
        col: 1,
        message,
    };
    if sc.number.split('.').any(|p| p.parse::<u32>().is_err()) {
        return Err(whole(format!(
            "`number: {}` must be dotted digits like \"2.1\"",
            sc.number
        )));
    }
    if sc.filesystems.is_empty() {
        sc.filesystems.insert("main".into(), FsConfig::default());
    }
    let fss: BTreeSet<String> = sc.filesystems.keys().cloned().collect();
    validate_steps(&sc.steps, &fss, &fname, &mut BTreeSet::new())?;
    Ok(sc)
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, FormatError> {
    let text = std::fs::read_to_string(path).map_err(|e| FormatError {
        file: path.display().to_string(),
        line: 0,
        col: 0,
        message: format!("cannot read: {e}"),
    })?;
    parse(&text, path)
}

fn validate_steps(
    steps: &[Step],
    fss: &BTreeSet<String>,
    file: &str,
    vars: &mut BTreeSet<String>,
) -> Result<(), FormatError> {
    for st in steps {
        let err = |message: String| FormatError {
            file: file.to_string(),
            line: st.op.referenced.line(),
            col: st.op.referenced.column(),
            message,
        };
        let op = st.op.value.as_str();
        let Some((_, required)) = OPS.iter().find(|(o, _)| *o == op) else {
            let best = OPS
                .iter()
                .map(|(o, _)| (strsim::levenshtein(o, op), *o))
                .min()
                .map(|(_, o)| o)
                .unwrap_or("mkdir");
            return Err(err(format!("unknown op `{op}`; did you mean `{best}`?")));
        };
        for f in *required {
            if !st.has(f) {
                return Err(err(format!("op `{op}` needs `{f}`")));
            }
        }
        if let Some(fs) = st.fs.as_ref().filter(|f| !fss.contains(*f)) {
            return Err(err(format!(
                "filesystem `{fs}` is not declared under `filesystems:` (have: {})",
                fss.iter().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        if st.fs.is_none() && fss.len() > 1 && op != "repeat" {
            return Err(err(format!(
                "op `{op}` must say which filesystem (`fs:`): this scenario has several"
            )));
        }
        if let Some(e) = st
            .expect
            .as_ref()
            .filter(|e| *e != "ok" && ErrKind::parse(e).is_none())
        {
            let best = ErrKind::ALL
                .iter()
                .map(|k| (strsim::levenshtein(k.name(), e), k.name()))
                .min()
                .map(|x| x.1);
            return Err(err(format!(
                "expect `{e}` is neither `ok` nor an error kind; did you mean `{}`?",
                best.unwrap_or("ok")
            )));
        }
        let bad_mode_expected = st.expect.as_deref() == Some("InvalidInput");
        if let Some(m) = st.mode.as_ref().filter(|m| {
            !bad_mode_expected && !matches!(m.as_str(), "rb" | "wb" | "ab" | "r+b" | "xb")
        }) {
            return Err(err(format!(
                "mode `{m}` is not one of rb, wb, ab, r+b, xb (write `expect: InvalidInput` to test a bad mode)"
            )));
        }
        if let Some(w) = st
            .whence
            .as_ref()
            .filter(|w| !matches!(w.as_str(), "start" | "current" | "end"))
        {
            return Err(err(format!(
                "whence `{w}` is not one of start, current, end"
            )));
        }
        if st.error_contains.is_some() && st.expect.as_deref().is_none_or(|e| e == "ok") {
            return Err(err(
                "`error_contains` needs an expected error (`expect: <ErrorKind>`)".into(),
            ));
        }
        if let Some(v) = st.equals.as_ref().filter(|v| !vars.contains(*v)) {
            return Err(err(format!(
                "`equals: {v}` names no value saved by an earlier step (`save_as: {v}`)"
            )));
        }
        if let Some(v) = st.from.as_ref().filter(|v| !vars.contains(*v)) {
            return Err(err(format!(
                "`from: {v}` names no value saved by an earlier step (`save_as: {v}`)"
            )));
        }
        if let Some(v) = &st.save_as {
            vars.insert(v.clone());
        }
        if op == "repeat" {
            let body = st.steps.as_deref().unwrap_or_default();
            if body.is_empty() {
                return Err(err("`repeat` needs a non-empty `steps:` list".into()));
            }
            validate_steps(body, fss, file, vars)?;
        } else if st.steps.is_some() || st.times.is_some() || st.var.is_some() {
            return Err(err(format!(
                "`steps`/`times`/`var` belong to `repeat`, not `{op}`"
            )));
        }
    }
    Ok(())
}

/// Orders dotted numbers numerically (`1.2` < `1.10` < `2.1`).
pub fn number_key(n: &str) -> Vec<u32> {
    n.split('.')
        .map(|p| p.parse().unwrap_or(u32::MAX))
        .collect()
}

/// Loads every `*.yaml` directly in `dir` (not `regressions/`), sorted by number; duplicate
/// numbers are an error.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, FormatError> {
    let rd = std::fs::read_dir(dir).map_err(|e| FormatError {
        file: dir.display().to_string(),
        line: 0,
        col: 0,
        message: format!("cannot read the scenario directory: {e}"),
    })?;
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        })
        .collect();
    paths.sort();
    let mut out: Vec<Scenario> = Vec::new();
    for p in paths {
        let sc = load(&p)?;
        if let Some(other) = out.iter().find(|o| o.number == sc.number) {
            return Err(FormatError {
                file: p.display().to_string(),
                line: 1,
                col: 1,
                message: format!(
                    "scenario number {} is also used by {}",
                    sc.number,
                    other.file.display()
                ),
            });
        }
        out.push(sc);
    }
    out.sort_by_key(|s| number_key(&s.number));
    Ok(out)
}
