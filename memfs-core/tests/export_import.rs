//! export_tree, iter_export_tree, export_as_bytesio and import_tree (semantics §7; seed 004
//! §4.5, §15, §21).

mod common;
use common::*;
use memfs_core::{BlockReason, ErrorKind, MemoryFileSystem, OpenMode, Timestamp};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};

fn sample() -> MemoryFileSystem {
    let fs = fs();
    fs.mkdir("/d/sub", false).unwrap();
    fs.mkdir("/emptydir", false).unwrap();
    put(&fs, "/d/a.bin", b"aaa");
    put(&fs, "/d/sub/b.bin", b"bb");
    put(&fs, "/top.bin", b"t");
    fs.open("/d/empty.bin", OpenMode::Write).unwrap().close();
    fs
}

fn map(entries: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
    entries
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect()
}

// ------------------------------------------------------------------ export

#[test]
fn test_export_tree_returns_all_files() {
    // spec: EXPORT-1
    let fs = sample();
    let all = fs.export_tree("/", false).unwrap();
    assert_eq!(
        all,
        map(&[
            ("/d/a.bin", b"aaa"),
            ("/d/sub/b.bin", b"bb"),
            ("/top.bin", b"t"),
            ("/d/empty.bin", b"")
        ])
    );
    assert_eq!(
        fs.export_tree("/d/sub", false).unwrap(),
        map(&[("/d/sub/b.bin", b"bb")])
    );
    assert_eq!(fs.export_tree("/emptydir", false).unwrap(), BTreeMap::new());
}

#[test]
fn test_export_tree_missing_and_file_prefix() {
    // spec: EXPORT-2
    let fs = sample();
    assert_eq!(
        fs.export_tree("/nonexistent", false).unwrap(),
        BTreeMap::new()
    );
    assert_eq!(
        fs.export_tree("/d/a.bin", false).unwrap(),
        map(&[("/d/a.bin", b"aaa")])
    );
}

#[test]
fn test_export_tree_only_dirty() {
    // spec: EXPORT-3, GEN-3, IMPORT-9
    let fs = fs();
    fs.import_tree([("/i/clean", &b"c"[..]), ("/i/touched", &b"t"[..])])
        .unwrap();
    append(&fs, "/i/touched", b"+");
    put(&fs, "/written", b"w");
    fs.open("/created-empty", OpenMode::Write).unwrap().close();
    assert_eq!(
        fs.export_tree("/", true).unwrap(),
        map(&[("/i/touched", b"t+"), ("/written", b"w")])
    );
    assert_eq!(fs.export_tree("/", false).unwrap().len(), 4);
}

#[test]
fn test_iter_export_tree_matches_export_tree() {
    // spec: EXPORT-4
    let fs = sample();
    for (prefix, dirty) in [
        ("/", false),
        ("/d", false),
        ("/", true),
        ("/missing", false),
        ("/top.bin", false),
    ] {
        let lazy: BTreeMap<String, Vec<u8>> = fs
            .iter_export_tree(prefix, dirty)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            lazy,
            fs.export_tree(prefix, dirty).unwrap(),
            "{prefix} {dirty}"
        );
    }
}

#[test]
fn test_iter_export_tree_skips_deleted_during_iteration() {
    // spec: EXPORT-5
    let fs = fs();
    for i in 0..5 {
        put(&fs, &format!("/file{i}.bin"), b"x");
    }
    let mut it = fs.iter_export_tree("/", false).unwrap();
    let (first, data) = it.next().unwrap().unwrap();
    assert_eq!(data, b"x");
    let mut removed = Vec::new();
    for i in 0..5 {
        let p = format!("/file{i}.bin");
        if p != first && i % 2 == 0 {
            fs.remove(&p).unwrap();
            removed.push(p);
        }
    }
    let rest: Vec<(String, Vec<u8>)> = it.map(|r| r.unwrap()).collect();
    for (p, _) in &rest {
        assert!(!removed.contains(p), "{p} was removed before it was read");
    }
    assert_eq!(rest.len(), 4 - removed.len());
}

#[test]
fn test_export_as_bytesio_is_copy() {
    // spec: EXPORT-6
    let fs = sample();
    let mut bio = fs.export_as_bytesio("/d/a.bin", None).unwrap();
    assert_eq!(bio.get_ref(), b"aaa");
    bio.seek(SeekFrom::Start(0)).unwrap();
    bio.write_all(b"ZZZZ").unwrap();
    assert_eq!(get(&fs, "/d/a.bin"), b"aaa");
    put(&fs, "/d/a.bin", b"new");
    let mut s = Vec::new();
    bio.seek(SeekFrom::Start(0)).unwrap();
    bio.read_to_end(&mut s).unwrap();
    assert_eq!(s, b"ZZZZ");
    assert_eq!(
        fs.export_as_bytesio("/d/a.bin", Some(3))
            .unwrap()
            .into_inner(),
        b"new",
        "equal to max is fine"
    );
}

#[test]
fn test_export_as_bytesio_max_size_exceeds_raises() {
    // spec: EXPORT-7
    let fs = sample();
    assert_eq!(
        kind(fs.export_as_bytesio("/d/a.bin", Some(2))),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(fs.export_as_bytesio("/d/a.bin", Some(0))),
        ErrorKind::InvalidInput
    );
}

#[test]
fn test_export_as_bytesio_on_dir_raises() {
    // spec: EXPORT-8
    let fs = sample();
    assert_eq!(
        kind(fs.export_as_bytesio("/d", None)),
        ErrorKind::IsADirectory
    );
    assert_eq!(
        kind(fs.export_as_bytesio("/", None)),
        ErrorKind::IsADirectory
    );
    assert_eq!(
        kind(fs.export_as_bytesio("/missing", None)),
        ErrorKind::NotFound
    );
}

#[test]
fn test_export_never_waits_forever_on_a_writer() {
    // spec: EXPORT-9, CONC-7
    let fs = build(short_default());
    put(&fs, "/f", b"x");
    put(&fs, "/g", b"y");
    let w = fs.open("/f", OpenMode::Append).unwrap();
    assert_blocked(fs.export_tree("/", false), BlockReason::LockTimeout);
    assert_blocked(fs.export_as_bytesio("/f", None), BlockReason::LockTimeout);
    assert_eq!(
        fs.export_tree("/g", false).unwrap(),
        map(&[("/g", b"y")]),
        "other files are readable"
    );
    drop(w);
    assert_eq!(fs.export_tree("/", false).unwrap().len(), 2);
}

// ------------------------------------------------------------------ import

#[test]
fn test_import_tree_invalid_path_changes_nothing() {
    // spec: IMPORT-1, IMPORT-6
    let fs = sample();
    let before = full(&fs);
    assert_eq!(
        kind(fs.import_tree([("/new.bin", &b"1"[..]), ("/d/../../evil", &b"2"[..])])),
        ErrorKind::InvalidInput
    );
    assert_eq!(full(&fs), before);
    assert!(!fs.exists("/new.bin"));
}

#[test]
fn test_import_tree_directory_target_raises() {
    // spec: IMPORT-2, IMPORT-6
    let fs = sample();
    let before = full(&fs);
    for target in ["/d", "/d/sub", "/", "", "/emptydir"] {
        assert_eq!(
            kind(fs.import_tree([
                ("/new.bin", &b"1"[..]),
                (target, &b"2"[..]),
                ("/top.bin", &b"z"[..])
            ])),
            ErrorKind::IsADirectory,
            "{target:?}"
        );
        assert_eq!(full(&fs), before, "{target:?}: nothing changes");
    }
}

#[test]
fn test_import_tree_below_file_raises() {
    // spec: IMPORT-3, IMPORT-6
    let fs = sample();
    let before = full(&fs);
    assert_eq!(
        kind(fs.import_tree([("/top.bin/x", &b"1"[..])])),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.import_tree([("/top.bin/x/y", &b"1"[..])])),
        ErrorKind::AlreadyExists
    );
    assert_eq!(full(&fs), before);
}

#[test]
fn test_import_tree_file_and_path_below_it_in_one_import() {
    // spec: IMPORT-2, IMPORT-6
    // `/n/g` is both a file of the import and a directory that `/n/g/h` needs: it "would
    // replace a directory", and that check (IsADirectory) comes before the below-a-file check,
    // whatever the order of the entries.
    let fs = sample();
    let before = full(&fs);
    for entries in [
        [("/n/g", &b"1"[..]), ("/n/g/h", &b"2"[..])],
        [("/n/g/h", &b"2"[..]), ("/n/g", &b"1"[..])],
    ] {
        assert_eq!(kind(fs.import_tree(entries)), ErrorKind::IsADirectory);
        assert_eq!(full(&fs), before);
        assert!(!fs.exists("/n"));
    }
}

#[test]
fn test_import_tree_all_or_nothing_on_open_conflict() {
    // spec: IMPORT-4, IMPORT-6
    let fs = sample();
    let original = full(&fs);
    let h = fs.open("/d/a.bin", OpenMode::Read).unwrap();
    assert_blocked(
        fs.import_tree([("/fresh", &b"1"[..]), ("/d/a.bin", &b"new content"[..])]),
        BlockReason::FileOpen,
    );
    drop(h);
    assert_eq!(full(&fs), original);
}

#[test]
fn test_import_tree_all_or_nothing_on_quota_fail() {
    // spec: IMPORT-5, IMPORT-6, QUOTA-12
    let fs = exact(128);
    put(&fs, "/existing.bin", b"before");
    let original = full(&fs);
    let huge = [
        ("/a.bin", vec![b'x'; 64]),
        ("/b.bin", vec![b'y'; 70]),
        ("/existing.bin", b"after".to_vec()),
    ];
    assert_eq!(kind(fs.import_tree(huge.clone())), ErrorKind::QuotaExceeded);
    assert_eq!(full(&fs), original);
    check_invariants(&fs);
}

#[test]
fn test_import_tree_charges_net_change() {
    // spec: IMPORT-5, QUOTA-13
    let fs = exact(100);
    put(&fs, "/a", &[1u8; 60]);
    // replacing 60 B by 90 B needs 30 B more, not 90
    fs.import_tree([("/a", vec![2u8; 90])]).unwrap();
    assert_eq!(fs.stats().used_bytes, 90);
    assert_eq!(
        kind(fs.import_tree([("/b", vec![3u8; 20])])),
        ErrorKind::QuotaExceeded
    );
    // shrinking one file makes room for another in the same import
    fs.import_tree([("/a", vec![4u8; 50]), ("/b", vec![5u8; 50])])
        .unwrap();
    assert_eq!(fs.stats().used_bytes, 100);
    check_invariants(&fs);
    // with chunk overhead the charge is exactly what the imported files use
    let fs2 = common::fs();
    fs2.import_tree([("/x/1", vec![1u8; 10]), ("/x/2", vec![2u8; 300])])
        .unwrap();
    check_invariants(&fs2);
}

#[test]
fn test_import_tree_empty_dict_is_noop() {
    // spec: IMPORT-7
    let fs = sample();
    let before = full(&fs);
    fs.import_tree(Vec::<(String, Vec<u8>)>::new()).unwrap();
    assert_eq!(full(&fs), before);
}

#[test]
fn test_import_tree_creates_and_overwrites() {
    // spec: IMPORT-8
    let fs = sample();
    fs.import_tree([
        ("/new/deep/f.bin", &b"deep"[..]),
        ("/d/a.bin", &b"replaced"[..]),
        ("rel.bin", &b"r"[..]),
    ])
    .unwrap();
    assert!(fs.is_dir("/new/deep"));
    assert_eq!(get(&fs, "/new/deep/f.bin"), b"deep");
    assert_eq!(get(&fs, "/d/a.bin"), b"replaced");
    assert_eq!(get(&fs, "/rel.bin"), b"r");
    assert_eq!(fs.stats().file_count, 6);
    check_invariants(&fs);
}

#[test]
fn test_import_tree_resets_generation_and_timestamps() {
    // spec: IMPORT-9
    let (fs, clock) = clocked(10);
    put(&fs, "/f", b"1");
    append(&fs, "/f", b"2");
    assert_eq!(fs.stat("/f").unwrap().generation, 2);
    clock.set(20);
    fs.import_tree([("/f", &b"x"[..]), ("/g/h", &b"y"[..])])
        .unwrap();
    let f = fs.stat("/f").unwrap();
    assert_eq!((f.generation, f.modified_at), (0, Timestamp(20)));
    let h = fs.stat("/g/h").unwrap();
    assert_eq!(
        (h.generation, h.created_at, h.modified_at),
        (0, Timestamp(20), Timestamp(20))
    );
    assert_eq!(fs.stat("/g").unwrap().created_at, Timestamp(20));
}

#[test]
fn test_import_export_roundtrip() {
    // spec: IMPORT-8, EXPORT-1
    let fs = fs();
    let tree = map(&[("/a/b/c", b"abc"), ("/a/d", b""), ("/e", b"\x00\xff")]);
    fs.import_tree(tree.clone()).unwrap();
    assert_eq!(fs.export_tree("/", false).unwrap(), tree);
}
