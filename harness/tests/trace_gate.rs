//! The trace gate on fixture directories: tag parsing, generic spec scanning, dangling and
//! unreferenced ids, exercise rules, and the CLI's exit statuses.

use harness::results::{ClauseCount, Coverage, RunResult};
use harness::trace::gate::{self, Gap};
use harness::trace::scan::{Referrer, Role, Scan};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh fixture directory under the temp dir, removed on drop.
struct Fixture(PathBuf);

impl Fixture {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let d = std::env::temp_dir().join(format!(
            "harness-trace-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&d).unwrap();
        Fixture(d)
    }
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CLAUSES: &str = "\
clauses:
  - id: A-1
    rule: \"a precondition\"
    source: \"test\"
  - id: A-2
    rule: \"a postcondition\"
    source: \"test\"
  - id: A-3
    rule: \"proved by a Rust test only\"
    source: \"test\"
  - id: A-4
    rule: \"shown by a scenario\"
    source: \"test\"
    unreachable: \"needs two filesystems\"
  - id: A-5
    rule: \"nobody mentions this one\"
    source: \"test\"
";

const ACTIONS: &str = "\
actions:
  - name: open_rb
    call: { op: open, path: $path }
    pre:
      - { if: valid_path(path), else: InvalidInput, clause: A-1 }
      - { if: is_file(path), else: NotFound, clause: ZZ-9 }
    post:
      - { check: handle_at(slot, 0), clause: A-2 }
  - name: mkdir
    clauses: [A-1]
";

fn tag(ids: &str) -> String {
    // Built at run time so this file itself carries no tag line for the real gate to read.
    format!("{} spec: {ids}", "//")
}

fn project(f: &Fixture) {
    f.write("specs/clauses.yaml", CLAUSES);
    f.write("specs/memfs.yaml", ACTIONS);
    f.write(
        "scenarios/1.1-x.yaml",
        "number: \"1.1\"\ntitle: x\nclauses: [A-4]\nsteps: []\n",
    );
    f.write("scenarios/regressions/r.yaml", "clauses: [NOPE-1]\n");
    let src = format!(
        "#[test]\n{}\nfn proves_a3() {{\n    {}\n}}\n",
        tag("A-3"),
        tag("A-1")
    );
    f.write("src/lib_tests.rs", &src);
    f.write("target/debug/ignored.rs", &tag("GONE-1"));
}

fn scan(f: &Fixture) -> Scan {
    let mut s = Scan::default();
    s.specs(&f.0.join("specs"));
    s.scenarios(&f.0.join("scenarios"));
    s.rust_tags(&f.0.join("src"));
    s
}

#[test]
fn finds_definitions_and_every_kind_of_reference() {
    let f = Fixture::new("refs");
    project(&f);
    let s = scan(&f);
    assert_eq!(
        s.clauses.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["A-1", "A-2", "A-3", "A-4", "A-5"]
    );
    assert_eq!(
        s.clauses[3].unreachable.as_deref(),
        Some("needs two filesystems")
    );
    let a1: Vec<_> = s.refs.iter().filter(|r| r.id == "A-1").collect();
    assert!(a1.iter().any(|r| r.by == Referrer::Action("open_rb".into())
        && r.role == Role::Pre
        && r.at.line == 5));
    assert!(
        a1.iter()
            .any(|r| r.by == Referrer::Action("mkdir".into()) && r.role == Role::Other)
    );
    assert!(
        a1.iter()
            .any(|r| r.by == Referrer::Test("proves_a3".into())),
        "tag inside the fn: {a1:?}"
    );
    let a2 = s.refs.iter().find(|r| r.id == "A-2").unwrap();
    assert_eq!(a2.role, Role::Post);
    let a3 = s.refs.iter().find(|r| r.id == "A-3").unwrap();
    assert_eq!(a3.by, Referrer::Test("proves_a3".into()));
    assert_eq!(a3.at.line, 2);
    let a4 = s.refs.iter().find(|r| r.id == "A-4").unwrap();
    assert_eq!(a4.by, Referrer::Scenario("1.1".into()));
    // Regressions and target/ are not read.
    assert!(!s.refs.iter().any(|r| r.id == "NOPE-1" || r.id == "GONE-1"));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
}

#[test]
fn dangling_and_unreferenced_ids_are_gaps_with_locations() {
    let f = Fixture::new("gaps");
    project(&f);
    let v = gate::check(&scan(&f), None);
    let dangling: Vec<&Gap> = v
        .gaps
        .iter()
        .filter(|g| matches!(g, Gap::Dangling { .. }))
        .collect();
    assert_eq!(dangling.len(), 1, "{:?}", v.gaps);
    match dangling[0] {
        Gap::Dangling { id, at } => {
            assert_eq!(id, "ZZ-9");
            assert!(at.file.ends_with("specs/memfs.yaml"));
            assert_eq!(at.line, 6);
        }
        _ => unreachable!(),
    }
    assert!(
        v.gaps
            .iter()
            .any(|g| matches!(g, Gap::Unreferenced { id, .. } if id == "A-5"))
    );
    assert_eq!(v.gaps.len(), 2, "{:?}", v.gaps);
    let msg = dangling[0].to_string();
    assert!(
        msg.contains("memfs.yaml:6: dangling reference to ZZ-9"),
        "{msg}"
    );
}

fn coverage(counts: &[(&str, u64, u64, u64)]) -> Coverage {
    let mut c = Coverage::default();
    for (id, held, failed, checked) in counts {
        c.clauses.insert(
            id.to_string(),
            ClauseCount {
                held: *held,
                failed: *failed,
                checked: *checked,
            },
        );
    }
    c
}

#[test]
fn exercise_rules_follow_the_clause_role() {
    let f = Fixture::new("exercise");
    f.write("specs/clauses.yaml", CLAUSES);
    f.write("specs/memfs.yaml", &ACTIONS.replace("ZZ-9", "A-5"));
    let src = format!("{}\nfn t() {{}}\n", tag("A-3"));
    f.write("src/t.rs", &src);
    f.write(
        "scenarios/1.1-x.yaml",
        "number: \"1.1\"\ntitle: x\nclauses: [A-4]\nsteps: []\n",
    );
    let s = scan(&f);

    // A-1 held but never failed; A-2 checked; A-3 only in a test and never counted; A-4
    // unreachable; A-5 a precondition seen both ways.
    let cov = coverage(&[("A-1", 3, 0, 0), ("A-2", 0, 0, 1), ("A-5", 1, 1, 0)]);
    let v = gate::check(&s, Some(&cov));
    let not_ex: Vec<String> = v
        .gaps
        .iter()
        .filter_map(|g| match g {
            Gap::NotExercised { id, need, .. } => Some(format!("{id}: {need}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        not_ex,
        [
            "A-1: precondition never failed",
            "A-3: never evaluated in exploration"
        ]
    );
    assert_eq!(
        v.unreachable()
            .map(|r| r.def.id.as_str())
            .collect::<Vec<_>>(),
        ["A-4"]
    );

    // Fully exercised: no gaps; a run counting an undefined clause is a gap.
    let cov = coverage(&[
        ("A-1", 3, 2, 0),
        ("A-2", 0, 0, 1),
        ("A-3", 0, 0, 4),
        ("A-5", 1, 1, 0),
        ("Q-1", 1, 0, 0),
    ]);
    let v = gate::check(&s, Some(&cov));
    assert_eq!(v.gaps, vec![Gap::UnknownInRun { id: "Q-1".into() }]);

    // An unreachable clause that the run did exercise is reported as a stale mark.
    let cov = coverage(&[
        ("A-1", 3, 2, 0),
        ("A-2", 0, 0, 1),
        ("A-3", 0, 0, 4),
        ("A-4", 1, 0, 0),
        ("A-5", 1, 1, 0),
    ]);
    let v = gate::check(&s, Some(&cov));
    assert!(v.gaps.is_empty(), "{:?}", v.gaps);
    assert_eq!(v.stale_unreachable, ["A-4"]);
}

#[test]
fn duplicates_bad_ids_and_bad_yaml_are_reported() {
    let f = Fixture::new("bad");
    f.write(
        "specs/clauses.yaml",
        "clauses:\n  - id: B-1\n    rule: r\n  - id: B-1\n    rule: again\n  - id: lower-1\n",
    );
    f.write(
        "specs/broken.yaml",
        "actions:\n  - name: x\n    pre: [ { clause: B-1 }\n",
    );
    f.write(
        "src/a.rs",
        &format!(
            "{}\nfn t() {{}}\n{}\nfn u() {{}}\n",
            tag("B-1, not_an_id"),
            tag("§4 (prose, ignored) §9")
        ),
    );
    let s = scan(&f);
    let v = gate::check(&s, None);
    let text: Vec<String> = v.gaps.iter().map(|g| g.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("clause B-1 defined again") && t.contains("clauses.yaml:4")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("`lower-1` is not a clause id")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("broken.yaml") && t.contains("invalid YAML")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("a.rs:1") && t.contains("`not_an_id` is not a clause id")),
        "{text:?}"
    );
    assert!(
        !text.iter().any(|t| t.contains("a.rs:3")),
        "section-only tags are notes, not gaps: {text:?}"
    );
    assert_eq!(v.notes.len(), 1, "{:?}", v.notes);
    assert!(
        v.notes[0].contains("a.rs:3: tag names semantics sections only (§4 §9)"),
        "{:?}",
        v.notes
    );
}

fn harness(root: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn cli_exit_status_report_and_junit() {
    let f = Fixture::new("cli");
    project(&f);
    let mut run = RunResult {
        depth: 4,
        ..Default::default()
    };
    run.coverage = coverage(&[("A-1", 3, 2, 0), ("A-2", 0, 0, 1), ("A-3", 0, 0, 4)]);
    f.write("run.json", &serde_json::to_string(&run).unwrap());
    let root = f.0.to_str().unwrap();

    // Gate without a run result: bad usage.
    let (code, text) = harness(&f.0, &["trace", "--check", "--root", root, "--src", "src"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("--run"), "{text}");

    // Gaps: ZZ-9 dangling, A-5 unreferenced and not exercised.
    let args = [
        "trace",
        "--check",
        "--root",
        root,
        "--src",
        "src",
        "--run",
        "run.json",
        "--junit",
        "out/trace.xml",
    ];
    let (code, text) = harness(&f.0, &args);
    assert_eq!(code, 1, "{text}");
    assert!(text.starts_with("GAP "), "gaps come first: {text}");
    assert!(text.contains("ZZ-9") && text.contains("A-5"), "{text}");
    let md = std::fs::read_to_string(f.0.join("reports/trace.md")).unwrap();
    assert!(
        md.contains("| A-1 | a precondition | mkdir, open_rb | - | proves_a3 | 3 | 2 | 0 |"),
        "{md}"
    );
    assert!(md.contains("- A-4: needs two filesystems"), "{md}");
    let xml = std::fs::read_to_string(f.0.join("out/trace.xml")).unwrap();
    assert!(
        xml.contains("<testcase classname=\"trace.clause\" name=\"A-1\""),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"A-5\"") && xml.contains("<failure"),
        "{xml}"
    );

    // Fix the gaps: exit 0 with the clause count.
    f.write("specs/memfs.yaml", &ACTIONS.replace("ZZ-9", "A-5"));
    run.coverage = coverage(&[
        ("A-1", 3, 2, 0),
        ("A-2", 0, 0, 1),
        ("A-3", 0, 0, 4),
        ("A-5", 1, 1, 0),
    ]);
    f.write("run.json", &serde_json::to_string(&run).unwrap());
    let (code, text) = harness(&f.0, &args);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("trace: 5 clauses, all referenced and exercised; 1 marked unreachable"),
        "{text}"
    );
}
