//! Node limit and memory guard (semantics §2, §8).

// This test crate's own threads synchronize with std primitives on purpose (they exercise the
// library from outside); the sync-facade rule of `clippy.toml` is about the library's code.
#![allow(clippy::disallowed_types)]

mod common;
use common::*;
use memfs_core::{
    ErrorKind, FixedMemoryProbe, GuardAction, GuardMode, MemoryFileSystem, MemoryProbe, MfsError,
    OpenMode, OpenOptions,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

fn limited(n: u64) -> MemoryFileSystem {
    build(MemoryFileSystem::builder().max_nodes(n))
}

fn limit_of(e: MfsError) -> u64 {
    match e {
        MfsError::NodeLimitExceeded { limit, current, .. } => {
            assert!(current <= limit, "current {current} > limit {limit}");
            limit
        }
        other => panic!("expected NodeLimitExceeded, got {other:?}"),
    }
}

#[test]
fn test_node_limit_counts_root() {
    // spec: LIMIT-1, QUOTA-14
    let fs = limited(3);
    fs.mkdir("/a", false).unwrap();
    put(&fs, "/f", b"x");
    let before = full(&fs);
    let e = err(fs.mkdir("/b", false));
    assert_eq!(
        std::io::Error::from(e.clone()).kind(),
        std::io::ErrorKind::StorageFull
    );
    assert_eq!(limit_of(e), 3);
    assert_eq!(full(&fs), before);
}

#[test]
fn test_node_limit_mkdir_chain_is_all_or_nothing() {
    // spec: LIMIT-2
    let fs = limited(3);
    let before = snap(&fs);
    assert_eq!(
        kind(fs.mkdir("/x/y/z", false)),
        ErrorKind::NodeLimitExceeded
    );
    assert_eq!(snap(&fs), before, "no partial chain");
    assert!(!fs.exists("/x"));
    fs.mkdir("/x/y", false).unwrap();
    assert_eq!(fs.stats().dir_count, 3);
}

#[test]
fn test_node_limit_open_create() {
    // spec: LIMIT-3
    let fs = limited(2);
    put(&fs, "/f", b"x");
    let before = full(&fs);
    for m in [OpenMode::Write, OpenMode::Append, OpenMode::Exclusive] {
        assert_eq!(kind(fs.open("/g", m)), ErrorKind::NodeLimitExceeded, "{m}");
        assert_eq!(
            kind(fs.open_with("/g", m, &OpenOptions::new().preallocate(3))),
            ErrorKind::NodeLimitExceeded
        );
    }
    assert_eq!(full(&fs), before);
    // opening existing files needs no node
    put(&fs, "/f", b"y");
    fs.open("/f", OpenMode::Append).unwrap().close();
}

#[test]
fn test_node_limit_copy_import_move() {
    // spec: LIMIT-4
    let fs = limited(5);
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/d/f", b"1");
    put(&fs, "/g", b"2");
    assert_eq!(fs.stats().file_count + fs.stats().dir_count, 4);
    let before = full(&fs);
    assert_eq!(kind(fs.copy_tree("/d", "/e")), ErrorKind::NodeLimitExceeded);
    assert_eq!(
        kind(fs.import_tree([("/n/1", &b"a"[..])])),
        ErrorKind::NodeLimitExceeded
    );
    assert_eq!(
        kind(fs.import_tree([("/i1", &b"a"[..]), ("/i2", &b"b"[..])])),
        ErrorKind::NodeLimitExceeded
    );
    assert_eq!(
        kind(fs.move_path("/g", "/m/n/g")),
        ErrorKind::NodeLimitExceeded
    );
    assert_eq!(full(&fs), before, "nothing half-done");
    // one node is left: a copy fits, a second does not
    fs.copy("/g", "/h").unwrap();
    assert_eq!(kind(fs.copy("/g", "/i")), ErrorKind::NodeLimitExceeded);
    assert!(!fs.exists("/i"));
    // replacing an existing file by import needs no node
    fs.import_tree([("/h", &b"replaced"[..])]).unwrap();
    check_invariants(&fs);
}

#[test]
fn test_node_limit_counts_reachable_nodes_only() {
    // spec: LIMIT-5
    let fs = limited(4);
    fs.mkdir("/a/b", false).unwrap();
    put(&fs, "/a/b/f", b"x");
    assert_eq!(kind(fs.mkdir("/c", false)), ErrorKind::NodeLimitExceeded);
    fs.rmtree("/a").unwrap();
    fs.mkdir("/c/d/e", false).unwrap();
    // a rename creates no node, so it works at the limit
    fs.rename("/c/d/e", "/c/e").unwrap();
    assert_eq!(fs.stats().dir_count, 4);
}

/// A probe that counts how often it was asked.
#[derive(Debug)]
struct CountingProbe {
    available: Option<u64>,
    calls: AtomicUsize,
}

impl MemoryProbe for CountingProbe {
    fn available_bytes(&self) -> Option<u64> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.available
    }
}

#[test]
fn test_guard_none_never_consults_probe() {
    // spec: GUARD-1
    let probe = Arc::new(CountingProbe {
        available: Some(0),
        calls: AtomicUsize::new(0),
    });
    let fs = build(
        MemoryFileSystem::builder()
            .memory_probe(probe.clone())
            .memory_guard(GuardMode::None, GuardAction::Error),
    );
    put(&fs, "/f", &[0u8; 10_000]);
    fs.import_tree([("/g", vec![1u8; 5_000])]).unwrap();
    fs.copy("/f", "/h").unwrap();
    assert_eq!(probe.calls.load(Ordering::SeqCst), 0);
    assert!(fs.take_warnings().is_empty());
}

#[test]
fn test_guard_init_error_fails_build() {
    // spec: GUARD-2
    let b = MemoryFileSystem::builder()
        .quota(1 << 20)
        .memory_probe(Arc::new(FixedMemoryProbe(Some(1_000))))
        .memory_guard(GuardMode::Init, GuardAction::Error);
    assert_eq!(kind(b.build()), ErrorKind::OutOfMemory);
    let ok = MemoryFileSystem::builder()
        .quota(1 << 20)
        .memory_probe(Arc::new(FixedMemoryProbe(Some(1 << 30))))
        .memory_guard(GuardMode::Init, GuardAction::Error)
        .build();
    assert!(ok.is_ok());
}

#[test]
fn test_guard_init_warn_records_warning() {
    // spec: GUARD-3
    let fs = build(
        MemoryFileSystem::builder()
            .quota(1 << 20)
            .memory_probe(Arc::new(FixedMemoryProbe(Some(1_000))))
            .memory_guard(GuardMode::Init, GuardAction::Warn),
    );
    let w = fs.take_warnings();
    assert!(
        !w.is_empty(),
        "a warning about the quota not fitting in host memory"
    );
    assert!(fs.take_warnings().is_empty(), "warnings are taken once");
    put(&fs, "/f", b"works");
}

#[test]
fn test_guard_per_write_error() {
    // spec: GUARD-4
    let fs = build(
        MemoryFileSystem::builder()
            .memory_probe(Arc::new(FixedMemoryProbe(Some(1_000))))
            .memory_guard(GuardMode::PerWrite, GuardAction::Error),
    );
    put(&fs, "/small", b"fits");
    let before = full(&fs);
    let mut h = fs.open("/small", OpenMode::Append).unwrap();
    assert_eq!(kind(h.write_data(&[0u8; 100_000])), ErrorKind::OutOfMemory);
    h.close();
    assert_eq!(
        kind(fs.import_tree([("/big", vec![0u8; 100_000])])),
        ErrorKind::OutOfMemory
    );
    assert_eq!(
        kind(fs.open_with(
            "/pre",
            OpenMode::Write,
            &OpenOptions::new().preallocate(100_000)
        )),
        ErrorKind::OutOfMemory
    );
    assert_eq!(full(&fs), before, "nothing changed");
    check_invariants(&fs);
}

/// A probe whose answer the test changes, to simulate the host filling up.
#[derive(Debug)]
struct AdjustableProbe(AtomicU64);

impl MemoryProbe for AdjustableProbe {
    fn available_bytes(&self) -> Option<u64> {
        Some(self.0.load(Ordering::SeqCst))
    }
}

#[test]
fn test_guard_per_write_error_on_copy_truncate_import() {
    // spec: GUARD-4
    let probe = Arc::new(AdjustableProbe(AtomicU64::new(u64::MAX)));
    let fs = build(
        MemoryFileSystem::builder()
            .memory_probe(probe.clone())
            .memory_guard(GuardMode::PerWrite, GuardAction::Error),
    );
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/d/big", &[1u8; 100_000]);
    put(&fs, "/d/small", &[2u8; 10]);
    // the host fills up
    probe.0.store(1_000, Ordering::SeqCst);
    let before = full(&fs);
    assert_eq!(kind(fs.copy("/d/big", "/d/big2")), ErrorKind::OutOfMemory);
    assert_eq!(kind(fs.copy_tree("/d", "/e")), ErrorKind::OutOfMemory);
    let mut h = fs.open("/d/small", OpenMode::ReadWrite).unwrap();
    assert_eq!(kind(h.truncate(Some(100_000))), ErrorKind::OutOfMemory);
    h.close();
    assert_eq!(
        kind(fs.import_tree([("/d/i", vec![0u8; 100_000])])),
        ErrorKind::OutOfMemory
    );
    assert_eq!(full(&fs), before, "nothing changed");
    // small allocations still pass
    fs.copy("/d/small", "/d/small2").unwrap();
    check_invariants(&fs);
}

#[test]
fn test_guard_per_write_warn() {
    // spec: GUARD-5
    let fs = build(
        MemoryFileSystem::builder()
            .memory_probe(Arc::new(FixedMemoryProbe(Some(1_000))))
            .memory_guard(GuardMode::PerWrite, GuardAction::Warn),
    );
    put(&fs, "/big", &[7u8; 100_000]);
    assert_eq!(fs.get_size("/big").unwrap(), 100_000);
    assert!(!fs.take_warnings().is_empty());
}

#[test]
fn test_guard_unknown_memory_lets_everything_through() {
    // spec: GUARD-6
    for mode in [GuardMode::Init, GuardMode::PerWrite] {
        let fs = build(
            MemoryFileSystem::builder()
                .memory_probe(Arc::new(FixedMemoryProbe(None)))
                .memory_guard(mode, GuardAction::Error),
        );
        put(&fs, "/big", &[7u8; 100_000]);
        assert!(fs.take_warnings().is_empty());
    }
}

#[test]
fn test_node_limit_checked_before_quota() {
    // spec: LIMIT-6
    let fs = build(
        MemoryFileSystem::builder()
            .max_nodes(4)
            .quota(100)
            .chunk_overhead(0),
    );
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/d/f", &[1u8; 60]);
    fs.mkdir("/x", false).unwrap();
    let before = full(&fs);
    // each of these would pass both the node limit and the quota
    assert_eq!(kind(fs.copy("/d/f", "/g")), ErrorKind::NodeLimitExceeded);
    assert_eq!(kind(fs.copy_tree("/d", "/e")), ErrorKind::NodeLimitExceeded);
    assert_eq!(
        kind(fs.import_tree([("/g", vec![0u8; 200])])),
        ErrorKind::NodeLimitExceeded
    );
    assert_eq!(
        kind(fs.open_with(
            "/g",
            OpenMode::Exclusive,
            &OpenOptions::new().preallocate(200)
        )),
        ErrorKind::NodeLimitExceeded
    );
    assert_eq!(full(&fs), before);
}
