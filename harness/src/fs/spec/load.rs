//! Reading spec files: a directory's `*.yaml` files (sorted by name), each after the directory
//! it `extends:`, parsed and compiled into one [`Spec`]; text that is not UTF-8 or not YAML is
//! reported with its line and column.

use super::{Spec, SpecError, SpecErrors, compile, raw};
use std::path::{Path, PathBuf};

/// Loads every `*.yaml` file of a directory (sorted by name) as one spec.
pub fn load_specs(dir: &Path) -> Result<Spec, SpecErrors> {
    load_specs_with(dir, false)
}

/// [`load_specs`]; with `walk`, the alphabet is expanded over the spec's `walk:` domains
/// (what `harness walk` draws from, and what `replay` falls back to for its files).
pub fn load_specs_with(dir: &Path, walk: bool) -> Result<Spec, SpecErrors> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        SpecErrors(vec![SpecError {
            file: dir.display().to_string(),
            line: 0,
            col: 0,
            msg: format!("cannot read the spec directory: {e}; pass the directory holding clauses.yaml and memfs.yaml"),
        }])
    })?;
    drop(rd);
    let files = yaml_files(dir).unwrap_or_default();
    if files.is_empty() {
        return Err(SpecErrors(vec![SpecError {
            file: dir.display().to_string(),
            line: 0,
            col: 0,
            msg: "no .yaml files in the spec directory".into(),
        }]));
    }
    load_spec_files_with(&files, walk)
}

/// Loads the given files as one spec. A file with `extends: DIR` has the `*.yaml` files of
/// that directory (relative to the file) loaded before it.
pub fn load_spec_files(files: &[PathBuf]) -> Result<Spec, SpecErrors> {
    load_spec_files_with(files, false)
}

/// [`load_spec_files`], over the `walk:` domains if `walk`.
pub fn load_spec_files_with(files: &[PathBuf], walk: bool) -> Result<Spec, SpecErrors> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let mut seen = Vec::new();
    for f in files {
        collect(f, 0, &mut seen, &mut sources, &mut errors);
    }
    let named: Vec<(&str, &[u8])> = sources
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    match load_spec_sources_with(&named, walk) {
        Ok(s) if errors.is_empty() => Ok(s),
        Ok(_) => Err(SpecErrors(errors)),
        Err(SpecErrors(mut more)) => {
            errors.append(&mut more);
            Err(SpecErrors(errors))
        }
    }
}

/// Reads `f` into `sources`, after the files of the directory it `extends` (if any).
fn collect(
    f: &Path,
    depth: usize,
    seen: &mut Vec<PathBuf>,
    sources: &mut Vec<(String, Vec<u8>)>,
    errors: &mut Vec<SpecError>,
) {
    let key = f.canonicalize().unwrap_or_else(|_| f.to_path_buf());
    if seen.contains(&key) {
        return;
    }
    seen.push(key);
    let name = f.display().to_string();
    let bytes = match std::fs::read(f) {
        Ok(b) => b,
        Err(e) => {
            errors.push(SpecError {
                file: name,
                line: 0,
                col: 0,
                msg: format!("cannot read: {e}"),
            });
            return;
        }
    };
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        extends: Option<serde_saphyr::Spanned<String>>,
    }
    let head = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| serde_saphyr::from_str::<Head>(t).ok());
    if let Some(ext) = head.and_then(|h| h.extends) {
        let dir = f.parent().unwrap_or(Path::new(".")).join(&ext.value);
        let at = |msg: String| SpecError {
            file: name.clone(),
            line: ext.referenced.line(),
            col: ext.referenced.column(),
            msg,
        };
        if depth >= 8 {
            errors.push(at("`extends:` nests too deep (a cycle?)".into()));
        } else {
            match yaml_files(&dir) {
                Ok(base) => {
                    for b in base {
                        collect(&b, depth + 1, seen, sources, errors);
                    }
                }
                Err(e) => errors.push(at(format!(
                    "cannot read the extended directory {}: {e}",
                    dir.display()
                ))),
            }
        }
    }
    sources.push((name, bytes));
}

/// The `*.yaml` / `*.yml` files of a directory, sorted by name.
fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads spec text given as (display name, bytes) pairs: what the file loaders use, and
/// what tests feed malformed input through.
pub fn load_spec_sources(sources: &[(&str, &[u8])]) -> Result<Spec, SpecErrors> {
    load_spec_sources_with(sources, false)
}

/// [`load_spec_sources`], over the `walk:` domains if `walk`.
pub fn load_spec_sources_with(sources: &[(&str, &[u8])], walk: bool) -> Result<Spec, SpecErrors> {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (name, bytes) in sources {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                let line = good.iter().filter(|b| **b == b'\n').count() as u64 + 1;
                let col = good.iter().rev().take_while(|b| **b != b'\n').count() as u64 + 1;
                errors.push(SpecError {
                    file: name.to_string(),
                    line,
                    col,
                    msg: "the file is not valid UTF-8; save it as UTF-8".into(),
                });
                continue;
            }
        };
        if text.trim().is_empty()
            || text
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            errors.push(SpecError { file: name.to_string(), line: 1, col: 1, msg: "the file is empty; expected `clauses:`, `config:`, `domains:`, `invariants:` or `actions:`".into() });
            continue;
        }
        match serde_saphyr::from_str::<raw::RawFile>(text) {
            Ok(raw) => parsed.push(compile::Parsed {
                file: name.to_string(),
                src: text.to_string(),
                raw,
            }),
            Err(e) => {
                let (line, col) = e
                    .location()
                    .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
                errors.push(SpecError {
                    file: name.to_string(),
                    line,
                    col,
                    msg: yaml_message(&e.to_string()),
                });
            }
        }
    }
    let spec = compile::compile_with(&parsed, &mut errors, walk);
    match spec {
        Some(s) if errors.is_empty() => Ok(s),
        _ => Err(SpecErrors(errors)),
    }
}

/// The first line of a serde-saphyr error without its `error: line L column C:` prefix.
fn yaml_message(full: &str) -> String {
    let first = full.lines().next().unwrap_or(full).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    if first.starts_with("line ")
        && let Some(i) = first.find(": ")
    {
        return first[i + 2..].to_string();
    }
    first.to_string()
}
