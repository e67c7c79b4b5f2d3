//! The scenario runner itself: wrong expectations, run-time mistakes and host writes are
//! reported with the step and line; saved values and loops work.

use harness::scenario::Runner;
use harness::scenario::format::parse;
use std::path::Path;

fn run(steps: &str, extra: &str) -> Option<String> {
    let text = format!("number: \"9.9\"\ntitle: t\nclauses: [A-1]\n{extra}steps:\n{steps}");
    let sc = parse(&text, Path::new("t.yaml")).unwrap_or_else(|e| panic!("{e}"));
    Runner::default().run(&sc).failure.map(|f| f.to_string())
}

#[test]
fn passing_steps_with_loops_saved_values_and_checks() {
    let steps = r#"
  - { op: mkdir, path: /d }
  - op: repeat
    times: 3
    var: i
    steps:
      - { op: write_file, path: "/d/f{i:02}", data: "v{i}", returns: 2 }
  - { op: listdir, path: /d, returns: [f00, f01, f02] }
  - { op: export_tree, prefix: /d, save_as: snap, len: 3, contains: /d/f01 }
  - { op: iter_export_tree, prefix: /d, equals: snap }
  - { op: open, path: /d/f01, mode: rb, handle: h }
  - { op: read, handle: h, max: 1, returns: v }
  - { op: tell, handle: h, returns: 1 }
  - { op: write, handle: h, data: x, expect: Unsupported }
  - { op: close, handle: h }
  - { op: read, handle: h, expect: InvalidInput }
"#;
    assert_eq!(run(steps, ""), None);
}

#[test]
fn a_wrong_expectation_names_step_line_and_values() {
    let f = run(
        "  - { op: mkdir, path: /a }\n  - { op: mkdir, path: /a }\n",
        "",
    )
    .unwrap();
    assert!(
        f.starts_with("step 2 (line 6, `mkdir`): expected ok, got AlreadyExists"),
        "{f}"
    );

    let f = run("  - { op: exists, path: /a, returns: true }\n", "").unwrap();
    assert!(f.contains("returned false, expected true"), "{f}");

    let f = run("  - { op: mkdir, path: /a, expect: NotFound }\n", "").unwrap();
    assert!(f.contains("expected NotFound, got ok"), "{f}");

    let steps = "  - op: repeat\n    times: 3\n    var: i\n    steps:\n      - { op: mkdir, path: \"/x{i}\", exist_ok: false }\n      - { op: mkdir, path: /x1 }\n";
    let f = run(steps, "").unwrap();
    assert!(f.starts_with("step 1.1[i=1] (line 9, `mkdir`)"), "{f}");

    let f = run("  - { op: close, handle: nope }\n", "").unwrap();
    assert!(f.contains("no open handle `nope`"), "{f}");
}

#[test]
fn host_writes_are_caught_when_the_scenario_forbids_them() {
    let steps = "  - { op: write_file, path: /a, data: x }\n  - { op: export_to_disk, dir: d, returns: [a] }\n";
    assert_eq!(run(steps, ""), None, "allowed without host_untouched");
    if std::fs::metadata("/proc/thread-self/io").is_ok() {
        let f = run(steps, "host_untouched: true\n").unwrap();
        assert!(
            f.contains("host filesystem changed") && f.contains("write calls"),
            "{f}"
        );
    }
    let quiet = "  - { op: write_file, path: /a, data: x }\n  - { op: export_tree, len: 1 }\n";
    assert_eq!(run(quiet, "host_untouched: true\n"), None);
}
