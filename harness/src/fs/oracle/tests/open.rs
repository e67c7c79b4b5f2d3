use super::*;

#[test]
fn bad_mode_is_invalid_input_before_anything_else() {
    // spec: OPEN-1, OPEN-2
    let mut f = fs();
    f.mkdir("/d", false).expect("mkdir");
    for mode in ["r", "w", "a", "rb+", "", "RB", "wb+", "x", "r+"] {
        for p in ["/missing", "/d", "..", "/"] {
            assert_eq!(
                kind(f.open(p, mode, 0)),
                "InvalidInput",
                "open({p}, {mode:?})"
            );
        }
    }
    check_invariants(&f);
}

#[test]
fn directory_is_a_directory_in_every_mode() {
    // spec: OPEN-3
    let mut f = fs();
    f.mkdir("/d", false).expect("mkdir");
    for mode in ["rb", "wb", "ab", "r+b", "xb"] {
        assert_eq!(kind(f.open("/d", mode, 0)), "IsADirectory", "{mode}");
        assert_eq!(kind(f.open("/", mode, 0)), "IsADirectory", "root {mode}");
    }
}

#[test]
fn existence_rules_per_mode() {
    // spec: OPEN-4, OPEN-5, OPEN-6, OPEN-8, TREE-8
    let mut f = fs();
    put(&mut f, "/file", b"x");
    for mode in ["rb", "r+b"] {
        assert_eq!(kind(f.open("/nope", mode, 0)), "NotFound", "{mode}");
    }
    for mode in ["wb", "ab", "xb"] {
        assert_eq!(
            kind(f.open("/no/such", mode, 0)),
            "NotFound",
            "missing parent {mode}"
        );
        assert_eq!(
            kind(f.open("/file/x", mode, 0)),
            "NotFound",
            "file parent {mode}"
        );
    }
    assert_eq!(kind(f.open("/file", "xb", 0)), "AlreadyExists");
    for (mode, p) in [("wb", "/nw"), ("ab", "/na"), ("xb", "/nx")] {
        let h = f.open(p, mode, 0).expect("create");
        f.close(h);
        assert!(f.is_file(p), "{mode} creates");
    }
    check_invariants(&f);
}

#[test]
fn xb_on_existing_file_is_already_exists_even_when_locked() {
    // spec: OPEN-6, CONC-4
    let mut f = fs();
    put(&mut f, "/f", b"x");
    let _w = f.open("/f", "r+b", 0).expect("writer");
    assert_eq!(kind(f.open("/f", "xb", 0)), "AlreadyExists");
}

#[test]
fn lock_table() {
    // spec: LOCK-1, LOCK-2, LOCK-3, LOCK-7, LOCK-8, LOCK-9, CONC-1, CONC-2, CONC-3
    let mut f = fs();
    put(&mut f, "/f", b"data");
    // A reader open: more readers are fine, writers time out at once.
    let r = f.open("/f", "rb", 0).expect("reader");
    let r2 = f.open("/f", "rb", 0).expect("second reader");
    for mode in ["wb", "ab", "r+b"] {
        assert_eq!(
            full(f.open("/f", mode, 0)),
            Kind::WouldBlock(Reason::LockTimeout),
            "{mode} vs reader"
        );
    }
    f.close(r);
    assert_eq!(
        kind(f.open("/f", "wb", 0)),
        "WouldBlock",
        "one reader is still open"
    );
    f.close(r2);
    // A writer open: everyone times out, a writer is not re-entrant.
    let w = f.open("/f", "ab", 0).expect("writer");
    for mode in ["rb", "wb", "ab", "r+b"] {
        assert_eq!(
            full(f.open("/f", mode, 0)),
            Kind::WouldBlock(Reason::LockTimeout),
            "{mode} vs writer"
        );
    }
    f.close(w);
    f.close(w);
    let h = f.open("/f", "r+b", 0).expect("lock released by close");
    f.close(h);
    assert_eq!(get(&mut f, "/f"), b"data", "failed opens changed nothing");
}

#[test]
fn wb_truncates_after_the_lock_and_bumps_generation_even_if_empty() {
    // spec: OPEN-9, OPEN-10, LOCK-9
    let mut f = fs();
    put(&mut f, "/f", b"hello");
    let g0 = f.stat("/f").expect("stat").generation;
    let r = f.open("/f", "rb", 0).expect("reader");
    f.set_now(5);
    assert_eq!(kind(f.open("/f", "wb", 0)), "WouldBlock");
    assert_eq!(f.get_size("/f"), Ok(5), "no truncation without the lock");
    f.close(r);
    let h = f.open("/f", "wb", 0).expect("wb");
    f.close(h);
    let s = f.stat("/f").expect("stat");
    assert_eq!((s.size, s.generation, s.modified), (0, g0 + 1, 5));
    f.set_now(6);
    let h = f.open("/f", "wb", 0).expect("wb on empty");
    f.close(h);
    let s = f.stat("/f").expect("stat");
    assert_eq!((s.generation, s.modified), (g0 + 2, 6));
    assert_eq!(f.stats().used_bytes, 0);
    assert_eq!(f.stats().chunk_count, 0);
}

#[test]
fn new_file_has_generation_zero_and_creation_stamps() {
    // spec: OPEN-8, TIME-2, GEN-1
    let mut f = fs();
    f.set_now(7);
    let h = f.open("/n", "wb", 0).expect("wb");
    f.close(h);
    let s = f.stat("/n").expect("stat");
    assert_eq!(
        (s.size, s.generation, s.created, s.modified, s.is_dir),
        (0, 0, 7, 7, false)
    );
}

#[test]
fn preallocate_zero_fills_as_a_write() {
    // spec: PREALLOC-1, PREALLOC-2, PREALLOC-3, OPEN-12
    let mut f = fs();
    f.set_now(3);
    let h = f.open("/p", "wb", 0).expect("create");
    f.close(h);
    f.set_now(4);
    let h = f.open("/p", "r+b", 6).expect("prealloc");
    assert_eq!(f.tell(h), Ok(0));
    f.close(h);
    let s = f.stat("/p").expect("stat");
    assert_eq!((s.size, s.generation, s.created, s.modified), (6, 1, 3, 4));
    assert_eq!(get(&mut f, "/p"), vec![0u8; 6]);
    assert_eq!(f.stats().used_bytes, 6 + 10, "one sequential chunk");
    // Not larger than the size: nothing happens.
    let h = f.open("/p", "r+b", 4).expect("no-op prealloc");
    f.close(h);
    assert_eq!(f.stat("/p").expect("stat").generation, 1);
}

#[test]
fn preallocate_with_rb_is_invalid_input() {
    // spec: PREALLOC-4
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    assert_eq!(kind(f.open("/f", "rb", 1)), "InvalidInput");
    assert_eq!(kind(f.open("/f", "rb", 10)), "InvalidInput");
    assert_eq!(
        kind(f.open("/missing", "rb", 10)),
        "InvalidInput",
        "checked before the path"
    );
    assert!(f.open("/f", "rb", 0).is_ok());
}

#[test]
fn failed_preallocate_removes_the_file_it_created() {
    // spec: PREALLOC-5, QUOTA-9, QUOTA-12
    let mut f = fs();
    let before = obs(&f);
    for mode in ["wb", "ab", "xb"] {
        assert_eq!(
            full(f.open("/big", mode, 20_000)),
            Kind::QuotaExceeded {
                requested: 20_010,
                available: 10_000
            }
        );
        assert_eq!(obs(&f), before, "{mode}: nothing remains");
    }
    // An existing file is left unchanged, even by `wb`, which truncates before preallocating.
    put(&mut f, "/old", b"12345");
    let kept = obs(&f);
    for mode in ["r+b", "ab", "wb"] {
        assert_eq!(
            kind(f.open("/old", mode, 20_000)),
            "QuotaExceeded",
            "{mode}"
        );
        assert_eq!(obs(&f), kept, "{mode}: existing file unchanged");
    }
    // `wb` checks the charge against the truncated file: 9_985 free + 15 released.
    assert_eq!(
        full(f.open("/old", "wb", 9_991)),
        Kind::QuotaExceeded {
            requested: 10_001,
            available: 10_000
        }
    );
    let h = f.open("/old", "wb", 9_990).expect("fits once truncated");
    f.close(h);
    assert!(
        f.open("/old", "wb", 0).is_ok(),
        "the failed open released its lock"
    );
    check_invariants(&f);
}

#[test]
fn ab_cursor_starts_at_size() {
    // spec: OPEN-11, OPEN-13
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    let h = f.open("/f", "ab", 0).expect("ab");
    assert_eq!(f.tell(h), Ok(3));
    f.close(h);
    let h = f.open("/f", "ab", 8).expect("ab prealloc");
    assert_eq!(f.tell(h), Ok(8), "size when open returns");
    let h2 = f.open("/g", "ab", 0).expect("ab new");
    assert_eq!(f.tell(h2), Ok(0));
}

#[test]
fn creating_past_max_nodes_fails_and_leaves_nothing() {
    // spec: LIMIT-1, LIMIT-3
    let mut f = NaiveFs::new(OracleConfig {
        max_nodes: Some(2),
        ..cfg()
    });
    let h = f.open("/a", "wb", 0).expect("second node");
    f.close(h);
    let before = obs(&f);
    assert_eq!(
        full(f.open("/b", "xb", 0)),
        Kind::NodeLimitExceeded {
            current: 2,
            limit: 2
        }
    );
    assert_eq!(obs(&f), before);
    let h = f
        .open("/a", "wb", 0)
        .expect("reopening an existing file needs no node");
    f.close(h);
}
