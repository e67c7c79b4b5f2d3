//! mkdir, listdir, exists, stat, get_size and walk (semantics §2, §6; seed 004 §4.2, §10, §17.2).

mod common;
use common::*;
use memfs_core::{ErrorKind, OpenMode, Timestamp, WalkEntry};

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ------------------------------------------------------------------ mkdir

#[test]
fn test_mkdir_creates_parents_automatically() {
    // spec: MKDIR-1, TREE-4
    let fs = fs();
    fs.mkdir("/x/y/z", false).unwrap();
    assert!(fs.is_dir("/x"));
    assert!(fs.is_dir("/x/y"));
    assert!(fs.is_dir("/x/y/z"));
    assert_eq!(fs.stats().dir_count, 4);
    check_invariants(&fs);
}

#[test]
fn test_mkdir_exist_ok_false_raises() {
    // spec: MKDIR-2
    let fs = fs();
    fs.mkdir("/d", false).unwrap();
    let before = snap(&fs);
    assert_eq!(kind(fs.mkdir("/d", false)), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.mkdir("/", false)), ErrorKind::AlreadyExists);
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_mkdir_exist_ok_true_is_noop() {
    // spec: MKDIR-3
    let (fs, clock) = clocked(5);
    fs.mkdir("/d/e", false).unwrap();
    let before = snap(&fs);
    clock.set(50);
    fs.mkdir("/d", true).unwrap();
    fs.mkdir("/d/e", true).unwrap();
    fs.mkdir("/", true).unwrap();
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_mkdir_over_existing_file_raises() {
    // spec: MKDIR-4
    let fs = fs();
    put(&fs, "/f", b"x");
    let before = full(&fs);
    assert_eq!(kind(fs.mkdir("/f", false)), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.mkdir("/f", true)), ErrorKind::AlreadyExists);
    assert_eq!(full(&fs), before);
}

#[test]
fn test_makedirs_file_at_path_component_raises() {
    // spec: MKDIR-5
    let fs = fs();
    fs.mkdir("/a", false).unwrap();
    put(&fs, "/a/f", b"x");
    let before = full(&fs);
    assert_eq!(kind(fs.mkdir("/a/f/x", false)), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.mkdir("/a/f/x/y", true)), ErrorKind::AlreadyExists);
    assert_eq!(full(&fs), before, "nothing made");
}

// ------------------------------------------------------------------ listdir / stat / exists

#[test]
fn test_listdir_returns_direct_children_only() {
    // spec: LIST-1
    let fs = fs();
    fs.mkdir("/a/b/c", false).unwrap();
    put(&fs, "/a/f.txt", b"x");
    fs.mkdir("/a/0", false).unwrap();
    put(&fs, "/a/Z", b"x");
    assert_eq!(
        fs.listdir("/a").unwrap(),
        names(&["b", "f.txt", "0", "Z"]),
        "insertion order, names only"
    );
    assert_eq!(fs.listdir("/").unwrap(), names(&["a"]));
    assert_eq!(fs.listdir("/a/b/c").unwrap(), Vec::<String>::new());
}

#[test]
fn test_listdir_nonexistent_raises() {
    // spec: LIST-2, TREE-8
    let fs = fs();
    put(&fs, "/f", b"x");
    assert_eq!(kind(fs.listdir("/missing")), ErrorKind::NotFound);
    assert_eq!(kind(fs.listdir("/f/x")), ErrorKind::NotFound);
}

#[test]
fn test_listdir_on_file_raises() {
    // spec: LIST-3
    let fs = fs();
    put(&fs, "/f", b"x");
    assert_eq!(kind(fs.listdir("/f")), ErrorKind::NotADirectory);
}

#[test]
fn test_rename_appends_at_end_of_destination() {
    // spec: LIST-4
    let fs = fs();
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/d/x", b"1");
    put(&fs, "/d/y", b"2");
    put(&fs, "/d/z", b"3");
    put(&fs, "/top", b"4");
    fs.rename("/top", "/d/a").unwrap();
    assert_eq!(fs.listdir("/d").unwrap(), names(&["x", "y", "z", "a"]));
    fs.rename("/d/x", "/d/x2").unwrap();
    assert_eq!(fs.listdir("/d").unwrap(), names(&["y", "z", "a", "x2"]));
    fs.move_path("/d/y", "/d/b").unwrap();
    assert_eq!(fs.listdir("/d").unwrap(), names(&["z", "a", "x2", "b"]));
}

#[test]
fn test_stat_file_not_found() {
    // spec: STAT-1, TREE-8
    let fs = fs();
    put(&fs, "/f", b"x");
    assert_eq!(kind(fs.stat("/nonexistent")), ErrorKind::NotFound);
    assert_eq!(kind(fs.stat("/f/below")), ErrorKind::NotFound);
}

#[test]
fn test_stat_returns_correct_size() {
    // spec: STAT-2
    let (fs, _clock) = clocked(42);
    put(&fs, "/test.bin", b"hello world");
    let st = fs.stat("/test.bin").unwrap();
    assert_eq!(st.size, 11);
    assert!(!st.is_dir);
    assert_eq!(st.generation, 1);
    assert_eq!(
        (st.created_at, st.modified_at),
        (Timestamp(42), Timestamp(42))
    );
}

#[test]
fn test_stat_is_directory() {
    // spec: STAT-3
    let fs = fs();
    fs.mkdir("/mydir", false).unwrap();
    put(&fs, "/mydir/f", b"content");
    let st = fs.stat("/mydir").unwrap();
    assert!(st.is_dir);
    assert_eq!((st.size, st.generation), (0, 0));
    let root = fs.stat("/").unwrap();
    assert!(root.is_dir);
    assert_eq!((root.size, root.generation), (0, 0));
}

#[test]
fn test_get_size() {
    // spec: STAT-4, TREE-8
    let fs = fs();
    fs.open("/e", OpenMode::Write).unwrap().close();
    assert_eq!(fs.get_size("/e").unwrap(), 0);
    put(&fs, "/f", b"12345");
    assert_eq!(fs.get_size("/f").unwrap(), 5);
    assert_eq!(kind(fs.get_size("/missing")), ErrorKind::NotFound);
    assert_eq!(kind(fs.get_size("/f/x")), ErrorKind::NotFound);
    fs.mkdir("/d", false).unwrap();
    assert_eq!(kind(fs.get_size("/d")), ErrorKind::IsADirectory);
    assert_eq!(kind(fs.get_size("/")), ErrorKind::IsADirectory);
}

#[test]
fn test_exists_is_dir_is_file() {
    // spec: STAT-5, TREE-8, TREE-1
    let fs = fs();
    fs.mkdir("/a/b/c", false).unwrap();
    put(&fs, "/a/b/c/file.txt", b"data");
    assert!(
        fs.exists("/a/b/c/file.txt")
            && fs.is_file("/a/b/c/file.txt")
            && !fs.is_dir("/a/b/c/file.txt")
    );
    assert!(fs.exists("/a/b/c") && fs.is_dir("/a/b/c") && !fs.is_file("/a/b/c"));
    assert!(fs.exists("/") && fs.is_dir("/") && !fs.is_file("/"));
    assert!(!fs.exists("/missing") && !fs.is_dir("/missing") && !fs.is_file("/missing"));
    assert!(
        !fs.exists("/a/b/c/file.txt/x"),
        "a path through a file resolves to nothing"
    );
}

// ------------------------------------------------------------------ walk

#[test]
fn test_walk_top_down_insertion_order() {
    // spec: WALK-1
    let fs = fs();
    fs.mkdir("/b/x", false).unwrap();
    put(&fs, "/top.txt", b"1");
    fs.mkdir("/a", false).unwrap();
    put(&fs, "/b/f2", b"2");
    put(&fs, "/b/f1", b"3");
    put(&fs, "/b/x/deep", b"4");
    let e = |d: &str, ds: &[&str], fs: &[&str]| WalkEntry {
        dir: d.into(),
        dirs: names(ds),
        files: names(fs),
    };
    assert_eq!(
        fs.walk("/").unwrap(),
        vec![
            e("/", &["b", "a"], &["top.txt"]),
            e("/b", &["x"], &["f2", "f1"]),
            e("/b/x", &[], &["deep"]),
            e("/a", &[], &[]),
        ]
    );
    assert_eq!(fs.walk("/b/x").unwrap(), vec![e("/b/x", &[], &["deep"])]);
}
