//! The registry of effects: named changes of the model state. They run only when every
//! precondition held, but they stay total (a missing node or handle makes them do nothing)
//! so a wrong spec cannot make the model panic.

use super::args::{self, Arg, ArgKind, PathArg};
use super::ops;
use super::path;
use super::state::{FileState, HandleState, Mode, ModelState, Node};
use crate::fs::config::FsConfig;
use std::sync::Arc;

/// A change of the model state.
pub type EffectFn = fn(&mut ModelState, &FsConfig, &[Arg]);

/// A named effect with its argument kinds and a one-line meaning.
pub struct EffectDef {
    pub name: &'static str,
    pub params: &'static [ArgKind],
    pub f: EffectFn,
    pub doc: &'static str,
}

use ArgKind::{
    Bytes as B, Entries as E, Int as I, Mode as M, OptSize as O, Path as P, Size as Z, Slot as S,
    Whence as W,
};

fn empty_file(cfg: &FsConfig) -> Node {
    Node::File(FileState::fresh(cfg, Arc::from(Vec::new()), 0))
}

/// Imports entries: missing parents are created, files replaced or created with generation 0.
pub fn import(st: &mut ModelState, cfg: &FsConfig, es: &[(PathArg, Arc<[u8]>)]) {
    for (t, d) in es {
        let Some(t) = t.norm.as_deref() else { continue };
        if t == "/" {
            continue;
        }
        st.make_dirs(path::parent(t));
        let f = Node::File(FileState::fresh(cfg, d.clone(), 0));
        match st.get(t) {
            Some(Node::File(_)) => st.replace(t, f),
            Some(Node::Dir { .. }) => {}
            None => st.insert(t, f),
        }
    }
}

/// Every effect a spec may name.
pub static EFFECTS: &[EffectDef] = &[
    EffectDef {
        name: "create_file",
        params: &[P],
        doc: "creates an empty file if nothing is at the path",
        f: |st, cfg, a| {
            if let Some(x) = args::path(a, 0)
                && st.get(x).is_none()
            {
                st.insert(x, empty_file(cfg))
            }
        },
    },
    EffectDef {
        name: "create_or_truncate",
        params: &[P],
        doc: "wb: creates an empty file, or empties an existing one (generation +1 even if already empty)",
        f: |st, cfg, a| {
            let Some(x) = args::path(a, 0) else { return };
            if let Some(f) = st.file_mut(x) {
                *f = ops::wb_truncate(f);
            } else if st.get(x).is_none() {
                st.insert(x, empty_file(cfg));
            }
        },
    },
    EffectDef {
        name: "open",
        params: &[S, P, M],
        doc: "puts a handle into the slot (cursor 0, or EOF for ab); a previous handle there is dropped",
        f: |st, _, a| {
            let (Some(x), Some(m)) = (args::path(a, 1), args::mode(a, 2)) else {
                return;
            };
            let pos = if m == Mode::Ab {
                st.file(x).map_or(0, FileState::size)
            } else {
                0
            };
            st.set_handle(
                args::slot(a, 0),
                HandleState {
                    path: Arc::from(x),
                    mode: m,
                    pos,
                    closed: false,
                },
            );
        },
    },
    EffectDef {
        name: "preallocate",
        params: &[P, O],
        doc: "zero-fills the file up to the size if it is smaller (a write)",
        f: |st, _, a| {
            let Some(x) = args::path(a, 0) else { return };
            let n = args::opt_size(a, 1).unwrap_or(0);
            if let Some(f) = st.file_mut(x)
                && n > f.size()
            {
                *f = ops::apply_resize(f, n);
            }
        },
    },
    EffectDef {
        name: "write",
        params: &[S, B],
        doc: "writes at the cursor (EOF for ab), promoting or zero-filling as needed; cursor moves past the data",
        f: |st, cfg, a| {
            let slot = args::slot(a, 0);
            let d = args::bytes(a, 1);
            let Some(w) = ops::plan_write(st, slot, d.len() as u64) else {
                return;
            };
            if !w.effective {
                return;
            }
            let Some(h) = st.open_handle(slot) else {
                return;
            };
            let p = h.path.clone();
            if let Some(f) = st.file_mut(&p) {
                *f = ops::apply_write(f, cfg, w.offset, d);
            }
            if let Some(h) = st.handle_mut(slot) {
                h.pos = w.offset + d.len() as u64;
            }
        },
    },
    EffectDef {
        name: "read",
        params: &[S, O],
        doc: "moves the cursor past the bytes a read of at most max returns",
        f: |st, _, a| {
            let slot = args::slot(a, 0);
            let n = ops::read_len(st, slot, args::opt_size(a, 1));
            if n > 0
                && let Some(h) = st.handle_mut(slot)
            {
                h.pos += n;
            }
        },
    },
    EffectDef {
        name: "read_into",
        params: &[S, Z],
        doc: "moves the cursor past the bytes a read into a buffer of size bytes fills: min(size, remaining)",
        f: |st, _, a| {
            let slot = args::slot(a, 0);
            let n = ops::read_len(st, slot, Some(args::size(a, 1)));
            if n > 0
                && let Some(h) = st.handle_mut(slot)
            {
                h.pos += n;
            }
        },
    },
    EffectDef {
        name: "seek",
        params: &[S, W, I],
        doc: "sets the cursor",
        f: |st, _, a| {
            let slot = args::slot(a, 0);
            if let Some(t) = ops::seek_target(st, slot, args::whence(a, 1), args::int(a, 2))
                && let Some(h) = st.handle_mut(slot)
            {
                h.pos = t;
            }
        },
    },
    EffectDef {
        name: "truncate",
        params: &[S, O],
        doc: "resizes the file to the size (the cursor if none); the cursor is clamped",
        f: |st, _, a| {
            let slot = args::slot(a, 0);
            let Some((h, _)) = ops::handle_file(st, slot) else {
                return;
            };
            let (p, t) = (h.path.clone(), args::opt_size(a, 1).unwrap_or(h.pos));
            if let Some(f) = st.file_mut(&p) {
                *f = ops::apply_resize(f, t);
            }
            if let Some(h) = st.handle_mut(slot) {
                h.pos = h.pos.min(t);
            }
        },
    },
    EffectDef {
        name: "close",
        params: &[S],
        doc: "closes the slot's handle (idempotent; an empty slot stays empty)",
        f: |st, _, a| {
            if let Some(h) = st.handle_mut(args::slot(a, 0)) {
                h.closed = true
            }
        },
    },
    EffectDef {
        name: "make_dirs",
        params: &[P],
        doc: "creates the directory and every missing parent",
        f: |st, _, a| {
            if let Some(x) = args::path(a, 0) {
                st.make_dirs(x)
            }
        },
    },
    EffectDef {
        name: "move_subtree",
        params: &[P, P],
        doc: "moves the node and its subtree; the name is appended to the new parent",
        f: |st, _, a| {
            if let (Some(s), Some(d)) = (args::path(a, 0), args::path(a, 1)) {
                st.move_subtree(s, d)
            }
        },
    },
    EffectDef {
        name: "remove_subtree",
        params: &[P],
        doc: "removes the node and everything below it",
        f: |st, _, a| {
            if let Some(x) = args::path(a, 0) {
                st.remove_subtree(x)
            }
        },
    },
    EffectDef {
        name: "copy_file",
        params: &[P, P],
        doc: "creates a fresh copy (one chunk; generation 1 if non-empty, else 0)",
        f: |st, cfg, a| {
            let (Some(s), Some(d)) = (args::path(a, 0), args::path(a, 1)) else {
                return;
            };
            let Some(f) = st.file(s) else { return };
            let g = u64::from(!f.data.is_empty());
            let n = Node::File(FileState::fresh(cfg, f.data.clone(), g));
            st.insert(d, n);
        },
    },
    EffectDef {
        name: "copy_subtree",
        params: &[P, P],
        doc: "copies the directory as it was before the call (a snapshot), files fresh with generation 0",
        f: |st, cfg, a| {
            let (Some(s), Some(d)) = (args::path(a, 0), args::path(a, 1)) else {
                return;
            };
            let sub = st
                .subtree(s)
                .into_iter()
                .map(|(rel, n)| match n {
                    Node::File(f) => (rel, Node::File(FileState::fresh(cfg, f.data.clone(), 0))),
                    dir => (rel, dir),
                })
                .collect();
            st.place_subtree(d, sub);
        },
    },
    EffectDef {
        name: "import",
        params: &[E],
        doc: "imports the entries (parents created, files replaced, generation 0)",
        f: |st, cfg, a| import(st, cfg, args::entries(a, 0)),
    },
];

/// Looks up an effect by name.
pub fn effect(name: &str) -> Option<&'static EffectDef> {
    EFFECTS.iter().find(|e| e.name == name)
}
