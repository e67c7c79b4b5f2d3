//! The scenario format: malformed files fail with `file:line:col` and a hint, substitution and
//! value matching behave, and every scenario in `scenarios/` loads and is numbered uniquely.

use harness::scenario::format::{self, number_key};
use harness::scenario::selected;
use harness::scenario::subst::substitute;
use harness::scenario::values::matches;
use serde_json::json;
use std::path::Path;

fn err(text: &str) -> String {
    format::parse(text, Path::new("s.yaml"))
        .unwrap_err()
        .to_string()
}

const HEAD: &str = "number: \"9.1\"\ntitle: t\nclauses: [A-1]\n";

#[test]
fn malformed_files_name_file_line_and_column() {
    let e = err(&format!("{HEAD}steps:\n  - {{ op: mkdri, path: /a }}\n"));
    assert!(e.starts_with("s.yaml:5:"), "{e}");
    assert!(
        e.contains("unknown op `mkdri`; did you mean `mkdir`?"),
        "{e}"
    );

    let e = err(&format!("{HEAD}steps:\n  - {{ op: mkdir }}\n"));
    assert!(
        e.starts_with("s.yaml:5:") && e.contains("op `mkdir` needs `path`"),
        "{e}"
    );

    let e = err(&format!(
        "{HEAD}steps:\n  - {{ op: mkdir, path: /a }}\n  - {{ op: exists, path: /a, expect: NotFund }}\n"
    ));
    assert!(
        e.starts_with("s.yaml:6:") && e.contains("did you mean `NotFound`?"),
        "{e}"
    );

    let e = err(&format!(
        "{HEAD}steps:\n  - {{ op: mkdir, path: /a, bogus: 1 }}\n"
    ));
    assert!(e.starts_with("s.yaml:5:") && e.contains("bogus"), "{e}");

    let e = err(&format!(
        "{HEAD}filesystems: {{ a: {{}}, b: {{}} }}\nsteps:\n  - {{ op: mkdir, path: /a }}\n"
    ));
    assert!(e.contains("must say which filesystem"), "{e}");

    let e = err(&format!(
        "{HEAD}steps:\n  - {{ op: mkdir, fs: other, path: /a }}\n"
    ));
    assert!(e.contains("filesystem `other` is not declared"), "{e}");

    let e = err(&format!(
        "{HEAD}steps:\n  - {{ op: stats, equals: before }}\n"
    ));
    assert!(e.contains("`equals: before` names no value saved"), "{e}");

    let e = err(&format!(
        "{HEAD}steps:\n  - {{ op: open, path: /a, mode: w, handle: h }}\n"
    ));
    assert!(e.contains("mode `w` is not one of"), "{e}");

    let e = err(&format!(
        "{HEAD}steps:\n  - {{ op: repeat, times: 2, var: i, steps: [] }}\n"
    ));
    assert!(e.contains("non-empty `steps:`"), "{e}");

    let e = err(&format!(
        "{HEAD}steps:\n  - {{ op: repeat, times: 2, var: i, steps: [ {{ op: rmdir, path: /a }} ] }}\n"
    ));
    assert!(
        e.starts_with("s.yaml:5:") && e.contains("unknown op `rmdir`"),
        "{e}"
    );

    let e = err("number: \"x.1\"\ntitle: t\nsteps: []\n");
    assert!(e.contains("dotted digits"), "{e}");

    let e = err("number: \"1.1\"\ntitle: t\nsteps:\n  - { op: mkdir, path: /a\n");
    assert!(
        e.starts_with("s.yaml:") && !e.starts_with("s.yaml:0:"),
        "{e}"
    );

    let e = err("title: t\nsteps: []\n");
    assert!(e.contains("number"), "{e}");
}

#[test]
fn a_valid_file_defaults_to_one_filesystem() {
    let sc = format::parse(
        &format!("{HEAD}steps:\n  - {{ op: stats, save_as: s }}\n  - {{ op: stats, equals: s }}\n"),
        Path::new("s.yaml"),
    )
    .unwrap();
    assert_eq!(sc.filesystems.keys().collect::<Vec<_>>(), ["main"]);
    assert_eq!(sc.steps.len(), 2);
    assert_eq!(sc.steps[1].op.referenced.line(), 6);
}

#[test]
fn substitution_of_loop_variables() {
    assert_eq!(substitute("/f{i}.bin", "i", 7), "/f7.bin");
    assert_eq!(substitute("/f{i:04}.bin", "i", 7), "/f0007.bin");
    assert_eq!(substitute("{i}-{i:02}-{j}", "i", 3), "3-03-{j}");
    assert_eq!(substitute("{i:0x}", "i", 3), "{i:0x}");
    assert_eq!(substitute("no vars", "i", 3), "no vars");
}

#[test]
fn value_matching_is_exact_except_for_map_subsets() {
    assert!(matches(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    assert!(!matches(&json!({"a": 1, "c": 3}), &json!({"a": 1, "b": 2})));
    assert!(matches(&json!([1, 2]), &json!([1, 2])));
    assert!(!matches(&json!([1]), &json!([1, 2])));
    assert!(matches(&json!(5), &json!(5.0)));
    assert!(!matches(&json!("x"), &json!("y")));
}

#[test]
fn numbers_order_and_select() {
    let mut v = vec!["2.1", "1.10", "1.2"];
    v.sort_by_key(|n| number_key(n));
    assert_eq!(v, ["1.2", "1.10", "2.1"]);
    assert!(selected("2.1", "2") && selected("2.1", "2.1"));
    assert!(!selected("21.1", "2") && !selected("2.10", "2.1"));
}

#[test]
fn every_project_scenario_loads_with_a_unique_number_and_clauses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let all = format::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(all.len() >= 17, "{} scenarios", all.len());
    for s in &all {
        assert!(
            !s.clauses.is_empty(),
            "scenario {} names no clauses",
            s.number
        );
        assert!(
            s.clauses
                .iter()
                .all(|c| harness::trace::scan::is_clause_id(c)),
            "{}: {:?}",
            s.number,
            s.clauses
        );
    }
    assert!(
        all.iter().any(|s| s.host_untouched),
        "the no-host-writes check is used"
    );
    assert!(
        all.iter().any(|s| s.filesystems.len() > 1),
        "a multi-tenant scenario exists"
    );
}
