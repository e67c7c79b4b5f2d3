//! The loaders never panic, on anything: structured mutations of the real spec files, of real
//! regression files and of real scenario files (lines deleted, duplicated, swapped, re-indented;
//! values replaced by wrong types, huge numbers, anchors and aliases, deep nesting; bytes that
//! are not UTF-8; truncation) must each end in a value or an error with a 1-based line and
//! column. Plus the inputs no mutation reaches: empty, an alias bomb, 10 MB.
//!
//! Cases per property: `LOADER_FUZZ_CASES` (default 400; two properties, so 800 mutated inputs
//! in the suite, about 2.4 s in a debug build here); a longer run:
//! `LOADER_FUZZ_CASES=20000 cargo test -p harness --test loader_fuzz` (40,000 inputs, 191 s in a
//! debug build here).

use harness::engine::regression::{self, RegressionFile};
use harness::fs::call::Call;
use harness::fs::spec::load_spec_sources;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cases() -> u32 {
    std::env::var("LOADER_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Values that break a YAML document in the ways a person or a tool does.
const TOKENS: &[&str] = &[
    "",
    "~",
    "[]",
    "{}",
    "true",
    "-1",
    "0",
    "99999999999999999999999999999999",
    "1e309",
    "\"unterminated",
    "&a [1, 2]",
    "*a",
    "*undefined_alias",
    "!!binary AAAA",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "{a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {}}}}}}}}}}}",
    "- - - - - - - -",
    "? complex key",
    "|\n  block",
    "\t",
    "é∂ñ",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Indent(usize, i8),
    Value(usize, usize),
    Bytes(usize, Vec<u8>),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let line = any::<usize>();
    prop_oneof![
        line.prop_map(Mutation::Delete),
        line.prop_map(Mutation::Duplicate),
        (line, line).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (line, -4i8..=4).prop_map(|(a, d)| Mutation::Indent(a, d)),
        (line, 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Value(a, t)),
        (line, proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Mutation::Bytes(a, b)),
        line.prop_map(Mutation::Truncate),
    ]
}

/// Applies the mutations to the text's lines (indices taken modulo the line count).
fn mutate(text: &str, ms: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    for m in ms {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match m {
            Mutation::Delete(i) => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::Swap(a, b) => lines.swap(a % n, b % n),
            Mutation::Indent(i, d) => {
                let l = &mut lines[i % n];
                if *d > 0 {
                    let mut s = vec![b' '; *d as usize];
                    s.extend_from_slice(l);
                    *l = s;
                } else {
                    let k = l
                        .iter()
                        .take((-d) as usize)
                        .take_while(|b| **b == b' ')
                        .count();
                    l.drain(..k);
                }
            }
            Mutation::Value(i, t) => {
                let l = &mut lines[i % n];
                let cut = l
                    .windows(2)
                    .position(|w| w == b": ")
                    .map_or(l.len(), |p| p + 2);
                l.truncate(cut);
                l.extend_from_slice(TOKENS[*t].as_bytes());
            }
            Mutation::Bytes(i, b) => {
                let l = &mut lines[i % n];
                let at = l.len() / 2;
                l.splice(at..at, b.iter().copied());
            }
            Mutation::Truncate(i) => lines.truncate(i % n),
        }
    }
    lines.join(&b'\n')
}

/// The spec loader's verdict: a spec, or errors that each name a line and column.
fn check_spec(sources: &[(&str, &[u8])]) -> Result<(), TestCaseError> {
    match load_spec_sources(sources) {
        Ok(_) => Ok(()),
        Err(errs) => {
            prop_assert!(!errs.0.is_empty(), "an Err with no error in it");
            for e in &errs.0 {
                prop_assert!(e.line >= 1 && e.col >= 1, "error without a location: {e}");
                prop_assert!(
                    !e.msg.is_empty(),
                    "error without a message at {}:{}",
                    e.line,
                    e.col
                );
            }
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_load_or_fail_with_a_location(
        which in 0usize..2,
        ms in proptest::collection::vec(mutation(), 1..6),
    ) {
        let clauses = read("specs/clauses.yaml");
        let memfs = read("specs/memfs.yaml");
        let (c, m) = if which == 0 {
            (mutate(&clauses, &ms), memfs.into_bytes())
        } else {
            (clauses.into_bytes(), mutate(&memfs, &ms))
        };
        check_spec(&[("clauses.yaml", &c), ("memfs.yaml", &m)])?;
    }

    #[test]
    fn mutated_regression_and_scenario_files_read_or_fail_cleanly(
        which in 0usize..3,
        ms in proptest::collection::vec(mutation(), 1..6),
    ) {
        let src = match which {
            0 => "scenarios/regressions/0f205e40b2.yaml",
            1 => "scenarios/dmemfs/default/1a9b2de389.yaml",
            _ => "scenarios/2.1-etl-commit-by-rename.yaml",
        };
        let text = read(src);
        let dir = std::env::temp_dir().join(format!("harness-loader-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.join(format!("case-{which}.yaml"));
        std::fs::write(&path, mutate(&text, &ms)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if which < 2 {
            // Err is fine; a panic is not (proptest reports it as a failure).
            let _: Result<RegressionFile<Call>, _> = regression::read(&path);
        } else if let Err(e) = harness::scenario::load(&path) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn the_fuzzed_sources_are_real_files_that_load() {
    let clauses = read("specs/clauses.yaml");
    let memfs = read("specs/memfs.yaml");
    assert!(
        load_spec_sources(&[
            ("clauses.yaml", clauses.as_bytes()),
            ("memfs.yaml", memfs.as_bytes())
        ])
        .is_ok()
    );
    assert!(
        harness::scenario::load(&root().join("scenarios/2.1-etl-commit-by-rename.yaml")).is_ok()
    );
    let r: Result<RegressionFile<Call>, _> =
        regression::read(&root().join("scenarios/regressions/0f205e40b2.yaml"));
    assert!(r.is_ok());
}

#[test]
fn empty_alias_bomb_and_ten_megabytes_are_refused_or_loaded_without_panic() {
    let clauses = read("specs/clauses.yaml");
    let ok = |bytes: &[u8]| {
        let r = load_spec_sources(&[("clauses.yaml", clauses.as_bytes()), ("memfs.yaml", bytes)]);
        match r {
            Ok(_) => panic!("not a spec, yet it loaded"),
            Err(errs) => {
                assert!(errs.0.iter().all(|e| e.line >= 1 && e.col >= 1));
                errs.to_string()
            }
        }
    };
    assert!(ok(b"").contains("empty"));
    // Billion laughs: nine levels of nine aliases each would expand to 9^9 nodes.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    bomb.push_str("actions: *a9\n");
    let msg = ok(bomb.as_bytes());
    assert!(!msg.is_empty());
    // 10 MB of one long list of unknown keys.
    let big = "actionz:\n".to_string() + &"  - name: x\n".repeat(10 * 1024 * 1024 / 12);
    assert!(big.len() >= 10_000_000);
    let msg = ok(big.as_bytes());
    assert!(msg.contains("actionz") || !msg.is_empty());
}
