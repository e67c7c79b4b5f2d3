//! Runs a set of worker threads against one filesystem: all start together behind a barrier,
//! a monitor samples `stats()` throughout, and a watchdog fails the run with a dump of what is
//! stuck if any thread has not finished by the deadline (stuck threads are left behind).

use super::StressError;
use super::progress::{OpCode, ThreadProgress, stuck_dump};
use super::tally::Tally;
use memfs_core::MemoryFileSystem;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a worker is handed: its index, its progress slot and its tally.
pub struct Ctx<'a> {
    pub id: usize,
    progress: &'a ThreadProgress,
    pub tally: Tally,
}

impl Ctx<'_> {
    /// Publishes the operation about to run.
    pub fn op(&self, op: OpCode) {
        self.progress.enter(op);
    }
    /// Publishes the iteration about to run.
    pub fn iter(&self, i: u64) {
        self.progress.iteration(i);
    }
}

/// What the monitor saw while the workers ran.
#[derive(Debug, Clone, Default)]
pub struct MonitorReport {
    pub samples: u64,
    pub max_used: u64,
    /// Samples that broke `used <= quota` or `free = quota - used`.
    pub violations: Vec<String>,
}

/// The outcome of one multi-threaded run.
pub struct RunOutput<T> {
    /// From the barrier release to the last worker's finish.
    pub elapsed: Duration,
    pub ops: u64,
    pub tally: Tally,
    /// Per-worker results, by worker index.
    pub results: Vec<T>,
    pub monitor: MonitorReport,
}

/// Spawns `labels.len()` workers running `work(ctx)` (with a `stats()` monitor on `fs` if
/// given); fails with a stuck-thread dump if they are not all done within `deadline`, or with
/// the panic message if one panicked.
pub fn run_workers<T, W>(
    fs: Option<&Arc<MemoryFileSystem>>,
    labels: Vec<String>,
    deadline: Duration,
    work: W,
) -> Result<RunOutput<T>, StressError>
where
    T: Send + 'static,
    W: Fn(&mut Ctx<'_>) -> T + Send + Sync + 'static,
{
    let n = labels.len();
    let progress: Arc<Vec<ThreadProgress>> =
        Arc::new((0..n).map(|_| ThreadProgress::default()).collect());
    let barrier = Arc::new(Barrier::new(n + 1));
    let work = Arc::new(work);
    let mut handles: Vec<JoinHandle<(T, Tally, Instant, Instant)>> = Vec::with_capacity(n);
    for id in 0..n {
        let (progress, barrier, work) = (progress.clone(), barrier.clone(), work.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("stress-{id}"))
            .spawn(move || {
                let slot = &progress[id];
                slot.enter(OpCode::Start);
                barrier.wait();
                let begin = Instant::now();
                let mut ctx = Ctx {
                    id,
                    progress: slot,
                    tally: Tally::default(),
                };
                let out = work(&mut ctx);
                let end = Instant::now();
                slot.finish();
                (out, ctx.tally, begin, end)
            });
        match spawned {
            Ok(h) => handles.push(h),
            Err(source) => return Err(StressError::Spawn { id, source }),
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let monitor = fs.and_then(|fs| spawn_monitor(fs.clone(), stop.clone()));
    barrier.wait();
    let start = Instant::now();
    let limit = start + deadline;
    while !handles.iter().all(JoinHandle::is_finished) {
        if Instant::now() > limit {
            stop.store(true, Ordering::Relaxed);
            return Err(StressError::Watchdog {
                deadline,
                dump: stuck_dump(&progress, &labels),
            });
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, Ordering::Relaxed);
    let mut results = Vec::with_capacity(n);
    let mut tally = Tally::default();
    // Measured from the workers' own clocks: the main thread may be descheduled right
    // after the barrier, so its own instant can come late.
    let mut first_begin: Option<Instant> = None;
    let mut last_end = start;
    let mut panics = Vec::new();
    for (id, h) in handles.into_iter().enumerate() {
        match h.join() {
            Ok((out, t, begin, end)) => {
                first_begin = Some(first_begin.map_or(begin, |b| b.min(begin)));
                results.push(out);
                tally.merge(t);
                last_end = last_end.max(end);
            }
            Err(p) => panics.push(format!(
                "worker {id} ({}) panicked: {}",
                labels[id],
                panic_text(&p)
            )),
        }
    }
    let monitor = match monitor {
        Some(m) => join_monitor(m, limit.max(Instant::now()) + Duration::from_secs(5))?,
        None => MonitorReport::default(),
    };
    if !panics.is_empty() {
        return Err(StressError::Panicked(panics.join("\n")));
    }
    // every worker published one `Start` that is not a filesystem operation
    let ops = progress.iter().map(ThreadProgress::ops).sum::<u64>() - n as u64;
    Ok(RunOutput {
        elapsed: last_end.saturating_duration_since(first_begin.unwrap_or(start)),
        ops,
        tally,
        results,
        monitor,
    })
}

fn spawn_monitor(
    fs: Arc<MemoryFileSystem>,
    stop: Arc<AtomicBool>,
) -> Option<JoinHandle<MonitorReport>> {
    std::thread::Builder::new()
        .name("stress-monitor".into())
        .spawn(move || {
            let mut rep = MonitorReport::default();
            while !stop.load(Ordering::Relaxed) {
                let s = fs.stats();
                rep.samples += 1;
                rep.max_used = rep.max_used.max(s.used_bytes);
                if (s.used_bytes > s.quota_bytes
                    || s.free_bytes != s.quota_bytes.saturating_sub(s.used_bytes))
                    && rep.violations.len() < 10
                {
                    rep.violations.push(format!(
                        "stats sample {}: used {} quota {} free {}",
                        rep.samples, s.used_bytes, s.quota_bytes, s.free_bytes
                    ));
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            rep
        })
        .ok()
}

fn join_monitor(
    h: JoinHandle<MonitorReport>,
    limit: Instant,
) -> Result<MonitorReport, StressError> {
    while !h.is_finished() {
        if Instant::now() > limit {
            return Err(StressError::MonitorStuck);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    h.join()
        .map_err(|p| StressError::Panicked(format!("stats monitor panicked: {}", panic_text(&p))))
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic)".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn watchdog_reports_the_stuck_thread_and_its_operation() {
        let (tx, rx) = mpsc::channel::<()>();
        let rx = std::sync::Mutex::new(rx);
        let res = run_workers(
            None,
            vec!["fast".into(), "stuck".into()],
            Duration::from_millis(200),
            move |ctx| {
                ctx.iter(7);
                if ctx.id == 1 {
                    ctx.op(OpCode::Rename);
                    // blocks until the sender is dropped at the end of the test
                    let _ = rx.lock().map(|r| r.recv());
                }
            },
        );
        let Err(StressError::Watchdog { dump, .. }) = res else {
            panic!("the watchdog did not fire")
        };
        drop(tx);
        assert!(
            dump.contains("thread   1 (stuck): iteration 7, last operation rename"),
            "{dump}"
        );
        assert!(!dump.contains("(fast)"), "{dump}");
    }

    #[test]
    fn a_panicking_worker_fails_the_run() {
        let res = run_workers(None, vec!["w".into(); 3], Duration::from_secs(5), |ctx| {
            assert!(ctx.id != 2, "worker two breaks");
        });
        let Err(StressError::Panicked(msg)) = res else {
            panic!("a panic went unnoticed")
        };
        assert!(
            msg.contains("worker 2") && msg.contains("worker two breaks"),
            "{msg}"
        );
    }

    #[test]
    fn all_workers_finish_and_ops_are_counted() {
        let out = run_workers(None, vec!["w".into(); 4], Duration::from_secs(5), |ctx| {
            for i in 0..10 {
                ctx.iter(i);
                ctx.op(OpCode::Stat);
            }
            ctx.id
        })
        .expect("run completes");
        assert_eq!(out.results, vec![0, 1, 2, 3]);
        assert_eq!(out.ops, 40);
    }
}
