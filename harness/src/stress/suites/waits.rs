//! Suites that check waiters are served, not only that nothing breaks: ST-07 (liveness: a
//! waiter whose deadline is far longer than any hold must never time out) and ST-08
//! (fairness: a waiting writer is not overtaken by try-once writers or new readers).
//!
//! Every other suite waits try-once or a few milliseconds and counts `LockTimeout` as an
//! allowed outcome, so a release that forgot to wake its waiters would only make them slower.
//! Here every wait has `RunCfg::long_wait` ([`LONG`] by default) to finish while holders
//! hold for a few writes: any timeout is a failure, reported with what every thread held or
//! waited for at that moment, and so is a wait served only at its deadline (its last look
//! found the lock free, but no release woke it). A wait that never ends is the runner's
//! watchdog's: a failure with a dump of every thread.

use super::{RunCfg, SuiteRun, build, finish, labels};
use crate::stress::StressError;
use crate::stress::progress::OpCode;
use crate::stress::runner::{Ctx, run_workers};
use memfs_core::{
    ErrorKind, FileHandle, LockWait, MemoryFileSystem, MfsError, OpenMode, OpenOptions,
};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A waiter's deadline by default (`RunCfg::long_wait`): seconds, against holds of a few
/// microseconds of work.
pub const LONG: Duration = Duration::from_secs(5);

/// How long a writer that is meant to give up waits.
const SHORT: Duration = Duration::from_millis(20);

/// Opens with this open's own lock timeout (the filesystem default is 30 s: a per-open
/// timeout that did not take would make every try-once open a long wait).
fn open(
    fs: &MemoryFileSystem,
    path: &str,
    mode: OpenMode,
    wait: Duration,
) -> Result<FileHandle, MfsError> {
    fs.open_with(
        path,
        mode,
        &OpenOptions::new().lock_timeout(LockWait::For(wait)),
    )
}

fn is_lock_timeout(e: &MfsError) -> bool {
    e.kind() == ErrorKind::WouldBlock
}

/// Waits until a writer is counted as waiting for `path` while only readers hold it: a
/// try-once reader is then held back (LOCK-12). `false` if the writer finished first (`done`),
/// or if new readers kept getting in for `long` (readers not held back by a waiting writer).
fn writer_waits(
    fs: &MemoryFileSystem,
    path: &str,
    long: Duration,
    done: impl Fn() -> bool,
) -> bool {
    let start = Instant::now();
    while start.elapsed() < long && !done() {
        match open(fs, path, OpenMode::Read, Duration::ZERO) {
            Ok(mut h) => h.close(),
            Err(_) => return true,
        }
        std::thread::yield_now();
    }
    false
}

/// What each thread holds or waits for right now, for the report of a timeout.
#[derive(Debug)]
struct Board {
    rows: Mutex<Vec<String>>,
}

impl Board {
    fn new(labels: &[String]) -> Arc<Board> {
        Arc::new(Board {
            rows: Mutex::new(labels.iter().map(|l| format!("{l}: idle")).collect()),
        })
    }
    fn set(&self, id: usize, what: String) {
        if let Ok(mut r) = self.rows.lock()
            && let Some(slot) = r.get_mut(id)
        {
            *slot = what;
        }
    }
    fn dump(&self) -> String {
        self.rows
            .lock()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, s)| format!("thread {i:>2}: {s}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    }
}

// ST-07: 16 threads hand four files to each other with waits of `long_wait` (rb and wb mixed, holds
// of one small write or read), plus a conductor that plays the give-up round: a reader held
// back by a waiting writer must be let in when that writer gives up (LOCK-13), and nobody
// else will release the lock for it; then the crowd rounds: one release must serve every
// waiter asleep behind it (readers, writers, copy and export).
pub(super) fn st07(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const WAITERS: usize = 16;
    const FILES: usize = 4;
    let n = cfg.iters(400);
    let rounds = cfg.iters(100);
    let crowds = cfg.iters(20);
    let long = cfg.long_wait;
    // Bulk readers (copy, export) wait through the default timeout: twice the opens' own, so
    // that an open whose own timeout were ignored shows (a 20 ms give-up would last seconds).
    let fs = Arc::new(
        MemoryFileSystem::builder()
            .quota(16 * 1024 * 1024)
            .default_lock_timeout(LockWait::For(long.saturating_mul(2)))
            .build()?,
    );
    fs.mkdir("/st07", false)?;
    for f in 0..FILES {
        fs.open(&format!("/st07/f{f}"), OpenMode::Write)?.close();
    }
    let names = labels(&[("conductor", 1), ("waiter", WAITERS)]);
    let board = Board::new(&names);
    let wfs = fs.clone();
    let out = run_workers(Some(&fs), names, cfg.deadline, move |ctx| {
        if ctx.id == 0 {
            give_up_rounds(&wfs, ctx, rounds, long, &board);
            crowd_rounds(&wfs, ctx, crowds, long);
            return 0u64;
        }
        let mut served = 0u64;
        for i in 0..n {
            ctx.iter(i);
            let path = format!("/st07/f{}", (ctx.id as u64 + i) % FILES as u64);
            let write = (ctx.id as u64 + i).is_multiple_of(3);
            let mode = if write {
                OpenMode::Write
            } else {
                OpenMode::Read
            };
            let m = if write { "wb" } else { "rb" };
            ctx.op(if write {
                OpCode::OpenWrite
            } else {
                OpCode::OpenRead
            });
            board.set(ctx.id, format!("waits for {m} {path}"));
            let started = Instant::now();
            // Waiter 1 asks for a timeout too large for the clock: it must wait like
            // forever (a wait that never ends is the watchdog's), never fail at once.
            let wait = if ctx.id == 1 { Duration::MAX } else { long };
            match open(&wfs, &path, mode, wait) {
                Ok(mut h) => {
                    if started.elapsed() >= long {
                        // Only its deadline's last look found the lock: nobody woke it.
                        ctx.tally.fail(format!(
                            "LOCK-13: {m} {path} was served only at its deadline ({:?}): no release woke it",
                            started.elapsed()
                        ));
                    }
                    board.set(ctx.id, format!("holds {m} {path}"));
                    if write {
                        ctx.op(OpCode::Write);
                        if let Err(e) = h.write_data(b"0123456789abcdef") {
                            ctx.tally.error(&e, &[], "write");
                        }
                    } else {
                        ctx.op(OpCode::Read);
                        if let Err(e) = h.read_data(None) {
                            ctx.tally.error(&e, &[], "read");
                        }
                    }
                    ctx.op(OpCode::Close);
                    h.close();
                    board.set(ctx.id, "idle".into());
                    served += 1;
                }
                Err(e) if is_lock_timeout(&e) => ctx.tally.fail(format!(
                    "LOCK-13: {m} {path} timed out after {:?} (deadline {long:?}, holds are a few writes long): {}",
                    started.elapsed(),
                    board.dump()
                )),
                Err(e) => ctx.tally.error(&e, &[], "open"),
            }
        }
        served
    })?;
    let run = finish("st07", &fs, out, |served, _, fail| {
        let want = n * WAITERS as u64;
        let got: u64 = served.iter().sum();
        if got != want {
            fail.push(format!("LOCK-13: {got} of {want} waits were served"));
        }
    });
    Ok(run)
}

/// One give-up round after another on `/st07/g`: a holder takes rb, a writer waits SHORT for
/// wb and gives up, a reader that came while the writer waited (held back by it) waits `long`;
/// the holder lets go only once the reader is in, so only the writer's giving up can let the
/// reader in.
fn give_up_rounds(
    fs: &MemoryFileSystem,
    ctx: &mut Ctx<'_>,
    rounds: u64,
    long: Duration,
    board: &Board,
) {
    const PATH: &str = "/st07/g";
    if let Err(e) = fs.open(PATH, OpenMode::Write).map(|mut h| h.close()) {
        ctx.tally.error(&e, &[], "give-up file");
        return;
    }
    for r in 0..rounds {
        ctx.iter(r);
        ctx.op(OpCode::OpenRead);
        let mut holder = match open(fs, PATH, OpenMode::Read, long) {
            Ok(h) => h,
            Err(e) => {
                ctx.tally.error(&e, &[], "give-up round holder");
                continue;
            }
        };
        board.set(0, format!("round {r}: holds rb {PATH}"));
        let reader_in = AtomicBool::new(false);
        let failure: Mutex<Option<String>> = Mutex::new(None);
        std::thread::scope(|s| {
            let writer = s.spawn(|| open(fs, PATH, OpenMode::Write, SHORT).map(|mut h| h.close()));
            let registered = writer_waits(fs, PATH, long, || writer.is_finished());
            if registered {
                s.spawn(|| {
                    let started = Instant::now();
                    match open(fs, PATH, OpenMode::Read, long) {
                        Ok(mut h) => {
                            if started.elapsed() >= long
                                && let Ok(mut f) = failure.lock()
                            {
                                *f = Some(format!(
                                    "LOCK-13: round {r}: a reader held back by a waiting writer got in only at its deadline ({:?}): the writer's giving up did not wake it",
                                    started.elapsed()
                                ));
                            }
                            reader_in.store(true, Ordering::SeqCst);
                            h.close();
                        }
                        Err(e) => {
                            if let Ok(mut f) = failure.lock() {
                                *f = Some(format!(
                                    "LOCK-13: round {r}: a reader held back by a waiting writer was not let in when the writer gave up: {e} after {:?} (the only holder, a reader, waits for it)",
                                    started.elapsed()
                                ));
                            }
                            reader_in.store(true, Ordering::SeqCst);
                        }
                    }
                });
            }
            // The writer gives up (or, if the holder was quicker, wins): either is fine; what
            // the round checks is the reader.
            let _ = writer.join();
            while registered && !reader_in.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
        });
        holder.close();
        board.set(0, "idle".into());
        if let Ok(mut f) = failure.lock()
            && let Some(msg) = f.take()
        {
            ctx.tally.fail(msg);
        }
    }
}

/// What one member of a crowd waits to do with `/st07/c`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Wait {
    Open(OpenMode),
    /// An open whose own timeout is too large for the clock (`Duration::MAX`): it must wait
    /// like forever, never fail at once.
    Forever(OpenMode),
    /// `copy` to a fresh name: a bulk reader, waiting through the filesystem's default
    /// timeout (twice `long` in ST-07) rather than an open's own; served after `long` against
    /// a hold of milliseconds, it was not woken either.
    Copy,
    /// `export_as_bytesio`: the other bulk reader.
    Export,
}

/// The crowds: readers behind a writer, writers behind a reader (2 to 4 of each: a release
/// that sees only an odd number of sleepers misses every even crowd), the bulk readers behind
/// a writer, and waits too long for the clock.
const CROWDS: &[(OpenMode, &[Wait])] = {
    use OpenMode::{Read, Write};
    const RB: Wait = Wait::Open(Read);
    const WB: Wait = Wait::Open(Write);
    &[
        (Write, &[RB, RB]),
        (Write, &[RB, RB, RB]),
        (Write, &[RB, RB, RB, RB]),
        (Read, &[WB, WB]),
        (Read, &[WB, WB, WB]),
        (Read, &[WB, WB, WB, WB]),
        (Write, &[RB, Wait::Copy, Wait::Export]),
        // Last: a forever waiter a release forgets is the watchdog's, not a precise failure.
        (Write, &[Wait::Forever(Read)]),
        (Read, &[Wait::Forever(Write)]),
    ]
};

/// Crowd rounds on `/st07/c`: the conductor holds the file while a crowd ([`CROWDS`]) falls
/// asleep waiting `long` for it, then lets go. Nobody else touches the file, so that one
/// release must serve the whole crowd: a waiter served only at its deadline, or failed at
/// once, was never woken (LOCK-13). Catches a release that miscounts its sleepers and a bulk
/// reader that does not wait, which the busy hand-offs above hide (there some later release
/// always wakes the stragglers, and only opens wait).
fn crowd_rounds(fs: &MemoryFileSystem, ctx: &mut Ctx<'_>, rounds: u64, long: Duration) {
    const PATH: &str = "/st07/c";
    /// Time for every waiter that said it is about to wait to reach its sleep: a waiter still
    /// awake at the release simply takes the lock (no false failure), so this only decides
    /// how often the check bites.
    const SETTLE: Duration = Duration::from_millis(5);
    if let Err(e) = fs.open(PATH, OpenMode::Write).map(|mut h| h.close()) {
        ctx.tally.error(&e, &[], "crowd file");
        return;
    }
    for r in 0..rounds {
        ctx.iter(r);
        for (c, (hold, crowd)) in CROWDS.iter().enumerate() {
            let mut holder = match open(fs, PATH, *hold, long) {
                Ok(h) => h,
                Err(e) => {
                    ctx.tally.error(&e, &[], "crowd holder");
                    continue;
                }
            };
            let waiting = AtomicU64::new(0);
            let late: Mutex<Vec<String>> = Mutex::new(Vec::new());
            std::thread::scope(|s| {
                for (i, w) in crowd.iter().enumerate() {
                    let (waiting, late) = (&waiting, &late);
                    s.spawn(move || {
                        let copy = format!("/st07/c-copy-{r}-{c}-{i}");
                        waiting.fetch_add(1, Ordering::SeqCst);
                        let started = Instant::now();
                        let got = match w {
                            Wait::Open(m) => open(fs, PATH, *m, long).map(|mut h| h.close()),
                            Wait::Forever(m) => {
                                open(fs, PATH, *m, Duration::MAX).map(|mut h| h.close())
                            }
                            Wait::Copy => fs.copy(PATH, &copy).and_then(|()| fs.remove(&copy)),
                            Wait::Export => fs.export_as_bytesio(PATH, None).map(drop),
                        };
                        let took = started.elapsed();
                        let why = match got {
                            Ok(()) => (took >= long)
                                .then(|| format!("served only at its deadline ({took:?})")),
                            Err(e) => Some(format!("{e} after {took:?}")),
                        };
                        if let (Some(why), Ok(mut l)) = (why, late.lock()) {
                            l.push(format!(
                                "LOCK-13: crowd round {r}: {w:?}, one of {} waiting while {hold:?} is held: {why}; the holder's one release did not serve it",
                                crowd.len()
                            ));
                        }
                    });
                }
                while waiting.load(Ordering::SeqCst) < crowd.len() as u64 {
                    std::thread::yield_now();
                }
                std::thread::sleep(SETTLE);
                holder.close();
            });
            let failed = late.lock().map(|mut l| {
                let n = l.len();
                for msg in l.drain(..) {
                    ctx.tally.fail(msg);
                }
                n
            });
            if failed.map_or(true, |n| n > 0) {
                // One crowd left unserved says it: the next would only wait out its
                // deadlines too, and turn a precise failure into the watchdog's.
                return;
            }
        }
    }
}

// ST-08: rounds in which a writer waits (`long_wait`) for a file a reader holds, then 6 threads
// try-once wb and rb in a loop while the reader lets go: none of them may get the lock
// before the waiting writer has had it (LOCK-12). Counted exactly: the writer raises a flag
// while it holds the lock, so a competitor that gets in with the flag down got in while the
// writer waited.
pub(super) fn st08(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const COMPETITORS: usize = 6;
    const PATH: &str = "/st08/f";
    let rounds = cfg.iters(300);
    let long = cfg.long_wait;
    let fs = build(16 * 1024 * 1024)?;
    fs.mkdir("/st08", false)?;
    fs.open(PATH, OpenMode::Write)?.close();
    let wfs = fs.clone();
    let overtakes = Arc::new(AtomicU64::new(0));
    let counted = overtakes.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("conductor", 1)]),
        cfg.deadline,
        move |ctx| {
            let fs = &*wfs;
            for r in 0..rounds {
                ctx.iter(r);
                ctx.op(OpCode::OpenRead);
                let mut holder = match open(fs, PATH, OpenMode::Read, long) {
                    Ok(h) => h,
                    Err(e) => {
                        ctx.tally.error(&e, &[], "holder");
                        continue;
                    }
                };
                let writer_in = AtomicBool::new(false);
                let stop = AtomicBool::new(false);
                let round_overtakes = AtomicU64::new(0);
                let mut writer_result: Option<Result<Result<bool, MfsError>, String>> = None;
                let mut registered = false;
                std::thread::scope(|s| {
                    let writer = s.spawn(|| {
                        let started = Instant::now();
                        let mut h = open(fs, PATH, OpenMode::Write, long)?;
                        writer_in.store(true, Ordering::SeqCst);
                        let late = started.elapsed() >= long;
                        // hold it a moment so competitors see the flag up, not the lock free
                        std::thread::yield_now();
                        h.close();
                        Ok::<bool, MfsError>(late)
                    });
                    registered = writer_waits(fs, PATH, long, || writer.is_finished());
                    for c in 0..COMPETITORS {
                        let (writer_in, stop, round_overtakes) =
                            (&writer_in, &stop, &round_overtakes);
                        s.spawn(move || {
                            let mode = if c % 2 == 0 {
                                OpenMode::Write
                            } else {
                                OpenMode::Read
                            };
                            while !stop.load(Ordering::SeqCst) {
                                if let Ok(mut h) = open(fs, PATH, mode, Duration::ZERO) {
                                    if !writer_in.load(Ordering::SeqCst) {
                                        round_overtakes.fetch_add(1, Ordering::SeqCst);
                                    }
                                    h.close();
                                }
                                if writer_in.load(Ordering::SeqCst) {
                                    break;
                                }
                            }
                        });
                    }
                    ctx.op(OpCode::Close);
                    holder.close();
                    writer_result = Some(
                        writer
                            .join()
                            .map_err(|_| "the waiting writer panicked".to_string()),
                    );
                    stop.store(true, Ordering::SeqCst);
                });
                if !registered {
                    ctx.tally.fail(format!(
                        "LOCK-12: round {r}: new try-once readers kept getting a file while a writer waited for it"
                    ));
                }
                match writer_result {
                    Some(Ok(Ok(false))) | None => {}
                    Some(Ok(Ok(true))) => ctx.tally.fail(format!(
                        "LOCK-13: round {r}: the waiting writer got the lock only at its deadline ({long:?}): the reader's close did not wake it"
                    )),
                    Some(Ok(Err(e))) if is_lock_timeout(&e) => ctx.tally.fail(format!(
                        "LOCK-12: round {r}: the waiting writer was starved: {e} after {long:?}"
                    )),
                    Some(Ok(Err(e))) => ctx.tally.error(&e, &[], "waiting writer"),
                    Some(Err(panic)) => ctx.tally.fail(format!("round {r}: {panic}")),
                }
                let o = round_overtakes.load(Ordering::SeqCst);
                if o > 0 {
                    counted.fetch_add(o, Ordering::SeqCst);
                    ctx.tally.fail(format!(
                        "LOCK-12: round {r}: {o} try-once opens got the lock while a writer waited for it"
                    ));
                }
            }
        },
    )?;
    let mut run = finish("st08", &fs, out, |_, _, _| {});
    let o = overtakes.load(Ordering::SeqCst);
    if o > 0 {
        run.failures.push(format!(
            "LOCK-12: {o} overtakes of a waiting writer over {rounds} rounds"
        ));
    }
    Ok(run)
}
