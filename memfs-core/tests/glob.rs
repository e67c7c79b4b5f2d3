//! glob (semantics §6; seed 004 §4.2, §13, §21).

mod common;
use common::*;
use memfs_core::MemoryFileSystem;

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// /a.txt /b.bin /dir/{b.txt, a.bin} /dir/sub/{c.txt, deep/d.txt}, created out of order.
fn sample() -> MemoryFileSystem {
    let fs = fs();
    fs.mkdir("/dir/sub/deep", false).unwrap();
    put(&fs, "/dir/sub/deep/d.txt", b"4");
    put(&fs, "/dir/b.txt", b"2");
    put(&fs, "/b.bin", b"0");
    put(&fs, "/dir/sub/c.txt", b"3");
    put(&fs, "/a.txt", b"1");
    put(&fs, "/dir/a.bin", b"5");
    fs
}

#[test]
fn test_glob_star_does_not_match_slash() {
    // spec: GLOB-1
    let fs = sample();
    assert_eq!(fs.glob("/*.txt").unwrap(), v(&["/a.txt"]));
    assert_eq!(fs.glob("/dir/*.txt").unwrap(), v(&["/dir/b.txt"]));
    assert_eq!(fs.glob("/*/*.txt").unwrap(), v(&["/dir/b.txt"]));
    assert_eq!(fs.glob("/d*t").unwrap(), Vec::<String>::new());
    assert_eq!(
        fs.glob("/dir/*").unwrap(),
        v(&["/dir/a.bin", "/dir/b.txt", "/dir/sub"])
    );
}

#[test]
fn test_glob_question_mark() {
    // spec: GLOB-2
    let fs = sample();
    assert_eq!(fs.glob("/?.txt").unwrap(), v(&["/a.txt"]));
    assert_eq!(fs.glob("/?.???").unwrap(), v(&["/a.txt", "/b.bin"]));
    assert_eq!(fs.glob("/??.txt").unwrap(), Vec::<String>::new());
    assert_eq!(fs.glob("/di?/s?b").unwrap(), v(&["/dir/sub"]));
}

#[test]
fn test_glob_character_class() {
    // spec: GLOB-3
    let fs = sample();
    assert_eq!(fs.glob("/[abc].txt").unwrap(), v(&["/a.txt"]));
    assert_eq!(
        fs.glob("/dir/[ab].*").unwrap(),
        v(&["/dir/a.bin", "/dir/b.txt"])
    );
    assert_eq!(fs.glob("/dir/[!a].*").unwrap(), v(&["/dir/b.txt"]));
    assert_eq!(fs.glob("/[!ab].txt").unwrap(), Vec::<String>::new());
    assert_eq!(fs.glob("/[xyz]*").unwrap(), Vec::<String>::new());
}

#[test]
fn test_glob_doublestar_matches_recursively() {
    // spec: GLOB-4
    let fs = sample();
    assert_eq!(
        fs.glob("/dir/**/*.txt").unwrap(),
        v(&["/dir/b.txt", "/dir/sub/c.txt", "/dir/sub/deep/d.txt"]),
        "** matches zero directories too"
    );
    assert_eq!(
        fs.glob("/**/*.txt").unwrap(),
        v(&[
            "/a.txt",
            "/dir/b.txt",
            "/dir/sub/c.txt",
            "/dir/sub/deep/d.txt"
        ])
    );
    assert_eq!(fs.glob("/**/c.txt").unwrap(), v(&["/dir/sub/c.txt"]));
    assert_eq!(fs.glob("/dir/**/deep").unwrap(), v(&["/dir/sub/deep"]));
    assert_eq!(
        fs.glob("/**/sub/**/*.txt").unwrap(),
        v(&["/dir/sub/c.txt", "/dir/sub/deep/d.txt"])
    );
}

#[test]
fn test_glob_consecutive_double_star() {
    // spec: GLOB-4, GLOB-8
    let fs = sample();
    assert_eq!(
        fs.glob("/**/**/*.txt").unwrap(),
        fs.glob("/**/*.txt").unwrap()
    );
    assert_eq!(
        fs.glob("/**/**/**/d.txt").unwrap(),
        v(&["/dir/sub/deep/d.txt"])
    );
}

#[test]
fn test_glob_final_part_matches_files_and_directories() {
    // spec: GLOB-5
    let fs = sample();
    assert_eq!(fs.glob("/*").unwrap(), v(&["/a.txt", "/b.bin", "/dir"]));
    assert_eq!(fs.glob("/dir/s*").unwrap(), v(&["/dir/sub"]));
    assert_eq!(fs.glob("/**/deep").unwrap(), v(&["/dir/sub/deep"]));
}

#[test]
fn test_glob_dots_and_case() {
    // spec: GLOB-6
    let fs = fs();
    put(&fs, "/.hidden.txt", b"h");
    put(&fs, "/Upper.TXT", b"u");
    put(&fs, "/lower.txt", b"l");
    fs.mkdir("/.cfg", false).unwrap();
    put(&fs, "/.cfg/x.txt", b"x");
    assert_eq!(
        fs.glob("/*.txt").unwrap(),
        v(&["/.hidden.txt", "/lower.txt"])
    );
    assert_eq!(fs.glob("/*.TXT").unwrap(), v(&["/Upper.TXT"]));
    assert_eq!(fs.glob("/upper.txt").unwrap(), Vec::<String>::new());
    assert_eq!(fs.glob("/**/x.txt").unwrap(), v(&["/.cfg/x.txt"]));
    assert_eq!(fs.glob("/?cfg").unwrap(), v(&["/.cfg"]));
}

#[test]
fn test_glob_relative_pattern_and_empty_parts() {
    // spec: GLOB-7
    let fs = sample();
    assert_eq!(fs.glob("dir/*.txt").unwrap(), v(&["/dir/b.txt"]));
    assert_eq!(fs.glob("//dir///*.txt").unwrap(), v(&["/dir/b.txt"]));
    assert_eq!(fs.glob("*.txt").unwrap(), v(&["/a.txt"]));
}

#[test]
fn test_glob_results_sorted_without_duplicates() {
    // spec: GLOB-8
    let fs = fs();
    for name in ["z", "m", "a", "b"] {
        fs.mkdir(&format!("/{name}/{name}"), false).unwrap();
        put(&fs, &format!("/{name}/{name}/f.txt"), b"x");
        put(&fs, &format!("/{name}/f.txt"), b"x");
    }
    let r = fs.glob("/**/f.txt").unwrap();
    let mut sorted = r.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(r, sorted, "sorted, no duplicates");
    assert_eq!(r.len(), 8);
    let r = fs.glob("/**/**/*").unwrap();
    let mut sorted = r.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(r, sorted);
    assert_eq!(r.len(), 16, "every node except the root, once");
}

#[test]
fn test_glob_literal_path() {
    // spec: GLOB-5, GLOB-8
    let fs = sample();
    assert_eq!(fs.glob("/dir/sub/c.txt").unwrap(), v(&["/dir/sub/c.txt"]));
    assert_eq!(fs.glob("/dir/missing.txt").unwrap(), Vec::<String>::new());
    assert_eq!(fs.glob("/a.txt/*").unwrap(), Vec::<String>::new());
}
