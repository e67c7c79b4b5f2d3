//! Quota and namespace suites: ST-04 (writes at the quota boundary), ST-05 (directory tree
//! churn) and ST-06 (stat during real renames).

use super::{RunCfg, SuiteRun, build, finish, labels};
use crate::stress::StressError;
use crate::stress::io::{WriteFail, parse_payload, payload, read_all, write_parts};
use crate::stress::progress::OpCode;
use crate::stress::runner::run_workers;
use memfs_core::{ErrorKind, OpenMode};
use std::collections::BTreeMap;

/// What a thread of ST-04 knows its own file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Absent,
    Holds(Vec<u8>),
}

// ST-04: 40 threads write their own files (two writes per cycle, sizes varying) under a quota
// far below demand; QuotaExceeded is the only allowed error, nothing is ever torn, each file
// ends exactly as its thread last left it, and used <= quota at every sample.
pub(super) fn st04(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const THREADS: usize = 40;
    const QUOTA: u64 = 24 * 1024;
    let n = cfg.iters(500);
    let fs = build(QUOTA)?;
    fs.mkdir("/st04", false)?;
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
pub(super) fn st05(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const THREADS: usize = 20;
    const LEN: usize = 80;
    let n = cfg.iters(500);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st05", false)?;
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
pub(super) fn st06(cfg: &RunCfg) -> Result<SuiteRun, StressError> {
    const RENAMERS: usize = 10;
    const STATERS: usize = 10;
    const HOT: &str = "/st06/hot";
    let n = cfg.iters(500);
    let fs = build(64 * 1024 * 1024)?;
    fs.mkdir("/st06", false)?;
    let size = |t: usize| 100 + t;
    for t in 0..RENAMERS {
        let mut h = fs.open(&format!("/st06/a_{t}"), OpenMode::Write)?;
        h.write_data(&payload("st06", t, 0, size(t)))?;
        h.close();
    }
    let gens: Vec<u64> = (0..RENAMERS)
        .map(|t| fs.stat(&format!("/st06/a_{t}")).map(|s| s.generation))
        .collect::<Result<_, _>>()?;
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
