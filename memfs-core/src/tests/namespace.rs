//! mkdir, rename / move, remove / rmtree, walk and glob, and the node limit.

use super::*;

// spec: MKDIR-1, MKDIR-2, MKDIR-3, MKDIR-4, MKDIR-5, LIMIT-1, LIMIT-2, LIST-1
#[test]
fn mkdir_rules_and_node_limit() {
    let fs = MemoryFileSystem::builder().max_nodes(4).build().unwrap();
    fs.mkdir("/a/b", false).unwrap();
    assert_eq!(kind(fs.mkdir("/a/b", false)), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.mkdir("/", false)), ErrorKind::AlreadyExists);
    fs.mkdir("/a/b", true).unwrap();
    write(&fs, "/a/f", b"");
    assert_eq!(kind(fs.mkdir("/a/f", true)), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.mkdir("/a/f/g", true)), ErrorKind::AlreadyExists);
    let e = fs.mkdir("/x", false).unwrap_err();
    assert_eq!(
        e,
        MfsError::NodeLimitExceeded {
            path: "/x".into(),
            current: 4,
            limit: 4
        }
    );
    fs.remove("/a/f").unwrap();
    assert_eq!(kind(fs.mkdir("/x/y", false)), ErrorKind::NodeLimitExceeded);
    assert!(!fs.exists("/x"));
    fs.mkdir("/x", false).unwrap();
    assert_eq!(fs.listdir("/").unwrap(), ["a", "x"]);
    assert_eq!(fs.stats().dir_count, 4);
}

// spec: RENAME-1, RENAME-2, RENAME-3, RENAME-4, RENAME-5, RENAME-6, RENAME-7, RENAME-9, LIST-4
#[test]
fn rename_check_order() {
    let fs = MemoryFileSystem::new();
    fs.mkdir("/a/b", false).unwrap();
    write(&fs, "/a/b/f", b"data");
    write(&fs, "/g", b"");
    assert_eq!(kind(fs.rename("/", "/z")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rename("/nope", "/z")), ErrorKind::NotFound);
    assert_eq!(kind(fs.rename("/a", "/a")), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.rename("/a", "/")), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.rename("/a", "/a/b/c")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rename("/a", "/m/n")), ErrorKind::NotFound);
    assert_eq!(kind(fs.rename("/a", "/g/n")), ErrorKind::NotFound);
    let h = fs.open("/a/b/f", OpenMode::Read).unwrap();
    assert_eq!(
        fs.rename("/a", "/z").unwrap_err(),
        MfsError::WouldBlock {
            path: "/a/b/f".into(),
            reason: BlockReason::FileOpen
        }
    );
    drop(h);
    let st = fs.stat("/a/b/f").unwrap();
    write(&fs, "/k", b"");
    fs.rename("/a", "/z").unwrap();
    assert_eq!(fs.listdir("/").unwrap(), ["g", "k", "z"]);
    assert_eq!(fs.stat("/z/b/f").unwrap(), st);
    assert_eq!(read(&fs, "/z/b/f"), b"data");
}

// spec: MOVE-6, MOVE-7, LIMIT-4
#[test]
fn move_creates_parents() {
    let fs = MemoryFileSystem::new();
    write(&fs, "/f", b"1");
    write(&fs, "/file", b"");
    fs.move_path("/f", "/x/y/f").unwrap();
    assert_eq!(read(&fs, "/x/y/f"), b"1");
    assert_eq!(
        kind(fs.move_path("/x/y/f", "/file/q")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.move_path("/x/y/f", "/file/q/r")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(fs.stats().dir_count, 3);
    let lim = MemoryFileSystem::builder().max_nodes(2).build().unwrap();
    write(&lim, "/f", b"");
    assert_eq!(
        kind(lim.move_path("/f", "/d/f")),
        ErrorKind::NodeLimitExceeded
    );
    assert!(lim.exists("/f"));
}

// spec: REMOVE-1, REMOVE-2, REMOVE-3, REMOVE-4, RMTREE-1, RMTREE-2, RMTREE-3, RMTREE-4, RMTREE-5, TREE-4, TREE-5
#[test]
fn remove_and_rmtree() {
    let fs = MemoryFileSystem::new();
    fs.mkdir("/d/e", false).unwrap();
    write(&fs, "/d/e/f", b"12345");
    write(&fs, "/d/g", b"1");
    assert_eq!(kind(fs.remove("/nope")), ErrorKind::NotFound);
    assert_eq!(kind(fs.remove("/d")), ErrorKind::IsADirectory);
    assert_eq!(kind(fs.remove("/")), ErrorKind::IsADirectory);
    let h = fs.open("/d/g", OpenMode::Read).unwrap();
    assert_eq!(kind(fs.remove("/d/g")), ErrorKind::WouldBlock);
    assert_eq!(kind(fs.rmtree("/d")), ErrorKind::WouldBlock);
    drop(h);
    assert_eq!(kind(fs.rmtree("/")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rmtree("/x")), ErrorKind::NotFound);
    assert_eq!(kind(fs.rmtree("/d/g")), ErrorKind::NotADirectory);
    fs.remove("/d/g").unwrap();
    assert_eq!(fs.stats().used_bytes, 5 + 128);
    fs.rmtree("/d").unwrap();
    let s = fs.stats();
    assert_eq!(
        (s.used_bytes, s.file_count, s.dir_count, s.chunk_count),
        (0, 0, 1, 0)
    );
}

// spec: WALK-1, GLOB-1, GLOB-2, GLOB-4, GLOB-5, GLOB-7, GLOB-8
#[test]
fn walk_and_glob() {
    let fs = MemoryFileSystem::new();
    fs.mkdir("/a/b", false).unwrap();
    write(&fs, "/a/x.txt", b"");
    write(&fs, "/a/b/y.txt", b"");
    write(&fs, "/z.txt", b"");
    let w = fs.walk("/").unwrap();
    assert_eq!(w.len(), 3);
    assert_eq!(
        (w[0].dir.as_str(), w[0].dirs.clone(), w[0].files.clone()),
        ("/", vec!["a".to_string()], vec!["z.txt".to_string()])
    );
    assert_eq!(w[2].dir, "/a/b");
    assert_eq!(
        fs.glob("/**/*.txt").unwrap(),
        ["/a/b/y.txt", "/a/x.txt", "/z.txt"]
    );
    assert_eq!(
        fs.glob("/**/**/*.txt").unwrap(),
        ["/a/b/y.txt", "/a/x.txt", "/z.txt"]
    );
    assert_eq!(fs.glob("a//?.txt").unwrap(), ["/a/x.txt"]);
    assert_eq!(fs.glob("/a/*").unwrap(), ["/a/b", "/a/x.txt"]);
    assert_eq!(fs.glob("/*/b").unwrap(), ["/a/b"]);
    assert!(fs.glob("/").unwrap().is_empty());
    assert!(fs.glob("/./a").unwrap().is_empty());
    assert_eq!(
        fs.glob("\\a\\**").unwrap(),
        ["/a/b", "/a/b/y.txt", "/a/x.txt"]
    );
    assert_eq!(kind(fs.walk("/z.txt")), ErrorKind::NotADirectory);
    assert_eq!(kind(fs.walk("/q")), ErrorKind::NotFound);
}

// spec: LIMIT-6, LIMIT-4, COPY-5
#[test]
fn node_limit_is_checked_before_quota() {
    let fs = MemoryFileSystem::builder()
        .max_nodes(3)
        .quota(200)
        .build()
        .unwrap();
    fs.mkdir("/d", false).unwrap();
    write(&fs, "/d/f", &[1u8; 60]);
    let fp = fs.fingerprint();
    assert_eq!(kind(fs.copy("/d/f", "/g")), ErrorKind::NodeLimitExceeded);
    assert_eq!(kind(fs.copy_tree("/d", "/e")), ErrorKind::NodeLimitExceeded);
    assert_eq!(
        kind(fs.import_tree([("/x", [0u8; 500])])),
        ErrorKind::NodeLimitExceeded
    );
    let big = OpenOptions::new().preallocate(500);
    assert_eq!(
        kind(fs.open_with("/y", OpenMode::Write, &big)),
        ErrorKind::NodeLimitExceeded
    );
    assert_eq!(fs.fingerprint(), fp);
}
