//! Bad command-line input, one row each: every case ends with one clear message and the
//! documented exit status (2: bad usage or bad input; 1: a conformance verdict such as STALE).
//! The table (arguments, status, first line of the message) is an insta snapshot.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the binary in the repository root; returns (status, first line of stderr or stdout).
fn run(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run harness");
    let err = String::from_utf8_lossy(&o.stderr);
    let out = String::from_utf8_lossy(&o.stdout);
    // The message that matters: the error line if there is one, else the verdict line.
    let line = err
        .lines()
        .find(|l| l.starts_with("harness") || l.starts_with("error"))
        .or_else(|| {
            out.lines()
                .find(|l| l.starts_with("STALE") || l.starts_with("INVALID"))
        })
        .or_else(|| err.lines().next())
        .unwrap_or("")
        .to_string();
    (o.status.code(), line)
}

#[test]
fn bad_inputs_get_one_clear_message_and_the_documented_status() {
    let tmp = std::env::temp_dir().join(format!("harness-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp");
    // A regression file written for another spec version: its action is gone.
    let other_version = tmp.join("other-version.yaml");
    let mut text = std::fs::read_to_string(root().join("scenarios/regressions/0f205e40b2.yaml"))
        .expect("a regression file");
    text = text.replacen("action: open_xb", "action: open_exclusive", 1);
    std::fs::write(&other_version, &text).expect("write");
    let not_utf8 = tmp.join("binary.yaml");
    std::fs::write(&not_utf8, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    let ov = other_version.display().to_string();
    let nu = not_utf8.display().to_string();

    let cases: Vec<Vec<&str>> = vec![
        vec!["explore", "--depth", "1001"],
        vec!["explore", "--depth", "0"],
        vec!["explore", "--depth", "many"],
        vec!["explore", "--threads", "0"],
        vec!["explore", "--threads", "100000"],
        vec!["explore", "--shard", "5/4"],
        vec!["explore", "--shard", "1000000000/4"],
        vec!["explore", "--time", "0s"],
        vec!["explore", "--specs", "no/such/dir"],
        vec!["explore", "--subject", "perl"],
        vec!["explore", "--known", "no/such/dir"],
        vec!["replay", "scenarios/1.1-archive-write-and-export.yaml"],
        vec!["replay", "no/such/file.yaml"],
        vec!["replay", &ov],
        vec!["replay", &nu],
        vec!["scenario", "9.9"],
        vec!["scenario", "--expect-fail", "9.9"],
        vec!["stress", "--suite", "st99"],
        vec!["stress", "--runs", "0"],
        vec!["report", "--run", "no/such/run.json"],
        vec!["frobnicate"],
    ];
    let mut table = String::from("| arguments | status | message |\n|---|---|---|\n");
    for args in &cases {
        let (status, line) = run(args);
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.replace(&tmp.display().to_string(), "<TMP>"))
            .collect();
        let line = line.replace(&tmp.display().to_string(), "<TMP>");
        assert!(!line.contains("panicked"), "{shown:?} panicked: {line}");
        assert!(!line.is_empty(), "{shown:?}: no message");
        let want = if args[0] == "replay" && args[1] == ov.as_str() {
            1 // STALE is a verdict on the file, not bad usage
        } else {
            2
        };
        assert_eq!(status, Some(want), "{shown:?}: {line}");
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            shown.join(" "),
            status.map_or("signal".into(), |c| c.to_string()),
            line
        ));
    }
    insta::assert_snapshot!("bad_inputs", table);
}

#[test]
fn a_record_replayed_against_the_wrong_spec_says_which_variant_it_needs() {
    // The memory-guard records use actions only their variant has: against the default spec
    // they are STALE, and the message must name the `--specs` that replays them.
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["replay", "scenarios/dmemfs/memory_guard_init"])
        .current_dir(root())
        .output()
        .expect("run harness");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let stale = out.lines().filter(|l| l.starts_with("STALE")).count();
    let hints = out
        .lines()
        .filter(|l| {
            l.trim() == "recorded under variant `memory_guard_init`: replay it with --specs specs/variants/memory_guard_init"
        })
        .count();
    assert!(stale > 0, "{out}");
    assert_eq!(stale, hints, "every STALE file gets the hint: {out}");
}
