use super::*;

#[test]
fn empty_filesystem_stats() {
    // spec: TREE-1, TREE-2, TREE-3
    let f = NaiveFs::new(cfg());
    let s = f.stats();
    assert_eq!(
        (s.file_count, s.dir_count, s.used_bytes, s.chunk_count),
        (0, 1, 0, 0)
    );
    assert_eq!((s.quota_bytes, s.free_bytes), (10_000, 10_000));
    assert_eq!(f.overhead_per_chunk_estimate(), 10);
    assert_eq!(
        NaiveFs::new(OracleConfig::default()).overhead_per_chunk_estimate(),
        128
    );
    assert!(f.is_dir("/"));
}

#[test]
fn errors_carry_the_offending_path() {
    // spec: PATH-11
    let mut f = fs();
    put(&mut f, "/f", b"x");
    let e = f.listdir("a//b").expect_err("missing");
    assert_eq!((e.kind, e.path.as_str()), (Kind::NotFound, "/a/b"));
    assert_eq!(f.copy("/f", "/f").expect_err("exists").path, "/f");
    assert_eq!(f.rename("/f", "/no/x").expect_err("parent").path, "/no/x");
    assert_eq!(f.open("../x", "rb", 0).expect_err("invalid").path, "../x");
    assert!(
        f.stat("/nope")
            .expect_err("missing")
            .to_string()
            .contains("/nope")
    );
}

#[test]
fn queries_are_allowed_while_files_are_open() {
    // spec: CONC-8
    let mut f = fs();
    f.import_tree(&[("/d/f".into(), b"abc".to_vec())])
        .expect("import");
    let _w = f.open("/d/f", "r+b", 0).expect("writer");
    assert_eq!(f.stat("/d/f").map(|s| s.size), Ok(3));
    assert_eq!(f.get_size("/d/f"), Ok(3));
    assert!(f.exists("/d/f"));
    assert_eq!(f.listdir("/d"), Ok(vec!["f".into()]));
    assert_eq!(f.glob("/d/*"), Ok(vec!["/d/f".into()]));
    assert_eq!(f.walk("/").map(|w| w.len()), Ok(2));
    assert_eq!(f.stats().file_count, 1);
}

#[test]
fn copies_and_clones_are_independent() {
    // spec: COPYTREE-7, TREE-9
    let mut f = fs();
    f.import_tree(&[("/s/a".into(), b"abc".to_vec())])
        .expect("import");
    f.copy_tree("/s", "/t").expect("copy_tree");
    let h = f.open("/t/a", "wb", 0).expect("wb");
    f.write(h, b"changed").expect("w");
    f.close(h);
    assert_eq!(get(&mut f, "/s/a"), b"abc");
    let snapshot = f.clone();
    f.remove("/s/a").expect("remove");
    assert!(snapshot.is_file("/s/a") && !f.is_file("/s/a"));
    assert_ne!(obs(&snapshot).stats, obs(&f).stats);
}

#[test]
fn removing_nodes_makes_room_under_max_nodes() {
    // spec: LIMIT-5, LIMIT-1
    let mut f = NaiveFs::new(OracleConfig {
        max_nodes: Some(2),
        ..cfg()
    });
    f.mkdir("/a", false).expect("mkdir");
    assert_eq!(kind(f.mkdir("/b", false)), "NodeLimitExceeded");
    f.rmtree("/a").expect("rmtree");
    f.mkdir("/b", false).expect("room again");
}

#[test]
fn timestamps_come_from_set_now_and_reads_keep_them() {
    // spec: TIME-1, TIME-6
    let mut f = NaiveFs::new_at(cfg(), 100);
    assert_eq!(f.stat("/").map(|s| s.created), Ok(100));
    f.set_now(200);
    put(&mut f, "/f", b"abc");
    f.set_now(300);
    let before = f.stat("/f").expect("stat");
    let h = f.open("/f", "rb", 0).expect("rb");
    f.read(h, None).expect("read");
    f.seek(h, Whence::Start, 0).expect("seek");
    f.close(h);
    let h = f.open("/f", "r+b", 0).expect("r+b");
    f.close(h);
    f.export_tree("/", false).expect("export");
    assert_eq!(f.stat("/f"), Ok(before));
    assert_eq!((before.created, before.modified), (200, 200));
}

#[test]
fn observation_lists_nodes_stats_and_handle_slots() {
    // spec: OPEN-13, HANDLE-15
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    let h = f.open("/f", "ab", 0).expect("ab");
    let g = f.open("/f", "ab", 0);
    assert!(g.is_err());
    let r = f.open("/g", "xb", 0).expect("xb");
    f.close(r);
    let o = f.observe(&[Some(h), None, Some(r)]);
    assert_eq!(
        o.nodes.keys().cloned().collect::<Vec<_>>(),
        vec!["/", "/f", "/g"]
    );
    let slot0 = o.handles[0].clone().expect("slot 0");
    assert_eq!(
        (
            slot0.path.as_str(),
            slot0.mode.as_str(),
            slot0.pos,
            slot0.closed
        ),
        ("/f", "ab", 3, false)
    );
    assert_eq!(o.handles[1], None);
    assert!(
        o.handles[2]
            .as_ref()
            .is_some_and(|h| h.closed && h.mode == "xb")
    );
    assert_eq!(o.stats, f.stats());
    match &o.nodes["/f"] {
        NodeObs::File {
            data, generation, ..
        } => assert_eq!((data.as_slice(), *generation), (&b"abc"[..], 1)),
        other => panic!("expected a file, got {other:?}"),
    }
}

#[test]
fn fingerprints_tell_states_apart_and_ignore_time_shifts() {
    // spec: TREE-4
    let mut a = fs();
    put(&mut a, "/f", b"abc");
    let b = a.clone();
    assert_eq!(a.fingerprint(), b.fingerprint());
    let mut c = a.clone();
    let h = c.open("/f", "rb", 0).expect("rb");
    assert_ne!(c.fingerprint(), a.fingerprint(), "an open handle is state");
    c.close(h);
    assert_ne!(
        c.fingerprint(),
        a.fingerprint(),
        "a closed slot is still observable"
    );
    let mut d = a.clone();
    d.import_tree(&[("/f".into(), b"abc".to_vec())])
        .expect("import");
    assert_ne!(
        d.fingerprint(),
        a.fingerprint(),
        "generation and layout count"
    );
    // The same history shifted in time: different exact fingerprints, equal relative ones.
    let mut e = NaiveFs::new(cfg());
    e.set_now(10);
    put(&mut e, "/f", b"abc");
    let mut g = NaiveFs::new(cfg());
    g.set_now(20);
    put(&mut g, "/f", b"abc");
    assert_ne!(e.fingerprint(), g.fingerprint());
    assert_eq!(e.fingerprint_relative_time(), g.fingerprint_relative_time());
}
