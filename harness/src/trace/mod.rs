//! The traceability gate: every clause is referenced by an action, scenario or test; every
//! referenced id exists; every clause was exercised by the CI-depth exploration (or is marked
//! `unreachable`). [`scan`] finds clauses and references, [`gate`] judges and renders them;
//! `harness trace` (`crate::cli::trace`) runs it and writes `reports/trace.md`.

pub mod gate;
pub mod scan;
pub mod yaml;

use crate::results::RunResult;
use std::path::{Path, PathBuf};

/// Where the gate looks: the spec directory, the scenario directory and the source trees
/// scanned for `// spec:` tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    pub specs: PathBuf,
    pub scenarios: PathBuf,
    pub sources: Vec<PathBuf>,
}

impl Places {
    /// The project's layout under `root` (`specs/`, `scenarios/`, `memfs-core/`, `harness/`).
    pub fn under(root: &Path) -> Places {
        Places {
            specs: root.join("specs"),
            scenarios: root.join("scenarios"),
            sources: vec![root.join("memfs-core"), root.join("harness")],
        }
    }
}

/// Scans specs, scenarios and sources.
pub fn scan_all(places: &Places) -> scan::Scan {
    let mut s = scan::Scan::default();
    s.specs(&places.specs);
    s.scenarios(&places.scenarios);
    let sources = &places.sources;
    for d in sources {
        s.rust_tags(d);
    }
    s
}

/// The evidence of several runs taken together: shards of one exploration, or explorations of
/// different specs (the storage variants reach clauses the default configuration cannot). The
/// gate only asks whether a clause was exercised somewhere, so coverage and counts are summed;
/// checking that a shard set is complete is `report --merge`'s job.
pub fn union_of_runs(runs: Vec<RunResult>) -> RunResult {
    let mut it = runs.into_iter();
    let mut out = it.next().unwrap_or_default();
    for r in it {
        out.coverage.merge(&r.coverage);
        out.sequences += r.sequences;
        out.steps += r.steps;
        out.distinct_states += r.distinct_states;
        out.seconds += r.seconds;
        out.failures.extend(r.failures);
        out.shard = None;
    }
    out
}
