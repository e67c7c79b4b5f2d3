//! Lock waits across threads: waiting until release, timeouts, no filesystem-wide lock while
//! waiting, no writer starvation (semantics §4, §7, §9; seed 004 §3.1, §7). Waits are bounded
//! by generous guards so a bug shows up as a failure, never as a hang; no test asserts a
//! duration.

// This test crate's own threads synchronize with std primitives on purpose (they exercise the
// library from outside); the sync-facade rule of `clippy.toml` is about the library's code.
#![allow(clippy::disallowed_types)]

mod common;
use common::*;
use memfs_core::{BlockReason, LockWait, MemoryFileSystem, OpenMode, OpenOptions};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

/// How long a guard waits before declaring a deadlock or starvation.
const GUARD: Duration = Duration::from_secs(20);

fn forever() -> OpenOptions {
    OpenOptions::new().lock_timeout(LockWait::Forever)
}

#[test]
fn test_multiple_readers_allowed() {
    // spec: LOCK-2, CONC-1
    let fs = Arc::new(fs());
    put(&fs, "/f", b"shared");
    let barrier = Arc::new(Barrier::new(3));
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let (fs, barrier) = (fs.clone(), barrier.clone());
            thread::spawn(move || {
                let mut h = fs.open_with("/f", OpenMode::Read, &try_once()).unwrap();
                // every reader holds its lock at this point
                barrier.wait();
                let data = h.read_data(None).unwrap();
                h.close();
                data
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), b"shared");
    }
}

#[test]
fn test_timeout_none_blocks_until_released() {
    // spec: LOCK-5, LOCK-7
    let fs = Arc::new(fs());
    put(&fs, "/f.bin", b"x");
    let reader = fs.open("/f.bin", OpenMode::Read).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let t = {
        let (fs, done) = (fs.clone(), done.clone());
        thread::spawn(move || {
            let mut w = fs.open_with("/f.bin", OpenMode::Write, &forever()).unwrap();
            w.write_all(b"new").unwrap();
            w.close();
            done.store(true, Ordering::SeqCst);
            tx.send(()).unwrap();
        })
    };
    // the writer cannot finish while the reader holds the lock
    thread::sleep(Duration::from_millis(100));
    assert!(
        !done.load(Ordering::SeqCst),
        "writer must wait for the reader"
    );
    drop(reader);
    rx.recv_timeout(GUARD)
        .expect("writer should succeed after the reader releases");
    t.join().unwrap();
    assert_eq!(get(&fs, "/f.bin"), b"new");
}

#[test]
fn test_positive_timeout_succeeds_when_released_in_time() {
    // spec: LOCK-5, LOCK-4
    let fs = Arc::new(fs());
    put(&fs, "/f", b"x");
    let writer = fs.open("/f", OpenMode::Append).unwrap();
    let (tx, rx) = mpsc::channel();
    let t = {
        let fs = fs.clone();
        thread::spawn(move || {
            let opts = OpenOptions::new().lock_timeout(LockWait::For(Duration::from_secs(15)));
            tx.send(()).unwrap();
            let r = fs
                .open_with("/f", OpenMode::Read, &opts)
                .map(|mut h| h.read_data(None).unwrap());
            r.map_err(|e| e.kind())
        })
    };
    rx.recv().unwrap();
    thread::sleep(Duration::from_millis(50));
    let mut writer = writer;
    writer.write_all(b"y").unwrap();
    writer.close();
    assert_eq!(t.join().unwrap(), Ok(b"xy".to_vec()));
    // and a short timeout against a holder that never releases fails
    let _w = fs.open("/f", OpenMode::Write).unwrap();
    let fs2 = fs.clone();
    let r = thread::spawn(move || {
        fs2.open_with(
            "/f",
            OpenMode::Read,
            &OpenOptions::new().lock_timeout(LockWait::For(Duration::from_millis(20))),
        )
        .map(|_| ())
    })
    .join()
    .unwrap();
    assert_blocked(r, BlockReason::LockTimeout);
}

#[test]
fn test_waiting_on_one_file_does_not_stall_others() {
    // spec: LOCK-10
    let fs = Arc::new(build(short_default()));
    put(&fs, "/locked", b"x");
    put(&fs, "/other", b"o");
    let holder = fs.open("/locked", OpenMode::Write).unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let waiter = {
        let fs = fs.clone();
        thread::spawn(move || {
            started_tx.send(()).unwrap();
            fs.open_with("/locked", OpenMode::Write, &forever())
                .map(|_| ())
                .map_err(|e| e.kind())
        })
    };
    started_rx.recv().unwrap();
    thread::sleep(Duration::from_millis(50));
    // while the waiter is blocked, everything else keeps working
    let (tx, rx) = mpsc::channel();
    let worker = {
        let fs = fs.clone();
        thread::spawn(move || {
            fs.mkdir("/new/dir", false).unwrap();
            put(&fs, "/new/dir/f", b"1");
            assert_eq!(get(&fs, "/other"), b"o");
            fs.copy("/other", "/other2").unwrap();
            fs.rename("/other2", "/other3").unwrap();
            fs.listdir("/").unwrap();
            fs.stat("/locked").unwrap();
            fs.stats();
            tx.send(()).unwrap();
        })
    };
    let ok = rx.recv_timeout(GUARD);
    drop(holder);
    assert!(
        ok.is_ok(),
        "operations on other files stalled behind a lock wait"
    );
    worker.join().unwrap();
    assert_eq!(waiter.join().unwrap(), Ok(()));
}

#[test]
fn test_writers_not_starved_by_readers() {
    // spec: LOCK-11
    let fs = Arc::new(fs());
    put(&fs, "/f", &[1u8; 64]);
    let stop = Arc::new(AtomicBool::new(false));
    // overlapping readers: at every moment at least one reader holds the lock
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (fs, stop) = (fs.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if let Ok(mut h) = fs.open_with("/f", OpenMode::Read, &forever()) {
                        h.read_data(None).unwrap();
                        thread::sleep(Duration::from_millis(2));
                    }
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(30));
    let (tx, rx) = mpsc::channel();
    let writer = {
        let fs = fs.clone();
        thread::spawn(move || {
            let mut w = fs.open_with("/f", OpenMode::Write, &forever()).unwrap();
            w.write_all(&[2u8; 64]).unwrap();
            w.close();
            tx.send(()).unwrap();
        })
    };
    let got_in = rx.recv_timeout(GUARD);
    stop.store(true, Ordering::SeqCst);
    for r in readers {
        r.join().unwrap();
    }
    writer.join().unwrap();
    assert!(got_in.is_ok(), "the writer was starved by the readers");
    assert_eq!(get(&fs, "/f"), vec![2u8; 64]);
}

#[test]
fn test_copy_waits_for_writer_then_succeeds() {
    // spec: CONC-7, COPY-6
    let fs = Arc::new(build(
        MemoryFileSystem::builder().default_lock_timeout(LockWait::For(Duration::from_secs(15))),
    ));
    put(&fs, "/src", b"old");
    let mut w = fs.open("/src", OpenMode::Write).unwrap();
    let (tx, rx) = mpsc::channel();
    let copier = {
        let fs = fs.clone();
        thread::spawn(move || {
            tx.send(()).unwrap();
            fs.copy("/src", "/dst").map_err(|e| e.kind())
        })
    };
    rx.recv().unwrap();
    thread::sleep(Duration::from_millis(50));
    w.write_all(b"new").unwrap();
    w.close();
    assert_eq!(copier.join().unwrap(), Ok(()));
    assert_eq!(
        get(&fs, "/dst"),
        b"new",
        "the copy read the file after the writer closed"
    );
}

#[test]
fn test_export_wait_holds_no_filesystem_lock() {
    // spec: EXPORT-9, LOCK-10
    let fs = Arc::new(build(
        MemoryFileSystem::builder().default_lock_timeout(LockWait::For(Duration::from_secs(15))),
    ));
    put(&fs, "/locked", b"L");
    put(&fs, "/free", b"F");
    let writer = fs.open("/locked", OpenMode::Append).unwrap();
    let exported = Arc::new(AtomicBool::new(false));
    let exporter = {
        let (fs, exported) = (fs.clone(), exported.clone());
        thread::spawn(move || {
            let r = fs.export_tree("/", false);
            exported.store(true, Ordering::SeqCst);
            r.map_err(|e| e.kind())
        })
    };
    thread::sleep(Duration::from_millis(50));
    let (tx, rx) = mpsc::channel();
    let worker = {
        let fs = fs.clone();
        thread::spawn(move || {
            fs.mkdir("/m", false).unwrap();
            put(&fs, "/m/x", b"x");
            fs.rename("/m/x", "/m/y").unwrap();
            assert_eq!(
                fs.export_as_bytesio("/free", None).unwrap().into_inner(),
                b"F"
            );
            tx.send(()).unwrap();
        })
    };
    let worked = rx.recv_timeout(GUARD);
    let export_was_waiting = !exported.load(Ordering::SeqCst);
    drop(writer);
    worker.join().unwrap();
    assert!(
        worked.is_ok(),
        "operations stalled while an export waited for a file lock"
    );
    assert!(
        export_was_waiting,
        "the export must still be waiting for the writer"
    );
    let r = exporter.join().unwrap();
    assert!(
        r.is_ok(),
        "the export succeeds once the writer closes: {r:?}"
    );
}

#[test]
fn test_default_timeout_forever_waits_until_release() {
    // spec: LOCK-6, LOCK-5
    let fs = Arc::new(build(
        MemoryFileSystem::builder().default_lock_timeout(LockWait::Forever),
    ));
    put(&fs, "/f", b"1");
    let w = fs.open("/f", OpenMode::Write).unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = {
        let fs = fs.clone();
        thread::spawn(move || {
            let r = fs
                .open("/f", OpenMode::Read)
                .map(|mut h| h.read_data(None).unwrap());
            tx.send(()).unwrap();
            r.map_err(|e| e.kind())
        })
    };
    // still waiting: a Forever default never gives up on its own
    assert!(
        rx.recv_timeout(Duration::from_millis(100)).is_err(),
        "the reader must wait for the writer"
    );
    let mut w = w;
    w.write_all(b"2").unwrap();
    w.close();
    rx.recv_timeout(GUARD)
        .expect("the reader gets in once the writer closes");
    assert_eq!(reader.join().unwrap(), Ok(b"2".to_vec()));
}
