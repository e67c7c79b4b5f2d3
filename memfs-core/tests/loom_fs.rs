//! Filesystem-level loom models through the public API: open racing remove / rename / rmtree
//! of the same file or an ancestor, `wb` truncation racing a reader, and import_tree racing
//! an open. Every interleaving (up to the preemption bound) must give one of the outcomes the
//! semantics allow, and leave counts and usage describing the reachable tree.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p memfs-core --test loom_fs --release`
#![cfg(loom)]
// The model's bookkeeping counts interleavings with a std atomic on purpose (outside what loom
// explores); the sync-facade rule of `clippy.toml` is about the library's code.
#![allow(clippy::disallowed_types)]

use loom::thread;
use memfs_core::{
    BlockReason, ErrorKind, LockWait, MemoryFileSystem, MfsError, OpenMode, OpenOptions,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Opens never wait in the models: a busy lock is an immediate `WouldBlock(LockTimeout)`, so
/// no timed wait (which loom cannot model) is involved.
/// Runs `f` under loom and returns how many interleavings were explored: a model that only
/// ever sees one interleaving is not reaching the core's synchronization (the facade did not
/// switch to loom), so every model asserts more than one.
fn explore(name: &str, f: impl Fn() + Sync + Send + 'static) {
    explore_bounded(name, None, f)
}

/// [`explore`] with a preemption bound (`LOOM_MAX_PREEMPTIONS` still overrides it): the
/// shared-mode models take many more locks per operation, and exploring them unbounded takes
/// hours; a bound of 2-3 finds almost all bugs in practice (the loom and CHESS findings).
fn explore_bounded(name: &str, bound: Option<usize>, f: impl Fn() + Sync + Send + 'static) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = bound;
    }
    builder.check(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        f();
    });
    let n = runs.load(Ordering::Relaxed);
    eprintln!("{name}: {n} interleavings explored");
    assert!(n > 1, "{name}: loom explored a single interleaving");
}

fn try_once() -> OpenOptions {
    OpenOptions::new().lock_timeout(LockWait::For(Duration::ZERO))
}

fn new_fs(files: &[(&str, &[u8])]) -> Arc<MemoryFileSystem> {
    let fs = MemoryFileSystem::builder()
        .quota(1 << 20)
        .build()
        .expect("build");
    for (p, d) in files {
        if let Some((parent, _)) = p.rsplit_once('/')
            && !parent.is_empty()
        {
            fs.mkdir(parent, true).expect("mkdir");
        }
        let mut h = fs.open(p, OpenMode::Write).expect("create");
        h.write_data(d).expect("write");
        h.close();
    }
    Arc::new(fs)
}

fn read(fs: &MemoryFileSystem, p: &str) -> Option<Vec<u8>> {
    let mut h = fs.open_with(p, OpenMode::Read, &try_once()).ok()?;
    let d = h.read_data(None).expect("read");
    h.close();
    Some(d)
}

fn is_lock_timeout(e: &MfsError) -> bool {
    matches!(
        e,
        MfsError::WouldBlock {
            reason: BlockReason::LockTimeout,
            ..
        }
    )
}

fn is_file_open(e: &MfsError) -> bool {
    matches!(
        e,
        MfsError::WouldBlock {
            reason: BlockReason::FileOpen,
            ..
        }
    )
}

/// Counts and usage equal the reachable tree (semantics §2): walked files and directories,
/// used bytes recomputed from every file's layout.
fn assert_consistent(fs: &MemoryFileSystem) {
    let walk = fs.walk("/").expect("walk");
    let mut files = 0;
    let mut charged = 0;
    for e in &walk {
        for f in &e.files {
            let p = if e.dir == "/" {
                format!("/{f}")
            } else {
                format!("{}/{f}", e.dir)
            };
            charged += fs.file_layout(&p).expect("layout").charged;
            files += 1;
        }
    }
    let s = fs.stats();
    assert_eq!(s.file_count, files, "file_count vs tree");
    assert_eq!(s.dir_count, walk.len() as u64, "dir_count vs tree");
    assert_eq!(s.used_bytes, charged, "used vs recomputed");
    assert!(s.used_bytes <= s.quota_bytes);
}

// spec: CONC-5, REMOVE-3, CONC-10, TREE-4
#[test]
fn open_read_races_remove_of_the_same_file() {
    explore("open_read_races_remove_of_the_same_file", || {
        let fs = new_fs(&[("/f", b"data")]);
        let fs2 = fs.clone();
        let reader =
            thread::spawn(
                move || match fs2.open_with("/f", OpenMode::Read, &try_once()) {
                    Ok(mut h) => {
                        let d = h.read_data(None).expect("read an open file");
                        h.close();
                        Some(d)
                    }
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
                        None
                    }
                },
            );
        let removed = fs.remove("/f");
        let seen = reader.join().expect("reader");
        if let Some(d) = &seen {
            assert_eq!(d, b"data", "a reader saw a partially removed file");
        }
        match &removed {
            Ok(()) => assert!(!fs.exists("/f")),
            Err(e) => {
                assert!(is_file_open(e), "remove failed with {e}");
                assert!(
                    seen.is_some(),
                    "remove saw an open handle that never existed"
                );
                assert_eq!(read(&fs, "/f").as_deref(), Some(&b"data"[..]));
            }
        }
        if seen.is_none() {
            assert!(
                removed.is_ok(),
                "open said NotFound but the remove did not happen"
            );
        }
        assert_consistent(&fs);
    });
}

// spec: CONC-5, RENAME-6, CONC-11, TREE-4
#[test]
fn open_write_races_rename_of_an_ancestor() {
    explore("open_write_races_rename_of_an_ancestor", || {
        let fs = new_fs(&[("/d/f", b"old")]);
        let fs2 = fs.clone();
        let writer =
            thread::spawn(
                move || match fs2.open_with("/d/f", OpenMode::ReadWrite, &try_once()) {
                    Ok(mut h) => {
                        h.write_data(b"NEW").expect("write");
                        h.close();
                        true
                    }
                    Err(e) => {
                        // after the rename /d/f is gone
                        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
                        false
                    }
                },
            );
        let renamed = fs.rename("/d", "/e");
        let wrote = writer.join().expect("writer");
        match &renamed {
            Ok(()) => {
                assert!(!fs.exists("/d") && !fs.exists("/d/f"));
                let d = read(&fs, "/e/f").expect("moved file");
                assert_eq!(d, if wrote { &b"NEW"[..] } else { &b"old"[..] });
            }
            Err(e) => {
                assert!(is_file_open(e), "rename failed with {e}");
                assert!(wrote, "rename blocked by a handle that never opened");
                assert_eq!(read(&fs, "/d/f").as_deref(), Some(&b"NEW"[..]));
            }
        }
        assert_consistent(&fs);
    });
}

// spec: CONC-5, RMTREE-4, CONC-12, TREE-4
#[test]
fn open_append_races_rmtree_of_an_ancestor() {
    explore("open_append_races_rmtree_of_an_ancestor", || {
        let fs = new_fs(&[("/d/s/f", b"ab")]);
        let fs2 = fs.clone();
        let writer =
            thread::spawn(
                move || match fs2.open_with("/d/s/f", OpenMode::Append, &try_once()) {
                    Ok(mut h) => {
                        h.write_data(b"cd").expect("append");
                        h.close();
                        true
                    }
                    Err(e) => {
                        // creating under a removed directory: the parent is missing
                        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
                        false
                    }
                },
            );
        let removed = fs.rmtree("/d");
        let wrote = writer.join().expect("writer");
        match &removed {
            Ok(()) => {
                assert!(!fs.exists("/d"), "rmtree left /d");
                let s = fs.stats();
                assert_eq!(
                    (s.file_count, s.dir_count, s.used_bytes),
                    (0, 1, 0),
                    "rmtree left usage behind"
                );
            }
            Err(e) => {
                assert!(is_file_open(e), "rmtree failed with {e}");
                assert!(wrote);
                assert_eq!(read(&fs, "/d/s/f").as_deref(), Some(&b"abcd"[..]));
            }
        }
        assert_consistent(&fs);
    });
}

// spec: CONC-10, OPEN-9, LOCK-1, LOCK-3
#[test]
fn wb_truncation_is_never_seen_by_a_concurrent_reader() {
    explore("wb_truncation_is_never_seen_by_a_concurrent_reader", || {
        let fs = new_fs(&[("/f", b"0123")]);
        let fs2 = fs.clone();
        let writer =
            thread::spawn(
                move || match fs2.open_with("/f", OpenMode::Write, &try_once()) {
                    Ok(mut h) => {
                        // two writes: a reader must see neither the empty file nor the first half
                        h.write_data(b"ab").expect("write");
                        h.write_data(b"cd").expect("write");
                        h.close();
                        true
                    }
                    Err(e) => {
                        assert!(is_lock_timeout(&e), "{e}");
                        false
                    }
                },
            );
        let seen = match fs.open_with("/f", OpenMode::Read, &try_once()) {
            Ok(mut h) => {
                let d = h.read_data(None).expect("read");
                h.close();
                Some(d)
            }
            Err(e) => {
                assert!(is_lock_timeout(&e), "{e}");
                None
            }
        };
        let wrote = writer.join().expect("writer");
        if let Some(d) = seen {
            assert!(
                d == b"0123" || d == b"abcd",
                "reader saw torn state {:?}",
                String::from_utf8_lossy(&d)
            );
        }
        let end = read(&fs, "/f").expect("file");
        assert_eq!(end, if wrote { &b"abcd"[..] } else { &b"0123"[..] });
        assert_consistent(&fs);
    });
}

// spec: CONC-5, IMPORT-4, IMPORT-6
#[test]
fn import_tree_races_an_open_of_one_of_its_targets() {
    explore("import_tree_races_an_open_of_one_of_its_targets", || {
        let fs = new_fs(&[("/d/f", b"orig")]);
        let fs2 = fs.clone();
        let writer =
            thread::spawn(
                move || match fs2.open_with("/d/f", OpenMode::ReadWrite, &try_once()) {
                    Ok(mut h) => {
                        h.write_data(b"MINE").expect("write");
                        h.close();
                        true
                    }
                    Err(e) => {
                        // the import may hold the file while replacing it
                        assert!(is_lock_timeout(&e), "{e}");
                        false
                    }
                },
            );
        let imported = fs.import_tree([("/d/f", &b"imported"[..]), ("/d/new/g", &b"x"[..])]);
        let wrote = writer.join().expect("writer");
        let f = read(&fs, "/d/f").expect("f survives");
        match &imported {
            Ok(()) => {
                assert_eq!(read(&fs, "/d/new/g").as_deref(), Some(&b"x"[..]));
                // the open came before (its write was replaced) or after (it overwrote 4 bytes)
                assert!(
                    f == b"imported" || f == b"MINErted",
                    "f = {:?}",
                    String::from_utf8_lossy(&f)
                );
            }
            Err(e) => {
                assert!(is_file_open(e), "import failed with {e}");
                assert!(wrote);
                // all or nothing: nothing of the import exists
                assert!(!fs.exists("/d/new"), "a failed import left /d/new behind");
                assert_eq!(f, b"MINE");
            }
        }
        assert_consistent(&fs);
    });
}

// spec: CONC-5, CONC-10, CONC-12, LOCK-3
#[test]
fn reader_writer_and_remove_of_one_file_with_a_stats_sampler() {
    explore(
        "reader_writer_and_remove_of_one_file_with_a_stats_sampler",
        || {
            let fs = new_fs(&[("/f", b"data")]);
            let (fs_r, fs_w) = (fs.clone(), fs.clone());
            let reader =
                thread::spawn(
                    move || match fs_r.open_with("/f", OpenMode::Read, &try_once()) {
                        Ok(mut h) => {
                            let d = h.read_data(None).expect("read");
                            h.close();
                            assert!(
                                d == b"data" || d == b"NEW!",
                                "torn read {:?}",
                                String::from_utf8_lossy(&d)
                            );
                        }
                        Err(e) => assert!(
                            e.kind() == ErrorKind::NotFound || is_lock_timeout(&e),
                            "{e}"
                        ),
                    },
                );
            let writer = thread::spawn(move || {
                match fs_w.open_with("/f", OpenMode::ReadWrite, &try_once()) {
                    Ok(mut h) => {
                        h.write_data(b"NEW!").expect("write");
                        h.close();
                    }
                    Err(e) => assert!(
                        e.kind() == ErrorKind::NotFound || is_lock_timeout(&e),
                        "{e}"
                    ),
                }
            });
            // a sample taken while the others run: the sequential file (4 + one 128 chunk), the
            // promotion of the r+b write in flight (its copy reserved: + 4), the promoted
            // random-access file (4), or nothing after the remove (semantics §3)
            let s = fs.stats();
            assert!(
                [132, 136, 4, 0].contains(&s.used_bytes),
                "used {}",
                s.used_bytes
            );
            assert_eq!(s.free_bytes, s.quota_bytes - s.used_bytes);
            let removed = fs.remove("/f");
            reader.join().expect("reader");
            writer.join().expect("writer");
            match removed {
                Ok(()) => assert!(!fs.exists("/f")),
                Err(e) => {
                    assert!(is_file_open(&e), "{e}");
                    let d = read(&fs, "/f").expect("still there");
                    assert!(d == b"data" || d == b"NEW!");
                }
            }
            assert_consistent(&fs);
        },
    );
}

// An open is one atomic step: once another thread can see the writer lock of a `wb` open
// (its own open fails with LockTimeout), it must also see the truncation (semantics §4: wb
// truncates once its writer lock is held). Found by the linearizability checker first.
// spec: OPEN-9, CONC-2, LOCK-3
#[test]
fn a_wb_open_that_blocks_others_has_already_truncated() {
    explore("a_wb_open_that_blocks_others_has_already_truncated", || {
        let fs = new_fs(&[("/f", b"0123")]);
        let fs2 = fs.clone();
        let writer = thread::spawn(move || {
            // the reader may hold its lock first: then this open fails and changes nothing
            match fs2.open_with("/f", OpenMode::Write, &try_once()) {
                Ok(mut h) => h.close(),
                Err(e) => assert!(is_lock_timeout(&e), "{e}"),
            }
        });
        let blocked = match fs.open_with("/f", OpenMode::Read, &try_once()) {
            Ok(mut h) => {
                h.close();
                false
            }
            Err(e) => {
                assert!(is_lock_timeout(&e), "{e}");
                true
            }
        };
        let size = fs.stat("/f").expect("stat").size;
        writer.join().expect("writer");
        if blocked {
            assert_eq!(
                size, 0,
                "the wb open held its lock but had not truncated yet (non-atomic open)"
            );
        }
    });
}

/// `wb`-opens `p` without waiting and writes `data`: `true` if written, `false` if the lock
/// was busy (any other error fails the model).
fn create_or_busy(fs: &MemoryFileSystem, p: &str, data: &[u8]) -> bool {
    match fs.open_with(p, OpenMode::Write, &try_once()) {
        Ok(mut h) => {
            h.write_data(data).expect("write");
            h.close();
            true
        }
        Err(e) => {
            assert!(is_lock_timeout(&e), "create of {p} failed with {e}");
            false
        }
    }
}

// Shared-mode creation: two `wb` opens of the same missing file in one directory. Exactly one
// creates it; the other either opens the file the first created (after its close) or finds the
// lock busy. Never two files under one name, never a lost count.
// spec: CONC-3, OPEN-8, CONC-12, CONC-13
#[test]
fn two_creates_of_one_missing_file_link_it_once() {
    explore_bounded(
        "two_creates_of_one_missing_file_link_it_once",
        Some(4),
        || {
            let fs = new_fs(&[("/d/keep", b"k")]);
            let fs2 = fs.clone();
            let other = thread::spawn(move || create_or_busy(&fs2, "/d/f", b"B"));
            let mine = create_or_busy(&fs, "/d/f", b"A");
            let theirs = other.join().expect("other");
            assert!(mine || theirs, "both creates failed");
            assert_eq!(fs.listdir("/d").expect("listdir"), vec!["keep", "f"]);
            let d = read(&fs, "/d/f").expect("created file");
            assert!(d == b"A" || d == b"B", "content {d:?}");
            assert_consistent(&fs);
        },
    );
}

// Shared-mode creation in a directory racing its removal (exclusive mode): the create either
// happens first (then rmtree sees the open file or removes the closed one with its bytes) or
// finds the parent gone.
// spec: CONC-5, OPEN-5, CONC-12
#[test]
fn create_in_a_directory_races_its_rmtree() {
    explore_bounded("create_in_a_directory_races_its_rmtree", Some(4), || {
        let fs = new_fs(&[]);
        fs.mkdir("/d", false).expect("mkdir");
        let fs2 = fs.clone();
        let writer = thread::spawn(move || match fs2.open("/d/f", OpenMode::Write) {
            Ok(mut h) => {
                h.write_data(b"xy").expect("write");
                h.close();
                true
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
                false
            }
        });
        let removed = fs.rmtree("/d");
        let wrote = writer.join().expect("writer");
        match &removed {
            Ok(()) => assert!(!fs.exists("/d") && !fs.exists("/d/f")),
            Err(e) => {
                assert!(is_file_open(e), "rmtree failed with {e}");
                assert!(wrote, "rmtree saw a handle that never opened");
                assert_eq!(read(&fs, "/d/f").as_deref(), Some(&b"xy"[..]));
            }
        }
        if !wrote {
            assert!(
                removed.is_ok(),
                "create said NotFound but /d was not removed"
            );
        }
        assert_consistent(&fs);
    });
}

// Creations in two directories run side by side in shared mode while a sampler reads stats
// and listdir: counts and usage always describe a tree some order of the creates produced.
// spec: CONC-8, CONC-12
#[test]
fn creates_in_two_directories_with_a_stats_sampler() {
    explore_bounded(
        "creates_in_two_directories_with_a_stats_sampler",
        Some(3),
        || {
            let fs = new_fs(&[]);
            fs.mkdir("/a", false).expect("mkdir");
            fs.mkdir("/b", false).expect("mkdir");
            let fs2 = fs.clone();
            let other = thread::spawn(move || {
                let mut h = fs2.open("/b/g", OpenMode::Write).expect("create /b/g");
                h.write_data(b"12").expect("write");
                h.close();
            });
            let fs3 = fs.clone();
            let sampler = thread::spawn(move || {
                let s = fs3.stats();
                assert!(s.file_count <= 2 && s.used_bytes <= s.quota_bytes);
                // A file counted by stats is visible to a later listdir.
                let seen =
                    fs3.listdir("/a").expect("ls").len() + fs3.listdir("/b").expect("ls").len();
                assert!(
                    seen as u64 >= s.file_count,
                    "stats counted an invisible file"
                );
            });
            let mut h = fs.open("/a/f", OpenMode::Write).expect("create /a/f");
            h.write_data(b"1").expect("write");
            h.close();
            other.join().expect("other");
            sampler.join().expect("sampler");
            assert_eq!(fs.stats().file_count, 2);
            assert_consistent(&fs);
        },
    );
}

// Remove runs in shared mode (parent write-locked): racing a create of the same file it
// either finds nothing, finds the new file open, or removes it after its close, and counts
// and usage follow exactly.
// spec: CONC-5, REMOVE-3, CONC-12
#[test]
fn remove_races_a_create_of_the_same_file() {
    explore_bounded("remove_races_a_create_of_the_same_file", Some(4), || {
        let fs = new_fs(&[("/d/keep", b"k")]);
        let fs2 = fs.clone();
        let writer = thread::spawn(move || {
            let mut h = fs2
                .open_with("/d/f", OpenMode::Write, &try_once())
                .expect("nothing else opens /d/f");
            h.write_data(b"xyz").expect("write");
            h.close();
        });
        let removed = fs.remove("/d/f");
        writer.join().expect("writer");
        match &removed {
            Ok(()) => assert!(!fs.exists("/d/f"), "removed file still listed"),
            Err(e) if e.kind() == ErrorKind::NotFound || is_file_open(e) => {
                assert_eq!(read(&fs, "/d/f").as_deref(), Some(&b"xyz"[..]));
            }
            Err(e) => panic!("remove failed with {e}"),
        }
        assert_consistent(&fs);
    });
}

// `stats` runs in shared mode beside a remove and a preallocating create (both shared mode,
// each moving the file count and the usage): every sample is a state some order of the two
// produces, never a count from one state with the usage of another.
// spec: CONC-8, CONC-12, PREALLOC-1
#[test]
fn stats_pairs_count_and_usage_from_one_state() {
    explore_bounded(
        "stats_pairs_count_and_usage_from_one_state",
        Some(3),
        || {
            let fs = new_fs(&[("/a/f", b"1234")]);
            fs.mkdir("/b", false).expect("mkdir");
            let u0 = fs.stats().used_bytes;
            let fs2 = fs.clone();
            let creator = thread::spawn(move || {
                let opts = OpenOptions::new().preallocate(8);
                fs2.open_with("/b/g", OpenMode::Write, &opts)
                    .expect("create /b/g")
                    .close();
            });
            let fs3 = fs.clone();
            let sampler = thread::spawn(move || {
                let s = fs3.stats();
                (s.file_count, s.used_bytes)
            });
            fs.remove("/a/f").expect("remove");
            creator.join().expect("creator");
            let (files, used) = sampler.join().expect("sampler");
            let cg = fs.stats().used_bytes;
            let states = [(1, u0), (0, 0), (2, u0 + cg), (1, cg)];
            assert!(
                states.contains(&(files, used)),
                "stats saw {files} files and {used} bytes; states: {states:?}"
            );
            assert_consistent(&fs);
        },
    );
}

// ---- liveness and fairness: opens that wait (semantics §4, §9) --------------------------------
//
// The models above open try-once, so a release that forgot to wake anyone would pass them. In
// these, readers and writers wait through the open path (a writer registers as waiting, sleeps
// outside the namespace locks, wakes, looks the path up again and takes the lock). loom has no
// time: `Forever` sleeps on the lock's condvar until a release wakes it, so a missing wake-up
// leaves a thread blocked forever and loom reports the deadlock; a finite timeout re-checks
// once after a yield and then gives up (a writer that stops waiting).

fn forever() -> OpenOptions {
    OpenOptions::new().lock_timeout(LockWait::Forever)
}

/// Opens `p` in `mode` waiting forever and writes `data`.
fn wait_and_write(fs: &MemoryFileSystem, p: &str, mode: OpenMode, data: &[u8]) {
    let mut h = fs.open_with(p, mode, &forever()).expect("a waiting open");
    h.write_data(data).expect("write");
    h.close();
}

// A writer holds the file; a reader and a writer wait forever. The holder's close must wake
// them (and the first of them to finish must wake the other): both complete, the reader sees
// one whole version, the last writer's content stays.
// spec: LOCK-13, LOCK-5, LOCK-7, CONC-2, CONC-3, CONC-13
#[test]
fn waiting_reader_and_writer_are_woken_by_a_writers_close() {
    explore_bounded(
        "waiting_reader_and_writer_are_woken_by_a_writers_close",
        Some(4),
        || {
            let fs = new_fs(&[("/f", b"old")]);
            let mut h = fs
                .open_with("/f", OpenMode::ReadWrite, &try_once())
                .expect("hold");
            let (fs_r, fs_w) = (fs.clone(), fs.clone());
            let reader = thread::spawn(move || {
                let mut r = fs_r
                    .open_with("/f", OpenMode::Read, &forever())
                    .expect("a waiting rb open");
                let d = r.read_data(None).expect("read");
                r.close();
                d
            });
            let writer = thread::spawn(move || wait_and_write(&fs_w, "/f", OpenMode::Write, b"W!"));
            h.write_data(b"new").expect("write");
            h.close();
            let seen = reader.join().expect("reader");
            writer.join().expect("writer");
            assert!(
                seen == b"new" || seen == b"W!",
                "reader saw {:?}",
                String::from_utf8_lossy(&seen)
            );
            assert_eq!(read(&fs, "/f").as_deref(), Some(&b"W!"[..]));
            assert_consistent(&fs);
        },
    );
}

// Two readers hold the file; a writer waits forever (registered, outside the namespace locks).
// Only the last reader's close frees the lock for it, and that close must wake it.
// spec: LOCK-13, LOCK-5, LOCK-7, LOCK-11, CONC-3, CONC-13
#[test]
fn a_waiting_writer_is_woken_by_the_last_readers_close() {
    explore_bounded(
        "a_waiting_writer_is_woken_by_the_last_readers_close",
        Some(4),
        || {
            let fs = new_fs(&[("/f", b"old")]);
            let r1 = fs.open_with("/f", OpenMode::Read, &try_once()).expect("r1");
            let mut r2 = fs.open_with("/f", OpenMode::Read, &try_once()).expect("r2");
            let fs_w = fs.clone();
            let writer = thread::spawn(move || wait_and_write(&fs_w, "/f", OpenMode::Write, b"W!"));
            let other = thread::spawn(move || drop(r1));
            assert_eq!(r2.read_data(None).expect("read"), b"old");
            r2.close();
            other.join().expect("other reader");
            writer.join().expect("writer");
            assert_eq!(read(&fs, "/f").as_deref(), Some(&b"W!"[..]));
            assert_consistent(&fs);
        },
    );
}

// A writer waits with a finite timeout (under loom: one re-check, then it gives up) while a
// reader holds the file; a second reader, held back by the waiting writer (writer
// preference), waits forever. The holder keeps its lock until that reader is done, so only the
// writer's giving up can let it in: giving up must wake it.
// spec: LOCK-13, LOCK-4, LOCK-11, CONC-13
#[test]
fn a_writer_that_gives_up_wakes_the_readers_it_held_back() {
    explore_bounded(
        "a_writer_that_gives_up_wakes_the_readers_it_held_back",
        Some(4),
        || {
            let fs = new_fs(&[("/f", b"old")]);
            let mut h = fs
                .open_with("/f", OpenMode::Read, &try_once())
                .expect("hold");
            let (fs_r, fs_w) = (fs.clone(), fs.clone());
            let writer = thread::spawn(move || {
                let opts = OpenOptions::new().lock_timeout(LockWait::For(Duration::from_secs(1)));
                match fs_w.open_with("/f", OpenMode::Write, &opts) {
                    Ok(mut w) => {
                        w.write_data(b"W!").expect("write");
                        w.close();
                        true
                    }
                    Err(e) => {
                        assert!(is_lock_timeout(&e), "{e}");
                        false
                    }
                }
            });
            let reader = thread::spawn(move || {
                let mut r = fs_r
                    .open_with("/f", OpenMode::Read, &forever())
                    .expect("a waiting rb open");
                let d = r.read_data(None).expect("read");
                r.close();
                d
            });
            // The reader finishes while `h` is still held: the writer cannot have had the lock.
            assert_eq!(reader.join().expect("reader"), b"old");
            assert_eq!(h.read_data(None).expect("read"), b"old");
            h.close();
            let wrote = writer.join().expect("writer");
            let end = read(&fs, "/f").expect("file");
            assert_eq!(end, if wrote { &b"W!"[..] } else { &b"old"[..] });
            assert_consistent(&fs);
        },
    );
}

// Fairness: a reader holds the file, a writer waits forever. A third thread probes with a
// try-once rb open: if that fails, the writer is registered (the only thing that keeps a reader
// out beside a reader). From then on a try-once wb open of the same file may succeed only after
// the waiting writer has had the lock, whatever the order of the holder's close.
// spec: LOCK-12, LOCK-11, LOCK-3, CONC-13
#[test]
fn a_try_once_writer_never_overtakes_a_waiting_writer() {
    explore_bounded(
        "a_try_once_writer_never_overtakes_a_waiting_writer",
        Some(4),
        || {
            let fs = new_fs(&[("/f", b"old")]);
            let h = fs
                .open_with("/f", OpenMode::Read, &try_once())
                .expect("hold");
            let got = Arc::new(loom::sync::atomic::AtomicBool::new(false));
            let (fs_w, got_w) = (fs.clone(), got.clone());
            let writer = thread::spawn(move || {
                let mut w = fs_w
                    .open_with("/f", OpenMode::Write, &forever())
                    .expect("a waiting wb open");
                got_w.store(true, Ordering::SeqCst);
                w.write_data(b"W!").expect("write");
                w.close();
            });
            let (fs_t, got_t) = (fs.clone(), got.clone());
            let other = thread::spawn(move || {
                let registered = match fs_t.open_with("/f", OpenMode::Read, &try_once()) {
                    Ok(r) => {
                        drop(r);
                        false
                    }
                    Err(e) => {
                        assert!(is_lock_timeout(&e), "{e}");
                        true
                    }
                };
                match fs_t.open_with("/f", OpenMode::Write, &try_once()) {
                    Ok(mut t) => {
                        assert!(
                            !registered || got_t.load(Ordering::SeqCst),
                            "a try-once wb open overtook the waiting writer"
                        );
                        t.write_data(b"T").expect("write");
                        t.close();
                    }
                    Err(e) => assert!(is_lock_timeout(&e), "{e}"),
                }
            });
            drop(h);
            writer.join().expect("writer");
            other.join().expect("other");
            assert_consistent(&fs);
        },
    );
}
