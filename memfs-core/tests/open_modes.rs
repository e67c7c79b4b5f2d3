//! open(): the five modes, the check order and preallocation (semantics §4; seed 004 §4.1, §14).

mod common;
use common::*;
use memfs_core::{
    BlockReason, ErrorKind, MemoryFileSystem, OpenMode, OpenOptions, StorageKind, Timestamp,
};
use std::io::{Seek, SeekFrom, Write};

#[test]
fn test_invalid_mode_string_raises() {
    // spec: OPEN-1
    for s in ["rb", "wb", "ab", "r+b", "xb"] {
        let m: OpenMode = s.parse().unwrap();
        assert_eq!(m.as_str(), s);
    }
    // seed004 test_text_mode_raises
    for s in ["r", "w", "a", "x", "r+", "rb+", "", "RB", "wb ", "bw", "rw"] {
        assert_eq!(
            kind(s.parse::<OpenMode>()),
            ErrorKind::InvalidInput,
            "{s:?}"
        );
    }
}

#[test]
fn test_open_check_order() {
    // spec: OPEN-2, OPEN-3, OPEN-4, OPEN-6, PATH-9
    let fs = short_fs();
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/f", b"x");
    // path validity before everything else
    assert_eq!(
        kind(fs.open("/d/../../d", OpenMode::Read)),
        ErrorKind::InvalidInput
    );
    // a directory wins over the per-mode existence checks
    assert_eq!(
        kind(fs.open("/d", OpenMode::Exclusive)),
        ErrorKind::IsADirectory
    );
    // xb on an existing file: AlreadyExists even while a writer holds the lock
    let mut w = fs.open("/f", OpenMode::Write).unwrap();
    assert_eq!(
        kind(fs.open_with("/f", OpenMode::Exclusive, &try_once())),
        ErrorKind::AlreadyExists
    );
    // the lock is the last check
    assert_blocked(
        fs.open_with("/f", OpenMode::ReadWrite, &try_once()),
        BlockReason::LockTimeout,
    );
    w.close();
    // missing parent is NotFound for rb even when the parent is missing entirely
    assert_eq!(
        kind(fs.open("/nope/f", OpenMode::Read)),
        ErrorKind::NotFound
    );
}

fn short_fs() -> MemoryFileSystem {
    build(short_default())
}

#[test]
fn test_rb_on_directory_raises() {
    // spec: OPEN-3
    let fs = fs();
    fs.mkdir("/dir/sub", false).unwrap();
    let before = snap(&fs);
    for p in ["/", "/dir", "/dir/sub"] {
        for m in OpenMode::ALL {
            assert_eq!(kind(fs.open(p, m)), ErrorKind::IsADirectory, "{m} {p}");
        }
    }
    // seed004 test_wb_on_directory_raises: nothing truncated or created
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_rb_nonexistent_raises() {
    // spec: OPEN-4, TREE-8
    let fs = fs();
    put(&fs, "/file", b"x");
    let before = snap(&fs);
    for m in [OpenMode::Read, OpenMode::ReadWrite] {
        assert_eq!(kind(fs.open("/missing", m)), ErrorKind::NotFound, "{m}");
        assert_eq!(
            kind(fs.open("/no/such/file", m)),
            ErrorKind::NotFound,
            "{m}"
        );
        assert_eq!(kind(fs.open("/file/below", m)), ErrorKind::NotFound, "{m}");
    }
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_create_with_missing_or_file_parent_raises() {
    // spec: OPEN-5, TREE-8
    let fs = fs();
    put(&fs, "/file", b"x");
    let before = snap(&fs);
    for m in [OpenMode::Write, OpenMode::Append, OpenMode::Exclusive] {
        assert_eq!(kind(fs.open("/missing/f", m)), ErrorKind::NotFound, "{m}");
        assert_eq!(kind(fs.open("/file/f", m)), ErrorKind::NotFound, "{m}");
        assert_eq!(
            kind(fs.open("/file/deeper/f", m)),
            ErrorKind::NotFound,
            "{m}"
        );
    }
    assert_eq!(snap(&fs), before, "a failed create must make nothing");
    assert!(!fs.exists("/missing"));
}

#[test]
fn test_xb_existing_raises() {
    // spec: OPEN-6, CONC-4
    let fs = fs();
    put(&fs, "/f", b"keep");
    let before = full(&fs);
    assert_eq!(
        kind(fs.open("/f", OpenMode::Exclusive)),
        ErrorKind::AlreadyExists
    );
    assert_eq!(full(&fs), before);
    // with a reader open: still AlreadyExists, no lock attempted
    let r = fs.open("/f", OpenMode::Read).unwrap();
    assert_eq!(
        kind(fs.open_with("/f", OpenMode::Exclusive, &try_once())),
        ErrorKind::AlreadyExists
    );
    drop(r);
    // seed004 test_xb_creates_exclusive
    let mut h = fs.open("/g", OpenMode::Exclusive).unwrap();
    h.write_all(b"new").unwrap();
    h.close();
    assert_eq!(get(&fs, "/g"), b"new");
}

#[test]
fn test_rb_reads_existing_file() {
    // spec: OPEN-7, HANDLE-1
    let fs = fs();
    put(&fs, "/f.bin", b"hello");
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    assert_eq!(h.tell().unwrap(), 0);
    assert_eq!(h.read_data(None).unwrap(), b"hello");
    assert_eq!(h.tell().unwrap(), 5);
}

#[test]
fn test_wb_creates_new_file() {
    // spec: OPEN-8, GEN-1, STAT-2, TREE-4
    for m in [OpenMode::Write, OpenMode::Append, OpenMode::Exclusive] {
        let fs = fs();
        put(&fs, "/first", b"1");
        let files_before = fs.stats().file_count;
        let mut h = fs.open("/new.bin", m).unwrap();
        assert_eq!(h.tell().unwrap(), 0);
        h.close();
        assert!(fs.is_file("/new.bin"), "{m}");
        let st = fs.stat("/new.bin").unwrap();
        assert_eq!(st.size, 0);
        assert_eq!(
            st.generation, 0,
            "{m}: a created, unwritten file has generation 0"
        );
        assert!(!st.is_dir);
        assert_eq!(
            fs.listdir("/").unwrap(),
            vec!["first".to_string(), "new.bin".to_string()]
        );
        assert_eq!(fs.stats().file_count, files_before + 1);
        check_invariants(&fs);
    }
}

#[test]
fn test_wb_truncates_existing_content() {
    // spec: OPEN-9, GEN-2, TIME-3, QUOTA-4
    let (fs, clock) = clocked(1_000);
    put(&fs, "/f.bin", b"original content");
    let st1 = fs.stat("/f.bin").unwrap();
    clock.set(2_000);
    let h = fs.open("/f.bin", OpenMode::Write).unwrap();
    let st2 = fs.stat("/f.bin").unwrap();
    assert_eq!(st2.size, 0);
    assert_eq!(st2.generation, st1.generation + 1);
    assert_eq!(st2.modified_at, Timestamp(2_000));
    assert_eq!(st2.created_at, st1.created_at);
    drop(h);
    let mut h = fs.open("/f.bin", OpenMode::Write).unwrap();
    h.write_all(b"new").unwrap();
    h.close();
    assert_eq!(get(&fs, "/f.bin"), b"new");
    check_invariants(&fs);
}

#[test]
fn test_wb_truncate_after_lock_acquisition_even_if_empty() {
    // spec: OPEN-9, TIME-4
    let (fs, clock) = clocked(10);
    put(&fs, "/empty", b"");
    let st1 = fs.stat("/empty").unwrap();
    assert_eq!(st1.generation, 0);
    clock.set(20);
    fs.open("/empty", OpenMode::Write).unwrap().close();
    let st2 = fs.stat("/empty").unwrap();
    assert_eq!(
        st2.generation, 1,
        "wb bumps the generation even of an empty file"
    );
    assert_eq!(st2.modified_at, Timestamp(20));
}

#[test]
fn test_wb_truncate_does_not_corrupt_concurrent_reader() {
    // spec: OPEN-10, LOCK-9, CONC-3
    let fs = fs();
    put(&fs, "/f.bin", b"original data");
    let st = fs.stat("/f.bin").unwrap();
    let mut r = fs.open("/f.bin", OpenMode::Read).unwrap();
    assert_blocked(
        fs.open_with("/f.bin", OpenMode::Write, &try_once()),
        BlockReason::LockTimeout,
    );
    assert_eq!(
        fs.stat("/f.bin").unwrap(),
        st,
        "a blocked wb must not truncate"
    );
    assert_eq!(r.read_data(None).unwrap(), b"original data");
    r.close();
}

#[test]
fn test_ab_appends_to_existing() {
    // spec: OPEN-11, HANDLE-11
    let fs = fs();
    put(&fs, "/f", b"hello");
    let mut h = fs.open("/f", OpenMode::Append).unwrap();
    assert_eq!(h.tell().unwrap(), 5);
    h.write_all(b" world").unwrap();
    h.close();
    assert_eq!(get(&fs, "/f"), b"hello world");
    // seed004 test_ab_creates_if_missing
    append(&fs, "/g", b"x");
    append(&fs, "/g", b"y");
    assert_eq!(get(&fs, "/g"), b"xy");
}

#[test]
fn test_rpb_reads_and_writes_existing() {
    // spec: OPEN-12, HANDLE-4
    let fs = fs();
    put(&fs, "/f", b"abcdef");
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    assert_eq!(h.tell().unwrap(), 0);
    assert_eq!(fs.get_size("/f").unwrap(), 6, "r+b does not truncate");
    assert_eq!(h.read_data(Some(2)).unwrap(), b"ab");
    h.write_all(b"XY").unwrap();
    h.seek(SeekFrom::Start(0)).unwrap();
    assert_eq!(h.read_data(None).unwrap(), b"abXYef");
    h.close();
    assert_eq!(get(&fs, "/f"), b"abXYef");
    assert_eq!(fs.get_size("/f").unwrap(), 6);
}

#[test]
fn test_preallocate_fills_zeros() {
    // spec: PREALLOC-1
    let fs = fs();
    for (m, p) in [
        (OpenMode::Write, "/w"),
        (OpenMode::Exclusive, "/x"),
        (OpenMode::Append, "/a"),
    ] {
        let h = fs
            .open_with(p, m, &OpenOptions::new().preallocate(10))
            .unwrap();
        drop(h);
        assert_eq!(get(&fs, p), vec![0u8; 10], "{m}");
    }
    put(&fs, "/e", b"abc");
    fs.open_with(
        "/e",
        OpenMode::ReadWrite,
        &OpenOptions::new().preallocate(8),
    )
    .unwrap()
    .close();
    assert_eq!(get(&fs, "/e"), b"abc\0\0\0\0\0");
    check_invariants(&fs);
}

#[test]
fn test_preallocate_charges_quota() {
    // spec: PREALLOC-2, TIME-3, GEN-2
    let (fs, clock) = clocked_with(MemoryFileSystem::builder().chunk_overhead(0), 5);
    fs.open_with(
        "/p",
        OpenMode::Exclusive,
        &OpenOptions::new().preallocate(100),
    )
    .unwrap()
    .close();
    assert_eq!(fs.stats().used_bytes, 100);
    let st = fs.stat("/p").unwrap();
    assert_eq!(st.generation, 1, "preallocation is a write");
    assert_eq!(st.modified_at, Timestamp(5));
    clock.set(9);
    fs.open_with(
        "/p",
        OpenMode::ReadWrite,
        &OpenOptions::new().preallocate(150),
    )
    .unwrap()
    .close();
    let st = fs.stat("/p").unwrap();
    assert_eq!(
        (st.size, st.generation, st.modified_at),
        (150, 2, Timestamp(9))
    );
    assert_eq!(fs.stats().used_bytes, 150);
    check_invariants(&fs);
}

#[test]
fn test_preallocate_not_larger_changes_nothing() {
    // spec: PREALLOC-3
    let (fs, clock) = clocked(1);
    put(&fs, "/f", b"0123456789");
    let before = full(&fs);
    clock.set(50);
    for m in [OpenMode::ReadWrite, OpenMode::Append] {
        for n in [1, 10] {
            fs.open_with("/f", m, &OpenOptions::new().preallocate(n))
                .unwrap()
                .close();
        }
    }
    assert_eq!(full(&fs), before);
}

#[test]
fn test_preallocate_with_rb_is_invalid() {
    // spec: PREALLOC-4
    let fs = fs();
    put(&fs, "/f", b"abc");
    let before = full(&fs);
    assert_eq!(
        kind(fs.open_with("/f", OpenMode::Read, &OpenOptions::new().preallocate(10))),
        ErrorKind::InvalidInput
    );
    assert_eq!(full(&fs), before);
    // no lock was left behind
    fs.open_with("/f", OpenMode::Write, &try_once())
        .unwrap()
        .close();
}

#[test]
fn test_failed_preallocate_removes_created_file() {
    // spec: PREALLOC-5, QUOTA-9, QUOTA-12
    let fs = exact(100);
    put(&fs, "/old", b"0123456789");
    let before = full(&fs);
    for m in [OpenMode::Write, OpenMode::Exclusive, OpenMode::Append] {
        let e = err(fs.open_with("/new", m, &OpenOptions::new().preallocate(200)));
        assert_eq!(e.kind(), ErrorKind::QuotaExceeded, "{m}");
        assert!(
            !fs.exists("/new"),
            "{m}: the file this open created must be removed again"
        );
        assert_eq!(full(&fs), before);
    }
    for m in [OpenMode::ReadWrite, OpenMode::Append] {
        assert_eq!(
            kind(fs.open_with("/old", m, &OpenOptions::new().preallocate(200))),
            ErrorKind::QuotaExceeded
        );
        assert_eq!(full(&fs), before, "{m}: an existing file stays unchanged");
    }
    // the failed opens released their locks
    fs.open_with("/old", OpenMode::Write, &try_once())
        .unwrap()
        .close();
    check_invariants(&fs);
}

#[test]
fn test_random_access_storage_open_modes() {
    // spec: STORE-5, OPEN-8
    let fs = build(MemoryFileSystem::builder().storage(StorageKind::RandomAccess));
    put(&fs, "/f", b"abc");
    assert_eq!(
        fs.file_layout("/f").unwrap().kind,
        StorageKind::RandomAccess
    );
    check_invariants(&fs);
}
