//! Malformed specs: every problem is reported with file:line:col, all problems at once, with
//! "did you mean" suggestions, and no input makes the loader panic.

use harness::fs::spec::{SpecErrors, load_spec_sources};
use proptest::prelude::*;

const CLAUSES: &str =
    "clauses:\n  - { id: PATH-9, rule: r, source: s }\n  - { id: MKDIR-1, rule: r, source: s }\n";

fn errors(spec: &str) -> SpecErrors {
    match load_spec_sources(&[
        ("specs/clauses.yaml", CLAUSES.as_bytes()),
        ("specs/memfs.yaml", spec.as_bytes()),
    ]) {
        Ok(_) => panic!("expected errors for:\n{spec}"),
        Err(e) => e,
    }
}

fn one(spec: &str) -> String {
    let e = errors(spec);
    assert_eq!(e.0.len(), 1, "expected one error, got:\n{e}");
    e.to_string()
}

const GOOD: &str = "actions:
  - name: mk
    params: { path: { kind: path, values: [/a] } }
    call: { op: mkdir, path: $path }
    pre:
      - { if: \"valid_path(path)\", else: InvalidInput, clause: PATH-9 }
    effect: [ \"make_dirs(path)\" ]
    post:
      - { check: \"observed_dir(path)\", clause: MKDIR-1 }
";

#[test]
fn the_good_spec_loads() {
    let s = load_spec_sources(&[
        ("specs/clauses.yaml", CLAUSES.as_bytes()),
        ("specs/memfs.yaml", GOOD.as_bytes()),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.steps.len(), 1);
    assert_eq!(s.steps[0].label, "mk(path=/a)");
}

#[test]
fn unknown_condition_points_inside_the_string_and_suggests() {
    let bad = GOOD.replace("valid_path(path)", "not is_dri(path)");
    assert_eq!(
        one(&bad),
        "specs/memfs.yaml:6:20: unknown condition `is_dri`; did you mean `is_dir`?"
    );
}

#[test]
fn table_of_single_mistakes() {
    // (replace what, with what, expected message fragment, expected line:col)
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "clause: PATH-9",
            "clause: PATH-8",
            "unknown clause id `PATH-8`; did you mean `PATH-9`?",
            ":6:",
        ),
        (
            "else: InvalidInput",
            "else: InvalidInptu",
            "unknown error kind `InvalidInptu`; did you mean `InvalidInput`?",
            ":6:",
        ),
        (
            "op: mkdir",
            "op: mkdri",
            "unknown op `mkdri`; did you mean `mkdir`?",
            ":4:",
        ),
        (
            "make_dirs(path)",
            "make_dir(path)",
            "unknown effect `make_dir`; did you mean `make_dirs`?",
            ":7:",
        ),
        (
            "observed_dir(path)",
            "observed_dirr(path)",
            "unknown check `observed_dirr`; did you mean `observed_dir`?",
            ":9:",
        ),
        (
            "valid_path(path)",
            "valid_path(path, path)",
            "`valid_path` takes 1 argument(s) (path), found 2",
            ":6:",
        ),
        (
            "valid_path(path)",
            "valid_path(pth)",
            "unknown parameter `pth`; did you mean `path`?",
            ":6:",
        ),
        (
            "valid_path(path)",
            "valid_path(path",
            "expected `,` or `)`",
            ":6:",
        ),
        (
            "valid_path(path)",
            "valid_path(7)",
            "expected a path value, found the integer `7`",
            ":6:",
        ),
        (
            "path: $path",
            "path: $pat",
            "unknown parameter `pat`; did you mean `path`?",
            ":4:",
        ),
        (
            "path: $path",
            "pth: $path",
            "`mkdir` takes no argument `pth`; did you mean `path`?",
            ":4:",
        ),
        (
            "kind: path",
            "kind: pth",
            "unknown kind `pth`; did you mean `path`?",
            ":3:",
        ),
        (
            "values: [/a]",
            "values: [3]",
            "expected a path value, found the integer `3`",
            ":3:",
        ),
        ("if:", "iff:", "unknown field `iff`", ":6:"),
        (
            "valid_path(path)",
            "valid_path(path) exists(path)",
            "unexpected text after the expression",
            ":6:",
        ),
        (
            "valid_path(path)",
            "observed_dir(path)",
            "`observed_dir` is a check",
            ":6:",
        ),
        (
            "observed_dir(path)",
            "exists(path)",
            "`exists` is a precondition",
            ":9:",
        ),
    ];
    for (from, to, msg, pos) in cases {
        assert!(GOOD.contains(from), "{from}");
        let bad = GOOD.replacen(from, to, 1);
        let e = errors(&bad).to_string();
        assert!(e.contains(msg), "for `{to}`: expected `{msg}` in:\n{e}");
        assert!(
            e.starts_with("specs/memfs.yaml") && e.contains(pos),
            "for `{to}`: expected position {pos} in:\n{e}"
        );
    }
}

#[test]
fn several_errors_are_all_reported() {
    let bad = GOOD
        .replace("InvalidInput", "Invalid")
        .replace("make_dirs", "mk_dirs")
        .replace("clause: MKDIR-1", "clause: MKDIR-9");
    let e = errors(&bad);
    assert_eq!(e.0.len(), 3, "{e}");
}

#[test]
fn duplicates_and_unused() {
    let dup = format!("{GOOD}{}", GOOD.trim_start_matches("actions:\n"));
    let e = one(&dup);
    assert!(
        e.contains("duplicate action name `mk` (first at specs/memfs.yaml:2)"),
        "{e}"
    );
    assert!(e.contains(":11:"), "{e}");

    let dup_clause = load_spec_sources(&[
        ("a.yaml", CLAUSES.as_bytes()),
        ("b.yaml", CLAUSES.as_bytes()),
    ])
    .unwrap_err();
    assert_eq!(dup_clause.0.len(), 2);
    assert!(
        dup_clause.0[0].to_string().starts_with("b.yaml:2:"),
        "{dup_clause}"
    );
    assert!(
        dup_clause
            .to_string()
            .contains("duplicate clause id `PATH-9` (first defined at a.yaml:2:"),
        "{dup_clause}"
    );

    let unused = GOOD.replace(
        "params: { path:",
        "params: { extra: { kind: bool, values: [true] }, path:",
    );
    let e = one(&unused);
    assert!(e.contains("parameter `extra` is never used"), "{e}");
}

#[test]
fn broken_files() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"actions: [", "specs/memfs.yaml:1:"),
        (b"actionz: []\n", "unknown field `actionz`"),
        (b"config: { quota: lots }\n", "specs/memfs.yaml:1:"),
        (b"actions:\n  - name: x\n", "missing field `call`"),
        (b"- just\n- a list\n", "specs/memfs.yaml:1:"),
        (b"actions: [{ name: [5], call: {op: stats} }]\n", "specs/memfs.yaml:1:"),
        (b"clauses:\n  - id: A\n    rule: \xff\xfe\n", "specs/memfs.yaml:3:11: the file is not valid UTF-8"),
        (b"config: { storage: seqential }\n", "unknown storage `seqential`; did you mean `sequential`?"),
        (b"config: { slots: 0 }\n", "slots must be between 1 and 16"),
        (b"actions:\n  - name: x\n    call: { path: /a }\n", "the call has no `op`"),
        (b"actions:\n  - name: x\n    call: { op: mkdir }\n", "needs argument `path`"),
        (b"actions:\n  - name: x\n    params: { p: { kind: path } }\n    call: { op: mkdir, path: $p }\n", "has no values and the action has no `cases:`"),
        (b"actions:\n  - name: x\n    params: { s: { kind: slot, values: [7] } }\n    call: { op: close, slot: $s }\n", "slot 7 is out of range"),
    ];
    for (text, want) in cases {
        let e = match load_spec_sources(&[("specs/memfs.yaml", text)]) {
            Ok(_) => panic!("expected an error for {:?}", String::from_utf8_lossy(text)),
            Err(e) => e.to_string(),
        };
        assert!(
            e.contains(want),
            "for {:?}: expected `{want}` in:\n{e}",
            String::from_utf8_lossy(text)
        );
        assert!(e.starts_with("specs/memfs.yaml"), "{e}");
    }
}

#[test]
fn missing_directory_is_an_error_not_a_panic() {
    let e = harness::fs::spec::load_specs(std::path::Path::new("/nonexistent/specs")).unwrap_err();
    assert!(
        e.to_string().contains("cannot read the spec directory"),
        "{e}"
    );
}

fn real_memfs() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/memfs.yaml");
    std::fs::read_to_string(p).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// Arbitrary bytes never panic the loader.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = load_spec_sources(&[("x.yaml", &bytes)]);
    }

    /// Cutting and splicing the real spec never panics, and any error names a position.
    #[test]
    fn mutated_real_spec_never_panics(start in 0usize..20_000, len in 0usize..40, insert in "[a-z(),:'\\[\\]{} -]{0,6}") {
        let text = real_memfs();
        let mut chars: Vec<char> = text.chars().collect();
        let s = start.min(chars.len());
        let e = (s + len).min(chars.len());
        chars.splice(s..e, insert.chars());
        let mutated: String = chars.into_iter().collect();
        if let Err(errs) = load_spec_sources(&[("specs/memfs.yaml", mutated.as_bytes())]) {
            for err in &errs.0 {
                prop_assert!(err.line > 0, "an error without a position: {}", err);
            }
        }
    }
}

#[test]
fn extends_and_config_errors_are_located() {
    let dir = std::env::temp_dir().join(format!("spec_errors_extends_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("a.yaml"),
        "extends: ../no-such-dir\nconfig: { quota: 1 }\n",
    )
    .expect("write");
    let e = harness::fs::spec::load_specs(&dir).unwrap_err().to_string();
    assert!(
        e.contains("a.yaml:1:10: cannot read the extended directory"),
        "{e}"
    );

    std::fs::write(dir.join("a.yaml"), "config: { quota: 1 }\n").expect("write");
    std::fs::write(dir.join("b.yaml"), "config: { quota: 2 }\n").expect("write");
    let e = harness::fs::spec::load_specs(&dir).unwrap_err().to_string();
    assert!(e.contains("b.yaml:1:9: `config` is already set in"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The memory guard's configuration: names with suggestions, a guard that cannot build the
/// filesystem, a simulated host whose files disagree with the stated number, a guard
/// condition inside a compound expression.
#[test]
fn memory_guard_config_errors_are_located() {
    let dir = std::env::temp_dir().join(format!("spec_errors_guard_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let host = dir.join("host/sys/fs/cgroup");
    std::fs::create_dir_all(&host).expect("temp dir");
    std::fs::write(host.join("memory.max"), "100\n").expect("write");
    std::fs::write(host.join("memory.current"), "40\n").expect("write");
    let load = |yaml: &str| {
        std::fs::write(dir.join("a.yaml"), yaml).expect("write");
        harness::fs::spec::load_specs(&dir)
    };
    let e = load("config: { memory_guard: per_wirte, memory_guard_action: raise }\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("a.yaml:1:25: unknown memory_guard `per_wirte`; did you mean `per_write`?"),
        "{e}"
    );
    assert!(e.contains("unknown memory_guard_action `raise`"), "{e}");
    let e = load("config: { quota: 400, memory_guard: init, memory_guard_action: error, available_memory: 399 }\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("a.yaml:1:9: memory_guard init with action error refuses to build"),
        "{e}"
    );
    let e = load("config: { host_root: host, available_memory: 61 }\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("a.yaml:1:22: the host under"), "{e}");
    assert!(e.contains("has 60 bytes available"), "{e}");
    let e = load("config: { host_root: nowhere }\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("a.yaml:1:22: host_root"), "{e}");
    let s = load("config: { host_root: host, available_memory: 60, memory_guard: init }\n")
        .expect("the host says 60");
    assert!(
        s.config
            .host_root
            .as_deref()
            .is_some_and(|r| r.ends_with("/host"))
    );
    let _ = std::fs::remove_dir_all(&dir);
    let guard = GOOD.replace(
        "if: \"valid_path(path)\"",
        "if: \"not guard_allows_copy(path)\"",
    );
    assert!(
        one(&guard).contains(
            "`guard_allows_copy` is a memory-guard condition: give it a precondition of its own"
        ),
        "{}",
        one(&guard)
    );
}

/// The format example in `harness::fs::spec`'s documentation loads as written.
#[test]
fn the_documented_example_loads() {
    let src = include_str!("../src/fs/spec/mod.rs");
    let yaml: String = src
        .lines()
        .skip_while(|l| !l.starts_with("//! ```yaml"))
        .skip(1)
        .take_while(|l| !l.starts_with("//! ```"))
        .map(|l| {
            format!(
                "{}\n",
                l.strip_prefix("//! ")
                    .unwrap_or(l.trim_start_matches("//!"))
            )
        })
        .collect();
    // Its clause ids are the catalogue's; its own `clauses:` entry stands for clauses.yaml.
    let catalogue = include_str!("../../specs/clauses.yaml")
        .replace("- id: OPEN-3\n", "- id: OPEN-3-CATALOGUE\n");
    let s = load_spec_sources(&[
        ("clauses.yaml", catalogue.as_bytes()),
        ("doc.yaml", yaml.as_bytes()),
    ])
    .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    assert_eq!(s.steps.len(), 4);
    assert_eq!(s.steps[0].label, "open_rb(path=/a, slot=0, mode=rb)");
}
