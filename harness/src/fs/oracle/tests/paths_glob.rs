use super::*;

#[test]
fn normalization_table() {
    // spec: PATH-1, PATH-2, PATH-3, PATH-4, PATH-5, PATH-6, PATH-10
    let cases = [
        ("", "/"),
        ("/", "/"),
        ("a", "/a"),
        ("a/b", "/a/b"),
        (".", "/"),
        ("/a/./b/", "/a/b"),
        ("//a//b//", "/a/b"),
        ("\\a\\b", "/a/b"),
        ("/a/..", "/"),
        ("a/b/../c", "/a/c"),
        ("a/./../b", "/b"),
        ("/a/b/../../c", "/c"),
        ("/x y/é", "/x y/é"),
    ];
    for (raw, want) in cases {
        assert_eq!(
            path::normalize(raw).as_deref(),
            Ok(want),
            "normalize({raw:?})"
        );
    }
}

#[test]
fn traversal_above_root_is_invalid_input() {
    // spec: PATH-7
    for raw in [
        "..",
        "../x",
        "/..",
        "a/../..",
        "/a/b/../../..",
        "\\..",
        "./..",
    ] {
        assert_eq!(kind(path::normalize(raw)), "InvalidInput", "{raw:?}");
    }
}

#[test]
fn queries_answer_false_for_invalid_paths_others_fail() {
    // spec: PATH-8, PATH-9
    let mut f = fs();
    assert!(!f.exists("..") && !f.is_dir("..") && !f.is_file("../x"));
    assert!(f.exists("") && f.is_dir("/a/.."));
    assert_eq!(kind(f.listdir("..")), "InvalidInput");
    assert_eq!(kind(f.stat("../a")), "InvalidInput");
    assert_eq!(kind(f.mkdir("a/../..", false)), "InvalidInput");
    assert_eq!(kind(f.open("..", "wb", 0)), "InvalidInput");
    assert_eq!(kind(f.remove("..")), "InvalidInput");
    assert_eq!(kind(f.export_tree("..", false)), "InvalidInput");
}

#[test]
fn path_helpers() {
    // spec: PATH-6, RENAME-4
    assert_eq!(path::parent("/a/b").as_deref(), Some("/a"));
    assert_eq!(path::parent("/a").as_deref(), Some("/"));
    assert_eq!(path::parent("/"), None);
    assert!(path::is_strictly_inside("/a/b", "/a"));
    assert!(!path::is_strictly_inside("/ab", "/a"));
    assert!(!path::is_strictly_inside("/a", "/a"));
    assert!(path::is_strictly_inside("/a", "/"));
    assert_eq!(path::rebase("/a/b/c", "/a", "/x/y"), "/x/y/b/c");
    assert_eq!(path::rebase("/a", "/a", "/z"), "/z");
    assert_eq!(
        path::ancestors_below_root("/a/b/c"),
        vec!["/a".to_string(), "/a/b".to_string()]
    );
}

#[test]
fn fnmatch_table() {
    // spec: GLOB-1, GLOB-2, GLOB-3, GLOB-6
    let cases = [
        ("a.txt", "*.txt", true),
        ("a.txt", "*.TXT", false),
        (".hidden", "*", true),
        ("ab", "a?", true),
        ("a", "a?", false),
        ("b", "[abc]", true),
        ("d", "[abc]", false),
        ("d", "[!abc]", true),
        ("a", "[!abc]", false),
        ("m", "[a-z]", true),
        ("M", "[a-z]", false),
        ("]", "[]]", true),
        ("[x", "[x", true),
        ("-", "[a-]", true),
        ("b", "[z-a]", false),
        ("abcabc", "*b*c", true),
        ("", "*", true),
        ("x", "", false),
    ];
    for (name, pat, want) in cases {
        assert_eq!(glob::fnmatch(name, pat), want, "fnmatch({name:?}, {pat:?})");
    }
}

fn glob_fixture() -> NaiveFs {
    let mut f = fs();
    for p in [
        "/a.txt",
        "/b.log",
        "/.hidden",
        "/dir/x.txt",
        "/dir/sub/y.txt",
        "/dir/sub/z.bin",
    ] {
        f.import_tree(&[(p.to_string(), b"1".to_vec())])
            .expect("import");
    }
    f
}

#[test]
fn glob_table() {
    // spec: GLOB-1, GLOB-2, GLOB-3, GLOB-4, GLOB-5, GLOB-6, GLOB-7, GLOB-8
    let f = glob_fixture();
    let cases: &[(&str, &[&str])] = &[
        ("/*.txt", &["/a.txt"]),
        ("*.txt", &["/a.txt"]),
        ("/dir/*.txt", &["/dir/x.txt"]),
        ("/dir/**/*.txt", &["/dir/sub/y.txt", "/dir/x.txt"]),
        ("/**/*.txt", &["/a.txt", "/dir/sub/y.txt", "/dir/x.txt"]),
        ("/**/**/*.txt", &["/a.txt", "/dir/sub/y.txt", "/dir/x.txt"]),
        (
            "/dir/**",
            &["/dir/sub", "/dir/sub/y.txt", "/dir/sub/z.bin", "/dir/x.txt"],
        ),
        ("/*", &["/.hidden", "/a.txt", "/b.log", "/dir"]),
        ("/?.txt", &["/a.txt"]),
        ("/[ab].*", &["/a.txt", "/b.log"]),
        ("/[!a]*", &["/.hidden", "/b.log", "/dir"]),
        ("/D*", &[]),
        ("", &[]),
        ("/", &[]),
        ("/dir//sub/*", &["/dir/sub/y.txt", "/dir/sub/z.bin"]),
        ("\\dir\\sub\\y.txt", &["/dir/sub/y.txt"]),
        ("/**/sub", &["/dir/sub"]),
        ("/a.txt/*", &[]),
    ];
    for (pat, want) in cases {
        let got = f.glob(pat).expect("glob never fails");
        assert_eq!(
            got,
            want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "glob({pat:?})"
        );
    }
}

#[test]
fn glob_double_star_lists_everything_below_root_once() {
    // spec: GLOB-4, GLOB-8
    let f = glob_fixture();
    let all = f.glob("/**").expect("glob");
    let mut want: Vec<String> = obs(&f)
        .nodes
        .keys()
        .filter(|k| *k != "/")
        .cloned()
        .collect();
    want.sort();
    assert_eq!(all, want);
}

#[test]
fn glob_special_characters_in_names() {
    // spec: PATH-10, GLOB-1, GLOB-6
    let mut f = fs();
    for p in ["/a b", "/x*y", "/q?", "/é.txt", "/.a"] {
        f.import_tree(&[(p.to_string(), Vec::new())])
            .expect("import");
    }
    assert_eq!(f.glob("/x[*]y"), Ok(vec!["/x*y".to_string()]));
    assert_eq!(f.glob("/q[?]"), Ok(vec!["/q?".to_string()]));
    assert_eq!(f.glob("/? ?"), Ok(vec!["/a b".to_string()]));
    assert_eq!(
        f.glob("/?.txt"),
        Ok(vec!["/é.txt".to_string()]),
        "one character, not one byte"
    );
    assert_eq!(f.glob("/.*"), Ok(vec!["/.a".to_string()]));
}
