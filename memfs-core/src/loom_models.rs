//! loom models of whole-filesystem races (`--cfg loom` only): open/write/close against
//! remove, and two writers racing for the last quota bytes through handles. Each checks the
//! accounting invariants in every interleaving.

use crate::sync::Arc;
use crate::{LockWait, MemoryFileSystem, OpenMode, OpenOptions};
use std::time::Duration;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(2);
    b.check(f);
}

/// Used bytes must equal what the reachable files charge and counts must match the tree.
fn check_invariants(fs: &MemoryFileSystem) {
    let s = fs.stats();
    assert!(s.used_bytes <= s.quota_bytes);
    let mut charged = 0;
    let mut files = 0;
    for e in fs.walk("/").unwrap() {
        for f in &e.files {
            let p = crate::path::join(&e.dir, f);
            charged += fs.file_layout(&p).unwrap().charged;
            files += 1;
        }
    }
    assert_eq!(s.used_bytes, charged);
    assert_eq!(s.file_count, files);
}

// spec: CONC-5, CONC-12, CONC-13, TREE-4, TREE-5
#[test]
fn loom_fs_write_vs_remove() {
    model(|| {
        let fs = Arc::new(
            MemoryFileSystem::builder()
                .chunk_overhead(0)
                .build()
                .unwrap(),
        );
        let fs2 = Arc::clone(&fs);
        let t = loom::thread::spawn(move || {
            let opts = OpenOptions::new().lock_timeout(LockWait::For(Duration::from_millis(1)));
            if let Ok(mut h) = fs2.open_with("/f", OpenMode::Write, &opts) {
                h.write_data(b"ab").unwrap();
                h.close();
            }
        });
        let r = fs.remove("/f");
        t.join().unwrap();
        if let Err(e) = r {
            assert!(matches!(
                e.kind(),
                crate::ErrorKind::NotFound | crate::ErrorKind::WouldBlock
            ));
        }
        check_invariants(&fs);
    });
}

// spec: QUOTA-11, CONC-11, CONC-12
#[test]
fn loom_fs_two_writers_last_bytes() {
    model(|| {
        let fs = Arc::new(
            MemoryFileSystem::builder()
                .quota(3)
                .chunk_overhead(0)
                .build()
                .unwrap(),
        );
        let ts: Vec<_> = ["/a", "/b"]
            .into_iter()
            .map(|p| {
                let fs = Arc::clone(&fs);
                loom::thread::spawn(move || {
                    let mut h = fs.open(p, OpenMode::Write).unwrap();
                    h.write_data(b"xx").is_ok()
                })
            })
            .collect();
        let wins = ts
            .into_iter()
            .map(|t| t.join().unwrap())
            .filter(|w| *w)
            .count();
        assert_eq!(wins, 1);
        assert_eq!(fs.stats().used_bytes, 2);
        check_invariants(&fs);
    });
}

// spec: LOCK-5, LOCK-10, CONC-5, CONC-13
#[test]
fn loom_fs_waiting_open_revalidates_after_remove() {
    model(|| {
        let fs = Arc::new(MemoryFileSystem::new());
        let mut w = fs.open("/f", OpenMode::Write).unwrap();
        let fs2 = Arc::clone(&fs);
        let t = loom::thread::spawn(move || {
            let opts = OpenOptions::new().lock_timeout(LockWait::Forever);
            // Keep the handle open until joined so the outcome is decided at open time.
            fs2.open_with("/f", OpenMode::Read, &opts)
        });
        w.close();
        let removed = fs.remove("/f");
        let opened = t.join().unwrap();
        // A waiter that wins the lock pins the file (remove sees it open); one that wakes
        // after the remove finds the path gone.
        match (&opened, &removed) {
            (Ok(_), Err(e)) => assert_eq!(e.kind(), crate::ErrorKind::WouldBlock),
            (Err(e), Ok(())) => assert_eq!(e.kind(), crate::ErrorKind::NotFound),
            other => panic!("impossible outcome {other:?}"),
        }
        drop(opened);
        check_invariants(&fs);
    });
}

// spec: OPEN-9, CONC-10, LOCK-1
#[test]
fn loom_fs_wb_open_is_one_step_with_its_truncation() {
    model(|| {
        let fs = Arc::new(MemoryFileSystem::new());
        {
            let mut h = fs.open("/f", OpenMode::Write).unwrap();
            h.write_data(b"abc").unwrap();
        }
        let fs2 = Arc::clone(&fs);
        let t = loom::thread::spawn(move || {
            let try_once = OpenOptions::new().lock_timeout(LockWait::For(Duration::ZERO));
            fs2.open_with("/f", OpenMode::Write, &try_once)
        });
        let try_once = OpenOptions::new().lock_timeout(LockWait::For(Duration::ZERO));
        match fs.open_with("/f", OpenMode::Read, &try_once) {
            // Blocked by the writer: its truncation must already be visible.
            Err(e) => {
                assert_eq!(e.kind(), crate::ErrorKind::WouldBlock);
                assert_eq!(fs.stat("/f").unwrap().size, 0);
            }
            Ok(mut r) => {
                let d = r.read_data(None).unwrap();
                assert!(d.is_empty() || d == b"abc", "torn read {d:?}");
            }
        }
        drop(t.join().unwrap());
        check_invariants(&fs);
    });
}
