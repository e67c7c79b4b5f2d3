//! The `harness` binary: help text, summary format, regression file format and exit statuses,
//! on the built-in toy system so the numbers are deterministic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .output()
        .expect("run harness")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("harness-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Replaces the timing fields of the summary line (the only nondeterministic parts) and the
/// temporary folder.
fn redact(s: &str, dir: &Path) -> String {
    let s = s.replace(&dir.display().to_string(), "<DIR>");
    s.lines()
        .map(|l| {
            if !l.starts_with("depth ") {
                return l.to_string();
            }
            l.split(", ")
                .map(|part| {
                    if part.ends_with(" steps/s") {
                        "<RATE> steps/s"
                    } else if part.ends_with(" s") && part.split(' ').count() == 2 {
                        "<SECONDS> s"
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn help_text() {
    let o = harness(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("help", stdout(&o));
    let o = harness(&["explore", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("explore_help", stdout(&o));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["explore", "--depth", "x"][..],
        &["explore", "--shard", "3/2"],
        &["explore", "--shard", "0/2"],
        &["replay"],
        &["list", "things"],
        &["no-such-command"],
    ] {
        let o = harness(args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn conforming_run_exits_0_with_summary() {
    let o = harness(&[
        "explore",
        "--toy",
        "correct",
        "--depth",
        "3",
        "--no-dedup",
        "--quiet",
        "--no-save",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let dir = PathBuf::from("/nonexistent");
    insta::assert_snapshot!("summary_conform", redact(&stdout(&o), &dir));
}

#[test]
fn failing_run_exits_1_saves_and_replays() {
    // Toy system clause TOY-INCR (not a memfs clause, so not a `spec:` tag).
    let dir = temp_dir("fail");
    let d = dir.display().to_string();
    let json = dir.join("result.json");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let o = harness(&[
        "explore",
        "--toy",
        "incr-bug",
        "--depth",
        "4",
        "--quiet",
        "--regressions",
        &d,
        "--json",
        json.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    insta::assert_snapshot!("summary_fail", redact(&stdout(&o), &dir));

    let result: harness::results::RunResult =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written"))
            .expect("RunResult JSON");
    assert_eq!(result.depth, 4);
    assert_eq!(result.sequences, 7 + 49 + 343 + 2401);
    assert_eq!(result.failures.len(), 1);

    let file = dir.join(format!("{}.yaml", result.failures[0].id));
    insta::assert_snapshot!(
        "regression_file",
        std::fs::read_to_string(&file).expect("regression file")
    );

    // Against the buggy driver the file fails, against the correct one it passes.
    let f = file.to_str().expect("utf-8 path");
    let o = harness(&["replay", "--toy", "incr-bug", f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("FAIL"), "{}", stdout(&o));
    let o = harness(&["replay", "--toy", "correct", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("replayed 1 files: 1 passed, 0 failed, 0 stale, 0 invalid"),
        "{}",
        stdout(&o)
    );

    // A step the system no longer has makes the file STALE (exit 1), clearly.
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("action: incr", "action: increment")).expect("write");
    let o = harness(&["replay", "--toy", "correct", f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("STALE"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("action `increment` is no longer in the spec"),
        "{}",
        stdout(&o)
    );

    let o = harness(&["replay", "--toy", "correct", "/no/such/file.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn spec_errors_exit_2_with_a_location() {
    let dir = temp_dir("badspec");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("bad.yaml"), "actions:\n  - name: x\n    call: [\n").expect("write");
    let d = dir.display().to_string();
    for args in [
        &["explore", "--specs", &d][..],
        &["list", "actions", "--specs", &d],
        &["replay", &d, "--specs", &d],
    ] {
        let o = harness(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("bad.yaml:"),
            "{args:?}: no file:line:col in {err}"
        );
    }
    let o = harness(&["list", "clauses", "--specs", "/no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn default_specs_list_and_explore_depth_1() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let s = specs.to_str().expect("utf-8 path");
    let o = harness(&["list", "actions", "--specs", s]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(" actions, "), "{}", stdout(&o));
    let o = harness(&["list", "clauses", "--specs", s]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("OPEN-"), "{}", stdout(&o));
    let o = harness(&[
        "explore",
        "--depth",
        "1",
        "--quiet",
        "--no-save",
        "--specs",
        s,
    ]);
    let out = stdout(&o);
    // Every step of the alphabet is one depth-1 sequence, executed once.
    let alphabet: u64 = out
        .split("(alphabet ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .and_then(|n| n.parse().ok())
        .expect("summary names the alphabet");
    assert!(
        out.starts_with(&format!(
            "depth 1: {alphabet} sequences (alphabet {alphabet}), {alphabet} steps executed"
        )),
        "{out}"
    );
}

/// Writes the toy bug's regression files with `known:` records (as an exploration of another
/// subject writes them) into a fresh folder.
fn toy_records(name: &str) -> PathBuf {
    use harness::engine::explore::{ExploreConfig, NoProgress};
    use harness::engine::run::Parties;
    use harness::engine::session;
    use harness::engine::toy::{ToyBug, ToyDriver, ToySystem};
    let dir = temp_dir(name);
    let sys = ToySystem::new();
    let subject = ToyDriver::with_bug(ToyBug::IncrWraps);
    let reference = ToyDriver::correct();
    let cfg = ExploreConfig {
        depth: 4,
        record_known: true,
        ..Default::default()
    };
    let p = Parties {
        system: &sys,
        subject: &subject,
        reference: &reference,
        verify_shortcuts: false,
    };
    let s = session::run(p, &cfg, Some(&dir), &NoProgress);
    assert_eq!(s.regressions.len(), 1, "the toy bug is one failure group");
    dir
}

#[test]
fn known_records_turn_recorded_groups_into_known_and_flag_new_and_stale_ones() {
    let dir = toy_records("known");
    let d = dir.display().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec!["explore", "--toy", "incr-bug", "--quiet", "--no-save"];
        args.extend_from_slice(extra);
        harness(&args)
    };

    // The recorded group is found again: KNOWN, exit 0.
    let o = run(&["--depth", "4", "--known", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("KNOWN "), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 of 1 failure groups are recorded (1 records), 0 new, 0 stale"),
        "{}",
        stdout(&o)
    );

    // Too shallow to reach the 3-step witness: neither found nor stale.
    let o = run(&["--depth", "2", "--known", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 out of this run's reach"),
        "{}",
        stdout(&o)
    );

    // A record that says the subject fails another way: the real group is new and the
    // record is stale (the subject changed), exit 1.
    let file = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("a record");
    let text = std::fs::read_to_string(&file).expect("read");
    let (head, record) = text.split_once("\nknown:").expect("a known record");
    let changed = format!(
        "{head}\nknown:{}",
        record.replacen("check: outcome", "check: state", 1)
    );
    assert_ne!(text, changed, "the record names its check");
    std::fs::write(&file, changed).expect("write");
    let o = run(&["--depth", "4", "--known", &d]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL "), "{}", stdout(&o));
    assert!(stdout(&o).contains("STALE "), "{}", stdout(&o));

    // A folder without records of this subject is a usage error.
    let empty = temp_dir("known-empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let o = run(&["--depth", "2", "--known", &empty.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no known-disagreement records"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn any_depth_runs_or_is_refused_and_counts_saturate() {
    // The toy's state space is tiny: with deduplication depth 20, 50 and 1000 finish at once,
    // while their raw sequence counts (7^n) pass u64 and u128.
    for (depth, count) in [
        ("20", "93090977347214000 sequences"),
        ("50", "more than 1.8e19 sequences"),
        ("1000", "more than 1.8e19 sequences"),
    ] {
        let o = harness(&[
            "explore",
            "--toy",
            "correct",
            "--depth",
            depth,
            "-q",
            "--no-save",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "depth {depth}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = stdout(&o);
        assert!(out.starts_with(&format!("depth {depth}: {count}")), "{out}");
    }
    let refused: [(&[&str], &str); 5] = [
        (&["--depth", "1001"], "--depth 1001: choose 1 to 1000"),
        (&["--depth", "0"], "--depth 0: choose 1 to 1000"),
        (&["--time", "0s"], "a zero --time explores nothing"),
        (&["--time", "soon"], "`soon` is not a duration"),
        (
            &["--time", "1s", "--no-dedup"],
            "--time deepens level by level",
        ),
    ];
    for (args, message) in refused {
        let mut a = vec!["explore", "--toy", "correct", "-q", "--no-save"];
        a.extend_from_slice(args);
        let o = harness(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let o = harness(&[
        "explore",
        "--toy",
        "correct",
        "--shard",
        "1000000000/4",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("need 1 <= I <= N"));
}

#[test]
fn time_budget_deepens_until_spent_and_says_how_deep() {
    // The real specs never run out of new states within a second: the budget decides.
    let specs = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs");
    let o = harness(&[
        "explore",
        "--time",
        "1s",
        "-q",
        "--no-save",
        "--specs",
        specs,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    let note = out
        .lines()
        .find(|l| l.contains("stopped by --time: every sequence up to depth"))
        .unwrap_or_else(|| panic!("no --time note: {out}"));
    let reached: u32 = note
        .split("up to depth ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.trim_end_matches(';').parse().ok())
        .unwrap_or_else(|| panic!("no depth in {note}"));
    assert!(reached >= 1, "{note}");
    assert!(out.starts_with(&format!("depth {reached}: ")), "{out}");
}
