//! Path normalization and validation (semantics §1; seed 004 §3.3, §21).

mod common;
use common::*;
use memfs_core::{ErrorKind, OpenMode};

/// The normalized path an open of `p` (a new file) reports.
fn normalized_file(p: &str) -> String {
    let fs = fs();
    fs.mkdir("/a/b", true).unwrap();
    fs.mkdir("/x", true).unwrap();
    let mut h = fs.open(p, OpenMode::Write).unwrap();
    let n = h.path().to_string();
    h.close();
    assert!(fs.is_file(&n), "{p} -> {n} must name the created file");
    n
}

#[test]
fn test_backslash_converted() {
    // spec: PATH-1
    let fs = fs();
    fs.mkdir(r"\a\b", false).unwrap();
    assert!(fs.is_dir("/a/b"));
    assert_eq!(normalized_file(r"\a\b\f.bin"), "/a/b/f.bin");
}

#[test]
fn test_empty_string_becomes_root() {
    // spec: PATH-2, TREE-1
    let fs = fs();
    put(&fs, "/f", b"1");
    assert!(fs.is_dir(""));
    assert!(fs.stat("").unwrap().is_dir);
    assert_eq!(fs.listdir("").unwrap(), vec!["f".to_string()]);
    assert_eq!(kind(fs.open("", OpenMode::Read)), ErrorKind::IsADirectory);
}

#[test]
fn test_relative_path_gets_slash() {
    // spec: PATH-3
    let fs = fs();
    fs.mkdir("a/b", false).unwrap();
    assert!(fs.is_dir("/a/b"));
    assert_eq!(normalized_file("a/b/f"), "/a/b/f");
    assert!(fs.exists("a"));
}

#[test]
fn test_dot_segment_removed() {
    // spec: PATH-4
    assert_eq!(normalized_file("/a/./b/f"), "/a/b/f");
    assert_eq!(normalized_file("./x/./f"), "/x/f");
    let fs = fs();
    fs.mkdir("/a/b/", false).unwrap();
    assert_eq!(fs.listdir("/a/").unwrap(), vec!["b".to_string()]);
    assert!(fs.is_dir("/a/./b/."));
}

#[test]
fn test_double_slash_normalized() {
    // spec: PATH-5
    assert_eq!(normalized_file("//a//b/f"), "/a/b/f");
    assert_eq!(normalized_file("///x////f"), "/x/f");
    let fs = fs();
    fs.mkdir("//p//q", false).unwrap();
    assert_eq!(fs.listdir("/").unwrap(), vec!["p".to_string()]);
    assert!(fs.is_dir("/p/q"));
    assert!(fs.is_dir("//p"));
}

#[test]
fn test_dotdot_resolved_within_root() {
    // spec: PATH-6
    assert_eq!(normalized_file("/a/b/../f"), "/a/f");
    assert_eq!(normalized_file("/a/../f"), "/f");
    assert_eq!(normalized_file("x/../a/b/../../x/f"), "/x/f");
    let fs = fs();
    fs.mkdir("/a/b/../c", false).unwrap();
    assert!(fs.is_dir("/a/c"));
    assert!(!fs.exists("/a/b"));
    assert!(fs.is_dir("/a/.."));
    assert_eq!(fs.stat("/a/b/..").unwrap(), fs.stat("/a").unwrap());
}

const INVALID: [&str; 8] = [
    "..",
    "../x",
    "/..",
    "a/../..",
    "/a/../../x",
    r"..\x",
    "./..",
    "/a/b/../../../c",
];

#[test]
fn test_traversal_beyond_root_raises() {
    // spec: PATH-7, PATH-9
    let fs = fs();
    fs.mkdir("/a/b", true).unwrap();
    fs.mkdir("/x", true).unwrap();
    for p in INVALID {
        assert_eq!(
            kind(fs.mkdir(p, true)),
            ErrorKind::InvalidInput,
            "mkdir {p}"
        );
        assert_eq!(kind(fs.listdir(p)), ErrorKind::InvalidInput, "listdir {p}");
        assert_eq!(kind(fs.stat(p)), ErrorKind::InvalidInput, "stat {p}");
    }
    // seed004 test_deep_traversal_raises / test_traversal_with_backslash_raises
    assert_eq!(
        kind(fs.open("/a/../../x", OpenMode::Write)),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(fs.open(r"..\x", OpenMode::Write)),
        ErrorKind::InvalidInput
    );
    // `..` is checked on the raw parts: a name later does not make up for it.
    assert_eq!(
        kind(fs.open("../a/f", OpenMode::Write)),
        ErrorKind::InvalidInput
    );
    assert!(!fs.exists("/a/f"));
}

#[test]
fn test_exists_with_traversal_path_returns_false() {
    // spec: PATH-8
    let fs = fs();
    fs.mkdir("/x", true).unwrap();
    for p in INVALID {
        assert!(!fs.exists(p), "exists {p}");
        assert!(!fs.is_dir(p), "is_dir {p}");
        assert!(!fs.is_file(p), "is_file {p}");
    }
}

#[test]
fn test_every_operation_rejects_invalid_path() {
    // spec: PATH-9, PATH-7
    let fs = fs();
    fs.mkdir("/d", false).unwrap();
    put(&fs, "/f", b"data");
    let before = full(&fs);
    let bad = "/d/../../x";
    for m in OpenMode::ALL {
        assert_eq!(kind(fs.open(bad, m)), ErrorKind::InvalidInput, "open {m}");
    }
    assert_eq!(kind(fs.mkdir(bad, false)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.listdir(bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.stat(bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.get_size(bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rename(bad, "/y")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rename("/f", bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.move_path(bad, "/y")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.move_path("/f", bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.remove(bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rmtree(bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.copy(bad, "/y")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.copy("/f", bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.copy_tree(bad, "/y")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.copy_tree("/d", bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.walk(bad)), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.export_tree(bad, false)), ErrorKind::InvalidInput);
    assert_eq!(
        kind(fs.export_as_bytesio(bad, None)),
        ErrorKind::InvalidInput
    );
    assert_eq!(kind(fs.import_tree([(bad, b"x")])), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.file_layout(bad)), ErrorKind::InvalidInput);
    assert_eq!(full(&fs), before, "a rejected path must change nothing");
    check_invariants(&fs);
}

#[test]
fn test_names_may_hold_any_character_but_slash() {
    // spec: PATH-10
    let fs = fs();
    let names = [
        "with space",
        "star*",
        "q?",
        "br[ack]et",
        "ümlaut-日本",
        "a.b.c",
        "...",
        ".hidden",
    ];
    for n in names {
        put(&fs, &format!("/{n}"), n.as_bytes());
    }
    assert_eq!(
        fs.listdir("/").unwrap(),
        names.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    for n in names {
        assert!(fs.is_file(&format!("/{n}")), "{n}");
        assert_eq!(get(&fs, &format!("/{n}")), n.as_bytes());
    }
}

#[test]
fn test_errors_carry_the_offending_path() {
    // spec: PATH-11
    let fs = fs();
    put(&fs, "/file", b"x");
    let e = err(fs.stat("/missing-one"));
    assert!(
        e.path().contains("missing-one"),
        "path in error: {:?}",
        e.path()
    );
    let e = err(fs.listdir("/file"));
    assert!(e.path().contains("file"), "path in error: {:?}", e.path());
    let e = err(fs.rename("/nowhere-src", "/y"));
    assert!(
        e.path().contains("nowhere-src"),
        "path in error: {:?}",
        e.path()
    );
    let e = err(fs.open("/no-dir/f", OpenMode::Write));
    assert!(e.path().contains("no-dir"), "path in error: {:?}", e.path());
    assert!(!e.to_string().is_empty());
}

#[test]
fn test_handle_reports_normalized_path_and_mode() {
    // spec: OPEN-13
    let fs = fs();
    fs.mkdir("/a", false).unwrap();
    for m in [
        OpenMode::Write,
        OpenMode::Append,
        OpenMode::ReadWrite,
        OpenMode::Read,
    ] {
        let mut h = fs.open(r"a\.\\f.bin", m).unwrap();
        assert_eq!(h.path(), "/a/f.bin");
        assert_eq!(h.mode(), m);
        h.close();
    }
}
