//! ST-09: an open that fails leaves no trace, not even for a moment. A `wb` open takes the
//! file's lock before it truncates and preallocates; when that step fails (here: the quota),
//! the open must be as if it never happened (LOCK-14), so a try-once open that meets it in
//! that span must wait the span out, not fail with `LockTimeout`.
//!
//! The span is a few hundred nanoseconds, and the window in which a try-once open can meet it
//! (between reading the lock word and claiming it) is a few nanoseconds: the suite runs one
//! thread of each, tight loops on one file, many times per run, so the two meet thousands of
//! times. No other opener competes, so every `LockTimeout` of the try-once side is a failure.

use super::{RunCfg, SuiteRun, build, finish, labels};
use crate::stress::StressError;
use crate::stress::io::read_all;
use crate::stress::progress::OpCode;
use crate::stress::runner::run_workers;
use memfs_core::{ErrorKind, LockWait, OpenMode, OpenOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// What each ST-09 thread counted: opens that failed inside the lock (the failing side), or
/// try-once reads that got the file (the reading side).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    failed_inside: u64,
    reads: u64,
}

/// ST-09: one thread opens `wb` with a preallocation larger than the quota (it takes the lock,
/// then fails with `QuotaExceeded` and must give everything back); one thread opens `rb`
/// try-once and reads. The reader must always get the file, with its content untouched. The
/// run lasts `1,000,000 x scale` reads, and at least until the `wb` side has failed inside the
/// lock a tenth as many times.
pub(super) fn st09(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const PATH: &str = "/st09/f";
    const QUOTA: u64 = 64 * 1024;
    let reads = cfg.iters(1_000_000);
    let fs = build(QUOTA)?;
    fs.mkdir("/st09", false)?;
    let content: Vec<u8> = (0..100u8).collect();
    {
        let mut h = fs.open(PATH, OpenMode::Write)?;
        h.write_data(&content)?;
        h.close();
    }
    let wfs = fs.clone();
    let done = Arc::new(AtomicBool::new(false));
    let failed_inside = Arc::new(AtomicU64::new(0));
    let expected = content.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("failing wb", 1), ("try-once rb", 1)]),
        cfg.deadline,
        move |ctx| {
            let mut counts = Counts::default();
            if ctx.id == 0 {
                // Loops until the reader is done: the reader's count sets the run's size.
                let opts = OpenOptions::new()
                    .preallocate(QUOTA * 2)
                    .lock_timeout(LockWait::For(Duration::ZERO));
                let mut i = 0;
                while !done.load(Ordering::Relaxed) {
                    ctx.iter(i);
                    i += 1;
                    ctx.op(OpCode::OpenWrite);
                    match wfs.open_with(PATH, OpenMode::Write, &opts) {
                        Ok(mut h) => {
                            h.close();
                            ctx.tally.fail(format!(
                                "a wb open preallocating {} bytes succeeded under a {QUOTA}-byte quota",
                                QUOTA * 2
                            ));
                        }
                        Err(e) if e.kind() == ErrorKind::QuotaExceeded => {
                            counts.failed_inside += 1;
                            failed_inside.fetch_add(1, Ordering::Relaxed);
                        }
                        // The reader held the file: allowed for this side.
                        Err(e) => ctx.tally.error(&e, &[ErrorKind::WouldBlock], "failing wb"),
                    }
                }
            } else {
                let once = Some(LockWait::For(Duration::ZERO));
                let mut i = 0;
                // At least `reads` reads, and on until the other side has failed inside the
                // lock `reads / 10` times: on a loaded machine it may start late.
                while i < reads || failed_inside.load(Ordering::Relaxed) < reads / 10 {
                    ctx.iter(i);
                    i += 1;
                    match read_all(&wfs, ctx, PATH, once) {
                        Ok(buf) if buf == expected => counts.reads += 1,
                        Ok(buf) => ctx.tally.fail(format!(
                            "LOCK-14 / TREE-10: read {} bytes of {PATH}, not its {} untouched bytes: a failed wb open changed the file",
                            buf.len(),
                            expected.len()
                        )),
                        Err(e) if e.kind() == ErrorKind::WouldBlock => ctx.tally.fail(format!(
                            "LOCK-14: a try-once rb open of {PATH} failed with {e}, and only opens that fail competed for the file: a failed open was seen holding its lock"
                        )),
                        Err(e) => ctx.tally.error(&e, &[], "try-once rb"),
                    }
                }
                done.store(true, Ordering::Relaxed);
            }
            counts
        },
    )?;
    let expected_len = content.len();
    Ok(finish("st09", &fs, out, |results, tree, fail| {
        let failed_inside: u64 = results.iter().map(|c| c.failed_inside).sum();
        let got: u64 = results.iter().map(|c| c.reads).sum();
        // Without this the suite could pass by never running the race it is about (the run
        // only ends once the failing side is past this count; checked again here).
        if failed_inside < reads / 10 {
            fail.push(
                "st09: the failing wb open never got as far as its lock: the race was not run"
                    .into(),
            );
        }
        if got == 0 {
            fail.push("st09: the try-once reader never read the file".into());
        }
        match tree.get(PATH) {
            Some(b) if b.len() == expected_len => {}
            other => fail.push(format!(
                "st09: {PATH} holds {:?} bytes at the end, not its {expected_len} untouched bytes",
                other.map(Vec::len)
            )),
        }
    }))
}
