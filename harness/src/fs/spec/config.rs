//! The spec's `config:`: merged from the base file and the files that `extends:` it, then
//! checked as a whole: a memory guard that would refuse to build the filesystem, and a
//! simulated host (`host_root`) whose files do not say what the spec states.

use super::compile::Parsed;
use super::error::{SpecError, suggest};
use super::raw::RawConfig;
use super::resolve::Errs;
use crate::fs::config::{FsConfig, GuardAction, GuardMode, Storage};
use crate::fs::host_memory;
use serde_saphyr::{Location, Spanned};
use std::path::Path;

/// Where a key was set, for errors found once every file is merged.
#[derive(Clone, Copy)]
struct Origin<'a> {
    file: &'a Parsed,
    loc: Location,
}

/// The keys of the config that can only be checked together, with where they were set.
#[derive(Default)]
struct Origins<'a> {
    block: Option<Origin<'a>>,
    host_root: Option<Origin<'a>>,
}

/// The merged configuration: at most one base file (without `extends:`) may set `config:`;
/// files that `extends:` a base override its keys, in load order. Errors go to `errors`.
pub fn merge(files: &[Parsed], errors: &mut Vec<SpecError>) -> FsConfig {
    let mut cfg = FsConfig::default();
    let mut origins = Origins::default();
    let mut base: Option<(usize, u64)> = None;
    for (fi, f) in files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.raw.extends.is_none())
    {
        if let Some(c) = &f.raw.config {
            let mut e = errs(f, errors);
            if let Some((pf, line)) = base {
                e.at(&c.referenced, format!("`config` is already set in {}:{line}; keep one (or override it from a file with `extends:`)", files[pf].file));
            } else {
                base = Some((fi, c.referenced.line()));
                apply(&mut cfg, c, f, &mut origins, &mut e);
            }
        }
    }
    for f in files.iter().filter(|f| f.raw.extends.is_some()) {
        if let Some(c) = &f.raw.config {
            let mut e = errs(f, errors);
            apply(&mut cfg, c, f, &mut origins, &mut e);
        }
    }
    check(&cfg, &origins, errors);
    cfg
}

fn errs<'a>(f: &'a Parsed, errors: &'a mut Vec<SpecError>) -> Errs<'a> {
    Errs {
        file: &f.file,
        src: &f.src,
        out: errors,
    }
}

/// Applies the keys a `config:` block sets onto `cfg`.
fn apply<'a>(
    cfg: &mut FsConfig,
    c: &Spanned<RawConfig>,
    f: &'a Parsed,
    origins: &mut Origins<'a>,
    e: &mut Errs,
) {
    let r = &c.value;
    origins.block = Some(Origin {
        file: f,
        loc: c.referenced,
    });
    if let Some(q) = r.quota {
        cfg.quota = q;
    }
    if let Some(o) = r.chunk_overhead {
        cfg.chunk_overhead = o;
    }
    if let Some(l) = r.promotion_hard_limit {
        cfg.promotion_hard_limit = l;
    }
    if r.max_nodes.is_some() {
        cfg.max_nodes = r.max_nodes;
    }
    if let Some(s) = r.slots {
        if s == 0 || s > 16 {
            e.at(
                &c.referenced,
                format!("slots must be between 1 and 16, found {s}"),
            );
        } else {
            cfg.slots = s;
        }
    }
    if let Some(t) = r.lock_timeout_ms {
        cfg.lock_timeout_ms = t;
    }
    if let Some(s) = &r.storage {
        cfg.storage = named(s, Storage::parse, &Storage::ALL, "storage", e).unwrap_or_default();
    }
    if let Some(s) = &r.memory_guard {
        cfg.memory_guard =
            named(s, GuardMode::parse, &GuardMode::ALL, "memory_guard", e).unwrap_or_default();
    }
    if let Some(s) = &r.memory_guard_action {
        cfg.memory_guard_action = named(
            s,
            GuardAction::parse,
            &GuardAction::ALL,
            "memory_guard_action",
            e,
        )
        .unwrap_or_default();
    }
    if let Some(a) = &r.available_memory {
        cfg.available_memory = a.value;
    }
    if let Some(h) = &r.host_root {
        // Relative to the file that names it, made absolute so a process subject started
        // elsewhere reads the same tree.
        let dir = Path::new(&f.file).parent().unwrap_or(Path::new("."));
        match dir.join(&h.value).canonicalize() {
            Ok(p) if p.is_dir() => {
                cfg.host_root = Some(p.display().to_string());
                origins.host_root = Some(Origin {
                    file: f,
                    loc: h.referenced,
                });
            }
            Ok(p) => e.at(
                &h.referenced,
                format!("host_root {} is not a directory", p.display()),
            ),
            Err(err) => e.at(
                &h.referenced,
                format!(
                    "host_root {}: {err} (a directory relative to this file, laid out like a host's `/`: sys/fs/cgroup/..., proc/meminfo)",
                    dir.join(&h.value).display()
                ),
            ),
        }
    }
}

/// A name from a fixed list (`auto`, `per_write`, ...), with a suggestion when it is none.
fn named<T: Copy>(
    s: &Spanned<String>,
    parse: fn(&str) -> Option<T>,
    all: &[(T, &'static str)],
    key: &str,
    e: &mut Errs,
) -> Option<T> {
    let v = parse(&s.value);
    if v.is_none() {
        e.at(
            &s.referenced,
            format!(
                "unknown {key} `{}`{}",
                s.value,
                suggest(&s.value, all.iter().map(|(_, n)| *n))
            ),
        );
    }
    v
}

/// Checks of the merged configuration.
fn check(cfg: &FsConfig, origins: &Origins, errors: &mut Vec<SpecError>) {
    if cfg.memory_guard == GuardMode::Init
        && cfg.memory_guard_action == GuardAction::Error
        && let Some(a) = cfg.available_memory.filter(|a| cfg.quota > *a)
        && let Some(o) = origins.block
    {
        errs(o.file, errors).at(
            &o.loc,
            format!(
                "memory_guard init with action error refuses to build a filesystem whose quota ({}) exceeds available_memory ({a}): there is no state to explore; lower the quota or raise available_memory (a `build` step checks the refusal itself)",
                cfg.quota
            ),
        );
    }
    if let (Some(root), Some(o)) = (&cfg.host_root, origins.host_root) {
        let reads = host_memory::available(Path::new(root));
        if reads != cfg.available_memory {
            let show = |v: Option<u64>| v.map_or_else(|| "unknown".to_string(), |n| n.to_string());
            errs(o.file, errors).at(
                &o.loc,
                format!(
                    "the host under {root} has {} bytes available (cgroup v2, then v1, then proc/meminfo), but available_memory says {}: state what the fixture gives (`available_memory: null` for unknown)",
                    show(reads),
                    show(cfg.available_memory)
                ),
            );
        }
    }
}
