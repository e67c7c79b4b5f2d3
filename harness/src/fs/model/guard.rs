//! The model's memory guard (semantics §8). A guard condition names an allocation path and
//! says how many bytes it brings in (its request); the guard then decides from the
//! configuration: `per_write` with too little available memory refuses (`error`: the
//! precondition fails with `OutOfMemory`) or warns (`warn`: the precondition holds and the
//! model counts a warning, even if a later precondition then fails the call: GUARD-11).
//!
//! The request is what the path writes (GUARD-7..10): a write's data, a truncate's or a
//! preallocation's zeros (after `wb`'s truncation), a copy's source bytes, an import's bytes (a
//! path given twice counted once, with its last data). Chunk overhead is accounting, not
//! memory: it is not part of the request.

use super::Mismatch;
use super::args::{self, Arg, ArgKind, PathArg};
use super::checks::{CheckDef, expect, value};
use super::conditions::CondDef;
use super::ops;
use super::state::{Mode, ModelState, Node};
use crate::fs::config::{FsConfig, GuardAction, GuardMode};
use crate::fs::observation::StepValue;
use std::sync::Arc;

/// How many bytes an allocation path brings in, from the state before the step.
pub type RequestFn = fn(&ModelState, &FsConfig, &[Arg]) -> u64;

/// A guard condition: usable as a precondition (`if: "guard_allows_write(slot, data)"`), alone.
pub struct GuardDef {
    pub name: &'static str,
    pub params: &'static [ArgKind],
    pub request: RequestFn,
    pub doc: &'static str,
}

/// What the guard does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Enough memory, no guard, an unknown host, or nothing to allocate.
    Pass,
    /// Too little, action `warn`: a warning is recorded and the call goes on.
    Warn,
    /// Too little, action `error`: the call fails with `OutOfMemory`.
    Refuse,
}

fn short(cfg: &FsConfig, bytes: u64, action: GuardAction) -> Decision {
    match cfg.available_memory {
        Some(a) if bytes > a => match action {
            GuardAction::Warn => Decision::Warn,
            GuardAction::Error => Decision::Refuse,
        },
        _ => Decision::Pass,
    }
}

/// The `per_write` guard before an allocation path bringing in `bytes` (GUARD-1, 4, 5, 6).
pub fn decide(cfg: &FsConfig, bytes: u64) -> Decision {
    if cfg.memory_guard != GuardMode::PerWrite || bytes == 0 {
        return Decision::Pass;
    }
    short(cfg, bytes, cfg.memory_guard_action)
}

/// The guard of a filesystem built with `quota` and the guard (`mode`, `action`) on this
/// configuration's host: only `init` looks, at the quota (GUARD-2, GUARD-3, GUARD-12).
pub fn decide_build(cfg: &FsConfig, quota: u64, mode: GuardMode, action: GuardAction) -> Decision {
    if mode != GuardMode::Init {
        return Decision::Pass;
    }
    short(cfg, quota, action)
}

/// The bytes an open's preallocation zero-fills: up to `prealloc` from the size the file has
/// when the fill starts (0 for a new file and after `wb`'s truncation).
fn prealloc_bytes(st: &ModelState, a: &[Arg]) -> u64 {
    let Some(p) = args::path(a, 0) else { return 0 };
    let start = match (st.file(p), args::mode(a, 1)) {
        (Some(f), m) if m != Some(Mode::Wb) => f.size(),
        _ => 0,
    };
    args::opt_size(a, 2).unwrap_or(0).saturating_sub(start)
}

/// An import's bytes: every path once (normalized), with the last data given for it.
fn import_bytes(es: &[(PathArg, Arc<[u8]>)]) -> u64 {
    let mut last: Vec<(&str, u64)> = Vec::new();
    for (p, d) in es {
        let Some(n) = p.norm.as_deref() else { continue };
        match last.iter_mut().find(|(q, _)| *q == n) {
            Some(slot) => slot.1 = d.len() as u64,
            None => last.push((n, d.len() as u64)),
        }
    }
    last.iter().map(|(_, n)| n).sum()
}

use ArgKind::{
    Bytes as B, Entries as E, GuardAction as GA, GuardMode as GM, Mode as M, OptSize as O,
    Path as P, Slot as S,
};

/// `build(quota, memory_guard, memory_guard_action)`'s decision (a `null` quota: the run's).
fn build_decision(cfg: &FsConfig, a: &[Arg]) -> Decision {
    let quota = args::opt_size(a, 0).unwrap_or(cfg.quota);
    decide_build(cfg, quota, args::guard_mode(a, 1), args::guard_action(a, 2))
}

/// Conditions of the build-time guard (plain conditions: `build` changes no state).
pub static CONDITIONS: &[CondDef] = &[CondDef {
    name: "build_guard_allows",
    params: &[O, GM, GA],
    doc: "a filesystem built with this quota (null: the run's) and memory guard on this host is not refused by its guard",
    f: |_, cfg, a| build_decision(cfg, a) != Decision::Refuse,
}];

/// Checks of what `build` returned.
pub static CHECKS: &[CheckDef] = &[CheckDef {
    name: "returns_build_warnings",
    params: &[O, GM, GA],
    doc: "build returned the number of warnings its guard records (1 when init warns, else 0)",
    f: |c, a| match value(c)? {
        StepValue::U64(n) => expect(
            "warnings of the build",
            *n,
            u64::from(build_decision(c.cfg, a) == Decision::Warn),
        ),
        v => Err(Mismatch(format!("returned {v:?}, expected a count"))),
    },
}];

/// Every guard condition a spec may name.
pub static GUARDS: &[GuardDef] = &[
    GuardDef {
        name: "guard_allows_write",
        params: &[S, B],
        doc: "the memory guard lets a write of this data through (request: the data's length)",
        request: |_, _, a| args::bytes(a, 1).len() as u64,
    },
    GuardDef {
        name: "guard_allows_truncate",
        params: &[S, O],
        doc: "the memory guard lets this truncate through (request: the zeros it adds)",
        request: |st, _, a| {
            ops::handle_file(st, args::slot(a, 0)).map_or(0, |(h, f)| {
                args::opt_size(a, 1)
                    .unwrap_or(h.pos)
                    .saturating_sub(f.size())
            })
        },
    },
    GuardDef {
        name: "guard_allows_prealloc",
        params: &[P, M, O],
        doc: "the memory guard lets this open's preallocation through (request: the zeros it fills, after wb's truncation)",
        request: |st, _, a| prealloc_bytes(st, a),
    },
    GuardDef {
        name: "guard_allows_copy",
        params: &[P],
        doc: "the memory guard lets a copy of this file through (request: its size)",
        request: |st, _, a| {
            args::path(a, 0)
                .and_then(|p| st.file(p))
                .map_or(0, |f| f.size())
        },
    },
    GuardDef {
        name: "guard_allows_copy_tree",
        params: &[P],
        doc: "the memory guard lets a copy of this tree through (request: the bytes of every file in it)",
        request: |st, _, a| {
            args::path(a, 0).map_or(0, |p| {
                st.subtree(p)
                    .iter()
                    .map(|(_, n)| match n {
                        Node::File(f) => f.size(),
                        Node::Dir { .. } => 0,
                    })
                    .sum()
            })
        },
    },
    GuardDef {
        name: "guard_allows_import",
        params: &[E],
        doc: "the memory guard lets this import through (request: its bytes, a repeated path once with its last data)",
        request: |_, _, a| import_bytes(args::entries(a, 0)),
    },
];

/// Looks up a guard condition by name.
pub fn guard(name: &str) -> Option<&'static GuardDef> {
    GUARDS.iter().find(|g| g.name == name)
}
