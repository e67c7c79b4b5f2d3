//! The registry of checks: postconditions and invariants evaluated on what the system under
//! test actually returned and what it looks like afterwards, against the model's prediction.
//! Each returns a message saying what differed, so a failure report reads on its own.

use super::Mismatch;
use super::args::{self, Arg, ArgKind};
use super::ops;
use super::path;
use super::state::{ModelState, Node};
use crate::fs::call::CallOutcome;
use crate::fs::config::FsConfig;
use crate::fs::observation::{Observation, StepValue};

/// What a check sees: the predicted next state, the call's outcome and the observed state.
pub struct PostCtx<'a> {
    pub st: &'a ModelState,
    pub cfg: &'a FsConfig,
    pub outcome: &'a CallOutcome,
    pub obs: &'a Observation,
    /// What is known about the step's trace beyond the observation.
    pub trace: Trace,
}

/// Whether a step changed anything, as the model and the subject's driver see it: what
/// `left_no_trace` compares (an observation cannot show storage layout, lock words or
/// internal usage, an exact driver comparison can).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trace {
    /// The model state after the step is the one before it (a failed call, a query).
    pub model_unchanged: bool,
    /// The subject driver's answer whether its complete state, internal parts included, is
    /// the one before the step (`StepCheck::subject_same`); `None` where it cannot tell.
    pub subject_same: Option<bool>,
}

/// A check: `Ok` or what went wrong.
pub type CheckFn = fn(&PostCtx, &[Arg]) -> Result<(), Mismatch>;

/// A named check with its argument kinds and a one-line meaning.
pub struct CheckDef {
    pub name: &'static str,
    pub params: &'static [ArgKind],
    pub f: CheckFn,
    pub doc: &'static str,
}

use ArgKind::{Bool as Bo, Bytes as B, Path as P, Slot as S};

pub(super) fn value<'a>(c: &'a PostCtx) -> Result<&'a StepValue, Mismatch> {
    match c.outcome {
        CallOutcome::Ok(v) => Ok(v),
        CallOutcome::Err { kind, .. } => Err(Mismatch(format!("the call failed with {kind}"))),
    }
}

pub(super) fn expect<T: PartialEq + std::fmt::Debug>(
    what: &str,
    got: T,
    want: T,
) -> Result<(), Mismatch> {
    if got == want {
        Ok(())
    } else {
        Err(Mismatch(format!("{what}: got {got:?}, expected {want:?}")))
    }
}

/// [`expect`] whose label is only built when the values differ (checks run at every step).
pub(super) fn expect_lazy<T: PartialEq + std::fmt::Debug>(
    what: impl FnOnce() -> String,
    got: T,
    want: T,
) -> Result<(), Mismatch> {
    if got == want {
        Ok(())
    } else {
        expect(&what(), got, want)
    }
}

fn returns_bool(c: &PostCtx, want: bool) -> Result<(), Mismatch> {
    match value(c)? {
        StepValue::Bool(b) => expect("returned", *b, want),
        v => Err(Mismatch(format!("returned {v:?}, expected a bool"))),
    }
}

fn returns_u64(c: &PostCtx, want: u64) -> Result<(), Mismatch> {
    match value(c)? {
        StepValue::U64(n) => expect("returned", *n, want),
        v => Err(Mismatch(format!("returned {v:?}, expected {want}"))),
    }
}

pub(super) fn p(a: &[Arg], i: usize) -> Result<&str, Mismatch> {
    args::path(a, i).ok_or_else(|| Mismatch("invalid path".into()))
}

/// Checks of the value a call returned, against the predicted next state.
pub static CHECKS: &[CheckDef] = &[
    CheckDef {
        name: "left_no_trace",
        params: &[],
        doc: "invariant: a step the model says changes nothing (a failed call, a query) leaves the subject exactly as it was, internal state included, where its driver can tell",
        f: |c, _| {
            match c.trace {
            Trace {
                model_unchanged: true,
                subject_same: Some(false),
            } => Err(Mismatch(
                "the model says this step changes nothing, but the subject's complete state (what it shows and what it keeps internally: storage layout, locks, usage) is no longer the one it had before the step".into(),
            )),
            _ => Ok(()),
        }
        },
    },
    CheckDef {
        name: "returns_unit",
        params: &[],
        doc: "the call returned nothing",
        f: |c, _| match value(c)? {
            StepValue::Unit => Ok(()),
            v => Err(Mismatch(format!("returned {v:?}, expected nothing"))),
        },
    },
    CheckDef {
        name: "returns_exists",
        params: &[P],
        doc: "exists(p) returned the model's answer (false for an invalid path)",
        f: |c, a| returns_bool(c, args::path(a, 0).is_some_and(|x| c.st.get(x).is_some())),
    },
    CheckDef {
        name: "returns_is_dir",
        params: &[P],
        doc: "is_dir(p) returned the model's answer",
        f: |c, a| returns_bool(c, args::path(a, 0).is_some_and(|x| c.st.is_dir(x))),
    },
    CheckDef {
        name: "returns_is_file",
        params: &[P],
        doc: "is_file(p) returned the model's answer",
        f: |c, a| returns_bool(c, args::path(a, 0).is_some_and(|x| c.st.file(x).is_some())),
    },
    CheckDef {
        name: "returns_listing",
        params: &[P],
        doc: "listdir returned the children in insertion order",
        f: |c, a| {
            let want: Vec<String> =
                c.st.children(p(a, 0)?)
                    .unwrap_or(&[])
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
            match value(c)? {
                StepValue::Names(n) => expect("listing", n, &want),
                v => Err(Mismatch(format!("returned {v:?}"))),
            }
        },
    },
    CheckDef {
        name: "returns_stat",
        params: &[P],
        doc: "stat returned the model's size, generation and kind (dirs: size 0, generation 0)",
        f: |c, a| {
            let (size, generation, is_dir) = match c.st.get(p(a, 0)?) {
                Some(Node::File(f)) => (f.size(), f.generation, false),
                Some(Node::Dir { .. }) => (0, 0, true),
                None => return Err(Mismatch("no node in the model".into())),
            };
            match value(c)? {
                StepValue::Stat {
                    size: s,
                    generation: g,
                    is_dir: d,
                    ..
                } => expect(
                    "(size, generation, is_dir)",
                    (*s, *g, *d),
                    (size, generation, is_dir),
                ),
                v => Err(Mismatch(format!("returned {v:?}"))),
            }
        },
    },
    CheckDef {
        name: "returns_size",
        params: &[P],
        doc: "get_size returned the file's size",
        f: |c, a| returns_u64(c, c.st.file(p(a, 0)?).map_or(0, |f| f.size())),
    },
    CheckDef {
        name: "returns_stats",
        params: &[],
        doc: "stats returned the model's used/quota/free bytes and counts",
        f: |c, _| match value(c)? {
            StepValue::Stats(s) => expect("stats", *s, super::stats(c.st, c.cfg)),
            v => Err(Mismatch(format!("returned {v:?}"))),
        },
    },
    CheckDef {
        name: "returns_walk",
        params: &[P],
        doc: "walk returned the tree top-down in insertion order",
        f: |c, a| match value(c)? {
            StepValue::Walk(w) => expect("walk", w, &ops::walk(c.st, p(a, 0)?)),
            v => Err(Mismatch(format!("returned {v:?}"))),
        },
    },
    CheckDef {
        name: "returns_glob",
        params: &[P],
        doc: "glob returned the matching paths, sorted, without duplicates",
        f: |c, a| {
            let pat = match a.first() {
                Some(Arg::Path(x)) => x.raw.clone(),
                _ => return Err(Mismatch("no pattern".into())),
            };
            match value(c)? {
                StepValue::Names(n) => expect("glob", n, &ops::glob(c.st, &pat)),
                v => Err(Mismatch(format!("returned {v:?}"))),
            }
        },
    },
    CheckDef {
        name: "returns_export",
        params: &[P, Bo],
        doc: "export_tree returned every (dirty) file below the prefix with its contents",
        f: |c, a| {
            let x = p(a, 0)?;
            let dirty = args::boolean(a, 1);
            let want: std::collections::BTreeMap<String, Vec<u8>> =
                c.st.files()
                    .filter(|(k, f)| path::is_within(k, x) && (!dirty || f.generation > 0))
                    .map(|(k, f)| (k.to_string(), f.data.to_vec()))
                    .collect();
            match value(c)? {
                StepValue::Files(m) => expect("export", m, &want),
                v => Err(Mismatch(format!("returned {v:?}"))),
            }
        },
    },
    CheckDef {
        name: "returns_contents",
        params: &[P],
        doc: "the call returned the file's whole contents",
        f: |c, a| {
            let want =
                c.st.file(p(a, 0)?)
                    .map(|f| f.data.to_vec())
                    .unwrap_or_default();
            match value(c)? {
                StepValue::Bytes(b) if *b == want => Ok(()),
                StepValue::Bytes(b) => Err(Mismatch(format!(
                    "returned {}, the file holds {}",
                    args::show_bytes(b),
                    args::show_bytes(&want)
                ))),
                v => Err(Mismatch(format!("returned {v:?}"))),
            }
        },
    },
    CheckDef {
        name: "returns_read",
        params: &[S],
        doc: "read returned the bytes just before the new cursor (the cursor itself is checked by the state match)",
        f: |c, a| {
            let Some((h, f)) = ops::handle_file(c.st, args::slot(a, 0)) else {
                return Err(Mismatch("no open handle in the model".into()));
            };
            match value(c)? {
                StepValue::Bytes(b) => {
                    let end = usize::try_from(h.pos)
                        .unwrap_or(usize::MAX)
                        .min(f.data.len());
                    let start = end.checked_sub(b.len()).ok_or_else(|| {
                        Mismatch(format!(
                            "read returned {} bytes, more than the {end} before the cursor",
                            b.len()
                        ))
                    })?;
                    if f.data[start..end] == b[..] {
                        Ok(())
                    } else {
                        Err(Mismatch(format!(
                            "read returned {}, the file holds {} there",
                            args::show_bytes(b),
                            args::show_bytes(&f.data[start..end])
                        )))
                    }
                }
                v => Err(Mismatch(format!("returned {v:?}"))),
            }
        },
    },
    CheckDef {
        name: "returns_written",
        params: &[B],
        doc: "write returned the number of bytes given",
        f: |c, a| returns_u64(c, args::bytes(a, 0).len() as u64),
    },
    CheckDef {
        name: "returns_cursor",
        params: &[S],
        doc: "the call returned the handle's new cursor",
        f: |c, a| returns_u64(c, c.st.handle(args::slot(a, 0)).map_or(0, |h| h.pos)),
    },
    CheckDef {
        name: "returns_file_size",
        params: &[S],
        doc: "the call returned the size of the handle's file",
        f: |c, a| {
            returns_u64(
                c,
                ops::handle_file(c.st, args::slot(a, 0)).map_or(0, |(_, f)| f.size()),
            )
        },
    },
];

/// Every check: the return-value checks above and `build`'s ([`super::guard`]), and the
/// observed-state checks and invariants of [`super::observed`].
pub fn all() -> impl Iterator<Item = &'static CheckDef> + Clone {
    CHECKS
        .iter()
        .chain(super::guard::CHECKS)
        .chain(super::observed::OBSERVED.iter())
}

/// Looks up a check by name.
pub fn check(name: &str) -> Option<&'static CheckDef> {
    all().find(|c| c.name == name)
}
