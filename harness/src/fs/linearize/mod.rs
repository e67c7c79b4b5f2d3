//! Filesystem linearizability end to end: record ST-02/03/05/06-style mixes on a small key
//! space (a few threads, a few top-level directories) against the core ([`recorder`]), then
//! check the history against the naive oracle as a sequential specification ([`spec`]) with
//! the generic checker of `crate::linearize`.

pub mod recorder;
pub mod spec;

use crate::engine::system::DriverError;
use crate::fs::call::{Call, CallOutcome, Slot};
use crate::fs::config::FsConfig;
use crate::fs::observation::StepValue;
use crate::fs::oracle::OracleError;
use crate::linearize::{CheckOptions, CheckResult, check_history};
use crate::results::stress::LinSummary;
use memfs_core::{ManualClock, MemoryFileSystem};
use recorder::{FsOp, Recorder};
use spec::FsSpec;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Recording or checking a history could not be done (as opposed to a verdict).
#[derive(Debug, thiserror::Error)]
pub enum LinError {
    /// The core or the oracle could not be set up.
    #[error("{what} setup: {message}")]
    Setup { what: &'static str, message: String },
    /// The recording threads did not finish in time.
    #[error("watchdog: recording threads did not finish within {0:?}")]
    Watchdog(Duration),
    /// A recording thread panicked.
    #[error("a recording thread panicked")]
    Panicked,
    /// The core answered something the call vocabulary cannot express.
    #[error("{0}")]
    Driver(#[from] DriverError),
}

impl From<OracleError> for LinError {
    fn from(e: OracleError) -> Self {
        LinError::Setup {
            what: "oracle",
            message: format!("{e:?}"),
        }
    }
}

/// The frozen time of recorded runs (core clock and oracle agree on every timestamp).
pub const T0: u64 = 1_000_000;

/// Shape of a recorded workload.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    pub threads: usize,
    /// Top-level directories `/p0 ..`: the partitions of the check.
    pub dirs: usize,
    /// Total operations to record (approximately: threads stop at their share).
    pub ops: usize,
    pub seed: u64,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            threads: 4,
            dirs: 8,
            ops: 50_000,
            seed: 1,
        }
    }
}

fn dir_names(n: usize) -> Vec<String> {
    (0..n).map(|k| format!("/p{k}")).collect()
}

/// The filesystem configuration of recorded runs (the defaults; the workload never nears
/// the quota).
fn config() -> FsConfig {
    FsConfig::default()
}

/// The oracle-backed spec matching the state [`record`] starts from.
pub fn spec_for(w: &Workload) -> Result<FsSpec, LinError> {
    let dirs = dir_names(w.dirs);
    let refs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    Ok(FsSpec::with_dirs(&config(), T0, &refs)?)
}

/// A tiny deterministic generator (xorshift64*), one per thread.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// Records a history of the mixed workload against a fresh core filesystem.
pub fn record(w: &Workload, deadline: Duration) -> Result<Vec<FsOp>, LinError> {
    let setup = |e: memfs_core::MfsError| LinError::Setup {
        what: "core",
        message: e.to_string(),
    };
    let fs: MemoryFileSystem = crate::fs::exec::core::builder(&config())
        // The explorer's timeout 0 is for opens only (each open says so); exports and copies
        // keep the library default.
        .default_lock_timeout(memfs_core::LockWait::For(Duration::from_secs(30)))
        .clock(Arc::new(ManualClock::new(T0)))
        .build()
        .map_err(setup)?;
    for d in dir_names(w.dirs) {
        fs.mkdir(&d, true).map_err(setup)?;
    }
    let per_thread = w.ops.div_ceil(w.threads.max(1));
    let barrier = Arc::new(Barrier::new(w.threads));
    let epoch = Instant::now();
    let mut handles = Vec::new();
    for t in 0..w.threads {
        let (fs, barrier, w) = (fs.clone(), barrier.clone(), *w);
        handles.push(std::thread::spawn(move || {
            let mut rec = Recorder::new(fs, t, epoch);
            let mut rng = Rng(w.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ^ ((t as u64 + 1) * 0x1234_5678_9abc_def1));
            barrier.wait();
            let mut i = 0u64;
            while rec.ops.len() < per_thread {
                step(&mut rec, &mut rng, t, i, w.dirs as u64)?;
                i += 1;
            }
            rec.close_all();
            Ok::<_, DriverError>(rec.ops)
        }));
    }
    let limit = Instant::now() + deadline;
    while !handles.iter().all(|h| h.is_finished()) {
        if Instant::now() > limit {
            return Err(LinError::Watchdog(deadline));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().map_err(|_| LinError::Panicked)??);
    }
    Ok(all)
}

/// One workload step: a short ST-like scenario on a random top-level directory. Opens try
/// once (`lock_timeout_ms: 0`): a busy lock is an immediate, sequentially explainable
/// `WouldBlock`.
fn step(rec: &mut Recorder, rng: &mut Rng, t: usize, i: u64, dirs: u64) -> Result<(), DriverError> {
    let k = rng.below(dirs);
    let (f, g) = (format!("/p{k}/f"), format!("/p{k}/g"));
    let slot = (t * 2) as Slot;
    let data = format!("t{t}i{i}").into_bytes();
    let open = |rec: &mut Recorder, path: &str, mode: &str| -> Result<bool, DriverError> {
        let out = rec.call(Call::Open {
            slot,
            path: path.into(),
            mode: mode.into(),
            preallocate: 0,
            lock_timeout_ms: Some(0),
        })?;
        Ok(out == CallOutcome::Ok(StepValue::Unit))
    };
    match rng.below(8) {
        // ST-02: create, write, close, remove
        0 => {
            if open(rec, &f, "wb")? {
                rec.call(Call::Write { slot, data })?;
                rec.call(Call::Close { slot })?;
            }
            rec.call(Call::Remove { path: f })?;
        }
        // ST-03 writer: two writes under one writer lock
        1 | 2 => {
            let mode = if rng.below(3) == 0 { "ab" } else { "wb" };
            if open(rec, &f, mode)? {
                let (a, b) = data.split_at(data.len() / 2);
                rec.call(Call::Write {
                    slot,
                    data: a.to_vec(),
                })?;
                rec.call(Call::Write {
                    slot,
                    data: b.to_vec(),
                })?;
                rec.call(Call::Close { slot })?;
            }
        }
        // ST-03 reader
        3 | 4 => {
            let p = if rng.below(4) == 0 { g } else { f };
            if open(rec, &p, "rb")? {
                rec.call(Call::Read { slot, max: None })?;
                rec.call(Call::Close { slot })?;
            }
        }
        // ST-05: directory churn
        5 => match rng.below(4) {
            0 => {
                rec.call(Call::Mkdir {
                    path: format!("/p{k}/d"),
                    exist_ok: true,
                })?;
            }
            1 => {
                rec.call(Call::Listdir {
                    path: format!("/p{k}"),
                })?;
            }
            2 => {
                if open(rec, &format!("/p{k}/d/h"), "wb")? {
                    rec.call(Call::Write { slot, data })?;
                    rec.call(Call::Close { slot })?;
                }
            }
            _ => {
                rec.call(Call::Rmtree {
                    path: format!("/p{k}/d"),
                })?;
            }
        },
        // ST-06: real renames and stats
        6 => {
            if rng.below(2) == 0 {
                rec.call(Call::Rename { src: f, dst: g })?;
            } else {
                rec.call(Call::Rename { src: g, dst: f })?;
            }
        }
        _ => {
            rec.call(Call::Stat { path: f })?;
            rec.call(Call::Stat { path: g })?;
        }
    }
    Ok(())
}

/// Checks a recorded history of workload `w`.
pub fn check_recorded(
    w: &Workload,
    history: &[FsOp],
    record_seconds: f64,
) -> Result<LinSummary, LinError> {
    let spec = spec_for(w)?;
    let (res, stats) = check_history(&spec, history, &CheckOptions::default());
    let (linearizable, verdict, witness) = match res {
        CheckResult::Linearizable => (true, "linearizable".to_string(), None),
        CheckResult::NotLinearizable(wit) => {
            (false, "not linearizable".to_string(), Some(wit.to_string()))
        }
        CheckResult::Unknown {
            partition_len,
            steps,
        } => (
            false,
            "unknown".to_string(),
            Some(format!(
                "search budget exhausted after {steps} steps on a partition of {partition_len} ops"
            )),
        ),
    };
    Ok(LinSummary {
        linearizable,
        verdict,
        ops: history.len(),
        threads: w.threads,
        partitions: stats.partitions,
        largest_partition: stats.largest_partition,
        record_seconds,
        check_seconds: stats.elapsed.as_secs_f64(),
        witness,
    })
}

/// Records about `ops` operations of the default workload and checks them.
pub fn record_and_check(ops: usize, deadline: Duration) -> Result<LinSummary, LinError> {
    let w = Workload {
        ops,
        ..Workload::default()
    };
    let start = Instant::now();
    let history = record(&w, deadline)?;
    check_recorded(&w, &history, start.elapsed().as_secs_f64())
}
