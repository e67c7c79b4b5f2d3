//! The timing report: exploration speed per depth, core latency percentiles per operation kind,
//! and stress suite times when a stress result is given.

use crate::results::RunResult;
use crate::results::latency::LatencyReport;
use crate::results::stress::StressResult;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Exploration time at one depth level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepthRow {
    pub depth: u32,
    pub steps: u64,
    pub seconds: f64,
    pub steps_per_sec: f64,
}

/// Exploration speed of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorationTiming {
    pub depth: u32,
    pub steps: u64,
    pub seconds: f64,
    pub steps_per_sec: f64,
    pub per_depth: Vec<DepthRow>,
}

/// The exploration speed of another subject (`explore --subject ...`), beside the core's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectTiming {
    /// What the run explored (`dmemfs default`).
    pub label: String,
    pub depth: u32,
    pub steps: u64,
    pub seconds: f64,
    pub steps_per_sec: f64,
    /// The core's steps/s divided by this subject's (same spec, same depth, this report's run);
    /// absent when the report has no core run of the same depth.
    pub core_ratio: Option<f64>,
    /// The run's notes that say where the time went.
    pub notes: Vec<String>,
}

impl SubjectTiming {
    /// The timing of run `r` of another subject, compared with `core` (the report's own run).
    pub fn of(label: &str, r: &RunResult, core: Option<&ExplorationTiming>) -> SubjectTiming {
        let steps_per_sec = rate(r.steps, r.seconds);
        SubjectTiming {
            label: label.to_string(),
            depth: r.depth,
            steps: r.steps,
            seconds: r.seconds,
            steps_per_sec,
            core_ratio: core
                .filter(|c| c.depth == r.depth && steps_per_sec > 0.0)
                .map(|c| c.steps_per_sec / steps_per_sec),
            notes: r
                .notes
                .iter()
                .filter(|n| n.contains("requests") || n.contains("per request"))
                .cloned()
                .collect(),
        }
    }
}

/// The timing report, serialized as `timing.json`. Absent parts are `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingReport {
    pub exploration: Option<ExplorationTiming>,
    /// Explorations of other subjects, beside the core's.
    #[serde(default)]
    pub subjects: Vec<SubjectTiming>,
    pub latency: Option<LatencyReport>,
    pub stress: Option<StressResult>,
}

fn rate(steps: u64, secs: f64) -> f64 {
    if secs > 0.0 { steps as f64 / secs } else { 0.0 }
}

/// Exploration speed from a run result.
pub fn exploration(run: &RunResult) -> ExplorationTiming {
    ExplorationTiming {
        depth: run.depth,
        steps: run.steps,
        seconds: run.seconds,
        steps_per_sec: rate(run.steps, run.seconds),
        per_depth: run
            .per_depth
            .iter()
            .map(|d| DepthRow {
                depth: d.depth,
                steps: d.steps,
                seconds: d.seconds,
                steps_per_sec: rate(d.steps, d.seconds),
            })
            .collect(),
    }
}

fn us(ns: u64) -> String {
    format!("{:.1}", ns as f64 / 1000.0)
}

/// The report as Markdown (`timing.md`).
pub fn markdown(t: &TimingReport) -> String {
    let mut s = String::from(
        "# Timing\n\nMeasured, never asserted: numbers depend on the machine and its load.\n\n",
    );
    s.push_str("## Exploration\n\n");
    match &t.exploration {
        None => s.push_str("No run result given (`--run FILE.json`).\n\n"),
        Some(e) => {
            let _ = writeln!(
                s,
                "Depth {}: {} steps in {:.3} s ({:.0} steps/s).\n",
                e.depth, e.steps, e.seconds, e.steps_per_sec
            );
            s.push_str("| depth | steps | seconds | steps/s |\n|---:|---:|---:|---:|\n");
            for d in &e.per_depth {
                let _ = writeln!(
                    s,
                    "| {} | {} | {:.3} | {:.0} |",
                    d.depth, d.steps, d.seconds, d.steps_per_sec
                );
            }
            s.push('\n');
        }
    }
    if !t.subjects.is_empty() {
        s.push_str("## Other subjects\n\nThe same exploration against another implementation (`explore --subject`): every step is a request to its process.\n\n");
        s.push_str("| run | depth | steps | seconds | steps/s | core steps/s ÷ subject's |\n|---|---:|---:|---:|---:|---:|\n");
        for x in &t.subjects {
            let ratio = x.core_ratio.map_or("-".to_string(), |r| format!("{r:.0}x"));
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} | {:.0} | {ratio} |",
                x.label, x.depth, x.steps, x.seconds, x.steps_per_sec
            );
        }
        s.push('\n');
        for x in &t.subjects {
            for n in &x.notes {
                let _ = writeln!(s, "- {}: {n}", x.label);
            }
        }
        s.push('\n');
    }
    s.push_str("## Core latency per operation (microseconds)\n\n");
    match &t.latency {
        None => s.push_str("Not measured (`--no-latency`).\n\n"),
        Some(l) => {
            let _ = writeln!(
                s,
                "Instrumented run: {} timed calls, workload seed {}.\n",
                l.ops, l.seed
            );
            s.push_str("| op | calls | errors | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for o in &l.per_op {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    o.op,
                    o.count,
                    o.errors,
                    us(o.p50_ns),
                    us(o.p95_ns),
                    us(o.p99_ns),
                    us(o.max_ns)
                );
            }
            s.push('\n');
        }
    }
    if let Some(c) = t.stress.as_ref().and_then(|st| st.seed_comparison.as_ref()) {
        s.push_str("## Seed workload: memfs-core vs D-MemFS 0.4.1\n\n50 threads x 1000 of mkdir, write, read back, timed alike on both (first thread started to last joined), best of each in the same run (`harness stress --seed-compare`).\n\n");
        s.push_str("| subject | best ms | runs ms | CPU ms (best run) | wall/CPU |\n|---|---:|---|---:|---:|\n");
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.1}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            s,
            "| memfs-core | {:.2} | {} | {:.1} | {:.2} (bound {:.2} on {} cores) |",
            c.core_best_ms,
            list(&c.core_runs_ms),
            c.core_cpu_ms,
            c.core_best_ms / c.core_cpu_ms.max(f64::MIN_POSITIVE),
            1.0 / c.cores.max(1) as f64,
            c.cores
        );
        let _ = writeln!(
            s,
            "| D-MemFS 0.4.1 | {:.1} | {} | - | - |\n\nD-MemFS / memfs-core: **{:.0}x**.\n",
            c.dmemfs_best_ms,
            list(&c.dmemfs_runs_ms),
            c.ratio
        );
    }
    s.push_str("## Stress suites\n\n");
    match &t.stress {
        None => s.push_str(
            "No stress result given (`--stress FILE.json` from `harness stress --json`).\n",
        ),
        Some(st) => {
            s.push_str("| suite | median s | ops/s | errors |\n|---|---:|---:|---|\n");
            for x in &st.suites {
                let errs = if x.errors.is_empty() {
                    "-".to_string()
                } else {
                    x.errors
                        .iter()
                        .map(|(k, n)| format!("{k}: {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(
                    s,
                    "| {} | {:.3} | {:.0} | {errs} |",
                    x.name, x.median_seconds, x.ops_per_sec
                );
            }
        }
    }
    s
}
