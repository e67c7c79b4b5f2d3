//! Checks of the observed state after a step (postconditions) and after every step
//! (invariants): tree, contents, generations, handles, stats and timestamps.
//!
//! Contract: every check here reads only the model state, the configuration and the
//! observation, never the call's outcome. The spec marks them `state_only`, and the explorer
//! relies on it to skip re-evaluating an invariant on a state already checked (a test below
//! keeps the contract).

use super::Mismatch;
use super::args::{self, ArgKind};
use super::checks::{CheckDef, PostCtx, expect, expect_lazy, p};
use super::path;
use super::state::{ModelState, Node};
use crate::fs::observation::{LayoutObs, NodeObs, Observation};

use ArgKind::{Bytes as B, Path as P, Slot as S};

/// The model node converted to what an observation of it must hold (timestamps aside).
fn node_matches(st: &ModelState, obs: &Observation, x: &str) -> Result<(), Mismatch> {
    match (st.get(x), obs.nodes.get(x)) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(Mismatch(format!("{x} is missing (the model has it)"))),
        (None, Some(_)) => Err(Mismatch(format!(
            "{x} exists (the model has no node there)"
        ))),
        (Some(Node::Dir { children }), Some(NodeObs::Dir { children: oc, .. })) => {
            if children.len() == oc.len() && children.iter().zip(oc).all(|(a, b)| **a == **b) {
                return Ok(());
            }
            let want: Vec<&str> = children.iter().map(|c| &**c).collect();
            let got: Vec<&str> = oc.iter().map(String::as_str).collect();
            expect_lazy(|| format!("children of {x}"), got, want)
        }
        (
            Some(Node::File(f)),
            Some(NodeObs::File {
                data, generation, ..
            }),
        ) => {
            if data.as_slice() != &*f.data {
                return Err(Mismatch(format!(
                    "{x}: contents {} differ from the model's {}",
                    args::show_bytes(data),
                    args::show_bytes(&f.data)
                )));
            }
            expect_lazy(|| format!("generation of {x}"), *generation, f.generation)
        }
        (Some(Node::Dir { .. }), Some(_)) => Err(Mismatch(format!(
            "{x} is a file, the model has a directory"
        ))),
        (Some(Node::File(_)), Some(_)) => Err(Mismatch(format!(
            "{x} is a directory, the model has a file"
        ))),
    }
}

/// The model's abstraction of a file's storage (random access, or sequential with a chunk
/// count) against the observed layouts; `None` (a subject that reports none) checks nothing.
fn layouts_match(st: &ModelState, obs: &Observation) -> Result<(), Mismatch> {
    let Some(layouts) = &obs.layouts else {
        return Ok(());
    };
    for (p, f) in st.files() {
        match layouts.get(p) {
            None => return Err(Mismatch(format!("{p}: no layout observed"))),
            Some(LayoutObs::RandomAccess) if f.random => {}
            Some(LayoutObs::Sequential(sizes)) if !f.random => {
                if sizes.len() as u64 != u64::from(f.chunks)
                    || sizes.contains(&0)
                    || sizes.iter().sum::<u64>() != f.size()
                {
                    return Err(Mismatch(format!(
                        "{p}: sequential chunks {sizes:?}, model {} chunk(s) of {} bytes in all, none empty",
                        f.chunks,
                        f.size()
                    )));
                }
            }
            Some(l) => {
                return Err(Mismatch(format!(
                    "{p}: layout {l:?}, model {}",
                    if f.random {
                        "random access"
                    } else {
                        "sequential"
                    }
                )));
            }
        }
    }
    match layouts.keys().find(|p| st.file(p).is_none()) {
        Some(p) => Err(Mismatch(format!(
            "{p}: a layout for a file the model does not have"
        ))),
        None => Ok(()),
    }
}

fn subtree_matches(c: &PostCtx, x: &str) -> Result<(), Mismatch> {
    for (k, _) in c.obs.nodes.iter().filter(|(k, _)| path::is_within(k, x)) {
        node_matches(c.st, c.obs, k)?;
    }
    for (k, _) in c.st.nodes().iter().filter(|(k, _)| path::is_within(k, x)) {
        node_matches(c.st, c.obs, k)?;
    }
    Ok(())
}

fn times(obs: &Observation, x: &str) -> Result<(u64, u64), Mismatch> {
    match obs.nodes.get(x) {
        Some(
            NodeObs::File {
                created, modified, ..
            }
            | NodeObs::Dir {
                created, modified, ..
            },
        ) => Ok((*created, *modified)),
        None => Err(Mismatch(format!("{x} does not exist"))),
    }
}

fn modified_latest(obs: &Observation, x: &str) -> Result<(), Mismatch> {
    let (_, m) = times(obs, x)?;
    let latest = obs
        .nodes
        .values()
        .map(|n| match n {
            NodeObs::File {
                created, modified, ..
            }
            | NodeObs::Dir {
                created, modified, ..
            } => (*created).max(*modified),
        })
        .max()
        .unwrap_or(0);
    if m == latest {
        Ok(())
    } else {
        Err(Mismatch(format!(
            "{x}: modified_at {m} is not now (a later timestamp {latest} exists)"
        )))
    }
}

/// Every observed-state check and invariant a spec may name.
pub static OBSERVED: &[CheckDef] = &[
    CheckDef {
        name: "observed_file",
        params: &[P],
        doc: "a file is at the path afterwards",
        f: |c, a| match c.obs.nodes.get(p(a, 0)?) {
            Some(NodeObs::File { .. }) => Ok(()),
            o => Err(Mismatch(format!("found {o:?}, expected a file"))),
        },
    },
    CheckDef {
        name: "observed_dir",
        params: &[P],
        doc: "a directory is at the path afterwards",
        f: |c, a| match c.obs.nodes.get(p(a, 0)?) {
            Some(NodeObs::Dir { .. }) => Ok(()),
            o => Err(Mismatch(format!("found {o:?}, expected a directory"))),
        },
    },
    CheckDef {
        name: "observed_missing",
        params: &[P],
        doc: "nothing is at the path afterwards",
        f: |c, a| {
            let x = p(a, 0)?;
            if c.obs.nodes.keys().any(|k| path::is_within(k, x)) {
                Err(Mismatch(format!(
                    "{x} (or something below it) still exists"
                )))
            } else {
                Ok(())
            }
        },
    },
    CheckDef {
        name: "observed_node_matches",
        params: &[P],
        doc: "the node at the path has the model's contents, generation or children",
        f: |c, a| node_matches(c.st, c.obs, p(a, 0)?),
    },
    CheckDef {
        name: "observed_subtree_matches",
        params: &[P],
        doc: "every node at or below the path matches the model",
        f: |c, a| subtree_matches(c, p(a, 0)?),
    },
    CheckDef {
        name: "observed_last_child",
        params: &[P],
        doc: "the path's name is the last child of its parent",
        f: |c, a| {
            let x = p(a, 0)?;
            match c.obs.nodes.get(path::parent(x)) {
                Some(NodeObs::Dir { children, .. }) => expect(
                    &format!("last child of {}", path::parent(x)),
                    children.last().map(String::as_str),
                    Some(path::name(x)),
                ),
                o => Err(Mismatch(format!("parent is {o:?}"))),
            }
        },
    },
    CheckDef {
        name: "observed_generation_zero_under",
        params: &[P],
        doc: "every file at or below the path has generation 0",
        f: |c, a| {
            let x = p(a, 0)?;
            for (k, n) in c.obs.nodes.iter().filter(|(k, _)| path::is_within(k, x)) {
                if let NodeObs::File { generation, .. } = n
                    && *generation != 0
                {
                    return Err(Mismatch(format!("{k} has generation {generation}")));
                }
            }
            Ok(())
        },
    },
    CheckDef {
        name: "observed_handle_matches",
        params: &[S],
        doc: "the slot's handle has the model's path, mode, cursor and closed flag",
        f: |c, a| super::handle_matches(c.st, c.obs, args::slot(a, 0)),
    },
    CheckDef {
        name: "observed_handle_closed",
        params: &[S],
        doc: "the slot's handle is closed (or the slot is empty)",
        f: |c, a| match c.obs.handles.get(usize::from(args::slot(a, 0))) {
            Some(Some(h)) if !h.closed => {
                Err(Mismatch(format!("handle on {} is still open", h.path)))
            }
            _ => Ok(()),
        },
    },
    CheckDef {
        name: "observed_stats_match",
        params: &[],
        doc: "stats (used, free, counts, chunks) equal the model's",
        f: |c, _| expect("stats", c.obs.stats, super::stats(c.st, c.cfg)),
    },
    CheckDef {
        name: "observed_handle_file_matches",
        params: &[S],
        doc: "the file the slot's handle is on matches the model (contents, generation)",
        f: |c, a| match c.st.handle(args::slot(a, 0)) {
            Some(h) => node_matches(c.st, c.obs, &h.path),
            None => Err(Mismatch("no handle in the model".into())),
        },
    },
    CheckDef {
        name: "observed_write_time",
        params: &[S, B],
        doc: "after a write of n > 0 bytes the file's modified_at is now (the latest timestamp); created_at is older or equal",
        f: |c, a| {
            if args::bytes(a, 1).is_empty() {
                return Ok(());
            }
            let Some(h) = c.st.handle(args::slot(a, 0)) else {
                return Err(Mismatch("no handle in the model".into()));
            };
            modified_latest(c.obs, &h.path)
        },
    },
    CheckDef {
        name: "observed_modified_latest",
        params: &[P],
        doc: "the node's modified_at is now (no timestamp in the filesystem is later)",
        f: |c, a| modified_latest(c.obs, p(a, 0)?),
    },
    CheckDef {
        name: "observed_times_fresh",
        params: &[P],
        doc: "the node was just made: created_at = modified_at = now (the latest timestamp)",
        f: |c, a| {
            let x = p(a, 0)?;
            let (cr, m) = times(c.obs, x)?;
            expect_lazy(|| format!("created_at of {x}"), cr, m)?;
            modified_latest(c.obs, x)
        },
    },
    CheckDef {
        name: "observed_times_ordered",
        params: &[P],
        doc: "the node's created_at <= modified_at",
        f: |c, a| {
            let x = p(a, 0)?;
            let (cr, m) = times(c.obs, x)?;
            if cr <= m {
                Ok(())
            } else {
                Err(Mismatch(format!(
                    "{x}: created_at {cr} is after modified_at {m}"
                )))
            }
        },
    },
    CheckDef {
        name: "dir_times_constant",
        params: &[],
        doc: "invariant: every directory's modified_at equals its created_at",
        f: |c, _| {
            for (k, n) in &c.obs.nodes {
                if let NodeObs::Dir {
                    created, modified, ..
                } = n
                    && created != modified
                {
                    return Err(Mismatch(format!(
                        "directory {k}: created_at {created}, modified_at {modified}"
                    )));
                }
            }
            Ok(())
        },
    },
    CheckDef {
        name: "observed_handle_file_times_ordered",
        params: &[S],
        doc: "the handle's file has created_at <= modified_at",
        f: |c, a| {
            let Some(h) = c.st.handle(args::slot(a, 0)) else {
                return Err(Mismatch("no handle in the model".into()));
            };
            let (cr, m) = times(c.obs, &h.path)?;
            if cr <= m {
                Ok(())
            } else {
                Err(Mismatch(format!(
                    "{}: created_at {cr} is after modified_at {m}",
                    h.path
                )))
            }
        },
    },
    CheckDef {
        name: "observed_entries_match",
        params: &[ArgKind::Entries],
        doc: "every imported file has the model's contents and generation",
        f: |c, a| {
            for (t, _) in args::entries(a, 0) {
                if let Some(t) = t.norm.as_deref() {
                    node_matches(c.st, c.obs, t)?;
                }
            }
            Ok(())
        },
    },
    CheckDef {
        name: "observed_entries_fresh",
        params: &[ArgKind::Entries],
        doc: "every imported file has new timestamps (created_at = modified_at = now)",
        f: |c, a| {
            for (t, _) in args::entries(a, 0) {
                if let Some(t) = t.norm.as_deref() {
                    let (cr, m) = times(c.obs, t)?;
                    expect_lazy(|| format!("created_at of {t}"), cr, m)?;
                    modified_latest(c.obs, t)?;
                }
            }
            Ok(())
        },
    },
    CheckDef {
        name: "used_within_quota",
        params: &[],
        doc: "invariant: used_bytes <= quota_bytes",
        f: |c, _| {
            let s = c.obs.stats;
            if s.used_bytes <= s.quota_bytes {
                Ok(())
            } else {
                Err(Mismatch(format!(
                    "used {} > quota {}",
                    s.used_bytes, s.quota_bytes
                )))
            }
        },
    },
    CheckDef {
        name: "free_is_quota_minus_used",
        params: &[],
        doc: "invariant: free_bytes = quota_bytes - used_bytes",
        f: |c, _| {
            let s = c.obs.stats;
            expect(
                "free_bytes",
                s.free_bytes,
                s.quota_bytes.saturating_sub(s.used_bytes),
            )
        },
    },
    CheckDef {
        name: "observed_layout_matches",
        params: &[],
        doc: "invariant: every file's observed layout has the model's kind and chunk count, no empty chunk, and chunks adding up to its size (vacuous for a subject that reports no layouts)",
        f: |c, _| layouts_match(c.st, c.obs),
    },
    CheckDef {
        name: "counts_match_tree",
        params: &[],
        doc: "invariant: file_count and dir_count (root included) count the observed tree",
        f: |c, _| {
            let files = c
                .obs
                .nodes
                .values()
                .filter(|n| matches!(n, NodeObs::File { .. }))
                .count() as u64;
            let dirs = c.obs.nodes.len() as u64 - files;
            expect(
                "(file_count, dir_count)",
                (c.obs.stats.file_count, c.obs.stats.dir_count),
                (files, dirs),
            )
        },
    },
    CheckDef {
        name: "tree_is_connected",
        params: &[],
        doc: "invariant: every node but the root is listed by its parent, every listed child exists",
        f: |c, _| {
            if !matches!(c.obs.nodes.get("/"), Some(NodeObs::Dir { .. })) {
                return Err(Mismatch("the root directory is missing".into()));
            }
            let mut child = String::new();
            for (k, n) in &c.obs.nodes {
                if k != "/" {
                    match c.obs.nodes.get(path::parent(k)) {
                        Some(NodeObs::Dir { children, .. })
                            if children.iter().any(|x| x == path::name(k)) => {}
                        _ => return Err(Mismatch(format!("{k} is not listed by its parent"))),
                    }
                }
                if let NodeObs::Dir { children, .. } = n {
                    for ch in children {
                        // `path::join(k, ch)` built in one reused buffer.
                        child.clear();
                        child.push_str(k);
                        if k != "/" {
                            child.push('/');
                        }
                        child.push_str(ch);
                        if !c.obs.nodes.contains_key(child.as_str()) {
                            return Err(Mismatch(format!("{k} lists {ch}, which does not exist")));
                        }
                    }
                }
            }
            Ok(())
        },
    },
    CheckDef {
        name: "quota_is_configured",
        params: &[],
        doc: "invariant: quota_bytes is the configured quota",
        f: |c, _| expect("quota_bytes", c.obs.stats.quota_bytes, c.cfg.quota),
    },
    CheckDef {
        name: "observed_warnings_match",
        params: &[],
        doc: "invariant: the memory-guard warnings recorded since the build are the model's count (not checked when the subject cannot report them)",
        f: |c, _| match c.obs.warnings {
            Some(w) => expect("memory-guard warnings", w, c.st.warnings()),
            None => Ok(()),
        },
    },
];

#[cfg(test)]
mod tests {
    /// The module contract: no check here looks at the outcome (directly or through
    /// `checks::value`), so invariants over an unchanged state need no re-evaluation.
    #[test]
    fn observed_checks_never_read_the_outcome() {
        let src = include_str!("observed.rs");
        let code = src.split("#[cfg(test)]").next().unwrap_or(src);
        assert!(
            !code.contains(".outcome"),
            "an observed check reads the outcome"
        );
        assert!(
            !code.contains("value("),
            "an observed check reads the returned value"
        );
        assert!(
            !code.contains("returns_"),
            "an observed check reads the returned value"
        );
    }
}
