//! The seed workload (50 threads x 1000 of mkdir, write, read back) timed exactly as
//! `adapters/dmemfs/seed_workload.py` times it on D-MemFS (from just before the first thread
//! starts to just after the last is joined, filesystem built before), so the two numbers are
//! side by side from one run of `harness stress --seed-compare`. Measured, never asserted.

use crate::results::stress::SeedComparison;
use memfs_core::{MemoryFileSystem, OpenMode};
use std::io::Read as _;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

const THREADS: usize = 50;
const ITERATIONS: usize = 1000;
/// The workers' stack: std's default (2 MiB) is more than glibc keeps cached for 50 threads,
/// so each run would map and unmap most stacks afresh; the workers need a few KiB (the same
/// choice and measurement as `memfs-core/examples/perf.rs`).
const WORKER_STACK: usize = 256 * 1024;

/// Why the comparison could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SeedCompareError {
    #[error("the seed workload failed on memfs-core: {0}")]
    Core(String),
    #[error(
        "cannot run {python} (install the D-MemFS environment with adapters/dmemfs/install): {source}"
    )]
    Spawn {
        python: String,
        source: std::io::Error,
    },
    #[error("adapters/dmemfs/seed_workload.py failed (exit {status}): {stderr}")]
    Python { status: String, stderr: String },
    #[error("adapters/dmemfs/seed_workload.py printed no `best_ms`: {0}")]
    Output(String),
}

/// One run on memfs-core: wall and CPU (the process's, over the same window) in ms.
fn core_run() -> Result<(f64, f64), SeedCompareError> {
    let fs = Arc::new(
        MemoryFileSystem::builder()
            .quota(50 * 1024 * 1024)
            .build()
            .map_err(|e| SeedCompareError::Core(e.to_string()))?,
    );
    let cpu0 = process_cpu_ns();
    let start = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let fs = Arc::clone(&fs);
            std::thread::Builder::new().stack_size(WORKER_STACK).spawn(
                move || -> Result<(), String> {
                    let dir = format!("/thread_{t}");
                    // The seed's f-strings, built in two reused buffers from prefixes formatted
                    // once: only the counter changes per iteration, and the driver's formatting
                    // and allocations are not the filesystem's cost.
                    let (file_prefix, data_prefix) = (format!("{dir}/file_"), format!("data-{t}-"));
                    let (mut p, mut data) = (String::new(), String::new());
                    let mut got = Vec::with_capacity(64);
                    let mut digits = itoa::Buffer::new();
                    for i in 0..ITERATIONS {
                        fs.mkdir(&dir, true).map_err(|e| e.to_string())?;
                        let i_str = digits.format(i);
                        p.clear();
                        p.push_str(&file_prefix);
                        p.push_str(i_str);
                        p.push_str(".txt");
                        data.clear();
                        data.push_str(&data_prefix);
                        data.push_str(i_str);
                        let mut h = fs.open(&p, OpenMode::Write).map_err(|e| e.to_string())?;
                        h.write_data(data.as_bytes()).map_err(|e| e.to_string())?;
                        h.close();
                        let mut r = fs.open(&p, OpenMode::Read).map_err(|e| e.to_string())?;
                        got.clear();
                        r.read_to_end(&mut got).map_err(|e| e.to_string())?;
                        if got != data.as_bytes() {
                            return Err(format!("{p}: read back {got:?}"));
                        }
                    }
                    Ok(())
                },
            )
        })
        .collect::<std::io::Result<_>>()
        .map_err(|e| SeedCompareError::Core(format!("cannot start a worker thread: {e}")))?;
    let mut errors = Vec::new();
    for h in handles {
        match h.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => errors.push(e),
            Err(_) => errors.push("a worker panicked".into()),
        }
    }
    let wall = start.elapsed().as_secs_f64() * 1e3;
    let cpu = (process_cpu_ns().saturating_sub(cpu0)) as f64 / 1e6;
    if let Some(e) = errors.first() {
        return Err(SeedCompareError::Core(e.clone()));
    }
    Ok((wall, cpu))
}

fn process_cpu_ns() -> u64 {
    use rustix::time::{ClockId, clock_gettime};
    let t = clock_gettime(ClockId::ProcessCPUTime);
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// Best of `runs` on memfs-core and on D-MemFS (through `python`, the venv's interpreter,
/// running `script`): the core's runs back to back, then D-MemFS's in one child process,
/// seconds apart in one invocation so that both see the same machine. (Alternating one run of
/// each was tried: in 4 invocations the core's run before any D-MemFS process took 16.5-20.9
/// ms and those after one 20.9-48.6 ms, so it would put D-MemFS's teardown on the core's clock.)
pub fn compare(
    runs: usize,
    python: &Path,
    script: &Path,
) -> Result<SeedComparison, SeedCompareError> {
    let mut core: Vec<(f64, f64)> = Vec::new();
    for _ in 0..runs.max(1) {
        core.push(core_run()?);
    }
    let out = Command::new(python)
        .arg(script)
        .arg(runs.max(1).to_string())
        .output()
        .map_err(|source| SeedCompareError::Spawn {
            python: python.display().to_string(),
            source,
        })?;
    if !out.status.success() {
        return Err(SeedCompareError::Python {
            status: out.status.code().map_or("signal".into(), |c| c.to_string()),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let json: serde_json::Value = serde_json::from_str(text.trim())
        .map_err(|e| SeedCompareError::Output(format!("{e}: {text}")))?;
    let dmemfs_best_ms = json
        .get("best_ms")
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| SeedCompareError::Output(text.clone()))?;
    let dmemfs_runs_ms = json
        .get("times_ms")
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    let (best_wall, best_cpu) = core
        .iter()
        .copied()
        .fold((f64::INFINITY, 0.0), |b, r| if r.0 < b.0 { r } else { b });
    Ok(SeedComparison {
        runs: runs.max(1),
        core_best_ms: best_wall,
        core_cpu_ms: best_cpu,
        core_runs_ms: core.iter().map(|r| r.0).collect(),
        dmemfs_best_ms,
        dmemfs_runs_ms,
        ratio: if best_wall > 0.0 {
            dmemfs_best_ms / best_wall
        } else {
            0.0
        },
        cores: std::thread::available_parallelism().map_or(1, usize::from),
    })
}
