//! Result files: what the explorer ([`RunResult`]), the stress suites ([`stress`]) and the
//! latency run ([`latency`]) produce, and what the reports, the trace gate and `report
//! --merge` consume; [`io`] reads, writes and merges them. Serialized as JSON, so keep fields
//! additive: renaming one breaks merging of results from older runs. Nothing here knows about
//! filesystems.

pub mod io;
pub mod latency;
pub mod stress;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How often a clause was exercised during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseCount {
    /// Precondition evaluated and held.
    pub held: u64,
    /// Precondition evaluated and failed (the step was then expected to fail with its error).
    pub failed: u64,
    /// Postcondition or invariant checked.
    pub checked: u64,
}

impl ClauseCount {
    /// Adds another count into this one.
    pub fn add(&mut self, o: &ClauseCount) {
        self.held += o.held;
        self.failed += o.failed;
        self.checked += o.checked;
    }
}

/// Coverage of a run: action x outcome and clause counts. Outcome keys are `"ok"` or an
/// error kind name (`"NotFound"`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub actions: BTreeMap<String, BTreeMap<String, u64>>,
    pub clauses: BTreeMap<String, ClauseCount>,
}

impl Coverage {
    /// Adds another coverage into this one (merging shards or worker threads).
    pub fn merge(&mut self, o: &Coverage) {
        for (a, outs) in &o.actions {
            let mine = self.actions.entry(a.clone()).or_default();
            for (k, n) in outs {
                *mine.entry(k.clone()).or_default() += n;
            }
        }
        for (c, n) in &o.clauses {
            self.clauses.entry(c.clone()).or_default().add(n);
        }
    }
}

/// One conformance failure, as summarized in a run result (the full case is the regression
/// file it was saved to).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureSummary {
    /// Short id, also the regression file's stem.
    pub id: String,
    /// Steps of the shrunk sequence, as displayed (`open(path=/a, mode=wb, slot=0)`).
    pub steps: Vec<String>,
    /// What went wrong at the last step.
    pub message: String,
    /// Clauses involved.
    pub clauses: Vec<String>,
    /// Where the regression file was written, if it was.
    pub file: Option<String>,
    /// How many failing prefixes share this root cause (0 in results of older runs).
    #[serde(default)]
    pub prefixes: u64,
    /// The root cause: check, action, expected and observed kinds, clauses.
    #[serde(default)]
    pub group: String,
}

/// The result of one `explore` run (or of a shard of one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub depth: u32,
    /// `(i, n)` for `--shard i/n`.
    pub shard: Option<(u32, u32)>,
    /// Number of concrete actions (the alphabet size a).
    pub alphabet: u64,
    /// Raw sequences of length 1..=depth covered (sum of a^k, capped by `--max-repeat`).
    pub sequences: u64,
    /// Steps actually executed on the drivers.
    pub steps: u64,
    /// Distinct states reached (model state + core fingerprint).
    pub distinct_states: u64,
    pub seconds: f64,
    /// Wall seconds and executed steps per depth level (index 0 = depth 1).
    pub per_depth: Vec<DepthTiming>,
    pub failures: Vec<FailureSummary>,
    pub coverage: Coverage,
    /// Every outcome key the system can produce, in report order (`ok`, then its error kinds),
    /// so reports list outcomes that never occurred. Empty in results of older runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcome_keys: Vec<String>,
    /// What the run compared differently and why (a black-box subject: observational dedup,
    /// timestamps by order, ops left out), and whether it stopped early.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Time and steps spent at one depth level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DepthTiming {
    pub depth: u32,
    pub steps: u64,
    pub seconds: f64,
}
