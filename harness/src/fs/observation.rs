//! The comparable, driver-independent view of a filesystem and of step return values. Every
//! driver (core, naive oracle, an external process) reports in these types, so the explorer
//! can compare any two of them without knowing how they are built.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One node of the observed tree. Timestamps are raw clock values (nanoseconds).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeObs {
    /// A directory with its child names in insertion order.
    Dir {
        children: Vec<String>,
        created: u64,
        modified: u64,
    },
    /// A file with its full contents.
    File {
        data: Vec<u8>,
        generation: u64,
        created: u64,
        modified: u64,
    },
}

/// Filesystem-wide counters: every field of `stats()`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StatsObs {
    pub used_bytes: u64,
    pub quota_bytes: u64,
    pub free_bytes: u64,
    pub file_count: u64,
    pub dir_count: u64,
    pub chunk_count: u64,
    /// The configured per-chunk overhead as `stats()` reports it (constant per filesystem).
    pub overhead_per_chunk_estimate: u64,
}

/// An open handle slot as seen from outside: where it points and where its cursor is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HandleObs {
    pub path: String,
    /// Mode string (`rb`, `wb`, `ab`, `r+b`, `xb`).
    pub mode: String,
    pub pos: u64,
    pub closed: bool,
}

/// How a file holds its bytes (semantics §3): the storage layout behind its quota charge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LayoutObs {
    /// Append-only chunks: their sizes in order (empty: no chunk yet, or cut to size 0).
    Sequential(Vec<u64>),
    /// One contiguous buffer, charged its size: no chunks.
    RandomAccess,
}

/// Complete observable state: every node by normalized path (the root is `/`), the stats,
/// the handle slots (index = slot number; `None` = never opened), how many memory-guard
/// warnings the filesystem has recorded since it was built, and every file's storage layout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Observation {
    pub nodes: BTreeMap<String, NodeObs>,
    pub stats: StatsObs,
    pub handles: Vec<Option<HandleObs>>,
    /// Memory-guard warnings recorded since the build (the guard's `warn` action), counted,
    /// not worded. `None`: the subject cannot report them (a process adapter that sends none),
    /// and then they are left out of every comparison (`compare::Comparison`), never guessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<u64>,
    /// Every file's storage layout by path; `None` when the subject cannot report layouts (a
    /// process subject without the `layouts` capability): they are then left out of the
    /// comparison, and the run's summary says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layouts: Option<BTreeMap<String, LayoutObs>>,
}

/// A value returned by one step, in a form both drivers can produce.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepValue {
    Unit,
    Bool(bool),
    U64(u64),
    Bytes(Vec<u8>),
    Names(Vec<String>),
    /// `stat`: size, created, modified, generation, is_dir.
    Stat {
        size: u64,
        created: u64,
        modified: u64,
        generation: u64,
        is_dir: bool,
    },
    Stats(StatsObs),
    /// `walk`: (dir, dirnames, filenames) top-down.
    Walk(Vec<(String, Vec<String>, Vec<String>)>),
    /// `export_tree`: path -> bytes.
    Files(BTreeMap<String, Vec<u8>>),
}

/// Human-readable differences between two observations (`left` vs `right`), empty if equal.
/// Used in failure reports and regression files.
pub fn diff(
    left: &Observation,
    right: &Observation,
    left_name: &str,
    right_name: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for (p, l) in &left.nodes {
        match right.nodes.get(p) {
            None => out.push(format!("{p}: only in {left_name}: {}", describe(l))),
            Some(r) if r != l => out.push(format!(
                "{p}: {left_name} {} / {right_name} {}",
                describe(l),
                describe(r)
            )),
            Some(_) => {}
        }
    }
    for (p, r) in &right.nodes {
        if !left.nodes.contains_key(p) {
            out.push(format!("{p}: only in {right_name}: {}", describe(r)));
        }
    }
    if left.stats != right.stats {
        out.push(format!(
            "stats: {left_name} {:?} / {right_name} {:?}",
            left.stats, right.stats
        ));
    }
    if left.warnings != right.warnings {
        out.push(format!(
            "memory-guard warnings: {left_name} {} / {right_name} {}",
            show_count(left.warnings),
            show_count(right.warnings)
        ));
    }
    if left.layouts != right.layouts {
        let none = BTreeMap::new();
        let (l, r) = (
            left.layouts.as_ref().unwrap_or(&none),
            right.layouts.as_ref().unwrap_or(&none),
        );
        let paths: std::collections::BTreeSet<&String> = l.keys().chain(r.keys()).collect();
        for p in paths {
            let (a, b) = (l.get(p), r.get(p));
            if a != b {
                out.push(format!(
                    "{p}: layout {left_name} {} / {right_name} {}",
                    describe_layout(a, left.layouts.is_some()),
                    describe_layout(b, right.layouts.is_some())
                ));
            }
        }
    }
    let n = left.handles.len().max(right.handles.len());
    for i in 0..n {
        let l = left.handles.get(i).cloned().flatten();
        let r = right.handles.get(i).cloned().flatten();
        if l != r {
            out.push(format!(
                "handle {i}: {left_name} {l:?} / {right_name} {r:?}"
            ));
        }
    }
    out
}

fn show_count(n: Option<u64>) -> String {
    n.map_or_else(|| "not reported".to_string(), |n| n.to_string())
}

fn describe_layout(l: Option<&LayoutObs>, reported: bool) -> String {
    match l {
        Some(LayoutObs::Sequential(c)) => format!("sequential chunks {c:?}"),
        Some(LayoutObs::RandomAccess) => "random access".into(),
        None if reported => "none (no such file)".into(),
        None => "not reported".into(),
    }
}

fn describe(n: &NodeObs) -> String {
    match n {
        NodeObs::Dir {
            children,
            created,
            modified,
        } => {
            format!("dir {children:?} created={created} modified={modified}")
        }
        NodeObs::File {
            data,
            generation,
            created,
            modified,
        } => format!(
            "file {} bytes {:?} gen={generation} created={created} modified={modified}",
            data.len(),
            String::from_utf8_lossy(&data[..data.len().min(32)])
        ),
    }
}
