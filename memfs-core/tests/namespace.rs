//! mkdir, listdir, exists, stat, rename, move, remove, rmtree, walk (semantics §6; seed 004
//! §4.2-§4.4, §10, §12, §17.2).

mod common;
use common::*;
use memfs_core::{BlockReason, ErrorKind, MemoryFileSystem, OpenMode, Timestamp, WalkEntry};

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

// ------------------------------------------------------------------ rename

fn tree() -> MemoryFileSystem {
    let fs = build(short_default());
    fs.mkdir("/old/sub", false).unwrap();
    put(&fs, "/old/sub/file.bin", b"content");
    put(&fs, "/old/top.bin", b"top");
    put(&fs, "/a.bin", b"a");
    put(&fs, "/b.bin", b"b");
    fs.mkdir("/dir", false).unwrap();
    fs
}

#[test]
fn test_rename_root_raises() {
    // spec: RENAME-1
    let fs = tree();
    let before = full(&fs);
    assert_eq!(kind(fs.rename("/", "/x")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rename("", "/dir/x")), ErrorKind::InvalidInput);
    assert_eq!(full(&fs), before);
}

#[test]
fn test_rename_src_missing_raises() {
    // spec: RENAME-2
    let fs = tree();
    let before = full(&fs);
    assert_eq!(kind(fs.rename("/missing", "/x")), ErrorKind::NotFound);
    assert_eq!(kind(fs.rename("/a.bin/x", "/x")), ErrorKind::NotFound);
    assert_eq!(full(&fs), before);
}

#[test]
fn test_rename_dst_exists_raises() {
    // spec: RENAME-3
    let fs = tree();
    let before = full(&fs);
    assert_eq!(
        kind(fs.rename("/a.bin", "/b.bin")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(kind(fs.rename("/a.bin", "/dir")), ErrorKind::AlreadyExists);
    assert_eq!(
        kind(fs.rename("/a.bin", "/a.bin")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(kind(fs.rename("/old", "/old")), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.rename("/old", "/")), ErrorKind::AlreadyExists);
    assert_eq!(
        kind(fs.rename("/dir", "/old/sub")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(full(&fs), before);
}

#[test]
fn test_rename_into_own_subtree_raises() {
    // spec: RENAME-4
    let fs = tree();
    let before = full(&fs);
    assert_eq!(kind(fs.rename("/old", "/old/x")), ErrorKind::InvalidInput);
    assert_eq!(
        kind(fs.rename("/old", "/old/sub/x")),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(fs.rename("/old", "/old/missing/x")),
        ErrorKind::InvalidInput
    );
    assert_eq!(full(&fs), before);
    // a sibling whose name starts with src's name is not inside it
    fs.rename("/old", "/oldx").unwrap();
    assert!(fs.is_dir("/oldx/sub"));
}

#[test]
fn test_rename_dst_parent_missing_raises() {
    // spec: RENAME-5
    let fs = tree();
    let before = full(&fs);
    assert_eq!(
        kind(fs.rename("/a.bin", "/nonexistent/dir/a.bin")),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(fs.rename("/a.bin", "/b.bin/a.bin")),
        ErrorKind::NotFound
    );
    assert_eq!(full(&fs), before);
    assert!(!fs.exists("/nonexistent"));
}

#[test]
fn test_rename_open_file_raises() {
    // spec: RENAME-6
    let fs = tree();
    let h = fs.open("/a.bin", OpenMode::Read).unwrap();
    assert_blocked(fs.rename("/a.bin", "/c.bin"), BlockReason::FileOpen);
    drop(h);
    // seed004 test_rename_dir_with_open_child_raises
    let h = fs.open("/old/sub/file.bin", OpenMode::Append).unwrap();
    let before = snap(&fs);
    assert_blocked(fs.rename("/old", "/new"), BlockReason::FileOpen);
    assert_blocked(fs.rename("/old/sub", "/dir/sub"), BlockReason::FileOpen);
    assert_eq!(snap(&fs), before);
    drop(h);
}

#[test]
fn test_rename_check_order() {
    // spec: RENAME-7
    let fs = tree();
    let _h = fs.open("/old/top.bin", OpenMode::Read).unwrap();
    let before = snap(&fs);
    // root before everything
    assert_eq!(kind(fs.rename("/", "/dir")), ErrorKind::InvalidInput);
    // src missing before dst exists
    assert_eq!(kind(fs.rename("/missing", "/dir")), ErrorKind::NotFound);
    // dst exists before inside-src and before open files
    assert_eq!(
        kind(fs.rename("/old", "/old/sub")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(kind(fs.rename("/old", "/a.bin")), ErrorKind::AlreadyExists);
    // inside-src before the parent check and before open files
    assert_eq!(
        kind(fs.rename("/old", "/old/nope/x")),
        ErrorKind::InvalidInput
    );
    // parent before open files
    assert_eq!(kind(fs.rename("/old", "/nope/x")), ErrorKind::NotFound);
    assert_blocked(fs.rename("/old", "/dir/x"), BlockReason::FileOpen);
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_rename_directory_moves_all_children() {
    // spec: RENAME-8
    let fs = tree();
    let stats = fs.stats();
    fs.rename("/old", "/new").unwrap();
    assert!(!fs.exists("/old"));
    assert!(!fs.exists("/old/sub"));
    assert!(!fs.exists("/old/sub/file.bin"));
    assert!(fs.is_dir("/new"));
    assert!(fs.is_dir("/new/sub"));
    assert_eq!(get(&fs, "/new/sub/file.bin"), b"content");
    assert_eq!(get(&fs, "/new/top.bin"), b"top");
    assert_eq!(fs.stats(), stats, "counts and usage unchanged");
    // seed004 test_rename_file_to_different_dir
    fs.rename("/a.bin", "/dir/a2.bin").unwrap();
    assert_eq!(get(&fs, "/dir/a2.bin"), b"a");
    assert!(!fs.exists("/a.bin"));
    check_invariants(&fs);
}

#[test]
fn test_rename_preserves_timestamps() {
    // spec: RENAME-9, TIME-5
    let (fs, clock) = clocked(10);
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/d/a.bin", b"data");
    append(&fs, "/d/a.bin", b"more");
    let file = fs.stat("/d/a.bin").unwrap();
    let dir = fs.stat("/d").unwrap();
    clock.set(500);
    fs.rename("/d/a.bin", "/d/b.bin").unwrap();
    assert_eq!(fs.stat("/d/b.bin").unwrap(), file);
    fs.rename("/d", "/e").unwrap();
    assert_eq!(fs.stat("/e/b.bin").unwrap(), file);
    assert_eq!(fs.stat("/e").unwrap(), dir);
}

// ------------------------------------------------------------------ move

#[test]
fn test_move_root_raises() {
    // spec: MOVE-1
    let fs = tree();
    assert_eq!(kind(fs.move_path("/", "/x/y")), ErrorKind::InvalidInput);
    assert!(!fs.exists("/x"));
}

#[test]
fn test_move_src_missing_raises() {
    // spec: MOVE-2
    let fs = tree();
    assert_eq!(kind(fs.move_path("/missing", "/x/y")), ErrorKind::NotFound);
    assert!(!fs.exists("/x"));
}

#[test]
fn test_move_dst_exists_raises() {
    // spec: MOVE-3
    let fs = tree();
    let before = full(&fs);
    assert_eq!(
        kind(fs.move_path("/a.bin", "/b.bin")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.move_path("/a.bin", "/old/sub")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(kind(fs.move_path("/old", "/")), ErrorKind::AlreadyExists);
    assert_eq!(full(&fs), before);
}

#[test]
fn test_move_into_own_subtree_raises() {
    // spec: MOVE-4
    let fs = tree();
    let before = full(&fs);
    assert_eq!(
        kind(fs.move_path("/old", "/old/sub/deeper/x")),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(fs.move_path("/old", "/old/x")),
        ErrorKind::InvalidInput
    );
    assert_eq!(full(&fs), before, "no parents were made");
}

#[test]
fn test_move_open_file_raises() {
    // spec: MOVE-5, MOVE-6
    let fs = tree();
    let h = fs.open("/old/sub/file.bin", OpenMode::Read).unwrap();
    let before = snap(&fs);
    assert_blocked(
        fs.move_path("/old/sub/file.bin", "/n/m/f"),
        BlockReason::FileOpen,
    );
    assert_blocked(fs.move_path("/old", "/n/m/old"), BlockReason::FileOpen);
    // the open-file check comes before parent creation, even through a file
    assert_blocked(fs.move_path("/old", "/a.bin/x"), BlockReason::FileOpen);
    assert_eq!(snap(&fs), before);
    assert!(!fs.exists("/n"));
    drop(h);
}

#[test]
fn test_move_file_creates_parent_dirs() {
    // spec: MOVE-6, MOVE-8
    let fs = tree();
    let dirs = fs.stats().dir_count;
    fs.move_path("/a.bin", "/new/deep/path/file.bin").unwrap();
    assert!(!fs.exists("/a.bin"));
    assert!(fs.is_dir("/new/deep/path"));
    assert_eq!(get(&fs, "/new/deep/path/file.bin"), b"a");
    assert_eq!(fs.stats().dir_count, dirs + 3);
    check_invariants(&fs);
}

#[test]
fn test_move_differs_from_rename_parent_creation() {
    // spec: MOVE-6, RENAME-5
    let fs = tree();
    assert_eq!(
        kind(fs.rename("/a.bin", "/nonexistent/dir/a.bin")),
        ErrorKind::NotFound
    );
    fs.move_path("/b.bin", "/nonexistent/dir/b.bin").unwrap();
    assert!(fs.exists("/nonexistent/dir/b.bin"));
    assert!(fs.exists("/a.bin"));
}

#[test]
fn test_move_through_file_raises() {
    // spec: MOVE-7
    let fs = tree();
    let before = full(&fs);
    assert_eq!(
        kind(fs.move_path("/a.bin", "/b.bin/x")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.move_path("/a.bin", "/b.bin/x/y")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.move_path("/old", "/dir/b/../../b.bin/q/r")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(full(&fs), before, "nothing made");
}

#[test]
fn test_move_directory_with_children() {
    // spec: MOVE-8
    let (fs, clock) = clocked(7);
    fs.mkdir("/src/sub", false).unwrap();
    put(&fs, "/src/sub/f", b"data");
    let st = fs.stat("/src/sub/f").unwrap();
    let stats = fs.stats();
    clock.set(70);
    fs.move_path("/src", "/x/y/moved").unwrap();
    assert!(!fs.exists("/src"));
    assert_eq!(get(&fs, "/x/y/moved/sub/f"), b"data");
    assert_eq!(
        fs.stat("/x/y/moved/sub/f").unwrap(),
        st,
        "timestamps and generation kept"
    );
    assert_eq!(fs.stats().file_count, stats.file_count);
    assert_eq!(fs.stats().used_bytes, stats.used_bytes);
    assert_eq!(fs.stats().dir_count, stats.dir_count + 2);
    check_invariants(&fs);
}

// ------------------------------------------------------------------ remove / rmtree

#[test]
fn test_remove_deletes_file() {
    // spec: REMOVE-4
    let fs = tree();
    let files = fs.stats().file_count;
    fs.remove("/a.bin").unwrap();
    assert!(!fs.exists("/a.bin"));
    assert_eq!(fs.stats().file_count, files - 1);
    assert!(!fs.listdir("/").unwrap().contains(&"a.bin".to_string()));
    check_invariants(&fs);
}

#[test]
fn test_remove_missing_raises() {
    // spec: REMOVE-1
    let fs = tree();
    assert_eq!(kind(fs.remove("/missing")), ErrorKind::NotFound);
    assert_eq!(kind(fs.remove("/a.bin/x")), ErrorKind::NotFound);
}

#[test]
fn test_remove_directory_raises() {
    // spec: REMOVE-2
    let fs = tree();
    let before = snap(&fs);
    assert_eq!(kind(fs.remove("/dir")), ErrorKind::IsADirectory);
    assert_eq!(kind(fs.remove("/old")), ErrorKind::IsADirectory);
    assert_eq!(kind(fs.remove("/")), ErrorKind::IsADirectory);
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_remove_open_file_raises() {
    // spec: REMOVE-3
    let fs = tree();
    for m in [OpenMode::Read, OpenMode::Write] {
        let h = fs.open("/a.bin", m).unwrap();
        assert_blocked(fs.remove("/a.bin"), BlockReason::FileOpen);
        assert!(fs.exists("/a.bin"));
        drop(h);
    }
    fs.remove("/a.bin").unwrap();
}

#[test]
fn test_rmtree_root_raises() {
    // spec: RMTREE-1
    let fs = tree();
    let before = snap(&fs);
    assert_eq!(kind(fs.rmtree("/")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rmtree("")), ErrorKind::InvalidInput);
    assert_eq!(snap(&fs), before);
}

#[test]
fn test_rmtree_missing_raises() {
    // spec: RMTREE-2
    let fs = tree();
    assert_eq!(kind(fs.rmtree("/missing")), ErrorKind::NotFound);
}

#[test]
fn test_rmtree_file_raises() {
    // spec: RMTREE-3
    let fs = tree();
    assert_eq!(kind(fs.rmtree("/a.bin")), ErrorKind::NotADirectory);
    assert!(fs.exists("/a.bin"));
}

#[test]
fn test_rmtree_open_child_raises() {
    // spec: RMTREE-4
    let fs = tree();
    let h = fs.open("/old/sub/file.bin", OpenMode::Read).unwrap();
    let before = snap(&fs);
    assert_blocked(fs.rmtree("/old"), BlockReason::FileOpen);
    assert_blocked(fs.rmtree("/old/sub"), BlockReason::FileOpen);
    assert_eq!(snap(&fs), before, "removes nothing");
    drop(h);
}

#[test]
fn test_rmtree_releases_all_quota() {
    // spec: RMTREE-5
    let fs = fs();
    fs.mkdir("/tree/sub", false).unwrap();
    put(&fs, "/keep", b"k");
    let used_before = fs.stats().used_bytes;
    for i in 0..10 {
        put(&fs, &format!("/tree/sub/file{i}.bin"), &[b'x'; 100]);
    }
    put(&fs, "/tree/top", b"t");
    fs.rmtree("/tree").unwrap();
    assert!(!fs.exists("/tree"));
    let s = fs.stats();
    assert_eq!(s.used_bytes, used_before);
    assert_eq!((s.file_count, s.dir_count), (1, 1));
    assert_eq!(fs.listdir("/").unwrap(), names(&["keep"]));
    check_invariants(&fs);
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

#[test]
fn test_open_file_check_is_by_subtree_not_by_name_prefix() {
    // spec: RMTREE-5, RENAME-8, CONC-5
    let fs = build(short_default());
    fs.mkdir("/a", false).unwrap();
    fs.mkdir("/ab", false).unwrap();
    put(&fs, "/a/f", b"1");
    put(&fs, "/ab/f", b"2");
    let h = fs.open("/ab/f", OpenMode::Read).unwrap();
    fs.rename("/a", "/a2").unwrap();
    fs.move_path("/a2", "/a").unwrap();
    fs.rmtree("/a").unwrap();
    assert!(!fs.exists("/a"));
    assert_eq!(fs.import_tree([("/a/f", &b"3"[..])]), Ok(()));
    drop(h);
    check_invariants(&fs);
}
