use super::*;

/// One import entry as written in the tables.
type Entry<'a> = (&'a str, &'a [u8]);

fn entries(list: &[Entry]) -> Vec<(String, Vec<u8>)> {
    list.iter()
        .map(|(p, d)| (p.to_string(), d.to_vec()))
        .collect()
}

#[test]
fn copy_check_order_and_result() {
    // spec: COPY-1, COPY-2, COPY-3, COPY-4, COPY-6, COPY-7, QUOTA-13
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    f.mkdir("/d", false).expect("mkdir");
    let before = obs(&f);
    let cases = [
        ("/nope", "/z", "NotFound"),
        ("/d", "/z", "IsADirectory"),
        ("/f", "/f", "AlreadyExists"),
        ("/f", "/d", "AlreadyExists"),
        ("/f", "/no/z", "NotFound"),
        ("/f", "/f/z", "NotFound"),
        ("..", "/z", "InvalidInput"),
        ("/f", "..", "InvalidInput"),
    ];
    for (s, d, want) in cases {
        assert_eq!(kind(f.copy(s, d)), want, "copy({s}, {d})");
        assert_eq!(obs(&f), before);
    }
    f.set_now(30);
    f.copy("/f", "/d/g").expect("copy");
    let s = f.stat("/d/g").expect("stat");
    assert_eq!(
        (s.size, s.generation, s.created, s.modified),
        (3, 1, 30, 30)
    );
    assert_eq!(
        f.stats().used_bytes,
        2 * 13,
        "the copy is one sequential chunk"
    );
    put(&mut f, "/empty", b"");
    f.copy("/empty", "/e2").expect("copy empty");
    assert_eq!(f.stat("/e2").map(|s| s.generation), Ok(0));
    check_invariants(&f);
}

#[test]
fn copy_locks_quota_and_nodes() {
    // spec: COPY-5, CONC-6, CONC-7, LIMIT-4
    let mut f = NaiveFs::new(OracleConfig {
        quota: 30,
        max_nodes: Some(3),
        ..cfg()
    });
    put(&mut f, "/f", b"abcde");
    let r = f.open("/f", "rb", 0).expect("reader");
    f.copy("/f", "/g").expect("a reader does not block copy");
    f.close(r);
    f.remove("/g").expect("remove");
    let w = f.open("/f", "r+b", 0).expect("writer");
    assert_eq!(
        full(f.copy("/f", "/g")),
        Kind::WouldBlock(Reason::LockTimeout)
    );
    f.close(w);
    put(&mut f, "/h", b"");
    let before = obs(&f);
    assert_eq!(
        full(f.copy("/f", "/g")),
        Kind::NodeLimitExceeded {
            current: 3,
            limit: 3
        }
    );
    assert_eq!(obs(&f), before);
    let mut f = NaiveFs::new(OracleConfig { quota: 30, ..cfg() });
    put(&mut f, "/f", b"abcdefghij");
    let mid = obs(&f);
    assert_eq!(
        full(f.copy("/f", "/g")),
        Kind::QuotaExceeded {
            requested: 20,
            available: 10
        }
    );
    assert_eq!(obs(&f), mid, "no dst remains");
}

#[test]
fn copy_tree_is_a_snapshot_with_fresh_metadata() {
    // spec: COPYTREE-6, COPYTREE-8, COPYTREE-9, COPYTREE-10, QUOTA-13
    let mut f = fs();
    f.set_now(2);
    f.import_tree(&entries(&[
        ("/s/a", b"12"),
        ("/s/sub/b", b""),
        ("/s/sub/c", b"345"),
    ]))
    .expect("import");
    let h = f.open("/s/a", "ab", 0).expect("ab");
    f.write(h, b"x").expect("w");
    f.close(h);
    f.set_now(8);
    f.copy_tree("/s", "/s/copy").expect("into itself");
    assert_eq!(
        f.listdir("/s/copy"),
        Ok(vec!["a".into(), "sub".into()]),
        "snapshot taken before dst exists"
    );
    assert_eq!(f.listdir("/s/copy/sub"), Ok(vec!["b".into(), "c".into()]));
    let a = f.stat("/s/copy/a").expect("stat");
    assert_eq!((a.size, a.generation, a.created, a.modified), (3, 0, 8, 8));
    assert_eq!(f.stat("/s/copy/sub").map(|s| s.created), Ok(8));
    assert_eq!(get(&mut f, "/s/copy/sub/c"), b"345");
    // Originals: a (2 chunks) 3+20, b 0, c 3+10; copies: a 3+10, b 0, c 3+10.
    assert_eq!(f.stats().used_bytes, 23 + 13 + 13 + 13);
    check_invariants(&f);
}

#[test]
fn copy_tree_check_order() {
    // spec: COPYTREE-1, COPYTREE-2, COPYTREE-3, COPYTREE-4, COPYTREE-5, CONC-6, CONC-7
    let mut f = NaiveFs::new(OracleConfig { quota: 55, ..cfg() });
    f.import_tree(&entries(&[("/s/a", b"12345"), ("/file", b"1")]))
        .expect("import");
    let before = obs(&f);
    let cases = [
        ("/nope", "/z", "NotFound"),
        ("/file", "/z", "NotADirectory"),
        ("/s", "/s", "AlreadyExists"),
        ("/s", "/file", "AlreadyExists"),
        ("/s", "/no/z", "NotFound"),
        ("/s", "/file/z", "NotFound"),
    ];
    for (s, d, want) in cases {
        assert_eq!(kind(f.copy_tree(s, d)), want, "copy_tree({s}, {d})");
        assert_eq!(obs(&f), before);
    }
    let w = f.open("/s/a", "r+b", 0).expect("writer");
    assert_eq!(
        full(f.copy_tree("/s", "/z")),
        Kind::WouldBlock(Reason::LockTimeout)
    );
    f.close(w);
    let r = f.open("/s/a", "rb", 0).expect("reader");
    f.copy_tree("/s", "/z").expect("a reader does not block");
    f.close(r);
    let mid = obs(&f);
    assert_eq!(
        full(f.copy_tree("/s", "/y")),
        Kind::QuotaExceeded {
            requested: 15,
            available: 14
        }
    );
    assert_eq!(obs(&f), mid, "nothing changed");
    f.mkdir("/empty", false).expect("mkdir");
    f.copy_tree("/empty", "/empty2")
        .expect("empty dir needs no quota");
}

#[test]
fn walk_is_top_down_in_insertion_order() {
    // spec: WALK-1
    let mut f = fs();
    f.import_tree(&entries(&[
        ("/b/x", b"1"),
        ("/a", b"2"),
        ("/b/c/y", b"3"),
        ("/b/d/z", b"4"),
    ]))
    .expect("import");
    let w = f.walk("/").expect("walk");
    let want: Vec<(String, Vec<String>, Vec<String>)> = vec![
        ("/".into(), vec!["b".into()], vec!["a".into()]),
        ("/b".into(), vec!["c".into(), "d".into()], vec!["x".into()]),
        ("/b/c".into(), vec![], vec!["y".into()]),
        ("/b/d".into(), vec![], vec!["z".into()]),
    ];
    assert_eq!(w, want);
    assert_eq!(f.walk("/b/c").map(|w| w.len()), Ok(1));
    assert_eq!(kind(f.walk("/nope")), "NotFound");
    assert_eq!(kind(f.walk("/a")), "NotADirectory");
}

#[test]
fn export_tree_rules() {
    // spec: EXPORT-1, EXPORT-2, EXPORT-3, EXPORT-9, GEN-3, CONC-6, CONC-7
    let mut f = fs();
    f.import_tree(&entries(&[
        ("/d/clean", b"c"),
        ("/d/s/x", b"x"),
        ("/top", b"t"),
    ]))
    .expect("import");
    put(&mut f, "/d/dirty", b"D");
    assert!(f.export_tree("/missing", false).expect("export").is_empty());
    let one = f.export_tree("/top", false).expect("export");
    assert_eq!(
        one.into_iter().collect::<Vec<_>>(),
        vec![("/top".to_string(), b"t".to_vec())]
    );
    let all = f.export_tree("/d", false).expect("export");
    assert_eq!(
        all.keys().cloned().collect::<Vec<_>>(),
        vec!["/d/clean", "/d/dirty", "/d/s/x"]
    );
    let dirty = f.export_tree("/", true).expect("export");
    assert_eq!(dirty.keys().cloned().collect::<Vec<_>>(), vec!["/d/dirty"]);
    let r = f.open("/d/s/x", "rb", 0).expect("reader");
    assert!(f.export_tree("/", false).is_ok(), "readers do not block");
    f.close(r);
    let w = f.open("/d/s/x", "r+b", 0).expect("writer");
    assert_eq!(
        full(f.export_tree("/d", false)),
        Kind::WouldBlock(Reason::LockTimeout)
    );
    assert!(
        f.export_tree("/d", true).is_ok(),
        "the locked file is clean, so not exported"
    );
    assert_eq!(
        full(f.export_as_bytesio("/d/s/x", None)),
        Kind::WouldBlock(Reason::LockTimeout)
    );
    f.close(w);
}

#[test]
fn export_as_bytesio_rules() {
    // spec: EXPORT-6, EXPORT-7, EXPORT-8
    let mut f = fs();
    put(&mut f, "/f", b"hello");
    f.mkdir("/d", false).expect("mkdir");
    assert_eq!(kind(f.export_as_bytesio("/x", None)), "NotFound");
    assert_eq!(kind(f.export_as_bytesio("/d", None)), "IsADirectory");
    assert_eq!(kind(f.export_as_bytesio("/f", Some(4))), "InvalidInput");
    assert_eq!(f.export_as_bytesio("/f", Some(5)), Ok(b"hello".to_vec()));
    let mut copy = f.export_as_bytesio("/f", None).expect("export");
    copy[0] = b'J';
    assert_eq!(get(&mut f, "/f"), b"hello", "detached copy");
}

#[test]
fn import_creates_replaces_and_resets_generation() {
    // spec: IMPORT-7, IMPORT-8, IMPORT-9, QUOTA-13
    let mut f = fs();
    put(&mut f, "/a", b"old");
    put(&mut f, "/z", b"zz");
    let before = obs(&f);
    f.import_tree(&[]).expect("empty import");
    assert_eq!(obs(&f), before, "no-op");
    f.set_now(40);
    f.import_tree(&entries(&[
        ("/n/m/new", b"N"),
        ("/a", b"fresh"),
        ("/e", b""),
    ]))
    .expect("import");
    assert_eq!(
        f.listdir("/"),
        Ok(vec!["a".into(), "z".into(), "n".into(), "e".into()]),
        "replaced file keeps its place"
    );
    let a = f.stat("/a").expect("stat");
    assert_eq!(
        (a.size, a.generation, a.created, a.modified),
        (5, 0, 40, 40)
    );
    assert_eq!(
        f.stat("/n/m").map(|s| (s.is_dir, s.created)),
        Ok((true, 40))
    );
    // a 5+10, z 2+10, new 1+10, e 0.
    assert_eq!(f.stats().used_bytes, 15 + 12 + 11);
    assert_eq!(f.stats().chunk_count, 3);
    f.import_tree(&entries(&[("/dup", b"1"), ("dup", b"22")]))
        .expect("duplicates");
    assert_eq!(get(&mut f, "/dup"), b"22", "the last one wins");
    check_invariants(&f);
}

#[test]
fn import_validates_everything_first() {
    // spec: IMPORT-1, IMPORT-2, IMPORT-3, IMPORT-4, IMPORT-5, IMPORT-6, CONC-5
    let mut f = NaiveFs::new(OracleConfig {
        quota: 100,
        ..cfg()
    });
    put(&mut f, "/file", b"12345");
    f.mkdir("/dir", false).expect("mkdir");
    let before = obs(&f);
    let bad: &[(&[Entry], &str)] = &[
        (&[("/ok", b"1"), ("..", b"2")], "InvalidInput"),
        (&[("/ok", b"1"), ("/dir", b"2")], "IsADirectory"),
        (&[("/ok", b"1"), ("/", b"2")], "IsADirectory"),
        (&[("/ok", b"1"), ("/file/x", b"2")], "AlreadyExists"),
        (&[("/p", b"1"), ("/p/q", b"2")], "IsADirectory"),
        (&[("/p/q", b"1"), ("/p", b"2")], "IsADirectory"),
        (&[("/file/x", b"1"), ("/dir", b"2")], "IsADirectory"),
        (&[("/ok", &[0; 80]), ("/ok2", b"1")], "QuotaExceeded"),
        (&[("/dir", b"1"), ("..", b"2")], "InvalidInput"),
    ];
    for (list, want) in bad {
        assert_eq!(kind(f.import_tree(&entries(list))), *want, "{list:?}");
        assert_eq!(obs(&f), before, "all or nothing");
    }
    let h = f.open("/file", "rb", 0).expect("reader");
    assert_eq!(
        full(f.import_tree(&entries(&[("/ok", b"1"), ("/file", b"2")]))),
        Kind::WouldBlock(Reason::FileOpen)
    );
    assert_eq!(f.observe(&[]), before);
    f.close(h);
    // Net change: replacing /file (15) by 70 bytes (80) needs 65 of the 85 free.
    f.import_tree(&entries(&[("/file", &[7; 70])]))
        .expect("net change fits");
    assert_eq!(f.stats().used_bytes, 80);
}

#[test]
fn import_respects_max_nodes() {
    // spec: LIMIT-4, IMPORT-6
    let mut f = NaiveFs::new(OracleConfig {
        max_nodes: Some(4),
        ..cfg()
    });
    let before = obs(&f);
    assert_eq!(
        full(f.import_tree(&entries(&[("/a/b/c", b"1"), ("/a/d", b"2")]))),
        Kind::NodeLimitExceeded {
            current: 1,
            limit: 4
        }
    );
    assert_eq!(obs(&f), before);
    f.import_tree(&entries(&[("/a/b", b"1"), ("/a/d", b"2")]))
        .expect("exactly 4");
}

#[test]
fn copy_tree_of_the_root_into_itself_copies_a_snapshot() {
    // spec: COPYTREE-8, COPYTREE-6
    let mut f = fs();
    f.import_tree(&entries(&[("/a/b", b"12"), ("/c", b"3")]))
        .expect("import");
    f.copy_tree("/", "/a/snap").expect("copy_tree");
    assert_eq!(f.listdir("/a/snap"), Ok(vec!["a".into(), "c".into()]));
    assert_eq!(
        f.listdir("/a/snap/a"),
        Ok(vec!["b".into()]),
        "the copy does not contain itself"
    );
    assert_eq!(get(&mut f, "/a/snap/a/b"), b"12");
    check_invariants(&f);
}
