//! Timestamps from the injected clock and generations (semantics §5, §8; seed 004 §17).

mod common;
use common::*;
use memfs_core::{ManualClock, MemoryFileSystem, OpenMode, OpenOptions, Timestamp};
use std::io::{SeekFrom, Write};
use std::sync::Arc;

#[test]
fn test_timestamps_come_from_the_clock() {
    // spec: TIME-1, TIME-2
    let clock = Arc::new(ManualClock::ticking(1_000, 1));
    let fs = build(MemoryFileSystem::builder().clock(clock.clone()));
    put(&fs, "/a", b"x");
    let a = fs.stat("/a").unwrap();
    assert!(a.created_at >= Timestamp(1_000));
    clock.set(5_000_000);
    fs.open("/b", OpenMode::Exclusive).unwrap().close();
    let b = fs.stat("/b").unwrap();
    assert!(b.created_at >= Timestamp(5_000_000));
    assert!(b.created_at > a.modified_at);
}

#[test]
fn test_created_at_equals_modified_at_on_creation() {
    // spec: TIME-2
    let (fs, clock) = clocked(1_234);
    for (i, m) in [OpenMode::Write, OpenMode::Append, OpenMode::Exclusive]
        .into_iter()
        .enumerate()
    {
        clock.set(1_000 * (i as u64 + 1));
        fs.open(&format!("/f{i}"), m).unwrap().close();
        let st = fs.stat(&format!("/f{i}")).unwrap();
        assert_eq!(st.created_at, Timestamp(1_000 * (i as u64 + 1)), "{m}");
        assert_eq!(st.created_at, st.modified_at, "{m}");
    }
}

#[test]
fn test_write_updates_modified_at_not_created_at() {
    // spec: TIME-3, GEN-2
    let (fs, clock) = clocked(100);
    put(&fs, "/test.bin", b"initial");
    let info1 = fs.stat("/test.bin").unwrap();
    clock.set(200);
    let mut h = fs.open("/test.bin", OpenMode::ReadWrite).unwrap();
    h.write_all(b"updated").unwrap();
    h.close();
    let info2 = fs.stat("/test.bin").unwrap();
    assert_eq!(info2.modified_at, Timestamp(200));
    assert_eq!(info2.created_at, info1.created_at);
    assert_eq!(info2.generation, info1.generation + 1);
}

#[test]
fn test_truncate_updates_modified_at() {
    // spec: TIME-4, OPEN-9
    let (fs, clock) = clocked(1);
    put(&fs, "/f", b"data");
    clock.set(2);
    fs.open("/f", OpenMode::Write).unwrap().close();
    assert_eq!(fs.stat("/f").unwrap().modified_at, Timestamp(2));
    clock.set(3);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.truncate(Some(5)).unwrap();
    h.close();
    assert_eq!(fs.stat("/f").unwrap().modified_at, Timestamp(3));
    assert_eq!(fs.stat("/f").unwrap().created_at, Timestamp(1));
}

#[test]
fn test_directory_timestamps_are_creation_time() {
    // spec: TIME-5, STAT-3
    let (fs, clock) = clocked(10);
    fs.mkdir("/a/b", false).unwrap();
    clock.set(20);
    put(&fs, "/a/f", b"x");
    fs.mkdir("/a/c", false).unwrap();
    fs.rename("/a/f", "/a/g").unwrap();
    fs.remove("/a/g").unwrap();
    clock.set(30);
    fs.mkdir("/a/b", true).unwrap();
    for d in ["/a", "/a/b"] {
        let st = fs.stat(d).unwrap();
        assert_eq!(
            (st.created_at, st.modified_at),
            (Timestamp(10), Timestamp(10)),
            "{d}"
        );
    }
    assert_eq!(fs.stat("/a/c").unwrap().created_at, Timestamp(20));
}

#[test]
fn test_reads_do_not_change_timestamps() {
    // spec: TIME-6
    let (fs, clock) = clocked(5);
    put(&fs, "/f", b"abc");
    let before = fs.stat("/f").unwrap();
    clock.set(50);
    let mut h = fs.open("/f", OpenMode::Read).unwrap();
    h.read_data(None).unwrap();
    h.seek_to(SeekFrom::Start(0)).unwrap();
    h.close();
    fs.open("/f", OpenMode::ReadWrite).unwrap().close();
    fs.open("/f", OpenMode::Append).unwrap().close();
    fs.stat("/f").unwrap();
    fs.export_tree("/", false).unwrap();
    fs.export_as_bytesio("/f", None).unwrap();
    fs.copy("/f", "/g").unwrap();
    assert_eq!(fs.stat("/f").unwrap(), before);
}

#[test]
fn test_move_preserves_timestamps() {
    // spec: MOVE-8, RENAME-9
    let (fs, clock) = clocked(1);
    put(&fs, "/a.bin", b"data");
    let before = fs.stat("/a.bin").unwrap();
    clock.set(2);
    fs.move_path("/a.bin", "/x/y/b.bin").unwrap();
    assert_eq!(fs.stat("/x/y/b.bin").unwrap(), before);
    assert_eq!(
        fs.stat("/x/y").unwrap().created_at,
        Timestamp(2),
        "parents made by move are new"
    );
}

#[test]
fn test_new_file_has_generation_zero() {
    // spec: GEN-1, GEN-3
    let fs = fs();
    fs.open("/f", OpenMode::Write).unwrap().close();
    fs.open("/g", OpenMode::Exclusive).unwrap().close();
    fs.open("/h", OpenMode::Append).unwrap().close();
    for p in ["/f", "/g", "/h"] {
        assert_eq!(fs.stat(p).unwrap().generation, 0, "{p}");
    }
    assert!(
        fs.export_tree("/", true).unwrap().is_empty(),
        "nothing is dirty yet"
    );
}

#[test]
fn test_generation_increments_on_write_and_truncate() {
    // spec: GEN-2, GEN-3
    let fs = fs();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    h.write_all(b"a").unwrap();
    h.write_all(b"b").unwrap();
    assert_eq!(fs.stat("/f").unwrap().generation, 2);
    h.truncate(Some(1)).unwrap();
    assert_eq!(fs.stat("/f").unwrap().generation, 3);
    h.truncate(Some(1)).unwrap();
    assert_eq!(
        fs.stat("/f").unwrap().generation,
        3,
        "no size change, no bump"
    );
    h.close();
    assert_eq!(fs.export_tree("/", true).unwrap().len(), 1);
    fs.open_with("/p", OpenMode::Write, &OpenOptions::new().preallocate(4))
        .unwrap()
        .close();
    assert_eq!(fs.stat("/p").unwrap().generation, 1);
}
