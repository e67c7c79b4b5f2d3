use super::*;

#[test]
fn mkdir_table() {
    // spec: MKDIR-1, MKDIR-2, MKDIR-3, MKDIR-4, MKDIR-5
    let mut f = fs();
    put(&mut f, "/file", b"x");
    f.mkdir("/a/b/c", false).expect("parents are created");
    assert!(f.is_dir("/a") && f.is_dir("/a/b") && f.is_dir("/a/b/c"));
    assert_eq!(kind(f.mkdir("/a/b", false)), "AlreadyExists");
    assert_eq!(f.mkdir("/a/b", true), Ok(()));
    assert_eq!(kind(f.mkdir("/", false)), "AlreadyExists");
    assert_eq!(f.mkdir("/", true), Ok(()));
    assert_eq!(
        kind(f.mkdir("/file", true)),
        "AlreadyExists",
        "a file, even with exist_ok"
    );
    let before = obs(&f);
    assert_eq!(
        kind(f.mkdir("/file/x/y", true)),
        "AlreadyExists",
        "a file as a component"
    );
    assert_eq!(obs(&f), before, "nothing made");
    check_invariants(&f);
}

#[test]
fn mkdir_past_max_nodes_makes_no_partial_chain() {
    // spec: LIMIT-1, LIMIT-2
    let mut f = NaiveFs::new(OracleConfig {
        max_nodes: Some(3),
        ..cfg()
    });
    let before = obs(&f);
    assert_eq!(
        full(f.mkdir("/a/b/c", false)),
        Kind::NodeLimitExceeded {
            current: 1,
            limit: 3
        }
    );
    assert_eq!(obs(&f), before);
    f.mkdir("/a/b", false).expect("exactly at the limit");
    assert_eq!(f.stats().dir_count, 3);
}

#[test]
fn directories_are_stamped_with_their_creation_time() {
    // spec: TIME-5, STAT-3
    let mut f = NaiveFs::new_at(cfg(), 1);
    f.set_now(4);
    f.mkdir("/d", false).expect("mkdir");
    f.set_now(9);
    put(&mut f, "/d/f", b"x");
    let s = f.stat("/d").expect("stat");
    assert_eq!(
        (s.size, s.created, s.modified, s.generation, s.is_dir),
        (0, 4, 4, 0, true)
    );
    let r = f.stat("/").expect("root");
    assert_eq!((r.created, r.modified), (1, 1));
}

#[test]
fn listdir_keeps_insertion_order() {
    // spec: LIST-1, LIST-2, LIST-3, LIST-4
    let mut f = fs();
    for n in ["zeta", "alpha", "mid"] {
        put(&mut f, &format!("/{n}"), b"");
    }
    assert_eq!(
        f.listdir("/"),
        Ok(vec!["zeta".into(), "alpha".into(), "mid".into()])
    );
    f.rename("/zeta", "/zeta2").expect("rename");
    assert_eq!(
        f.listdir("/"),
        Ok(vec!["alpha".into(), "mid".into(), "zeta2".into()]),
        "rename appends"
    );
    assert_eq!(kind(f.listdir("/nope")), "NotFound");
    assert_eq!(kind(f.listdir("/mid")), "NotADirectory");
}

#[test]
fn stat_and_get_size_errors() {
    // spec: STAT-1, STAT-2, STAT-4, STAT-5
    let mut f = fs();
    f.mkdir("/d", false).expect("mkdir");
    put(&mut f, "/f", b"abc");
    assert_eq!(kind(f.stat("/x")), "NotFound");
    assert_eq!(kind(f.get_size("/x")), "NotFound");
    assert_eq!(kind(f.get_size("/d")), "IsADirectory");
    assert_eq!(f.get_size("/f"), Ok(3));
    assert_eq!(
        f.stat("/f").map(|s| (s.size, s.generation, s.is_dir)),
        Ok((3, 1, false))
    );
}

#[test]
fn remove_table() {
    // spec: REMOVE-1, REMOVE-2, REMOVE-3, REMOVE-4, CONC-5
    let mut f = fs();
    f.mkdir("/d", false).expect("mkdir");
    put(&mut f, "/f", b"abc");
    assert_eq!(kind(f.remove("/x")), "NotFound");
    assert_eq!(kind(f.remove("/d")), "IsADirectory");
    assert_eq!(kind(f.remove("/")), "IsADirectory");
    for mode in ["rb", "r+b"] {
        let h = f.open("/f", mode, 0).expect("open");
        assert_eq!(
            full(f.remove("/f")),
            Kind::WouldBlock(Reason::FileOpen),
            "{mode}"
        );
        f.close(h);
    }
    f.remove("/f").expect("remove");
    assert!(!f.exists("/f"));
    assert_eq!(f.stats().used_bytes, 0);
    assert_eq!(f.listdir("/"), Ok(vec!["d".into()]));
}

#[test]
fn rmtree_table() {
    // spec: RMTREE-1, RMTREE-2, RMTREE-3, RMTREE-4, RMTREE-5, TREE-4, TREE-5
    let mut f = fs();
    put(&mut f, "/f", b"x");
    f.import_tree(&[
        ("/d/a".into(), b"123".to_vec()),
        ("/d/s/b".into(), b"45".to_vec()),
    ])
    .expect("import");
    assert_eq!(kind(f.rmtree("/")), "InvalidInput");
    assert_eq!(kind(f.rmtree("/x")), "NotFound");
    assert_eq!(kind(f.rmtree("/f")), "NotADirectory");
    let h = f.open("/d/s/b", "rb", 0).expect("reader");
    assert_eq!(full(f.rmtree("/d")), Kind::WouldBlock(Reason::FileOpen));
    f.close(h);
    f.rmtree("/d").expect("rmtree");
    let s = f.stats();
    assert_eq!((s.file_count, s.dir_count, s.used_bytes), (1, 1, 11));
    check_invariants(&f);
}

#[test]
fn rename_check_order() {
    // spec: RENAME-1, RENAME-2, RENAME-3, RENAME-4, RENAME-5, RENAME-7, MOVE-1, MOVE-2, MOVE-3, MOVE-4, MOVE-7
    let mut f = fs();
    f.import_tree(&[("/a/x".into(), b"1".to_vec()), ("/b".into(), b"2".to_vec())])
        .expect("import");
    f.mkdir("/e", false).expect("mkdir");
    let before = obs(&f);
    // (src, dst, rename's error, move's error or None where move succeeds)
    let cases = [
        ("/", "/z", "InvalidInput", Some("InvalidInput")),
        ("/nope", "/z", "NotFound", Some("NotFound")),
        ("/a", "/b", "AlreadyExists", Some("AlreadyExists")),
        ("/a", "/a", "AlreadyExists", Some("AlreadyExists")),
        ("/a", "/", "AlreadyExists", Some("AlreadyExists")),
        ("/a", "/e", "AlreadyExists", Some("AlreadyExists")),
        ("/a", "/a/y", "InvalidInput", Some("InvalidInput")),
        ("/a", "/a/q/r", "InvalidInput", Some("InvalidInput")),
        ("/a", "/q/r", "NotFound", None),
        ("/a", "/b/r", "NotFound", Some("AlreadyExists")),
        ("..", "/z", "InvalidInput", Some("InvalidInput")),
        ("/a", "../z", "InvalidInput", Some("InvalidInput")),
    ];
    for (s, d, rename_err, move_err) in cases {
        assert_eq!(kind(f.rename(s, d)), rename_err, "rename({s}, {d})");
        assert_eq!(obs(&f), before);
        if let Some(want) = move_err {
            assert_eq!(kind(f.move_path(s, d)), want, "move({s}, {d})");
            assert_eq!(obs(&f), before);
        }
    }
}

#[test]
fn rename_open_file_is_checked_after_the_parent() {
    // spec: RENAME-6, RENAME-7, MOVE-5, CONC-5
    let mut f = fs();
    f.import_tree(&[("/d/f".into(), b"1".to_vec())])
        .expect("import");
    let h = f.open("/d/f", "rb", 0).expect("reader");
    assert_eq!(kind(f.rename("/d", "/no/parent")), "NotFound");
    assert_eq!(
        full(f.rename("/d", "/e")),
        Kind::WouldBlock(Reason::FileOpen)
    );
    assert_eq!(
        full(f.rename("/d/f", "/g")),
        Kind::WouldBlock(Reason::FileOpen)
    );
    assert_eq!(
        full(f.move_path("/d", "/no/parent")),
        Kind::WouldBlock(Reason::FileOpen),
        "move: open check first"
    );
    f.close(h);
    f.rename("/d", "/e").expect("rename after close");
}

#[test]
fn rename_keeps_content_timestamps_and_generation() {
    // spec: RENAME-8, RENAME-9
    let mut f = fs();
    f.set_now(2);
    f.mkdir("/src/sub", false).expect("mkdir");
    put(&mut f, "/src/sub/f", b"abc");
    f.mkdir("/dst", false).expect("mkdir");
    let s_before = f.stat("/src/sub/f").expect("stat");
    let d_before = f.stat("/src/sub").expect("stat");
    let used = f.stats();
    f.set_now(50);
    f.rename("/src", "/dst/moved").expect("rename");
    assert_eq!(f.stat("/dst/moved/sub/f"), Ok(s_before));
    assert_eq!(f.stat("/dst/moved/sub"), Ok(d_before));
    assert_eq!(f.stats(), used);
    assert!(!f.exists("/src"));
    assert_eq!(get(&mut f, "/dst/moved/sub/f"), b"abc");
    check_invariants(&f);
}

#[test]
fn move_creates_missing_parents() {
    // spec: MOVE-6, MOVE-7, MOVE-8
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    f.set_now(7);
    f.move_path("/f", "/x/y/f").expect("move");
    assert_eq!(f.stat("/x/y").map(|s| (s.created, s.is_dir)), Ok((7, true)));
    assert_eq!(get(&mut f, "/x/y/f"), b"abc");
    put(&mut f, "/file", b"1");
    let before = obs(&f);
    assert_eq!(
        kind(f.move_path("/x", "/file/z")),
        "AlreadyExists",
        "direct parent a file"
    );
    assert_eq!(
        kind(f.move_path("/x", "/file/z/w")),
        "AlreadyExists",
        "a file on the way"
    );
    assert_eq!(obs(&f), before, "nothing made");
    check_invariants(&f);
}

#[test]
fn move_past_max_nodes_makes_nothing() {
    // spec: LIMIT-4, MOVE-6
    let mut f = NaiveFs::new(OracleConfig {
        max_nodes: Some(3),
        ..cfg()
    });
    put(&mut f, "/f", b"abc");
    let before = obs(&f);
    assert_eq!(
        full(f.move_path("/f", "/a/b/f")),
        Kind::NodeLimitExceeded {
            current: 2,
            limit: 3
        }
    );
    assert_eq!(obs(&f), before);
    f.move_path("/f", "/a/f").expect("one new dir fits");
}

#[test]
fn rename_below_a_file_source_is_invalid_input() {
    // spec: RENAME-4, MOVE-4
    let mut f = fs();
    put(&mut f, "/f", b"1");
    assert_eq!(kind(f.rename("/f", "/f/x")), "InvalidInput");
    assert_eq!(kind(f.move_path("/f", "/f/x/y")), "InvalidInput");
    f.rename("/f", "/fx")
        .expect("a sibling sharing the prefix is not inside");
    assert!(f.is_file("/fx"));
}
