//! Data-integrity suites: the seed workload, ST-01 (dedicated files), ST-02 (create/delete
//! cycle on one path) and ST-03 (readers and writers of one file).

use super::{RunCfg, SuiteRun, build, check_used, finish, labels, wait_ms};
use crate::stress::StressError;
use crate::stress::io::{WriteFail, parse_payload, payload, read_all, write_parts};
use crate::stress::progress::OpCode;
use crate::stress::runner::run_workers;
use memfs_core::{ErrorKind, LockWait, MfsError, OpenMode};
use std::time::Duration;

// The seed workload, verbatim: every thread makes its directory (exist_ok) and writes, then
// reads back, one new file per iteration.
pub(super) fn seed(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const THREADS: usize = 50;
    let n = cfg.iters(1000);
    let fs = build(50 * 1024 * 1024)?;
    let wfs = fs.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("seed", THREADS)]),
        cfg.deadline,
        move |ctx| {
            let t = ctx.id;
            let dir = format!("/thread_{t}");
            for i in 0..n {
                ctx.iter(i);
                ctx.op(OpCode::Mkdir);
                if let Err(e) = wfs.mkdir(&dir, true) {
                    ctx.tally.error(&e, &[], "mkdir");
                    continue;
                }
                let path = format!("{dir}/file_{i}.txt");
                let data = format!("data-{t}-{i}").into_bytes();
                if let Err(f) = write_parts(&wfs, ctx, &path, OpenMode::Write, None, &[&data]) {
                    ctx.tally.error(f.error(), &[], "write");
                    continue;
                }
                match read_all(&wfs, ctx, &path, None) {
                    Ok(got) if got == data => {}
                    Ok(got) => ctx.tally.fail(format!(
                        "{path}: read back {:?}",
                        String::from_utf8_lossy(&got)
                    )),
                    Err(e) => ctx.tally.error(&e, &[], "read back"),
                }
            }
        },
    )?;
    let mut run = finish("seed", &fs, out, |_, files, fail| {
        for t in 0..THREADS {
            for i in 0..n {
                let path = format!("/thread_{t}/file_{i}.txt");
                let want = format!("data-{t}-{i}").into_bytes();
                match files.get(&path) {
                    Some(got) if *got == want => {}
                    Some(got) => fail.push(format!(
                        "{path}: final content {:?}",
                        String::from_utf8_lossy(got)
                    )),
                    None => fail.push(format!("{path}: missing at the end")),
                }
            }
        }
        if files.len() as u64 != THREADS as u64 * n {
            fail.push(format!(
                "{} files at the end, expected {}",
                files.len(),
                THREADS as u64 * n
            ));
        }
    });
    // one sequential chunk per file: size + 128 (semantics §3)
    let expected: u64 = (0..THREADS)
        .flat_map(|t| (0..n).map(move |i| format!("data-{t}-{i}").len() as u64 + 128))
        .sum();
    check_used(&fs, "seed", &mut run.failures, expected);
    Ok(run)
}

// ST-01: each thread rewrites its dedicated file (wb) and reads it back; no corruption.
pub(super) fn st01(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const THREADS: usize = 50;
    const LEN: usize = 100;
    let n = cfg.iters(1000);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st01", false)?;
    let wfs = fs.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("writer", THREADS)]),
        cfg.deadline,
        move |ctx| {
            let t = ctx.id;
            let path = format!("/st01/t_{t}.bin");
            for i in 0..n {
                ctx.iter(i);
                let data = payload("st01", t, i, LEN);
                if let Err(f) = write_parts(&wfs, ctx, &path, OpenMode::Write, None, &[&data]) {
                    ctx.tally.error(f.error(), &[], "write");
                    continue;
                }
                match read_all(&wfs, ctx, &path, None) {
                    Ok(got) if got == data => {}
                    Ok(got) => ctx.tally.fail(format!(
                        "{path} iteration {i}: read back {:?}",
                        parse_payload("st01", &got, LEN)
                    )),
                    Err(e) => ctx.tally.error(&e, &[], "read back"),
                }
            }
        },
    )?;
    let mut run = finish("st01", &fs, out, |_, files, fail| {
        for t in 0..THREADS {
            let path = format!("/st01/t_{t}.bin");
            if files.get(&path) != Some(&payload("st01", t, n - 1, LEN)) {
                fail.push(format!(
                    "{path}: final content is not the last write of thread {t}"
                ));
            }
        }
    });
    check_used(
        &fs,
        "st01",
        &mut run.failures,
        THREADS as u64 * (LEN as u64 + 128),
    );
    Ok(run)
}

// ST-02: 30 threads create (wb, two writes), read back and delete the same path. Lock
// timeouts (try-once and 2 ms waits), FileOpen on remove and NotFound are expected.
pub(super) fn st02(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const THREADS: usize = 30;
    const LEN: usize = 96;
    const PATH: &str = "/st02/shared.bin";
    let n = cfg.iters(1000);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st02", false)?;
    let wfs = fs.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("cycler", THREADS)]),
        cfg.deadline,
        move |ctx| {
            let t = ctx.id;
            let wait = if t % 2 == 0 {
                Some(LockWait::For(Duration::ZERO))
            } else {
                wait_ms(2)
            };
            let mut written = 0u64;
            for i in 0..n {
                ctx.iter(i);
                let data = payload("st02", t, i, LEN);
                match write_parts(
                    &wfs,
                    ctx,
                    PATH,
                    OpenMode::Write,
                    wait,
                    &[&data[..LEN / 2], &data[LEN / 2..]],
                ) {
                    Ok(()) => written += 1,
                    Err(f) => {
                        ctx.tally
                            .error(f.error(), &[ErrorKind::WouldBlock], "create");
                        // The writers that wait 2 ms are the ones fairness is for (LOCK-12).
                        if t % 2 == 1 && f.error().kind() == ErrorKind::WouldBlock {
                            ctx.tally.count_as(f.error(), "waiting writers");
                        }
                    }
                }
                match read_all(&wfs, ctx, PATH, Some(LockWait::For(Duration::ZERO))) {
                    Ok(got) if parse_payload("st02", &got, LEN).is_some() => {}
                    // a reader may catch the file between another thread's wb-truncate and its
                    // writes only if locking is broken: wb holds the writer lock throughout.
                    Ok(got) => ctx.tally.fail(format!(
                        "torn or partial content ({} bytes) read from {PATH}",
                        got.len()
                    )),
                    Err(e) => ctx.tally.error(
                        &e,
                        &[ErrorKind::WouldBlock, ErrorKind::NotFound],
                        "read back",
                    ),
                }
                ctx.op(OpCode::Remove);
                if let Err(e) = wfs.remove(PATH) {
                    ctx.tally
                        .error(&e, &[ErrorKind::WouldBlock, ErrorKind::NotFound], "remove");
                    if let MfsError::WouldBlock { reason, .. } = &e
                        && *reason != memfs_core::BlockReason::FileOpen
                    {
                        ctx.tally.fail(format!(
                            "remove blocked with {reason:?}; semantics §9 says FileOpen at once"
                        ));
                    }
                }
            }
            written
        },
    )?;
    Ok(finish("st02", &fs, out, |written, files, fail| {
        if written.iter().sum::<u64>() == 0 {
            fail.push("no create succeeded at all: the suite exercised nothing".into());
        }
        if let Some(data) = files.get(PATH)
            && parse_payload("st02", data, LEN).is_none()
        {
            fail.push(format!("{PATH}: final content is not one whole write"));
        }
        if files.len() > 1 {
            fail.push(format!(
                "unexpected files at the end: {:?}",
                files.keys().collect::<Vec<_>>()
            ));
        }
    }))
}

// ST-03: 20 writers (wb, 4 writes of 64 bytes) and 20 readers on one file. Readers must see a
// whole payload every time; the final generation counts every successful writer exactly.
pub(super) fn st03(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const WRITERS: usize = 20;
    const READERS: usize = 20;
    const LEN: usize = 256;
    const PATH: &str = "/st03/shared.bin";
    let n = cfg.iters(500);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st03", false)?;
    let init = payload("st03", 999, 0, LEN);
    let mut h = fs.open(PATH, OpenMode::Write)?;
    h.write_data(&init)?;
    h.close();
    let g0 = fs.stat(PATH)?.generation;
    let wfs = fs.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("writer", WRITERS), ("reader", READERS)]),
        cfg.deadline,
        move |ctx| {
            let t = ctx.id;
            let mut ok = 0u64;
            for i in 0..n {
                ctx.iter(i);
                if t < WRITERS {
                    let data = payload("st03", t, i, LEN);
                    let parts: Vec<&[u8]> = data.chunks(64).collect();
                    match write_parts(&wfs, ctx, PATH, OpenMode::Write, wait_ms(10), &parts) {
                        Ok(()) => ok += 1,
                        Err(WriteFail::Open(e)) => {
                            ctx.tally.error(&e, &[ErrorKind::WouldBlock], "writer open")
                        }
                        Err(WriteFail::Write(k, e)) => {
                            ctx.tally.error(&e, &[], &format!("writer write #{k}"))
                        }
                    }
                } else {
                    match read_all(&wfs, ctx, PATH, wait_ms(10)) {
                        Ok(got) => match parse_payload("st03", &got, LEN) {
                            Some(_) => ok += 1,
                            None => ctx.tally.fail(format!(
                                "reader saw a torn/partial file of {} bytes",
                                got.len()
                            )),
                        },
                        Err(e) => ctx.tally.error(&e, &[ErrorKind::WouldBlock], "reader open"),
                    }
                }
            }
            ok
        },
    )?;
    let mut run = finish("st03", &fs, out, |ok, files, fail| {
        let writes: u64 = ok[..WRITERS].iter().sum();
        let reads: u64 = ok[WRITERS..].iter().sum();
        if writes == 0 || reads == 0 {
            fail.push(format!(
                "only {writes} writes and {reads} reads succeeded: contention starved a side"
            ));
        }
        match files.get(PATH).map(|d| parse_payload("st03", d, LEN)) {
            Some(Some(_)) => {}
            _ => fail.push(format!("{PATH}: final content is not one whole write")),
        }
        // each successful writer: wb truncation (+1) and four non-empty writes (+4)
        match fs.stat(PATH) {
            Ok(s) if s.generation == g0 + 5 * writes => {}
            Ok(s) => fail.push(format!(
                "generation {} but {g0} + 5 x {writes} successful writers = {} (lost or phantom write)",
                s.generation,
                g0 + 5 * writes
            )),
            Err(e) => fail.push(format!("final stat: {e}")),
        }
    });
    check_used(&fs, "st03", &mut run.failures, LEN as u64 + 4 * 128);
    Ok(run)
}
