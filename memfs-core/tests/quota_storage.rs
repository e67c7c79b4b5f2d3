//! Quota accounting, storage kinds, promotion and stats (semantics §2, §3; seed 004 §3.2,
//! §3.4, §3.5, §4.6, §18).

mod common;
use common::*;
use memfs_core::{ErrorKind, FileLayout, MemoryFileSystem, MfsError, OpenMode, StorageKind};
use std::io::{SeekFrom, Write};

fn layout(fs: &MemoryFileSystem, p: &str) -> FileLayout {
    fs.file_layout(p).unwrap()
}

#[test]
fn test_stats_initial_state() {
    // spec: TREE-2, TREE-3, TREE-7, TREE-1
    let fs = fs();
    let s = fs.stats();
    assert_eq!(s.used_bytes, 0);
    assert_eq!(s.quota_bytes, 256 * 1024 * 1024);
    assert_eq!(s.free_bytes, s.quota_bytes);
    assert_eq!(s.file_count, 0);
    assert_eq!(s.dir_count, 1, "the root counts");
    assert_eq!(s.chunk_count, 0);
    assert_eq!(s.overhead_per_chunk_estimate, 128);
    assert!(fs.is_dir("/"));
    let st = fs.stat("/").unwrap();
    assert!(st.is_dir);
}

#[test]
fn test_stats_overhead_estimate_is_configured_value() {
    // spec: TREE-7, QUOTA-3
    for o in [0u64, 1, 64, 500] {
        let fs = build(MemoryFileSystem::builder().chunk_overhead(o).quota(10_000));
        assert_eq!(fs.stats().overhead_per_chunk_estimate, o);
        assert_eq!(fs.stats().quota_bytes, 10_000);
    }
}

#[test]
fn test_stats_counts_follow_the_tree() {
    // spec: TREE-4, TREE-3, TREE-6, TREE-5
    let fs = fs();
    fs.mkdir("/a/b", false).unwrap();
    assert_eq!(fs.stats().dir_count, 3);
    put(&fs, "/a/f", b"hello world");
    append(&fs, "/a/f", b"!");
    put(&fs, "/a/b/g", b"x");
    let s = fs.stats();
    assert_eq!((s.file_count, s.dir_count, s.chunk_count), (2, 3, 3));
    assert!(s.used_bytes > 0);
    assert_eq!(s.free_bytes, s.quota_bytes - s.used_bytes);
    check_invariants(&fs);
    fs.rmtree("/a/b").unwrap();
    let s = fs.stats();
    assert_eq!((s.file_count, s.dir_count, s.chunk_count), (1, 2, 2));
    check_invariants(&fs);
}

#[test]
fn test_quota_charged_on_write() {
    // spec: QUOTA-1, QUOTA-2, STORE-1, STORE-11
    let fs = fs();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    assert_eq!(layout(&fs, "/f").kind, StorageKind::Sequential);
    h.write_all(b"abc").unwrap();
    assert_eq!(
        layout(&fs, "/f"),
        FileLayout {
            kind: StorageKind::Sequential,
            chunks: vec![3],
            charged: 131
        }
    );
    h.write_all(b"de").unwrap();
    assert_eq!(
        layout(&fs, "/f"),
        FileLayout {
            kind: StorageKind::Sequential,
            chunks: vec![3, 2],
            charged: 261
        }
    );
    h.close();
    let s = fs.stats();
    assert_eq!((s.used_bytes, s.chunk_count), (261, 2));
    assert_eq!(get(&fs, "/f"), b"abcde");
    let mut r = fs.open("/f", OpenMode::Read).unwrap();
    r.seek_to(SeekFrom::Start(2)).unwrap();
    assert_eq!(
        r.read_data(Some(2)).unwrap(),
        b"cd",
        "a read across a chunk boundary"
    );
    check_invariants(&fs);
}

#[test]
fn test_configurable_overhead() {
    // spec: QUOTA-3, QUOTA-1
    let fs = build(MemoryFileSystem::builder().chunk_overhead(7));
    append(&fs, "/f", b"1234");
    append(&fs, "/f", b"56");
    assert_eq!(layout(&fs, "/f").charged, 6 + 2 * 7);
    let fs = exact(1_000);
    append(&fs, "/f", b"1234");
    append(&fs, "/f", b"56");
    assert_eq!(fs.stats().used_bytes, 6);
    assert_eq!(fs.stats().chunk_count, 2);
    check_invariants(&fs);
}

#[test]
fn test_quota_released_on_truncate() {
    // spec: QUOTA-4, HANDLE-12
    let fs = fs();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    h.write_all(b"abc").unwrap();
    h.write_all(b"de").unwrap();
    h.truncate(Some(4)).unwrap();
    assert_eq!(
        layout(&fs, "/f"),
        FileLayout {
            kind: StorageKind::Sequential,
            chunks: vec![4],
            charged: 132
        }
    );
    h.truncate(Some(0)).unwrap();
    assert_eq!(
        layout(&fs, "/f"),
        FileLayout {
            kind: StorageKind::Sequential,
            chunks: vec![],
            charged: 0
        }
    );
    assert_eq!(fs.stats().used_bytes, 0);
    h.close();
    check_invariants(&fs);
}

#[test]
fn test_truncate_up_adds_zero_chunk() {
    // spec: QUOTA-5
    let fs = fs();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    h.write_all(b"abc").unwrap();
    h.truncate(Some(6)).unwrap();
    assert_eq!(
        layout(&fs, "/f"),
        FileLayout {
            kind: StorageKind::Sequential,
            chunks: vec![3, 3],
            charged: 6 + 256
        }
    );
    h.close();
    assert_eq!(get(&fs, "/f"), b"abc\0\0\0");
    check_invariants(&fs);
}

#[test]
fn test_quota_charged_only_for_size_increase() {
    // spec: QUOTA-6, QUOTA-7, STORE-5
    let fs = build(MemoryFileSystem::builder().storage(StorageKind::RandomAccess));
    put(&fs, "/f", b"0123456789");
    assert_eq!(layout(&fs, "/f").kind, StorageKind::RandomAccess);
    assert_eq!(fs.stats().used_bytes, 10);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.write_all(b"abcde").unwrap();
    assert_eq!(fs.stats().used_bytes, 10, "overwriting charges nothing");
    h.seek_to(SeekFrom::Start(20)).unwrap();
    h.write_all(b"XYZ").unwrap();
    assert_eq!(
        fs.stats().used_bytes,
        23,
        "only the growth, the gap included"
    );
    assert_eq!(
        fs.stats().chunk_count,
        0,
        "random-access files are not chunked"
    );
    h.close();
    let data = get(&fs, "/f");
    assert_eq!(&data[..10], b"abcde56789");
    assert_eq!(&data[10..20], &[0u8; 10]);
    check_invariants(&fs);
}

#[test]
fn test_shrink_preserves_data_and_releases_quota() {
    // spec: QUOTA-8
    let fs = build(MemoryFileSystem::builder().storage(StorageKind::RandomAccess));
    let data: Vec<u8> = (0..4000u32).map(|i| (i % 251) as u8).collect();
    put(&fs, "/f", &data);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.truncate(Some(200)).unwrap();
    h.close();
    assert_eq!(fs.stats().used_bytes, 200);
    assert_eq!(get(&fs, "/f"), &data[..200]);
    // seed004 test_truncate_to_zero_shrinks, test_shrink_quota_consistency
    put(&fs, "/f", b"x");
    assert_eq!(fs.stats().used_bytes, 1);
    check_invariants(&fs);
}

#[test]
fn test_reserve_exceeds_raises_quota_error() {
    // spec: QUOTA-9, QUOTA-12, QUOTA-11
    let fs = exact(100);
    put(&fs, "/a", &[1u8; 40]);
    let before = full(&fs);
    let mut h = fs.open("/a", OpenMode::Append).unwrap();
    match err(h.write_data(&[2u8; 61])) {
        MfsError::QuotaExceeded {
            requested,
            available,
            ..
        } => {
            assert_eq!((requested, available), (61, 60));
        }
        other => panic!("expected QuotaExceeded, got {other:?}"),
    }
    assert_eq!(
        h.tell().unwrap(),
        40,
        "a failed write does not move the cursor"
    );
    h.close();
    assert_eq!(full(&fs), before, "a failed write writes nothing");
    check_invariants(&fs);
}

#[test]
fn test_quota_error_carries_requested_and_available_with_overhead() {
    // spec: QUOTA-9, QUOTA-2
    let fs = build(MemoryFileSystem::builder().quota(200));
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    match err(h.write_data(&[0u8; 100])) {
        MfsError::QuotaExceeded {
            requested,
            available,
            ..
        } => assert_eq!((requested, available), (228, 200)),
        other => panic!("expected QuotaExceeded, got {other:?}"),
    }
    assert_eq!(fs.stats().used_bytes, 0);
}

#[test]
fn test_reserve_exact_quota_succeeds() {
    // spec: QUOTA-10
    let fs = exact(100);
    put(&fs, "/a", &[1u8; 100]);
    assert_eq!(fs.stats().free_bytes, 0);
    assert_eq!(
        kind(fs.open("/a", OpenMode::Append).unwrap().write_data(b"x")),
        ErrorKind::QuotaExceeded
    );
    let fs = build(MemoryFileSystem::builder().quota(228));
    put(&fs, "/a", &[1u8; 100]);
    assert_eq!(fs.stats().used_bytes, 228);
    check_invariants(&fs);
}

#[test]
fn test_remove_releases_quota() {
    // spec: REMOVE-4, QUOTA-12
    let fs = fs();
    put(&fs, "/f.bin", &[b'x'; 100]);
    assert_eq!(fs.stats().used_bytes, 228);
    fs.remove("/f.bin").unwrap();
    assert_eq!(fs.stats().used_bytes, 0);
    check_invariants(&fs);
}

#[test]
fn test_write_at_nontail_promotes() {
    // spec: STORE-2, STORE-7
    let fs = fs();
    put(&fs, "/f", b"0123456789");
    assert_eq!(layout(&fs, "/f").charged, 138);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.write_all(b"ab").unwrap();
    assert_eq!(
        layout(&fs, "/f"),
        FileLayout {
            kind: StorageKind::RandomAccess,
            chunks: vec![10],
            charged: 10
        }
    );
    h.close();
    assert_eq!(get(&fs, "/f"), b"ab23456789");
    // a write beyond EOF is not an append either
    put(&fs, "/g", b"abc");
    let mut h = fs.open("/g", OpenMode::ReadWrite).unwrap();
    h.seek_to(SeekFrom::Start(5)).unwrap();
    h.write_all(b"Z").unwrap();
    h.close();
    assert_eq!(layout(&fs, "/g").kind, StorageKind::RandomAccess);
    assert_eq!(layout(&fs, "/g").charged, 6);
    check_invariants(&fs);
}

#[test]
fn test_write_at_tail_offset_succeeds() {
    // spec: STORE-3
    let fs = fs();
    put(&fs, "/f", b"abc");
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.seek_to(SeekFrom::End(0)).unwrap();
    h.write_all(b"de").unwrap();
    h.close();
    assert_eq!(
        layout(&fs, "/f"),
        FileLayout {
            kind: StorageKind::Sequential,
            chunks: vec![3, 2],
            charged: 261
        }
    );
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    assert_eq!(h.read_data(None).unwrap(), b"abcde");
    h.write_all(b"f").unwrap();
    h.close();
    assert_eq!(
        layout(&fs, "/f").kind,
        StorageKind::Sequential,
        "the cursor was at EOF"
    );
}

#[test]
fn test_sequential_storage_rejects_non_append_write() {
    // spec: STORE-4
    let fs = build(MemoryFileSystem::builder().storage(StorageKind::Sequential));
    put(&fs, "/f", b"abc");
    let before = full(&fs);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    assert_eq!(kind(h.write_data(b"X")), ErrorKind::Unsupported);
    h.seek_to(SeekFrom::Start(10)).unwrap();
    assert_eq!(kind(h.write_data(b"X")), ErrorKind::Unsupported);
    h.seek_to(SeekFrom::End(0)).unwrap();
    h.write_all(b"d").unwrap();
    h.close();
    assert_eq!(get(&fs, "/f"), b"abcd");
    assert_eq!(before.0.layouts["/f"].kind, StorageKind::Sequential);
    assert_eq!(layout(&fs, "/f").kind, StorageKind::Sequential);
    check_invariants(&fs);
}

#[test]
fn test_promotion_needs_size_free() {
    // spec: STORE-6, QUOTA-12
    let fs = build(MemoryFileSystem::builder().quota(140));
    put(&fs, "/f", b"0123456789");
    assert_eq!(fs.stats().used_bytes, 138);
    let before = full(&fs);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    match err(h.write_data(b"X")) {
        MfsError::QuotaExceeded {
            requested,
            available,
            ..
        } => assert_eq!((requested, available), (10, 2)),
        other => panic!("expected QuotaExceeded, got {other:?}"),
    }
    h.close();
    assert_eq!(full(&fs), before, "the file stays sequential and unchanged");
    // with size bytes free the promotion works and releases the overhead
    let fs = build(MemoryFileSystem::builder().quota(148));
    put(&fs, "/f", b"0123456789");
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.write_all(b"X").unwrap();
    h.close();
    assert_eq!(fs.stats().used_bytes, 10);
    check_invariants(&fs);
}

#[test]
fn test_promotion_hard_limit_raises() {
    // spec: STORE-8
    let fs = build(MemoryFileSystem::builder().promotion_hard_limit(8));
    put(&fs, "/big", b"0123456789");
    put(&fs, "/eq", b"01234567");
    let before = full(&fs);
    let mut h = fs.open("/big", OpenMode::ReadWrite).unwrap();
    assert_eq!(kind(h.write_data(b"X")), ErrorKind::Unsupported);
    h.close();
    assert_eq!(full(&fs), before);
    let mut h = fs.open("/eq", OpenMode::ReadWrite).unwrap();
    h.write_all(b"X").unwrap();
    h.close();
    assert_eq!(
        layout(&fs, "/eq").kind,
        StorageKind::RandomAccess,
        "equality is allowed"
    );
    check_invariants(&fs);
}

#[test]
fn test_failed_write_after_promotion_restores_usage() {
    // spec: STORE-9, QUOTA-12
    let fs = build(MemoryFileSystem::builder().quota(150));
    put(&fs, "/f", b"0123456789");
    let before = full(&fs);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.seek_to(SeekFrom::Start(5)).unwrap();
    assert_eq!(kind(h.write_data(&[b'z'; 200])), ErrorKind::QuotaExceeded);
    assert_eq!(fs.stats().used_bytes, 138, "usage restored exactly");
    h.close();
    let after = full(&fs);
    assert_eq!(after.1, before.1, "content unchanged");
    assert_eq!(after.0.stats, before.0.stats);
    check_invariants(&fs);
}

#[test]
fn test_write_at_empty_data_is_noop() {
    // spec: STORE-10
    let (fs, clock) = clocked(1);
    put(&fs, "/f", b"abc");
    let before = full(&fs);
    clock.set(99);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    assert_eq!(h.write_data(b"").unwrap(), 0);
    h.seek_to(SeekFrom::Start(10)).unwrap();
    assert_eq!(h.write_data(b"").unwrap(), 0);
    h.close();
    let mut h = fs.open("/f", OpenMode::Append).unwrap();
    assert_eq!(h.write_data(b"").unwrap(), 0);
    h.close();
    assert_eq!(
        full(&fs),
        before,
        "no promotion, no chunk, no generation, no modified_at"
    );
    let mut h = fs.open("/new", OpenMode::Write).unwrap();
    h.write_data(b"").unwrap();
    h.close();
    assert_eq!(layout(&fs, "/new").chunks, Vec::<u64>::new());
    assert_eq!(fs.stat("/new").unwrap().generation, 0);
}

#[test]
fn test_quota_prevents_oversized_archive() {
    // spec: QUOTA-9, QUOTA-11
    let fs = exact(128);
    let mut failed_at = None;
    for i in 0..10 {
        let mut h = fs.open(&format!("/f{i}.bin"), OpenMode::Write).unwrap();
        if let Err(e) = h.write_data(&[b'x'; 20]) {
            assert_eq!(e.kind(), ErrorKind::QuotaExceeded);
            failed_at = Some(i);
            break;
        }
        h.close();
    }
    assert_eq!(
        failed_at,
        Some(6),
        "20 B files: the 7th does not fit in 128 B"
    );
    assert_eq!(fs.stats().used_bytes, 120);
    check_invariants(&fs);
}

#[test]
fn test_independent_mfs_instances_isolated() {
    // spec: TREE-9
    let a = exact(128);
    let b = exact(128);
    put(&a, "/f.bin", &[b'x'; 100]);
    put(&b, "/g.bin", &[b'y'; 100]);
    assert!(!b.exists("/f.bin"));
    assert!(!a.exists("/g.bin"));
    assert_eq!(a.stats().used_bytes, 100);
    assert_eq!(b.stats().used_bytes, 100);
    // seed004 test_multitenant_quota_isolation
    let mut h = a.open("/big", OpenMode::Write).unwrap();
    assert_eq!(kind(h.write_data(&[0u8; 300])), ErrorKind::QuotaExceeded);
    put(&b, "/h", &[1u8; 28]);
    assert!(b.exists("/h"));
}

#[test]
fn test_truncate_grow_beyond_quota_changes_nothing() {
    // spec: QUOTA-9, QUOTA-5, HANDLE-12, QUOTA-12
    for storage in [StorageKind::Auto, StorageKind::RandomAccess] {
        let fs = build(MemoryFileSystem::builder().quota(300).storage(storage));
        put(&fs, "/f", b"abc");
        let before = full(&fs);
        let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
        h.seek_to(SeekFrom::Start(2)).unwrap();
        assert_eq!(
            kind(h.truncate(Some(1_000))),
            ErrorKind::QuotaExceeded,
            "{storage:?}"
        );
        assert_eq!(h.tell().unwrap(), 2);
        h.close();
        assert_eq!(full(&fs), before, "{storage:?}");
        check_invariants(&fs);
    }
}
