//! Stable report formats: snapshots of the coverage, timing, trace and JUnit outputs of a
//! deterministic synthetic run, so a format change is a reviewed snapshot change.

use harness::fs::call::ErrKind;
use harness::report::coverage::{self, Declared};
use harness::report::timing::{self, TimingReport};
use harness::results::io::merge_runs;
use harness::results::latency::{LatencyReport, OpLatency};
use harness::results::stress::{StressResult, StressSuite};
use harness::results::{ClauseCount, DepthTiming, FailureSummary, RunResult};
use harness::trace::gate;
use harness::trace::scan::{ClauseDef, Loc, Reference, Referrer, Role, Scan};
use std::collections::{BTreeMap, BTreeSet};

fn synthetic(shard: Option<(u32, u32)>) -> RunResult {
    let mut r = RunResult {
        depth: 2,
        shard,
        alphabet: 3,
        sequences: 12,
        steps: 9,
        distinct_states: 5,
        seconds: 0.5,
        per_depth: vec![
            DepthTiming {
                depth: 1,
                steps: 3,
                seconds: 0.1,
            },
            DepthTiming {
                depth: 2,
                steps: 6,
                seconds: 0.4,
            },
        ],
        // What a filesystem run records: `ok` then every error kind, in report order.
        outcome_keys: std::iter::once("ok")
            .chain(ErrKind::ALL.iter().map(|k| k.name()))
            .map(str::to_string)
            .collect(),
        ..Default::default()
    };
    let a = &mut r.coverage.actions;
    a.entry("mkdir".into()).or_default().insert("ok".into(), 4);
    a.entry("mkdir".into())
        .or_default()
        .insert("AlreadyExists".into(), 2);
    a.entry("open_rb".into())
        .or_default()
        .insert("NotFound".into(), 3);
    let c = &mut r.coverage.clauses;
    c.insert(
        "MKDIR-1".into(),
        ClauseCount {
            held: 4,
            failed: 2,
            checked: 0,
        },
    );
    c.insert(
        "OPEN-4".into(),
        ClauseCount {
            held: 0,
            failed: 3,
            checked: 0,
        },
    );
    c.insert(
        "TREE-3".into(),
        ClauseCount {
            held: 0,
            failed: 0,
            checked: 9,
        },
    );
    r.failures.push(FailureSummary {
        id: "open_rb-1a2b".into(),
        steps: vec![
            "mkdir(path=/a)".into(),
            "open(path=/a, mode=rb, slot=0)".into(),
        ],
        message: "core returned Ok, the model predicted IsADirectory".into(),
        clauses: vec!["OPEN-3".into()],
        file: Some("scenarios/regressions/open_rb-1a2b.yaml".into()),
        ..Default::default()
    });
    r
}

fn declared() -> Declared {
    let mut d = Declared::default();
    d.actions
        .extend(["mkdir", "open_rb", "rmtree"].map(String::from));
    d.clauses
        .insert("MKDIR-1".into(), BTreeSet::from([Role::Pre]));
    d.clauses
        .insert("OPEN-4".into(), BTreeSet::from([Role::Pre]));
    d.clauses
        .insert("RMTREE-5".into(), BTreeSet::from([Role::Post]));
    d.clauses.insert("TREE-9".into(), BTreeSet::new());
    d.unreachable
        .insert("TREE-9".into(), "one filesystem per exploration".into());
    d
}

#[test]
fn coverage_report_format() {
    let r = coverage::build(&synthetic(None), &declared());
    assert_eq!(r.never_run_actions, ["rmtree"]);
    assert_eq!(r.under_exercised_clauses, ["OPEN-4", "RMTREE-5"]);
    assert_eq!(
        r.actions[0].action, "rmtree",
        "never-run actions come first"
    );
    insta::assert_snapshot!("coverage_md", coverage::markdown(&r));
    insta::assert_json_snapshot!("coverage_json", r);
}

/// Latency, stress, seed comparison and another subject's timing beside the synthetic run.
fn timing_fixture() -> TimingReport {
    let latency = LatencyReport {
        ops: 30,
        seed: 42,
        per_op: vec![
            OpLatency {
                op: "open".into(),
                count: 20,
                errors: 2,
                p50_ns: 1200,
                p95_ns: 3400,
                p99_ns: 5000,
                max_ns: 9000,
            },
            OpLatency {
                op: "write".into(),
                count: 10,
                errors: 0,
                p50_ns: 800,
                p95_ns: 900,
                p99_ns: 950,
                max_ns: 1000,
            },
        ],
    };
    let stress = StressResult {
        suites: vec![StressSuite {
            name: "seed000 50x1000".into(),
            median_seconds: 1.25,
            ops_per_sec: 40000.0,
            errors: BTreeMap::from([("WouldBlock".to_string(), 7)]),
            ..Default::default()
        }],
        linearizability: None,
        seed_comparison: Some(harness::results::stress::SeedComparison {
            runs: 5,
            core_best_ms: 20.0,
            core_cpu_ms: 30.0,
            core_runs_ms: vec![20.0, 21.0, 22.0, 23.0, 24.0],
            dmemfs_best_ms: 5000.0,
            dmemfs_runs_ms: vec![5000.0, 5100.0, 5200.0, 5300.0, 5400.0],
            ratio: 250.0,
            cores: 2,
        }),
    };
    let core = timing::exploration(&synthetic(None));
    let mut slow = synthetic(None);
    slow.seconds *= 250.0;
    slow.notes = vec!["230000 requests, 229 us per request".into()];
    let subject = timing::SubjectTiming::of("dmemfs default", &slow, Some(&core));
    assert!((subject.core_ratio.unwrap() - 250.0).abs() < 1e-6);
    TimingReport {
        exploration: Some(core),
        subjects: vec![subject],
        latency: Some(latency),
        stress: Some(stress),
    }
}

#[test]
fn timing_report_format() {
    let t = timing_fixture();
    assert!((t.subjects[0].core_ratio.unwrap() - 250.0).abs() < 1e-6);
    insta::assert_snapshot!("timing_md", timing::markdown(&t));
    insta::assert_json_snapshot!("timing_json", t);
    let empty = TimingReport {
        exploration: None,
        subjects: Vec::new(),
        latency: None,
        stress: None,
    };
    insta::assert_snapshot!("timing_md_empty", timing::markdown(&empty));
}

#[test]
fn merged_shards_report_format() {
    let m = merge_runs(&[synthetic(Some((1, 2))), synthetic(Some((2, 2)))]).unwrap();
    assert_eq!(m.failures.len(), 2);
    assert_eq!(
        m.coverage.clauses["MKDIR-1"],
        ClauseCount {
            held: 8,
            failed: 4,
            checked: 0
        }
    );
    insta::assert_json_snapshot!("merged_run_json", m);
}

#[test]
fn junit_format() {
    insta::assert_snapshot!(
        "junit_run_xml",
        harness::junit::from_run(&synthetic(Some((1, 4)))).to_xml()
    );
    let replays = [
        harness::junit::ReplayOutcome {
            file: "a.yaml".into(),
            failure: None,
            seconds: 0.25,
        },
        harness::junit::ReplayOutcome {
            file: "b.yaml".into(),
            failure: Some("step 2: expected NotFound\ngot ok".into()),
            seconds: 0.5,
        },
    ];
    insta::assert_snapshot!(
        "junit_replay_xml",
        harness::junit::from_replays(&replays).to_xml()
    );
}

/// Clause definitions and references: one dangling, one unreachable, one test-only.
fn scan_fixture() -> Scan {
    let at = |file: &str, line| Loc {
        file: file.into(),
        line,
    };
    let def = |id: &str, rule: &str, unreachable: Option<&str>, line| ClauseDef {
        id: id.into(),
        rule: rule.into(),
        source: "semantics".into(),
        unreachable: unreachable.map(String::from),
        at: at("specs/clauses.yaml", line),
    };
    Scan {
        clauses: vec![
            def("MKDIR-1", "mkdir creates parents", None, 3),
            def("OPEN-4", "rb of a missing file | NotFound", None, 7),
            def(
                "TREE-9",
                "filesystems share nothing",
                Some("one filesystem per exploration"),
                11,
            ),
        ],
        refs: vec![
            Reference {
                id: "MKDIR-1".into(),
                by: Referrer::Action("mkdir".into()),
                role: Role::Pre,
                at: at("specs/memfs.yaml", 5),
            },
            Reference {
                id: "OPEN-4".into(),
                by: Referrer::Action("open_rb".into()),
                role: Role::Pre,
                at: at("specs/memfs.yaml", 9),
            },
            Reference {
                id: "OPEN-4".into(),
                by: Referrer::Test("open_missing".into()),
                role: Role::Other,
                at: at("memfs-core/tests/open.rs", 12),
            },
            Reference {
                id: "TREE-9".into(),
                by: Referrer::Scenario("4.2".into()),
                role: Role::Other,
                at: at("scenarios/4.2.yaml", 3),
            },
            Reference {
                id: "OPEN-99".into(),
                by: Referrer::Scenario("2.1".into()),
                role: Role::Other,
                at: at("scenarios/2.1.yaml", 4),
            },
        ],
        problems: vec![],
        notes: vec![],
    }
}

#[test]
fn trace_report_format() {
    let scan = scan_fixture();
    let run = synthetic(None);
    let v = gate::check(&scan, Some(&run.coverage));
    insta::assert_snapshot!(
        "trace_md",
        gate::markdown(&v, Some("exploration at depth 2"))
    );
    insta::assert_snapshot!("trace_junit_xml", gate::junit(&v).to_xml());
}

/// The page's structure and text: the charts' SVG bytes, the stylesheet and the script are
/// elided (their drawing is plotters' business; the browser test checks they run).
fn html_structure(page: &str) -> String {
    fn elide(s: &str, open: &str, close: &str, with: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(open) {
            out.push_str(&rest[..i]);
            match rest[i..].find(close) {
                Some(j) => {
                    out.push_str(with);
                    rest = &rest[i + j + close.len()..];
                }
                None => {
                    rest = &rest[i..];
                    break;
                }
            }
        }
        out.push_str(rest);
        out
    }
    let s = elide(page, "<svg", "</svg>", "<svg>[chart]</svg>");
    let s = elide(&s, "<style>", "</style>", "<style>[page.css]</style>");
    elide(&s, "<script>\n", "</script>", "<script>[page.js]</script>")
}

#[test]
fn html_report_structure() {
    use harness::report::html::{self, FailureView, HtmlInputs};
    let run = synthetic(None);
    let cov = coverage::build(&run, &declared());
    let verdict = gate::check(&scan_fixture(), Some(&run.coverage));
    let t = timing_fixture();
    let witness: harness::engine::regression::RegressionFile<serde_json::Value> =
        serde_saphyr::from_str(
            "id: open_rb-1a2b\nsteps: []\nfailing_step: 2\nexpected: Err(IsADirectory)\n\
             observed: Ok\nreference: Err(IsADirectory)\nmessage: m\nclauses: [OPEN-3]\n\
             findings: []\ndiff: ['slot 0: core has an open handle, oracle has none']\n",
        )
        .expect("a regression file");
    let mut failures = vec![FailureView {
        summary: run.failures[0].clone(),
        file: Some(witness),
    }];
    failures.push(FailureView {
        summary: FailureSummary {
            id: "gone-0000".into(),
            steps: vec!["mkdir(path=/<b>)".into()],
            message: "a witness whose file was deleted".into(),
            ..Default::default()
        },
        file: None,
    });
    let page = html::render(&HtmlInputs {
        sources: vec!["run synthetic.json".into()],
        run: Some(&run),
        coverage: Some(&cov),
        gate: Some(&verdict),
        failures,
        timing: Some(&t),
        known: vec![],
    });
    // Self-contained: nothing is fetched when the page is viewed.
    for remote in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(remote), "the page refers to `{remote}`");
    }
    assert!(
        page.contains("mkdir(path=/&lt;b&gt;)"),
        "step text is escaped"
    );
    assert_eq!(
        page.matches("<svg").count(),
        3,
        "depth, latency and stress charts"
    );
    insta::assert_snapshot!("html_structure", html_structure(&page));
}
