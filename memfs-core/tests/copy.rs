//! copy and copy_tree (semantics §6; seed 004 §11, §4.3, §17.1).

mod common;
use common::*;
use memfs_core::{ErrorKind, MemoryFileSystem, OpenMode, Timestamp};
use std::collections::BTreeMap;

fn src_tree() -> MemoryFileSystem {
    let fs = fs();
    fs.mkdir("/src/a/b", false).unwrap();
    fs.mkdir("/src/c", false).unwrap();
    fs.mkdir("/src/empty", false).unwrap();
    put(&fs, "/src/a/b/f1.bin", b"1");
    put(&fs, "/src/c/f2.bin", b"22");
    put(&fs, "/src/root.bin", b"333");
    append(&fs, "/src/root.bin", b"4");
    fs
}

// ------------------------------------------------------------------ copy

#[test]
fn test_copy_src_missing_raises() {
    // spec: COPY-1
    let fs = src_tree();
    let before = snap(&fs);
    assert_eq!(kind(fs.copy("/missing", "/x")), ErrorKind::NotFound);
    assert_eq!(
        kind(fs.copy("/missing", "/src/root.bin")),
        ErrorKind::NotFound,
        "src is checked first"
    );
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_copy_dir_raises() {
    // spec: COPY-2
    let fs = src_tree();
    assert_eq!(kind(fs.copy("/src", "/x")), ErrorKind::IsADirectory);
    assert_eq!(
        kind(fs.copy("/src/c", "/src/root.bin")),
        ErrorKind::IsADirectory
    );
    assert!(!fs.exists("/x"));
}

#[test]
fn test_copy_dst_exists_raises() {
    // spec: COPY-3
    let fs = src_tree();
    let before = full(&fs);
    assert_eq!(
        kind(fs.copy("/src/root.bin", "/src/c/f2.bin")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.copy("/src/root.bin", "/src/c")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.copy("/src/root.bin", "/src/root.bin")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(full(&fs), before);
}

#[test]
fn test_copy_dst_parent_missing_raises() {
    // spec: COPY-4
    let fs = src_tree();
    let before = snap(&fs);
    assert_eq!(
        kind(fs.copy("/src/root.bin", "/nope/x")),
        ErrorKind::NotFound
    );
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_copy_quota_exceeded_leaves_no_dst() {
    // spec: COPY-5, QUOTA-12
    let fs = exact(100);
    put(&fs, "/f", &[7u8; 60]);
    let before = full(&fs);
    assert_eq!(kind(fs.copy("/f", "/g")), ErrorKind::QuotaExceeded);
    assert!(!fs.exists("/g"));
    assert_eq!(full(&fs), before);
    check_invariants(&fs);
}

#[test]
fn test_copy_creates_independent_file() {
    // spec: COPY-6, QUOTA-13
    let fs = src_tree();
    let used = fs.stats().used_bytes;
    fs.copy("/src/root.bin", "/dup.bin").unwrap();
    assert_eq!(get(&fs, "/dup.bin"), b"3334");
    assert_eq!(
        fs.stats().used_bytes,
        used + fs.file_layout("/dup.bin").unwrap().charged
    );
    put(&fs, "/dup.bin", b"changed");
    assert_eq!(get(&fs, "/src/root.bin"), b"3334");
    fs.remove("/dup.bin").unwrap();
    assert_eq!(get(&fs, "/src/root.bin"), b"3334");
    assert_eq!(fs.stats().used_bytes, used);
    check_invariants(&fs);
}

#[test]
fn test_copy_creates_new_timestamps() {
    // spec: COPY-7
    let (fs, clock) = clocked(100);
    put(&fs, "/src.bin", b"data");
    append(&fs, "/src.bin", b"more");
    fs.open("/empty.bin", OpenMode::Write).unwrap().close();
    clock.set(200);
    fs.copy("/src.bin", "/dst.bin").unwrap();
    fs.copy("/empty.bin", "/dst-empty.bin").unwrap();
    let st = fs.stat("/dst.bin").unwrap();
    assert_eq!(
        (st.created_at, st.modified_at),
        (Timestamp(200), Timestamp(200))
    );
    assert_eq!(st.generation, 1, "a non-empty copy has generation 1");
    assert_eq!(st.size, 8);
    let st = fs.stat("/dst-empty.bin").unwrap();
    assert_eq!((st.created_at, st.generation), (Timestamp(200), 0));
    assert_eq!(fs.stat("/src.bin").unwrap().created_at, Timestamp(100));
}

// ------------------------------------------------------------------ copy_tree

#[test]
fn test_copy_tree_src_missing_raises() {
    // spec: COPYTREE-1
    let fs = src_tree();
    assert_eq!(kind(fs.copy_tree("/missing", "/dst")), ErrorKind::NotFound);
    assert!(!fs.exists("/dst"));
}

#[test]
fn test_copy_tree_src_not_dir_raises() {
    // spec: COPYTREE-2
    let fs = src_tree();
    assert_eq!(
        kind(fs.copy_tree("/src/root.bin", "/dst")),
        ErrorKind::NotADirectory
    );
    assert!(!fs.exists("/dst"));
}

#[test]
fn test_copy_tree_dst_exists_raises() {
    // spec: COPYTREE-3
    let fs = src_tree();
    fs.mkdir("/dst", false).unwrap();
    let before = full(&fs);
    assert_eq!(kind(fs.copy_tree("/src", "/dst")), ErrorKind::AlreadyExists);
    assert_eq!(
        kind(fs.copy_tree("/src", "/src/root.bin")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(kind(fs.copy_tree("/src", "/src")), ErrorKind::AlreadyExists);
    assert_eq!(full(&fs), before);
}

#[test]
fn test_copy_tree_dst_parent_missing_raises() {
    // spec: COPYTREE-4
    let fs = src_tree();
    let before = full(&fs);
    assert_eq!(
        kind(fs.copy_tree("/src", "/no/such/dst")),
        ErrorKind::NotFound
    );
    assert_eq!(full(&fs), before);
}

#[test]
fn test_copy_tree_quota_exceeded_rollback() {
    // spec: COPYTREE-5, QUOTA-12
    let fs = build(MemoryFileSystem::builder().quota(350));
    fs.mkdir("/src/sub", false).unwrap();
    put(&fs, "/src/big.bin", &[b'x'; 50]);
    put(&fs, "/src/sub/small.bin", &[b'y'; 10]);
    assert_eq!(fs.stats().used_bytes, 316);
    let before = full(&fs);
    assert_eq!(kind(fs.copy_tree("/src", "/dst")), ErrorKind::QuotaExceeded);
    assert!(!fs.exists("/dst"));
    assert_eq!(
        full(&fs),
        before,
        "nothing changed, counts and usage included"
    );
    check_invariants(&fs);
}

#[test]
fn test_copy_tree_preserves_structure_and_content() {
    // spec: COPYTREE-6, COPYTREE-10, QUOTA-13
    let fs = src_tree();
    let before = fs.stats();
    fs.copy_tree("/src", "/dst").unwrap();
    for d in ["/dst", "/dst/a", "/dst/a/b", "/dst/c", "/dst/empty"] {
        assert!(fs.is_dir(d), "{d}");
    }
    let src = fs.export_tree("/src", false).unwrap();
    let dst = fs.export_tree("/dst", false).unwrap();
    let renamed: Vec<(String, Vec<u8>)> = src
        .into_iter()
        .map(|(p, b)| (p.replacen("/src", "/dst", 1), b))
        .collect();
    assert_eq!(dst.into_iter().collect::<Vec<_>>(), renamed);
    assert_eq!(
        fs.listdir("/dst").unwrap(),
        fs.listdir("/src").unwrap(),
        "same order"
    );
    let after = fs.stats();
    assert_eq!(after.file_count, before.file_count * 2);
    assert_eq!(after.dir_count, before.dir_count + 5);
    assert!(after.used_bytes > before.used_bytes);
    check_invariants(&fs);
}

#[test]
fn test_copy_tree_empty_dir() {
    // spec: COPYTREE-6
    let fs = fs();
    fs.mkdir("/e", false).unwrap();
    fs.copy_tree("/e", "/f").unwrap();
    assert!(fs.is_dir("/f"));
    assert_eq!(fs.listdir("/f").unwrap(), Vec::<String>::new());
    assert_eq!(fs.stats().dir_count, 3);
}

#[test]
fn test_copy_tree_creates_independent_copy() {
    // spec: COPYTREE-7
    let fs = fs();
    fs.mkdir("/src/sub", false).unwrap();
    put(&fs, "/src/sub/data.bin", b"original");
    fs.copy_tree("/src", "/dst").unwrap();
    put(&fs, "/dst/sub/data.bin", b"modified");
    fs.mkdir("/dst/sub/new", false).unwrap();
    assert_eq!(get(&fs, "/src/sub/data.bin"), b"original");
    assert!(!fs.exists("/src/sub/new"));
    fs.rmtree("/src").unwrap();
    assert_eq!(get(&fs, "/dst/sub/data.bin"), b"modified");
    check_invariants(&fs);
}

#[test]
fn test_copy_tree_into_own_subtree_is_a_snapshot() {
    // spec: COPYTREE-8
    let fs = fs();
    fs.mkdir("/a/b", false).unwrap();
    put(&fs, "/a/f", b"f");
    fs.copy_tree("/a", "/a/b/snap").unwrap();
    assert!(fs.is_dir("/a/b/snap/b"));
    assert_eq!(get(&fs, "/a/b/snap/f"), b"f");
    assert!(
        !fs.exists("/a/b/snap/b/snap"),
        "the copy does not contain itself"
    );
    assert_eq!(fs.listdir("/a/b/snap/b").unwrap(), Vec::<String>::new());
    check_invariants(&fs);
}

#[test]
fn test_copy_tree_creates_new_timestamps() {
    // spec: COPYTREE-9
    let (fs, clock) = clocked(1);
    fs.mkdir("/s/d", false).unwrap();
    put(&fs, "/s/d/f", b"xyz");
    append(&fs, "/s/d/f", b"w");
    clock.set(1_000);
    fs.copy_tree("/s", "/t").unwrap();
    let st = fs.stat("/t/d/f").unwrap();
    assert_eq!(st.generation, 0);
    assert_eq!(
        (st.created_at, st.modified_at),
        (Timestamp(1_000), Timestamp(1_000))
    );
    assert_eq!(fs.stat("/t/d").unwrap().created_at, Timestamp(1_000));
    assert_eq!(
        fs.stat("/s/d/f").unwrap().generation,
        2,
        "the source is untouched"
    );
}

#[test]
fn test_copy_tree_of_root_is_a_snapshot() {
    // spec: COPYTREE-8, COPYTREE-6
    let fs = src_tree();
    let before = fs.export_tree("/", false).unwrap();
    fs.copy_tree("/", "/backup").unwrap();
    let after = fs.export_tree("/backup", false).unwrap();
    let expected: BTreeMap<String, Vec<u8>> = before
        .into_iter()
        .map(|(p, b)| (format!("/backup{p}"), b))
        .collect();
    assert_eq!(after, expected);
    assert!(!fs.exists("/backup/backup"));
    check_invariants(&fs);
}
