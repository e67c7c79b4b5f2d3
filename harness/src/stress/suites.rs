//! The stress suites: the seed workload (50 x 1000) and D-MemFS's ST-01..ST-06 (seed 004
//! §22) at full size, with their gaps closed: barrier start, watchdog, real renames in ST-06,
//! per-operation checks, and an exact end-of-run verification of contents, counts and usage.

use super::io::{WriteFail, parse_payload, payload, read_all, write_parts};
use super::progress::OpCode;
use super::runner::{MonitorReport, RunOutput, run_workers};
use super::verify::verify_tree;
use memfs_core::{ErrorKind, LockWait, MemoryFileSystem, MfsError, OpenMode};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How a suite is run.
#[derive(Debug, Clone, Copy)]
pub struct RunCfg {
    /// Fraction of the full iteration count (1.0 = the published sizes; thread counts never
    /// change).
    pub scale: f64,
    /// Watchdog deadline for all threads to finish.
    pub deadline: Duration,
}

impl Default for RunCfg {
    fn default() -> Self {
        RunCfg {
            scale: 1.0,
            deadline: Duration::from_secs(60),
        }
    }
}

impl RunCfg {
    fn iters(&self, full: u64) -> u64 {
        ((full as f64 * self.scale) as u64).max(1)
    }
}

/// The result of one run of one suite.
#[derive(Debug, Clone)]
pub struct SuiteRun {
    pub name: &'static str,
    pub elapsed: Duration,
    pub ops: u64,
    pub errors: BTreeMap<String, u64>,
    /// Everything that went wrong (empty = the run conforms).
    pub failures: Vec<String>,
    pub monitor: MonitorReport,
}

/// A named suite.
pub struct Suite {
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn(&RunCfg) -> Result<SuiteRun, String>,
}

/// Every suite, in order.
pub const SUITES: [Suite; 7] = [
    Suite {
        name: "seed",
        about: "50 threads x 1000: mkdir, write own file, read back",
        run: seed,
    },
    Suite {
        name: "st01",
        about: "50 x 1000: rewrite a dedicated file, read back",
        run: st01,
    },
    Suite {
        name: "st02",
        about: "30 x 1000: create/write/delete cycle on one path",
        run: st02,
    },
    Suite {
        name: "st03",
        about: "20 writers + 20 readers x 500 on one file",
        run: st03,
    },
    Suite {
        name: "st04",
        about: "40 x 500: writes at the quota boundary",
        run: st04,
    },
    Suite {
        name: "st05",
        about: "20 x 500: mkdir/write/listdir/rmtree on a shared tree",
        run: st05,
    },
    Suite {
        name: "st06",
        about: "10 renamers + 10 stat-ers x 500, real renames",
        run: st06,
    },
];

/// The suite called `name`, if any.
pub fn find_suite(name: &str) -> Option<&'static Suite> {
    SUITES.iter().find(|s| s.name == name)
}

fn build(quota: u64) -> Result<Arc<MemoryFileSystem>, String> {
    MemoryFileSystem::builder()
        .quota(quota)
        .build()
        .map(Arc::new)
        .map_err(|e| format!("cannot build the filesystem: {e}"))
}

fn labels(groups: &[(&str, usize)]) -> Vec<String> {
    groups
        .iter()
        .flat_map(|(l, n)| std::iter::repeat_n(l.to_string(), *n))
        .collect()
}

fn wait_ms(ms: u64) -> Option<LockWait> {
    Some(LockWait::For(Duration::from_millis(ms)))
}

/// Combines a run with the end-of-run tree verification and the suite's own final checks.
fn finish<T>(
    name: &'static str,
    fs: &MemoryFileSystem,
    out: RunOutput<T>,
    check: impl FnOnce(&[T], &BTreeMap<String, Vec<u8>>, &mut Vec<String>),
) -> SuiteRun {
    let mut failures = out.tally.failures.clone();
    failures.extend(out.monitor.violations.iter().cloned());
    let tree = verify_tree(fs, &mut failures);
    check(&out.results, &tree.files, &mut failures);
    SuiteRun {
        name,
        elapsed: out.elapsed,
        ops: out.ops,
        errors: out.tally.errors,
        failures,
        monitor: out.monitor,
    }
}

// The seed workload, verbatim: every thread makes its directory (exist_ok) and writes, then
// reads back, one new file per iteration.
fn seed(cfg: &RunCfg) -> Result<SuiteRun, String> {
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

/// Checks `stats().used_bytes` against the accounting formula computed independently of the
/// core's own per-file layout.
fn check_used(fs: &MemoryFileSystem, name: &str, fail: &mut Vec<String>, expected: u64) {
    let used = fs.stats().used_bytes;
    if used != expected {
        fail.push(format!(
            "{name}: used_bytes {used}, the accounting formula gives {expected}"
        ));
    }
}

// ST-01: each thread rewrites its dedicated file (wb) and reads it back; no corruption.
fn st01(cfg: &RunCfg) -> Result<SuiteRun, String> {
    const THREADS: usize = 50;
    const LEN: usize = 100;
    let n = cfg.iters(1000);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st01", false)
        .map_err(|e| format!("setup: {e}"))?;
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
fn st02(cfg: &RunCfg) -> Result<SuiteRun, String> {
    const THREADS: usize = 30;
    const LEN: usize = 96;
    const PATH: &str = "/st02/shared.bin";
    let n = cfg.iters(1000);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st02", false)
        .map_err(|e| format!("setup: {e}"))?;
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
                    Err(f) => ctx
                        .tally
                        .error(f.error(), &[ErrorKind::WouldBlock], "create"),
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
fn st03(cfg: &RunCfg) -> Result<SuiteRun, String> {
    const WRITERS: usize = 20;
    const READERS: usize = 20;
    const LEN: usize = 256;
    const PATH: &str = "/st03/shared.bin";
    let n = cfg.iters(500);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st03", false)
        .map_err(|e| format!("setup: {e}"))?;
    let init = payload("st03", 999, 0, LEN);
    let mut h = fs
        .open(PATH, OpenMode::Write)
        .map_err(|e| format!("setup: {e}"))?;
    h.write_data(&init).map_err(|e| format!("setup: {e}"))?;
    h.close();
    let g0 = fs.stat(PATH).map_err(|e| format!("setup: {e}"))?.generation;
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

/// What a thread of ST-04 knows its own file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Absent,
    Holds(Vec<u8>),
}

// ST-04: 40 threads write their own files (two writes per cycle, sizes varying) under a quota
// far below demand; QuotaExceeded is the only allowed error, nothing is ever torn, each file
// ends exactly as its thread last left it, and used <= quota at every sample.
fn st04(cfg: &RunCfg) -> Result<SuiteRun, String> {
    const THREADS: usize = 40;
    const QUOTA: u64 = 24 * 1024;
    let n = cfg.iters(500);
    let fs = build(QUOTA)?;
    fs.mkdir("/st04", false)
        .map_err(|e| format!("setup: {e}"))?;
    let wfs = fs.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("writer", THREADS)]),
        cfg.deadline,
        move |ctx| {
            let t = ctx.id;
            let path = format!("/st04/t_{t}.bin");
            let mut expect = Expect::Absent;
            let mut quota_hits = 0u64;
            for i in 0..n {
                ctx.iter(i);
                // never on the last iteration: finished threads leave their files behind, so the
                // quota is reached whatever the scheduling
                if i % 5 == 3 {
                    ctx.op(OpCode::Remove);
                    match wfs.remove(&path) {
                        Ok(()) if expect != Expect::Absent => expect = Expect::Absent,
                        Ok(()) => ctx.tally.fail(format!(
                            "{path}: remove succeeded on a file its owner removed"
                        )),
                        Err(e) => ctx.tally.error(&e, &[ErrorKind::NotFound], "remove"),
                    }
                    continue;
                }
                let len = 200 + (t * 37 + i as usize * 101) % 1200;
                let data = payload("st04", t, i, len);
                let (a, b) = data.split_at(len / 2);
                match write_parts(&wfs, ctx, &path, OpenMode::Write, None, &[a, b]) {
                    Ok(()) => expect = Expect::Holds(data),
                    Err(WriteFail::Open(e)) => ctx.tally.error(&e, &[], "open wb"),
                    Err(WriteFail::Write(k, e)) => {
                        ctx.tally.error(&e, &[ErrorKind::QuotaExceeded], "write");
                        quota_hits += 1;
                        // wb truncated; a failed write changes nothing, earlier parts stay
                        expect = Expect::Holds(if k == 0 { Vec::new() } else { a.to_vec() });
                    }
                }
                if let Expect::Holds(want) = &expect {
                    match read_all(&wfs, ctx, &path, None) {
                        Ok(got) if got == *want => {}
                        Ok(got) => ctx.tally.fail(format!(
                            "{path} iteration {i}: {} bytes, expected {}",
                            got.len(),
                            want.len()
                        )),
                        Err(e) => ctx.tally.error(&e, &[], "read back"),
                    }
                }
            }
            (expect, quota_hits)
        },
    )?;
    Ok(finish("st04", &fs, out, |res, files, fail| {
        for (t, (expect, _)) in res.iter().enumerate() {
            let path = format!("/st04/t_{t}.bin");
            match (expect, files.get(&path)) {
                (Expect::Absent, None) => {}
                (Expect::Holds(want), Some(got)) if got == want => {}
                (e, got) => fail.push(format!(
                    "{path}: ends as {:?} bytes, its owner expects {e:?}",
                    got.map(Vec::len)
                )),
            }
        }
        if res.iter().map(|r| r.1).sum::<u64>() == 0 {
            fail.push("the quota was never hit: the suite did not test the boundary".into());
        }
    }))
}

// ST-05: 20 threads on a shared tree of 5 directories: mkdir (with parents), write own files,
// listdir, read back, rmtree. NotFound and FileOpen are expected; listings and contents must
// stay well-formed; the final tree must agree with stats().
fn st05(cfg: &RunCfg) -> Result<SuiteRun, String> {
    const THREADS: usize = 20;
    const LEN: usize = 80;
    let n = cfg.iters(500);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st05", false)
        .map_err(|e| format!("setup: {e}"))?;
    let wfs = fs.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("tree", THREADS)]),
        cfg.deadline,
        move |ctx| {
            let t = ctx.id;
            for i in 0..n {
                ctx.iter(i);
                let k = (t + i as usize * 3) % 5;
                let dir = format!("/st05/d{k}");
                let file = format!("{dir}/f_{t}.bin");
                match (i + t as u64) % 6 {
                    0 | 1 => {
                        ctx.op(OpCode::Mkdir);
                        if let Err(e) = wfs.mkdir(&format!("{dir}/sub{}", t % 3), true) {
                            ctx.tally.error(&e, &[], "mkdir");
                        }
                    }
                    2 => {
                        let data = payload("st05", t, i, LEN);
                        if let Err(f) =
                            write_parts(&wfs, ctx, &file, OpenMode::Write, None, &[&data])
                        {
                            // the directory may have just been removed, or removed mid-write
                            ctx.tally.error(f.error(), &[ErrorKind::NotFound], "write");
                        }
                    }
                    3 => {
                        ctx.op(OpCode::Listdir);
                        match wfs.listdir(&dir) {
                            Ok(names) => {
                                for name in names {
                                    let known = name
                                        .strip_prefix("sub")
                                        .is_some_and(|x| ["0", "1", "2"].contains(&x))
                                        || (name.starts_with("f_") && name.ends_with(".bin"));
                                    if !known {
                                        ctx.tally.fail(format!(
                                            "listdir({dir}) returned unknown name {name:?}"
                                        ));
                                    }
                                }
                            }
                            Err(e) => ctx.tally.error(&e, &[ErrorKind::NotFound], "listdir"),
                        }
                    }
                    4 => match read_all(&wfs, ctx, &file, None) {
                        Ok(got) if matches!(parse_payload("st05", &got, LEN), Some((tt, _)) if tt == t) =>
                            {}
                        Ok(got) => ctx.tally.fail(format!(
                            "{file}: {} bytes that are not a whole payload",
                            got.len()
                        )),
                        Err(e) => ctx.tally.error(&e, &[ErrorKind::NotFound], "read"),
                    },
                    _ => {
                        ctx.op(OpCode::Rmtree);
                        if let Err(e) = wfs.rmtree(&dir) {
                            ctx.tally.error(
                                &e,
                                &[ErrorKind::NotFound, ErrorKind::WouldBlock],
                                "rmtree",
                            );
                        }
                    }
                }
            }
        },
    )?;
    Ok(finish("st05", &fs, out, |_, files, fail| {
        for (path, data) in files {
            let owner = path
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_prefix("f_"))
                .and_then(|f| f.strip_suffix(".bin"));
            let ok = matches!((owner.and_then(|o| o.parse::<usize>().ok()), parse_payload("st05", data, LEN)),
                (Some(o), Some((t, _))) if o == t);
            if !ok {
                fail.push(format!(
                    "{path}: final content is not a whole payload of its owner"
                ));
            }
        }
    }))
}

// ST-06: 10 renamers really rename their file back and forth (a_T <-> b_T, sometimes through
// a shared "hot" name) while 10 threads stat all names. A found file always has its owner's
// size; at the end each file is where its renamer left it with content and generation intact.
fn st06(cfg: &RunCfg) -> Result<SuiteRun, String> {
    const RENAMERS: usize = 10;
    const STATERS: usize = 10;
    const HOT: &str = "/st06/hot";
    let n = cfg.iters(500);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st06", false)
        .map_err(|e| format!("setup: {e}"))?;
    let size = |t: usize| 100 + t;
    for t in 0..RENAMERS {
        let mut h = fs
            .open(&format!("/st06/a_{t}"), OpenMode::Write)
            .map_err(|e| format!("setup: {e}"))?;
        h.write_data(&payload("st06", t, 0, size(t)))
            .map_err(|e| format!("setup: {e}"))?;
        h.close();
    }
    let gens: Vec<u64> = (0..RENAMERS)
        .map(|t| fs.stat(&format!("/st06/a_{t}")).map(|s| s.generation))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("setup: {e}"))?;
    let wfs = fs.clone();
    let out = run_workers(
        Some(&fs),
        labels(&[("renamer", RENAMERS), ("stat", STATERS)]),
        cfg.deadline,
        move |ctx| {
            let t = ctx.id;
            let mut location = format!("/st06/a_{t}");
            let mut renames = 0u64;
            for i in 0..n {
                ctx.iter(i);
                if t < RENAMERS {
                    let target = if location == HOT {
                        if i % 2 == 0 {
                            format!("/st06/a_{t}")
                        } else {
                            format!("/st06/b_{t}")
                        }
                    } else if i % 4 == 3 {
                        HOT.to_string()
                    } else if location.contains("/a_") {
                        format!("/st06/b_{t}")
                    } else {
                        format!("/st06/a_{t}")
                    };
                    ctx.op(OpCode::Rename);
                    match wfs.rename(&location, &target) {
                        Ok(()) => {
                            location = target;
                            renames += 1;
                        }
                        Err(e) if target == HOT => {
                            ctx.tally
                                .error(&e, &[ErrorKind::AlreadyExists], "rename to hot")
                        }
                        Err(e) => ctx.tally.error(&e, &[], "rename"),
                    }
                } else {
                    let o = (t + i as usize) % RENAMERS;
                    for p in [
                        format!("/st06/a_{o}"),
                        format!("/st06/b_{o}"),
                        HOT.to_string(),
                    ] {
                        ctx.op(OpCode::Stat);
                        match wfs.stat(&p) {
                            Ok(s) => {
                                let fits = if p == HOT {
                                    (100..100 + RENAMERS as u64).contains(&s.size)
                                } else {
                                    s.size == size(o) as u64
                                };
                                if s.is_dir || !fits {
                                    ctx.tally.fail(format!(
                                        "stat({p}) = size {} is_dir {}: not the renamed file",
                                        s.size, s.is_dir
                                    ));
                                }
                            }
                            Err(e) => ctx.tally.error(&e, &[ErrorKind::NotFound], "stat"),
                        }
                    }
                }
            }
            (location, renames)
        },
    )?;
    Ok(finish("st06", &fs, out, |res, files, fail| {
        let mut expected: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (t, (loc, _)) in res[..RENAMERS].iter().enumerate() {
            expected.insert(loc.clone(), payload("st06", t, 0, size(t)));
            match fs.stat(loc) {
                Ok(s) if s.generation == gens[t] => {}
                Ok(s) => fail.push(format!(
                    "{loc}: generation {} after renames, was {}",
                    s.generation, gens[t]
                )),
                Err(e) => fail.push(format!("{loc}: {e}")),
            }
        }
        if files != &expected {
            let got: Vec<&String> = files.keys().collect();
            let want: Vec<&String> = expected.keys().collect();
            fail.push(format!(
                "final files {got:?} (or contents) differ from the renamers' record {want:?}"
            ));
        }
        if res[..RENAMERS].iter().map(|r| r.1).sum::<u64>() == 0 {
            fail.push("no rename succeeded".into());
        }
    }))
}
