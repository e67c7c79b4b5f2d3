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
