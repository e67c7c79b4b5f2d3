//! Multi-threaded stress: no torn reads, no lost writes, quota and counts under contention,
//! structural races and the seed stress workload (semantics §3, §9; seed 004 §7, §15, §19;
//! seed 000). Every thread must finish; no test asserts a duration.

// This test crate's own threads synchronize with std primitives on purpose (they exercise the
// library from outside); the sync-facade rule of `clippy.toml` is about the library's code.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;
use common::*;
use memfs_core::{
    ErrorKind, FileHandle, LockWait, MemoryFileSystem, NamespaceLock, OpenMode, OpenOptions,
};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

fn forever() -> OpenOptions {
    OpenOptions::new().lock_timeout(LockWait::Forever)
}

#[test]
fn test_send_sync() {
    // spec: CONC-9
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<MemoryFileSystem>();
    send::<FileHandle>();
    send_sync::<memfs_core::MfsError>();
}

#[test]
fn test_no_deadlock_on_concurrent_open() {
    // spec: CONC-13, LOCK-2
    let fs = Arc::new(fs());
    put(&fs, "/shared.bin", &[b'x'; 100]);
    let threads: Vec<_> = (0..5)
        .map(|_| {
            let fs = fs.clone();
            thread::spawn(move || {
                for _ in 0..50 {
                    let mut h = fs.open("/shared.bin", OpenMode::Read).unwrap();
                    assert_eq!(h.read_data(None).unwrap().len(), 100);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn test_no_torn_reads() {
    // spec: CONC-10, OPEN-10
    let fs = Arc::new(fs());
    put(&fs, "/f", &[0u8; 4096]);
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (1..=2u8)
        .map(|id| {
            let fs = fs.clone();
            thread::spawn(move || {
                for i in 0..100u8 {
                    let mut h = fs.open_with("/f", OpenMode::Write, &forever()).unwrap();
                    h.write_all(&[id.wrapping_mul(100).wrapping_add(i); 4096])
                        .unwrap();
                    h.close();
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (fs, stop) = (fs.clone(), stop.clone());
            thread::spawn(move || {
                let mut seen = 0;
                while !stop.load(Ordering::SeqCst) || seen == 0 {
                    let mut h = fs.open_with("/f", OpenMode::Read, &forever()).unwrap();
                    let data = h.read_data(None).unwrap();
                    h.close();
                    assert_eq!(data.len(), 4096, "a reader saw a partial file");
                    assert!(
                        data.iter().all(|b| *b == data[0]),
                        "a reader saw a torn write"
                    );
                    seen += 1;
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    for r in readers {
        r.join().unwrap();
    }
}

#[test]
fn test_no_lost_appends() {
    // spec: CONC-11, HANDLE-11
    let fs = Arc::new(fs());
    put(&fs, "/log", b"");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let fs = fs.clone();
            thread::spawn(move || {
                for i in 0..100 {
                    let mut h = fs.open_with("/log", OpenMode::Append, &forever()).unwrap();
                    h.write_all(format!("{t}:{i};").as_bytes()).unwrap();
                    h.close();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let log = String::from_utf8(get(&fs, "/log")).unwrap();
    let mut records: Vec<&str> = log.split(';').filter(|s| !s.is_empty()).collect();
    assert_eq!(records.len(), 800);
    records.sort();
    records.dedup();
    assert_eq!(
        records.len(),
        800,
        "every acknowledged append is there exactly once"
    );
    assert_eq!(fs.stat("/log").unwrap().generation, 800);
    check_invariants(&fs);
}

#[test]
fn test_quota_never_exceeded_under_contention() {
    // spec: CONC-12, QUOTA-11
    let quota = 20_000;
    let fs = Arc::new(build(
        MemoryFileSystem::builder().quota(quota).chunk_overhead(16),
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let monitor = {
        let (fs, stop) = (fs.clone(), stop.clone());
        thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let s = fs.stats();
                assert!(
                    s.used_bytes <= s.quota_bytes,
                    "used {} > quota {}",
                    s.used_bytes,
                    s.quota_bytes
                );
                assert_eq!(s.free_bytes, s.quota_bytes - s.used_bytes);
                thread::yield_now();
            }
        })
    };
    let workers: Vec<_> = (0..6u64)
        .map(|t| {
            let fs = fs.clone();
            thread::spawn(move || {
                let mut quota_errors = 0;
                for i in 0..200u64 {
                    let p = format!("/w{t}/f{}", i % 7);
                    fs.mkdir(&format!("/w{t}"), true).unwrap();
                    let size = ((t * 131 + i * 37) % 900) as usize + 1;
                    let r = match i % 4 {
                        0 => fs.import_tree([(p.clone(), vec![t as u8; size])]),
                        1 => fs
                            .copy(&format!("/w{t}/f0"), &format!("/w{t}/c{i}"))
                            .or_else(|e| {
                                if e.kind() == ErrorKind::NotFound
                                    || e.kind() == ErrorKind::AlreadyExists
                                {
                                    Ok(())
                                } else {
                                    Err(e)
                                }
                            }),
                        2 => fs.remove(&p).or_else(|e| {
                            if e.kind() == ErrorKind::NotFound {
                                Ok(())
                            } else {
                                Err(e)
                            }
                        }),
                        _ => {
                            let mut h = fs.open(&p, OpenMode::Append).unwrap();
                            h.write_data(&vec![1u8; size]).map(|_| ())
                        }
                    };
                    match r {
                        Ok(()) => {}
                        Err(e) if e.kind() == ErrorKind::QuotaExceeded => quota_errors += 1,
                        Err(e) => panic!("unexpected error {e:?}"),
                    }
                }
                quota_errors
            })
        })
        .collect();
    let total_quota_errors: u32 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    stop.store(true, Ordering::SeqCst);
    monitor.join().unwrap();
    assert!(
        total_quota_errors > 0,
        "the workload must actually hit the quota"
    );
    check_invariants(&fs);
}

#[test]
fn test_seed_stress_workload() {
    // Both namespace locks: the sharded default and the single one model checkers use.
    for kind in [NamespaceLock::Sharded, NamespaceLock::Single] {
        // spec: CONC-13, CONC-11, CONC-12
        // seed 000: 50 threads, each mkdir /thread_T (exist_ok), write data-T-i, read it back.
        // 200 iterations per thread here (the bench runs the full 1000).
        let fs = Arc::new(build(
            MemoryFileSystem::builder()
                .namespace_lock(kind)
                .quota(50 * 1024 * 1024),
        ));
        let threads: Vec<_> = (0..50)
            .map(|t| {
                let fs = fs.clone();
                thread::spawn(move || {
                    for i in 0..200 {
                        let path = format!("/thread_{t}/file_{i}.txt");
                        fs.mkdir(&format!("/thread_{t}"), true).unwrap();
                        let expected = format!("data-{t}-{i}").into_bytes();
                        let mut h = fs.open(&path, OpenMode::Write).unwrap();
                        h.write_all(&expected).unwrap();
                        h.close();
                        let mut h = fs.open(&path, OpenMode::Read).unwrap();
                        assert_eq!(h.read_data(None).unwrap(), expected);
                        h.close();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("every thread must finish without error");
        }
        let s = fs.stats();
        assert_eq!(s.file_count, 50 * 200);
        assert_eq!(s.dir_count, 51);
        assert_eq!(get(&fs, "/thread_49/file_199.txt"), b"data-49-199");
        check_invariants(&fs);
    }
}

#[test]
fn test_concurrent_writes_no_data_corruption_stress() {
    // spec: CONC-10, CONC-11
    let fs = Arc::new(build(MemoryFileSystem::builder().quota(1 << 20)));
    let threads: Vec<_> = (0..8u8)
        .map(|id| {
            let fs = fs.clone();
            thread::spawn(move || {
                let path = format!("/file_{id}.bin");
                for _ in 0..100 {
                    put(&fs, &path, &[id; 100]);
                    assert_eq!(get(&fs, &path), vec![id; 100]);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    check_invariants(&fs);
}

#[test]
fn test_concurrent_stat_during_writes() {
    // spec: CONC-8, CONC-13
    let fs = Arc::new(fs());
    put(&fs, "/target.bin", b"initial");
    let writer = {
        let fs = fs.clone();
        thread::spawn(move || {
            for i in 0..50 {
                let mut h = fs
                    .open_with("/target.bin", OpenMode::Write, &forever())
                    .unwrap();
                h.write_all(&vec![b'x'; i + 1]).unwrap();
                h.close();
            }
        })
    };
    let statter = {
        let fs = fs.clone();
        thread::spawn(move || {
            for _ in 0..200 {
                let st = fs.stat("/target.bin").expect("the file always exists");
                assert!(st.size <= 50);
                assert!(st.created_at <= st.modified_at);
                fs.stats();
                fs.listdir("/").unwrap();
                fs.glob("/*.bin").unwrap();
            }
        })
    };
    writer.join().unwrap();
    statter.join().unwrap();
    assert_eq!(fs.get_size("/target.bin").unwrap(), 50);
}

#[test]
fn test_export_as_bytesio_races_with_remove() {
    // spec: CONC-13, EXPORT-6
    let fs = Arc::new(fs());
    put(&fs, "/f.bin", b"data");
    let exporter = {
        let fs = fs.clone();
        thread::spawn(move || {
            for _ in 0..200 {
                match fs.export_as_bytesio("/f.bin", None) {
                    Ok(bio) => assert_eq!(bio.into_inner(), b"data"),
                    Err(e) => assert_eq!(e.kind(), ErrorKind::NotFound, "{e}"),
                }
            }
        })
    };
    let remover = {
        let fs = fs.clone();
        thread::spawn(move || {
            for _ in 0..200 {
                match fs.remove("/f.bin") {
                    Ok(()) => {}
                    Err(e) => assert!(
                        matches!(e.kind(), ErrorKind::NotFound | ErrorKind::WouldBlock),
                        "{e}"
                    ),
                }
                if !fs.exists("/f.bin") {
                    let mut h = fs.open_with("/f.bin", OpenMode::Write, &forever()).unwrap();
                    h.write_all(b"data").unwrap();
                    h.close();
                }
            }
        })
    };
    exporter.join().unwrap();
    remover.join().unwrap();
    check_invariants(&fs);
}

#[test]
fn test_rename_races_keep_counts_exact() {
    // spec: CONC-12, CONC-13, RENAME-8
    let fs = Arc::new(fs());
    for t in 0..4 {
        fs.mkdir(&format!("/d{t}"), false).unwrap();
        for i in 0..10 {
            put(&fs, &format!("/d{t}/f{i}"), b"x");
        }
    }
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let fs = fs.clone();
            thread::spawn(move || {
                for round in 0..50 {
                    let i = round % 10;
                    let (a, b) = (
                        format!("/d{t}/f{i}"),
                        format!("/d{}/moved_{t}_{i}", (t + 1) % 4),
                    );
                    fs.rename(&a, &b).unwrap();
                    fs.rename(&b, &a).unwrap();
                    fs.walk("/").unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(fs.stats().file_count, 40);
    assert_eq!(fs.stats().dir_count, 5);
    check_invariants(&fs);
}

#[test]
fn test_structural_races_leave_no_orphans() {
    // Both namespace locks: the sharded default and the single one model checkers use.
    for kind in [NamespaceLock::Sharded, NamespaceLock::Single] {
        // spec: CONC-12, TREE-4, TREE-5, QUOTA-11
        let fs = Arc::new(build(
            MemoryFileSystem::builder()
                .namespace_lock(kind)
                .quota(2_000_000)
                .default_lock_timeout(LockWait::For(Duration::from_millis(200))),
        ));
        let ok_kinds = [
            ErrorKind::NotFound,
            ErrorKind::AlreadyExists,
            ErrorKind::WouldBlock,
            ErrorKind::QuotaExceeded,
        ];
        let check = move |r: memfs_core::Result<()>| {
            if let Err(e) = r {
                assert!(ok_kinds.contains(&e.kind()), "unexpected {e:?}");
            }
        };
        let threads: Vec<_> = (0..6usize)
            .map(|t| {
                let fs = fs.clone();
                thread::spawn(move || {
                    for i in 0..150usize {
                        match t {
                            0 => {
                                check(fs.import_tree([(format!("/shared/x/f{i}"), vec![1u8; 100])]))
                            }
                            1 => check(fs.rmtree("/shared")),
                            2 => {
                                check(fs.copy_tree("/shared", "/copy"));
                                check(fs.rmtree("/copy"));
                            }
                            3 => {
                                check(fs.rename("/shared/x", "/shared/y"));
                                check(fs.move_path("/shared/y", "/shared/x"));
                            }
                            4 => {
                                check(fs.mkdir("/shared/x", true).or_else(|e| {
                                    if e.kind() == ErrorKind::AlreadyExists {
                                        Ok(())
                                    } else {
                                        Err(e)
                                    }
                                }));
                                if let Ok(mut h) =
                                    fs.open(&format!("/shared/x/w{i}"), OpenMode::Write)
                                {
                                    check(h.write_data(&[2u8; 50]).map(|_| ()));
                                }
                            }
                            _ => {
                                check(fs.export_tree("/", false).map(|_| ()));
                                let _ = fs.glob("/**");
                                let _ = fs.walk("/");
                            }
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no panic");
        }
        check_invariants(&fs);
    }
}
