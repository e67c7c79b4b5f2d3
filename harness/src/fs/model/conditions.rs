//! The registry of conditions (named predicates over the model state) and value functions
//! (pure functions of arguments, e.g. `parent(p)`). Specs name them; the loader resolves
//! each name to its function pointer once, so evaluating one is a direct call.

use super::args::{self, Arg, ArgKind, PathArg};
use super::ops;
use super::path;
use super::state::{FileState, Mode, ModelState, Node};
use crate::fs::config::{FsConfig, Storage};
use std::sync::Arc;

/// A predicate over the model state and concrete arguments.
pub type CondFn = fn(&ModelState, &FsConfig, &[Arg]) -> bool;

/// A named condition with its argument kinds and a one-line meaning (for `list`).
pub struct CondDef {
    pub name: &'static str,
    pub params: &'static [ArgKind],
    pub f: CondFn,
    pub doc: &'static str,
}

/// A pure function of arguments usable as an argument (`parent(dst)`).
pub struct ValueDef {
    pub name: &'static str,
    pub params: &'static [ArgKind],
    pub result: ArgKind,
    pub f: fn(&[Arg]) -> Arg,
    pub doc: &'static str,
}

use ArgKind::{
    Bool as Bo, Bytes as B, Entries as E, Int as I, Mode as M, OptSize as O, Path as P, Slot as S,
    Whence as W,
};

fn p(a: &[Arg], i: usize) -> Option<&str> {
    args::path(a, i)
}

fn lock_free(st: &ModelState, path: &str, reader: bool) -> bool {
    st.open_on(path).all(|h| reader && !h.mode.writable())
}

/// The file an open in `mode` starts from before a preallocation (`wb` truncates first).
/// An existing file truncated by `wb` keeps its storage kind (`ops::wb_truncate`, the same
/// function the `create_or_truncate` effect applies): taking a fresh file here instead
/// charged a promoted file's preallocation as sequential (size + one chunk overhead) and
/// predicted QuotaExceeded where the open fits exactly (QUOTA-10).
fn open_base(st: &ModelState, path: &str, mode: Option<Mode>) -> Option<FileState> {
    let f = st.file(path)?;
    Some(if mode == Some(Mode::Wb) {
        ops::wb_truncate(f)
    } else {
        f.clone()
    })
}

fn new_file(cfg: &FsConfig) -> FileState {
    FileState::fresh(cfg, Arc::from(Vec::new()), 0)
}

fn nodes_allow(st: &ModelState, cfg: &FsConfig, extra: u64) -> bool {
    cfg.max_nodes.is_none_or(|m| st.node_count() + extra <= m)
}

/// Applies an import to a copy of the state (used for its quota and node checks).
pub fn simulate_import(st: &ModelState, cfg: &FsConfig, es: &[(PathArg, Arc<[u8]>)]) -> ModelState {
    let mut s = st.clone();
    super::effects::import(&mut s, cfg, es);
    s
}

// Validation does not depend on the entries' order (the core and the oracle agree): a path
// that is a proper ancestor of another imported path would have to be a directory, so it is
// `IsADirectory`, which preempts the "below a file of the same import" `AlreadyExists`.

fn import_dir_target(st: &ModelState, es: &[(PathArg, Arc<[u8]>)]) -> bool {
    es.iter().any(|(t, _)| {
        let Some(t) = t.norm.as_deref() else {
            return false;
        };
        t == "/"
            || st.is_dir(t)
            || es.iter().any(|(o, _)| {
                o.norm
                    .as_deref()
                    .is_some_and(|o| o != t && path::is_within(o, t))
            })
    })
}

fn import_file_parent(st: &ModelState, es: &[(PathArg, Arc<[u8]>)]) -> bool {
    es.iter().any(|(t, _)| {
        let Some(t) = t.norm.as_deref() else {
            return false;
        };
        st.file_ancestor(t)
            || es.iter().any(|(o, _)| {
                o.norm
                    .as_deref()
                    .is_some_and(|o| o != t && path::is_within(t, o))
            })
    })
}

/// Every condition a spec may name.
pub static CONDITIONS: &[CondDef] = &[
    CondDef {
        name: "valid_path",
        params: &[P],
        doc: "the path normalizes without climbing above the root",
        f: |_, _, a| p(a, 0).is_some(),
    },
    CondDef {
        name: "valid_mode",
        params: &[M],
        doc: "the mode is one of rb, wb, ab, r+b, xb",
        f: |_, _, a| args::mode(a, 0).is_some(),
    },
    CondDef {
        name: "is_root",
        params: &[P],
        doc: "the path is the root",
        f: |_, _, a| p(a, 0) == Some("/"),
    },
    CondDef {
        name: "exists",
        params: &[P],
        doc: "a node exists at the path",
        f: |st, _, a| p(a, 0).is_some_and(|x| st.get(x).is_some()),
    },
    CondDef {
        name: "is_dir",
        params: &[P],
        doc: "a directory exists at the path",
        f: |st, _, a| p(a, 0).is_some_and(|x| st.is_dir(x)),
    },
    CondDef {
        name: "is_file",
        params: &[P],
        doc: "a file exists at the path",
        f: |st, _, a| p(a, 0).is_some_and(|x| st.file(x).is_some()),
    },
    CondDef {
        name: "parent_is_dir",
        params: &[P],
        doc: "the path's parent is an existing directory",
        f: |st, _, a| p(a, 0).is_some_and(|x| x != "/" && st.is_dir(path::parent(x))),
    },
    CondDef {
        name: "parent_exists",
        params: &[P],
        doc: "the path's parent exists (file or directory)",
        f: |st, _, a| p(a, 0).is_some_and(|x| st.get(path::parent(x)).is_some()),
    },
    CondDef {
        name: "file_on_the_way",
        params: &[P],
        doc: "a proper ancestor of the path is a file",
        f: |st, _, a| p(a, 0).is_some_and(|x| st.file_ancestor(x)),
    },
    CondDef {
        name: "inside",
        params: &[P, P],
        doc: "the first path is the second or lies below it",
        f: |_, _, a| matches!((p(a, 0), p(a, 1)), (Some(x), Some(y)) if path::is_within(x, y)),
    },
    CondDef {
        name: "any_open_under",
        params: &[P],
        doc: "an open handle is on the path or below it",
        f: |st, _, a| p(a, 0).is_some_and(|x| st.any_open_under(x)),
    },
    CondDef {
        name: "open_for_write_under",
        params: &[P],
        doc: "a writer handle is open on the path or below it",
        f: |st, _, a| p(a, 0).is_some_and(|x| st.writer_open_under(x)),
    },
    CondDef {
        name: "read_lock_free",
        params: &[P],
        doc: "no writer holds the file (a reader may open it)",
        f: |st, _, a| p(a, 0).is_some_and(|x| lock_free(st, x, true)),
    },
    CondDef {
        name: "write_lock_free",
        params: &[P],
        doc: "no handle holds the file (a writer may open it)",
        f: |st, _, a| p(a, 0).is_some_and(|x| lock_free(st, x, false)),
    },
    CondDef {
        name: "node_available",
        params: &[P],
        doc: "creating a node at the path stays within max_nodes (or it exists)",
        f: |st, cfg, a| p(a, 0).is_some_and(|x| st.get(x).is_some() || nodes_allow(st, cfg, 1)),
    },
    CondDef {
        name: "dirs_available",
        params: &[P],
        doc: "the directories make_dirs(path) creates stay within max_nodes",
        f: |st, cfg, a| p(a, 0).is_some_and(|x| nodes_allow(st, cfg, st.missing_dirs(x))),
    },
    CondDef {
        name: "prealloc_allowed",
        params: &[M, O],
        doc: "no preallocation is asked with rb",
        f: |_, _, a| args::mode(a, 0) != Some(Mode::Rb) || args::opt_size(a, 1).unwrap_or(0) == 0,
    },
    CondDef {
        name: "prealloc_fits",
        params: &[P, M, O],
        doc: "the file as opened, zero-filled to the preallocation, fits the quota",
        f: |st, cfg, a| {
            let Some(x) = p(a, 0) else { return false };
            let old = st.file(x);
            let base = open_base(st, x, args::mode(a, 1)).unwrap_or_else(|| new_file(cfg));
            let n = args::opt_size(a, 2).unwrap_or(0);
            let new = if n > base.size() {
                ops::apply_resize(&base, n)
            } else {
                base
            };
            ops::used_after(st, cfg, old, &new) <= cfg.quota
        },
    },
    CondDef {
        name: "handle_open",
        params: &[S],
        doc: "the slot holds a handle that is not closed",
        f: |st, _, a| st.open_handle(args::slot(a, 0)).is_some(),
    },
    CondDef {
        name: "handle_readable",
        params: &[S],
        doc: "the slot's handle was opened for reading",
        f: |st, _, a| {
            st.open_handle(args::slot(a, 0))
                .is_some_and(|h| h.mode.readable())
        },
    },
    CondDef {
        name: "handle_writable",
        params: &[S],
        doc: "the slot's handle was opened for writing",
        f: |st, _, a| {
            st.open_handle(args::slot(a, 0))
                .is_some_and(|h| h.mode.writable())
        },
    },
    CondDef {
        name: "write_supported",
        params: &[S, B],
        doc: "the write is an append, or the storage may promote (not `sequential`)",
        f: |st, cfg, a| {
            ops::plan_write(st, args::slot(a, 0), args::bytes(a, 1).len() as u64).is_some_and(|w| {
                !(w.effective && w.non_append_on_sequential && cfg.storage == Storage::Sequential)
            })
        },
    },
    CondDef {
        name: "promotion_within_limit",
        params: &[S, B],
        doc: "a promotion this write needs is at most promotion_hard_limit",
        f: |st, cfg, a| {
            ops::plan_write(st, args::slot(a, 0), args::bytes(a, 1).len() as u64)
                .is_some_and(|w| !w.promotes(cfg) || w.size <= cfg.promotion_hard_limit)
        },
    },
    CondDef {
        name: "promotion_fits",
        params: &[S, B],
        doc: "a promotion this write needs finds `size` bytes free",
        f: |st, cfg, a| {
            ops::plan_write(st, args::slot(a, 0), args::bytes(a, 1).len() as u64)
                .is_some_and(|w| !w.promotes(cfg) || w.size <= st.free(cfg))
        },
    },
    CondDef {
        name: "write_fits",
        params: &[S, B],
        doc: "the file after the write fits the quota",
        f: |st, cfg, a| {
            let d = args::bytes(a, 1);
            let Some((_, f)) = ops::handle_file(st, args::slot(a, 0)) else {
                return false;
            };
            let Some(w) = ops::plan_write(st, args::slot(a, 0), d.len() as u64) else {
                return false;
            };
            ops::used_after(st, cfg, Some(f), &ops::apply_write(f, cfg, w.offset, d)) <= cfg.quota
        },
    },
    CondDef {
        name: "seek_valid",
        params: &[S, W, I],
        doc: "the seek target is not negative and not past EOF from the end",
        f: |st, _, a| {
            ops::seek_target(st, args::slot(a, 0), args::whence(a, 1), args::int(a, 2)).is_some()
        },
    },
    CondDef {
        name: "truncate_fits",
        params: &[S, O],
        doc: "the file resized (to the size, or the cursor if none) fits the quota",
        f: |st, cfg, a| {
            let Some((h, f)) = ops::handle_file(st, args::slot(a, 0)) else {
                return false;
            };
            let t = args::opt_size(a, 1).unwrap_or(h.pos);
            ops::used_after(st, cfg, Some(f), &ops::apply_resize(f, t)) <= cfg.quota
        },
    },
    CondDef {
        name: "export_unblocked",
        params: &[P, Bo],
        doc: "no writer holds a file below the prefix that the export reads (only_dirty skips clean files before locking)",
        f: |st, _, a| {
            let Some(x) = p(a, 0) else { return false };
            let dirty_only = args::boolean(a, 1);
            !st.files().any(|(k, f)| {
                path::is_within(k, x)
                    && (!dirty_only || f.generation > 0)
                    && st.open_on(k).any(|h| h.mode.writable())
            })
        },
    },
    CondDef {
        name: "size_within",
        params: &[P, O],
        doc: "the file's size is at most the limit (none = no limit)",
        f: |st, _, a| match (p(a, 0).and_then(|x| st.file(x)), args::opt_size(a, 1)) {
            (Some(f), Some(m)) => f.size() <= m,
            _ => true,
        },
    },
    CondDef {
        name: "copy_fits",
        params: &[P],
        doc: "a fresh copy of the file fits the quota",
        f: |st, cfg, a| {
            p(a, 0).and_then(|x| st.file(x)).is_some_and(|f| {
                FileState::fresh(cfg, f.data.clone(), 0).usage(cfg) <= st.free(cfg)
            })
        },
    },
    CondDef {
        name: "copy_tree_fits",
        params: &[P],
        doc: "fresh copies of every file below the directory fit the quota",
        f: |st, cfg, a| {
            let Some(x) = p(a, 0) else { return false };
            let need: u64 = st
                .subtree(x)
                .iter()
                .map(|(_, n)| match n {
                    Node::File(f) => FileState::fresh(cfg, f.data.clone(), 0).usage(cfg),
                    Node::Dir { .. } => 0,
                })
                .sum();
            need <= st.free(cfg)
        },
    },
    CondDef {
        name: "copy_tree_nodes_available",
        params: &[P],
        doc: "copying the subtree stays within max_nodes",
        f: |st, cfg, a| p(a, 0).is_some_and(|x| nodes_allow(st, cfg, st.subtree(x).len() as u64)),
    },
    CondDef {
        name: "import_paths_valid",
        params: &[E],
        doc: "every import path is valid",
        f: |_, _, a| args::entries(a, 0).iter().all(|(t, _)| t.norm.is_some()),
    },
    CondDef {
        name: "import_targets_not_dirs",
        params: &[E],
        doc: "no import target is (or would replace) a directory, the root included",
        f: |st, _, a| !import_dir_target(st, args::entries(a, 0)),
    },
    CondDef {
        name: "import_parents_not_files",
        params: &[E],
        doc: "no import target lies below a file, existing or in the same import",
        f: |st, _, a| !import_file_parent(st, args::entries(a, 0)),
    },
    CondDef {
        name: "import_targets_closed",
        params: &[E],
        doc: "no import target is open",
        f: |st, _, a| {
            args::entries(a, 0).iter().all(|(t, _)| {
                t.norm
                    .as_deref()
                    .is_none_or(|t| st.open_on(t).next().is_none())
            })
        },
    },
    CondDef {
        name: "import_fits",
        params: &[E],
        doc: "the net quota change of the import fits",
        f: |st, cfg, a| simulate_import(st, cfg, args::entries(a, 0)).used(cfg) <= cfg.quota,
    },
    CondDef {
        name: "import_nodes_available",
        params: &[E],
        doc: "the import stays within max_nodes",
        f: |st, cfg, a| {
            cfg.max_nodes
                .is_none_or(|m| simulate_import(st, cfg, args::entries(a, 0)).node_count() <= m)
        },
    },
];

/// Every value function a spec may use as an argument.
pub static VALUES: &[ValueDef] = &[ValueDef {
    name: "parent",
    params: &[P],
    result: P,
    doc: "the parent directory of a path (an invalid path stays invalid)",
    f: |a| match a.first() {
        Some(Arg::Path(x)) => {
            let norm = x.norm.as_deref().map(|n| Arc::from(path::parent(n)));
            let raw = norm.clone().unwrap_or_else(|| x.raw.clone());
            Arg::Path(PathArg { raw, norm })
        }
        Some(other) => other.clone(),
        None => Arg::Bool(false),
    },
}];

/// Every condition: the ones above and the build-time guard's ([`super::guard::CONDITIONS`]).
/// (The allocation guards are their own kind, [`super::guard::GUARDS`].)
pub fn all() -> impl Iterator<Item = &'static CondDef> + Clone {
    CONDITIONS.iter().chain(super::guard::CONDITIONS)
}

/// Looks up a condition by name.
pub fn condition(name: &str) -> Option<&'static CondDef> {
    all().find(|c| c.name == name)
}

/// Looks up a value function by name.
pub fn value(name: &str) -> Option<&'static ValueDef> {
    VALUES.iter().find(|c| c.name == name)
}
