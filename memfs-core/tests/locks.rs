//! File locks seen from one thread, and every row of the semantics §9 table
//! (semantics §4, §9; seed 004 §3.1, §4.1).

mod common;
use common::*;
use memfs_core::{BlockReason, ErrorKind, LockWait, MemoryFileSystem, OpenMode, OpenOptions};
use std::time::Duration;

/// A filesystem whose default lock timeout is short, with `/d/f` holding "data".
fn setup() -> MemoryFileSystem {
    let fs = build(short_default());
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/d/f", b"data");
    put(&fs, "/other", b"o");
    fs
}

#[test]
fn test_multiple_rb_handles_allowed() {
    // spec: LOCK-2, CONC-1, LOCK-1
    let fs = setup();
    let mut h1 = fs.open("/d/f", OpenMode::Read).unwrap();
    let mut h2 = fs.open_with("/d/f", OpenMode::Read, &try_once()).unwrap();
    let mut h3 = fs.open_with("/d/f", OpenMode::Read, &try_once()).unwrap();
    assert_eq!(h1.read_data(None).unwrap(), b"data");
    assert_eq!(h2.read_data(None).unwrap(), b"data");
    assert_eq!(h3.read_data(Some(2)).unwrap(), b"da");
    h1.close();
    h2.close();
    h3.close();
}

#[test]
fn test_write_lock_exclusive_blocks_reader() {
    // spec: CONC-2, LOCK-3, LOCK-1
    let fs = setup();
    for m in [OpenMode::Write, OpenMode::Append, OpenMode::ReadWrite] {
        let w = fs.open("/d/f", m).unwrap();
        assert_blocked(
            fs.open_with("/d/f", OpenMode::Read, &try_once()),
            BlockReason::LockTimeout,
        );
        drop(w);
    }
    let w = fs.open("/new", OpenMode::Exclusive).unwrap();
    assert_blocked(
        fs.open_with("/new", OpenMode::Read, &try_once()),
        BlockReason::LockTimeout,
    );
    drop(w);
}

#[test]
fn test_reader_blocks_writer() {
    // spec: CONC-3, LOCK-3
    let fs = setup();
    let r = fs.open("/d/f", OpenMode::Read).unwrap();
    for m in [OpenMode::Write, OpenMode::Append, OpenMode::ReadWrite] {
        assert_blocked(
            fs.open_with("/d/f", m, &try_once()),
            BlockReason::LockTimeout,
        );
    }
    drop(r);
    assert_eq!(get(&fs, "/d/f"), b"data");
}

#[test]
fn test_write_lock_exclusive_blocks_writer() {
    // spec: CONC-3, LOCK-8
    let fs = setup();
    let w = fs.open("/d/f", OpenMode::ReadWrite).unwrap();
    for m in [OpenMode::Write, OpenMode::Append, OpenMode::ReadWrite] {
        assert_blocked(
            fs.open_with("/d/f", m, &try_once()),
            BlockReason::LockTimeout,
        );
    }
    drop(w);
}

#[test]
fn test_default_lock_timeout_is_used() {
    // spec: LOCK-6
    let fs = build(MemoryFileSystem::builder().default_lock_timeout(LockWait::For(Duration::ZERO)));
    put(&fs, "/f", b"x");
    let w = fs.open("/f", OpenMode::Write).unwrap();
    assert_blocked(fs.open("/f", OpenMode::Read), BlockReason::LockTimeout);
    assert_blocked(fs.open("/f", OpenMode::Append), BlockReason::LockTimeout);
    drop(w);
    // a short positive default also ends in LockTimeout
    let fs = setup();
    let w = fs.open("/d/f", OpenMode::Write).unwrap();
    assert_blocked(fs.open("/d/f", OpenMode::Read), BlockReason::LockTimeout);
    drop(w);
}

#[test]
fn test_lock_timeout_positive_fails_on_contention() {
    // spec: LOCK-4
    let fs = setup();
    let r = fs.open("/d/f", OpenMode::Read).unwrap();
    let opts = OpenOptions::new().lock_timeout(LockWait::For(Duration::from_millis(30)));
    assert_blocked(
        fs.open_with("/d/f", OpenMode::Write, &opts),
        BlockReason::LockTimeout,
    );
    drop(r);
    fs.open_with("/d/f", OpenMode::Write, &opts)
        .unwrap()
        .close();
}

#[test]
fn test_release_read_enables_write() {
    // spec: LOCK-7, HANDLE-15
    let fs = setup();
    let mut r = fs.open("/d/f", OpenMode::Read).unwrap();
    assert_blocked(
        fs.open_with("/d/f", OpenMode::Write, &try_once()),
        BlockReason::LockTimeout,
    );
    r.close();
    assert!(r.is_closed());
    let mut w = fs.open_with("/d/f", OpenMode::Write, &try_once()).unwrap();
    assert_blocked(
        fs.open_with("/d/f", OpenMode::Read, &try_once()),
        BlockReason::LockTimeout,
    );
    w.close();
    // seed004 test_release_write_enables_read
    fs.open_with("/d/f", OpenMode::Read, &try_once())
        .unwrap()
        .close();
}

#[test]
fn test_drop_releases_lock() {
    // spec: HANDLE-16, LOCK-7
    let fs = setup();
    {
        let _w = fs.open("/d/f", OpenMode::Append).unwrap();
        assert_blocked(
            fs.open_with("/d/f", OpenMode::Read, &try_once()),
            BlockReason::LockTimeout,
        );
    }
    fs.open_with("/d/f", OpenMode::Write, &try_once())
        .unwrap()
        .close();
    assert_eq!(fs.remove("/d/f"), Ok(()));
}

#[test]
fn test_locks_are_not_reentrant() {
    // spec: LOCK-8
    let fs = setup();
    let w = fs.open("/d/f", OpenMode::Write).unwrap();
    assert_blocked(
        fs.open_with("/d/f", OpenMode::Write, &try_once()),
        BlockReason::LockTimeout,
    );
    drop(w);
    let r = fs.open("/d/f", OpenMode::Read).unwrap();
    assert_blocked(
        fs.open_with("/d/f", OpenMode::ReadWrite, &try_once()),
        BlockReason::LockTimeout,
    );
    drop(r);
}

#[test]
fn test_failed_lock_changes_nothing() {
    // spec: LOCK-9
    let fs = setup();
    let r = fs.open("/d/f", OpenMode::Read).unwrap();
    let before = snap(&fs);
    assert_blocked(
        fs.open_with("/d/f", OpenMode::Write, &try_once().preallocate(100)),
        BlockReason::LockTimeout,
    );
    assert_blocked(
        fs.open_with("/d/f", OpenMode::ReadWrite, &try_once().preallocate(100)),
        BlockReason::LockTimeout,
    );
    assert_eq!(snap(&fs), before);
    drop(r);
}

#[test]
fn test_lock_of_one_file_does_not_block_others() {
    // spec: LOCK-1, CONC-8
    let fs = setup();
    let _w = fs.open("/d/f", OpenMode::Write).unwrap();
    fs.open_with("/other", OpenMode::Write, &try_once())
        .unwrap()
        .close();
    fs.open_with("/other", OpenMode::Read, &try_once())
        .unwrap()
        .close();
}

#[test]
fn test_namespace_ops_on_open_file_raise_file_open() {
    // spec: CONC-5, REMOVE-3, RENAME-6, MOVE-5, RMTREE-4, IMPORT-4
    for m in OpenMode::ALL {
        let fs = setup();
        if m == OpenMode::Exclusive {
            fs.remove("/d/f").unwrap();
        }
        let h = fs.open("/d/f", m).unwrap();
        let before = snap(&fs);
        assert_blocked(fs.remove("/d/f"), BlockReason::FileOpen);
        assert_blocked(fs.rename("/d/f", "/g"), BlockReason::FileOpen);
        assert_blocked(fs.rename("/d", "/e"), BlockReason::FileOpen);
        assert_blocked(fs.move_path("/d/f", "/n/g"), BlockReason::FileOpen);
        assert_blocked(fs.move_path("/d", "/n/e"), BlockReason::FileOpen);
        assert_blocked(fs.rmtree("/d"), BlockReason::FileOpen);
        assert_blocked(fs.import_tree([("/d/f", b"z")]), BlockReason::FileOpen);
        assert_eq!(
            snap(&fs),
            before,
            "{m}: a blocked operation changes nothing"
        );
        assert!(!fs.exists("/n"), "{m}: move made no parents");
        drop(h);
    }
}

#[test]
fn test_readers_allow_copy_and_export() {
    // spec: CONC-6, COPY-6, EXPORT-1
    let fs = setup();
    let r = fs.open("/d/f", OpenMode::Read).unwrap();
    fs.copy("/d/f", "/c").unwrap();
    fs.copy_tree("/d", "/e").unwrap();
    assert_eq!(fs.export_tree("/d", false).unwrap()["/d/f"], b"data");
    assert_eq!(
        fs.export_as_bytesio("/d/f", None).unwrap().into_inner(),
        b"data"
    );
    let items: Vec<_> = fs.iter_export_tree("/d", false).unwrap().collect();
    assert_eq!(items, vec![Ok(("/d/f".to_string(), b"data".to_vec()))]);
    drop(r);
    assert_eq!(get(&fs, "/c"), b"data");
    assert_eq!(get(&fs, "/e/f"), b"data");
}

#[test]
fn test_writer_blocks_copy_and_export_with_default_timeout() {
    // spec: CONC-7, EXPORT-9, COPY-5, COPYTREE-5
    let fs = setup();
    let w = fs.open("/d/f", OpenMode::ReadWrite).unwrap();
    let before = snap(&fs);
    assert_blocked(fs.copy("/d/f", "/c"), BlockReason::LockTimeout);
    assert_blocked(fs.copy_tree("/d", "/e"), BlockReason::LockTimeout);
    assert_blocked(fs.export_tree("/", false), BlockReason::LockTimeout);
    assert_blocked(fs.export_as_bytesio("/d/f", None), BlockReason::LockTimeout);
    let iter_result: Result<Vec<_>, _> =
        fs.iter_export_tree("/d", false).and_then(|it| it.collect());
    assert_blocked(iter_result, BlockReason::LockTimeout);
    assert_eq!(snap(&fs), before, "no copy may remain");
    assert!(!fs.exists("/c") && !fs.exists("/e"));
    drop(w);
}

#[test]
fn test_queries_allowed_while_open() {
    // spec: CONC-8
    let fs = setup();
    let _w = fs.open("/d/f", OpenMode::Write).unwrap();
    let _r = fs.open("/other", OpenMode::Read).unwrap();
    for p in ["/d/f", "/other"] {
        assert!(fs.exists(p));
        assert!(fs.is_file(p));
        fs.stat(p).unwrap();
        fs.get_size(p).unwrap();
    }
    assert_eq!(fs.listdir("/d").unwrap(), vec!["f".to_string()]);
    assert_eq!(fs.glob("/**/f").unwrap(), vec!["/d/f".to_string()]);
    assert_eq!(fs.walk("/").unwrap().len(), 2);
    assert_eq!(fs.stats().file_count, 2);
}

#[test]
fn test_xb_with_open_handles_is_already_exists() {
    // spec: CONC-4, OPEN-6
    let fs = setup();
    for m in [OpenMode::Read, OpenMode::Write] {
        let h = fs.open("/d/f", m).unwrap();
        assert_eq!(
            kind(fs.open_with("/d/f", OpenMode::Exclusive, &try_once())),
            ErrorKind::AlreadyExists
        );
        drop(h);
    }
}
