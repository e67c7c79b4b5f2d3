//! The abstract model of the filesystem: state, conditions, effects and checks, all looked
//! up by name from the spec. Everything here is filesystem vocabulary; the engine only sees
//! it through `spec::Spec`.

pub mod args;
pub mod checks;
pub mod conditions;
pub mod effects;
pub mod guard;
pub mod observed;
pub mod ops;
pub mod path;
pub mod state;

pub use crate::fs::config::{FsConfig, Storage};
pub use state::{FileState, HandleState, Mode, ModelState, Node};

/// Why a check failed: what was observed against what the model says, in words (shown in
/// failure reports and regression files).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Mismatch(pub String);

use crate::fs::observation::{NodeObs, Observation, StatsObs};

/// The stats the model predicts.
pub fn stats(st: &ModelState, cfg: &FsConfig) -> StatsObs {
    let used = st.used(cfg);
    StatsObs {
        used_bytes: used,
        quota_bytes: cfg.quota,
        free_bytes: cfg.quota.saturating_sub(used),
        file_count: st.file_count(),
        dir_count: st.dir_count(),
        chunk_count: st.chunk_count(),
        overhead_per_chunk_estimate: cfg.chunk_overhead,
    }
}

/// The observation a filesystem in exactly this model state would give, with every
/// timestamp 0: what tests feed `check_post` and `model_matches` to check them.
pub fn observe(st: &ModelState, cfg: &FsConfig) -> Observation {
    use crate::fs::observation::HandleObs;
    let nodes = st
        .nodes()
        .iter()
        .map(|(p, n)| {
            let o = match n {
                Node::Dir { children } => NodeObs::Dir {
                    children: children.iter().map(|c| c.to_string()).collect(),
                    created: 0,
                    modified: 0,
                },
                Node::File(f) => NodeObs::File {
                    data: f.data.to_vec(),
                    generation: f.generation,
                    created: 0,
                    modified: 0,
                },
            };
            (p.to_string(), o)
        })
        .collect();
    let handles = st
        .handles()
        .iter()
        .map(|h| {
            h.as_ref().map(|h| HandleObs {
                path: h.path.to_string(),
                mode: h.mode.as_str().to_string(),
                pos: h.pos,
                closed: h.closed,
            })
        })
        .collect();
    Observation {
        nodes,
        stats: stats(st, cfg),
        handles,
        warnings: Some(st.warnings()),
        // The model keeps each file's kind and chunk count, not the chunk sizes an
        // observation's layout needs.
        layouts: None,
    }
}

/// Compares one handle slot of the model with the observation. A closed handle's cursor is
/// not compared: it can no longer be asked for.
pub fn handle_matches(st: &ModelState, obs: &Observation, slot: u8) -> Result<(), Mismatch> {
    let m = st.handle(slot);
    let o = obs.handles.get(usize::from(slot)).and_then(|h| h.as_ref());
    match (m, o) {
        (None, None) => Ok(()),
        (Some(m), None) if m.closed => Ok(()),
        (None, Some(o)) if o.closed => Ok(()),
        (Some(m), Some(o)) => {
            let same = *m.path == *o.path
                && m.mode.as_str() == o.mode
                && m.closed == o.closed
                && (m.closed || m.pos == o.pos);
            if same {
                Ok(())
            } else {
                Err(Mismatch(format!(
                    "handle {slot}: observed {} {} pos={} closed={}, model {} {} pos={} closed={}",
                    o.path,
                    o.mode,
                    o.pos,
                    o.closed,
                    m.path,
                    m.mode.as_str(),
                    m.pos,
                    m.closed
                )))
            }
        }
        (m, o) => Err(Mismatch(format!(
            "handle {slot}: observed {o:?}, model {m:?}"
        ))),
    }
}

/// Whether the observation abstracts to the model state: same tree (paths, kinds, children
/// order, contents, generations), same stats, same handles, same count of memory-guard warnings
/// (when the observation has one). Timestamps are not compared.
pub fn matches(st: &ModelState, cfg: &FsConfig, obs: &Observation) -> Result<(), Mismatch> {
    let mut diffs = Vec::new();
    let nodes = st.nodes();
    for (p, n) in nodes {
        match (n, obs.nodes.get(&**p)) {
            (_, None) => diffs.push(format!("{p}: missing (model has it)")),
            (Node::Dir { children }, Some(NodeObs::Dir { children: oc, .. })) => {
                if children.len() != oc.len() || children.iter().zip(oc).any(|(a, b)| **a != **b) {
                    diffs.push(format!("{p}: children {oc:?}, model {children:?}"));
                }
            }
            (
                Node::File(f),
                Some(NodeObs::File {
                    data, generation, ..
                }),
            ) => {
                if data.as_slice() != &*f.data {
                    diffs.push(format!(
                        "{p}: contents {}, model {}",
                        args::show_bytes(data),
                        args::show_bytes(&f.data)
                    ));
                }
                if *generation != f.generation {
                    diffs.push(format!(
                        "{p}: generation {generation}, model {}",
                        f.generation
                    ));
                }
            }
            (Node::Dir { .. }, Some(_)) => {
                diffs.push(format!("{p}: a file, model has a directory"))
            }
            (Node::File(_), Some(_)) => diffs.push(format!("{p}: a directory, model has a file")),
        }
    }
    for p in obs.nodes.keys() {
        if st.get(p).is_none() {
            diffs.push(format!("{p}: exists, model has nothing there"));
        }
    }
    let want = stats(st, cfg);
    if obs.stats != want {
        diffs.push(format!("stats: observed {:?}, model {want:?}", obs.stats));
    }
    // `None`: the subject cannot report its warnings (see `compare::Warnings`).
    if let Some(w) = obs.warnings
        && w != st.warnings()
    {
        diffs.push(format!(
            "memory-guard warnings: observed {w}, model {}",
            st.warnings()
        ));
    }
    let n = st.handles().len().max(obs.handles.len());
    for slot in 0..n {
        if let Err(e) = handle_matches(st, obs, u8::try_from(slot).unwrap_or(u8::MAX)) {
            diffs.push(e.0);
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(Mismatch(diffs.join("; ")))
    }
}
