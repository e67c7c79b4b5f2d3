//! The core's latency profile: per operation kind, percentiles of timed calls (produced by
//! `crate::stress::latency`, shown by the timing report).

use serde::{Deserialize, Serialize};

/// Latency summary of one operation kind, in nanoseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpLatency {
    pub op: String,
    pub count: u64,
    /// Calls that returned an error (they are timed too).
    pub errors: u64,
    pub p50_ns: u64,
    pub p95_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
}

/// Result of one instrumented run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencyReport {
    pub ops: u64,
    pub seed: u64,
    pub per_op: Vec<OpLatency>,
}
