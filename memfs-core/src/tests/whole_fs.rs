//! The memory guard, waits across threads, the seed workload, fork and fingerprints.

use super::*;

// spec: GUARD-2, GUARD-3, GUARD-4, GUARD-5, GUARD-6
#[test]
fn memory_guard() {
    use crate::{FixedMemoryProbe, GuardAction, GuardMode};
    let probe = |n| Arc::new(FixedMemoryProbe(n));
    let e = MemoryFileSystem::builder()
        .memory_guard(GuardMode::Init, GuardAction::Error)
        .memory_probe(probe(Some(10)))
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutOfMemory);
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::Init, GuardAction::Warn)
        .memory_probe(probe(Some(10)))
        .build()
        .unwrap();
    assert_eq!(fs.take_warnings().len(), 1);
    assert!(fs.take_warnings().is_empty());
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::PerWrite, GuardAction::Error)
        .memory_probe(probe(Some(4)))
        .build()
        .unwrap();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    h.write_all(b"1234").unwrap();
    assert_eq!(kind(h.write_data(b"12345")), ErrorKind::OutOfMemory);
    assert_eq!(fs.stats().used_bytes, 4 + 128);
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::PerWrite, GuardAction::Warn)
        .memory_probe(probe(Some(4)))
        .build()
        .unwrap();
    fs.open("/f", OpenMode::Write)
        .unwrap()
        .write_all(b"12345")
        .unwrap();
    assert_eq!(fs.take_warnings().len(), 1);
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::PerWrite, GuardAction::Error)
        .memory_probe(probe(None))
        .build()
        .unwrap();
    fs.open("/f", OpenMode::Write)
        .unwrap()
        .write_all(b"12345")
        .unwrap();
}

// spec: LOCK-5, LOCK-7, LOCK-10, CONC-2
#[test]
fn waiting_on_one_file_does_not_stall_others() {
    let fs = Arc::new(MemoryFileSystem::new());
    let w = fs.open("/busy", OpenMode::Write).unwrap();
    let fs2 = Arc::clone(&fs);
    let t = std::thread::spawn(move || {
        let h = fs2.open_with(
            "/busy",
            OpenMode::Read,
            &OpenOptions::new().lock_timeout(LockWait::Forever),
        );
        h.map(|mut h| h.read_data(None).unwrap())
    });
    // While that reader waits, other files stay usable.
    write(&fs, "/other", b"ok");
    assert_eq!(read(&fs, "/other"), b"ok");
    drop(w);
    assert_eq!(t.join().unwrap().unwrap(), b"");
}

// spec: CONC-10, CONC-11, CONC-12, CONC-13
#[test]
fn seed_workload_small() {
    let fs = Arc::new(MemoryFileSystem::new());
    let ts: Vec<_> = (0..8)
        .map(|t| {
            let fs = Arc::clone(&fs);
            std::thread::spawn(move || {
                fs.mkdir(&format!("/thread_{t}"), true).unwrap();
                for i in 0..200 {
                    let p = format!("/thread_{t}/file_{i}");
                    let data = format!("data-{t}-{i}");
                    fs.open(&p, OpenMode::Write)
                        .unwrap()
                        .write_all(data.as_bytes())
                        .unwrap();
                    assert_eq!(read(&fs, &p), data.as_bytes());
                }
            })
        })
        .collect();
    for t in ts {
        t.join().unwrap();
    }
    let s = fs.stats();
    assert_eq!((s.file_count, s.dir_count), (1600, 9));
}

// spec: GEN-1, TIME-2, TIME-5
#[test]
fn fork_and_fingerprints() {
    let (fs, clock) = fs_with(FsBuilder::default());
    write(&fs, "/f", b"abc");
    let r = fs.open("/f", OpenMode::Read).unwrap();
    let mut w = fs.open("/g", OpenMode::Write).unwrap();
    w.write_all(b"x").unwrap();
    let mut closed = fs.open("/h", OpenMode::Write).unwrap();
    closed.close();
    let (copy, hs) = fs.fork(&[Some(&r), Some(&w), None, Some(&closed)]).unwrap();
    assert_eq!(copy.fingerprint(), fs.fingerprint());
    assert_eq!(copy.stats(), fs.stats());
    assert!(hs[2].is_none());
    let mut hw = hs.into_iter().nth(1).unwrap().unwrap();
    assert_eq!(hw.tell().unwrap(), 1);
    // The copy's writer lock is held by the forked handle and released with it.
    assert_eq!(kind(copy.remove("/g")), ErrorKind::WouldBlock);
    hw.write_all(b"y").unwrap();
    assert_ne!(copy.fingerprint(), fs.fingerprint());
    drop(hw);
    copy.remove("/g").unwrap();
    // The original is untouched.
    assert_eq!(kind(fs.remove("/g")), ErrorKind::WouldBlock);
    let other = MemoryFileSystem::new();
    assert_eq!(kind(other.fork(&[Some(&r)])), ErrorKind::InvalidInput);
    drop((r, w));
    // Relative time: the same operations later in time hash equal.
    let a = fs.snapshot();
    clock.advance(1_000_000);
    assert_eq!(
        a.fingerprint_relative_time(),
        fs.snapshot().fingerprint_relative_time()
    );
    assert_eq!(
        fs.stat("/g").unwrap().created_at,
        a.stat("/g").unwrap().created_at
    );
}

#[test]
fn a_clone_is_the_same_filesystem_a_snapshot_is_not() {
    let (fs, _) = fs_with(MemoryFileSystem::builder());
    let same = fs.clone();
    let copy = fs.snapshot();
    write(&same, "/f", b"abc");
    // The clone is another handle: the write is seen through both, and its lock is theirs.
    assert_eq!(read(&fs, "/f"), b"abc");
    let held = fs.open("/f", OpenMode::Write).unwrap();
    assert_eq!(
        kind(same.open_with("/f", OpenMode::Read, &OpenOptions::new().lock_timeout(TRY))),
        ErrorKind::WouldBlock
    );
    // A clone's handles fork with the filesystem they came from.
    assert!(same.fork(&[Some(&held)]).is_ok());
    drop(held);
    assert_eq!(same.fingerprint(), fs.fingerprint());
    // The snapshot was taken before the write and stays apart.
    assert!(!copy.exists("/f"));
    assert_ne!(copy.fingerprint(), fs.fingerprint());
}
