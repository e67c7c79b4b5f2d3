//! The process driver against misbehaving children (`tests/children/*.py`): a child that
//! hangs, crashes, prints garbage, answers an unknown error kind or the wrong id, speaks another
//! protocol, never shakes hands or floods its stderr gives a clear driver error naming the
//! request and quoting the child's last stderr lines; the harness never hangs, and its children
//! die on every exit path (the end of a run, a timeout, Ctrl-C).

use harness::engine::system::{Driver, DriverError, DriverFault};
use harness::fs::call::Call;
use harness::fs::config::FsConfig;
use harness::fs::process::{ClockMode, ProcessDriver, ProcessSpec, START_TIMEOUT};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn child(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/children")
        .join(format!("{name}.py"))
        .display()
        .to_string()
}

/// A private copy of child `name` (tests run in parallel: a test that looks for its child's
/// process must not see another test's).
fn child_copy(name: &str, tag: &str) -> String {
    let dst = std::env::temp_dir().join(format!(
        "harness-child-{name}-{tag}-{}.py",
        std::process::id()
    ));
    std::fs::copy(child(name), &dst).expect("copy child");
    dst.display().to_string()
}

fn spec(name: &str, args: &[&str], timeout_ms: u64) -> ProcessSpec {
    script_spec(name, child(name), args, timeout_ms)
}

fn script_spec(name: &str, script: String, args: &[&str], timeout_ms: u64) -> ProcessSpec {
    let mut a = vec![script];
    a.extend(args.iter().map(|s| s.to_string()));
    ProcessSpec {
        name: name.into(),
        program: "python3".into(),
        args: a,
        config: FsConfig::default(),
        timeout: Duration::from_millis(timeout_ms),
        start_timeout: START_TIMEOUT,
        clock: ClockMode::Settable,
        observe_calls: true,
    }
}

fn mkdir() -> Call {
    Call::Mkdir {
        path: "/a".into(),
        exist_ok: false,
    }
}

/// The error of the first call to child `name` (the handshake must succeed).
fn first_call_error(name: &str, timeout_ms: u64) -> DriverError {
    let mut d = ProcessDriver::start(spec(name, &[], timeout_ms))
        .unwrap_or_else(|e| panic!("{name}: handshake failed: {e}"));
    d.set_time(1000);
    match d.apply(&mkdir()) {
        Ok(o) => panic!("{name}: the call succeeded: {o:?}"),
        Err(e) => e,
    }
}

/// Python processes whose command line contains `needle` (from /proc; the harness itself, whose
/// arguments name the child's script too, is not one).
fn processes_with(needle: &str) -> Vec<u32> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            // A zombie (state Z) is dead already: only its parent has not reaped it yet.
            let zombie = stat
                .rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'));
            let argv0 = cmd.split(|b| *b == 0).next().unwrap_or_default();
            let python = String::from_utf8_lossy(argv0).contains("python");
            (python && !zombie && String::from_utf8_lossy(&cmd).contains(needle)).then_some(pid)
        })
        .collect()
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_hanging_child_times_out_names_the_request_and_is_killed() {
    let script = child_copy("hang", "timeout");
    let started = Instant::now();
    let mut d =
        ProcessDriver::start(script_spec("hang", script.clone(), &[], 300)).expect("handshake");
    d.set_time(1000);
    let e = d.apply(&mkdir()).expect_err("a hanging call");
    assert_eq!(e.fault, DriverFault::Timeout, "{e}");
    assert!(e.message.contains("request 1 (call mkdir)"), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    wait_until("the hanging child is gone", || {
        processes_with(&script).is_empty()
    });
}

#[test]
fn a_crashing_child_reports_its_status_and_stderr() {
    let e = first_call_error("crash", 5_000);
    assert_eq!(e.fault, DriverFault::Crashed, "{e}");
    assert!(e.message.contains("exited with status 3"), "{e}");
    assert!(e.message.contains("last stderr lines"), "{e}");
}

#[test]
fn garbage_is_a_protocol_error_quoting_the_line() {
    let e = first_call_error("garbage", 5_000);
    assert_eq!(e.fault, DriverFault::Protocol, "{e}");
    assert!(e.message.contains("not a response"), "{e}");
}

#[test]
fn an_unknown_error_kind_is_never_guessed() {
    let e = first_call_error("unknown_kind", 5_000);
    assert_eq!(e.fault, DriverFault::Protocol, "{e}");
    assert!(e.message.contains("Bogus"), "{e}");
}

#[test]
fn an_answer_with_another_id_is_refused() {
    let e = first_call_error("wrong_id", 5_000);
    assert_eq!(e.fault, DriverFault::Protocol, "{e}");
    assert!(e.message.contains("carries id Some(1001)"), "{e}");
    let e = ProcessDriver::start(spec("wrong_id", &["hello"], 5_000)).expect_err("bad hello id");
    assert!(e.message.contains("request 0 (hello)"), "{e}");
}

#[test]
fn another_protocol_version_is_refused_at_the_handshake() {
    let e = ProcessDriver::start(spec("bad_protocol", &[], 5_000)).expect_err("protocol 99");
    assert_eq!(e.fault, DriverFault::Protocol, "{e}");
    assert!(e.message.contains("speaks protocol 99"), "{e}");
}

#[test]
fn a_silent_child_times_out_at_the_handshake() {
    let e = ProcessDriver::start(ProcessSpec {
        start_timeout: Duration::from_millis(300),
        ..spec("silent", &[], 300)
    })
    .expect_err("no hello");
    assert_eq!(e.fault, DriverFault::Timeout, "{e}");
    assert!(e.message.contains("request 0 (hello)"), "{e}");
}

#[test]
fn a_stderr_flood_is_quoted_by_its_last_lines_only() {
    let e = ProcessDriver::start(ProcessSpec {
        start_timeout: Duration::from_secs(1),
        ..spec("stderr_flood", &[], 1_000)
    })
    .expect_err("no hello");
    assert_eq!(e.fault, DriverFault::Timeout, "{e}");
    let lines = e.message.lines().count();
    assert!((2..=20).contains(&lines), "{lines} lines quoted:\n{e}");
}

#[test]
fn a_program_that_does_not_exist_is_a_clear_error() {
    let mut s = spec("hang", &[], 1_000);
    s.program = "/no/such/program".into();
    let e = ProcessDriver::start(s).expect_err("no program");
    assert_eq!(e.fault, DriverFault::Crashed, "{e}");
    assert!(e.message.contains("/no/such/program"), "{e}");
}

/// The interpreter itself (not a launcher script such as pyenv's shim, which would be the
/// process a signal test watches while it is still starting Python).
fn python() -> String {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A spec with one action (`mkdir /a`), so a CLI run against a hanging child stays short.
fn tiny_specs(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harness-proc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("clauses.yaml"),
        "clauses:\n  - { id: PATH-9, rule: r, source: s }\n  - { id: MKDIR-1, rule: r, source: s }\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("memfs.yaml"),
        "actions:
  - name: mk
    params: { path: { kind: path, values: [/a] } }
    call: { op: mkdir, path: $path }
    pre:
      - { if: \"valid_path(path)\", else: InvalidInput, clause: PATH-9 }
    effect: [ \"make_dirs(path)\" ]
    post:
      - { check: \"observed_dir(path)\", clause: MKDIR-1 }
",
    )
    .expect("write");
    dir
}

fn harness_cmd(specs: &Path, subject: &str, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_harness"));
    c.args(["explore", "--depth", "1", "--no-save", "-q", "--specs"])
        .arg(specs)
        .arg("--subject")
        .arg(subject)
        .args(extra);
    c
}

#[test]
fn the_cli_reports_a_hanging_subject_as_a_failure_and_leaves_no_child() {
    let specs = tiny_specs("cli");
    let script = child_copy("hang", "cli");
    let subject = format!("process:python3 {script}");
    let started = Instant::now();
    let out = harness_cmd(&specs, &subject, &["--subject-timeout", "0.3"])
        .output()
        .expect("run harness");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("root cause: driver (timeout) at mk"),
        "{text}"
    );
    assert!(text.contains("note: dedup is observational"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(20));
    wait_until("no hang child is left", || {
        processes_with(&script).is_empty()
    });
    let _ = std::fs::remove_dir_all(&specs);
}

#[test]
fn ctrl_c_kills_the_children_too() {
    let specs = tiny_specs("sigint");
    // A long timeout: the run is still waiting on the child when the signal comes.
    // A child that ignores signals and its stdin closing: only the kill-on-exit can end it.
    let script = child_copy("stubborn", "sigint");
    let subject = format!("process:{} {script}", python());
    let mut h = harness_cmd(&specs, &subject, &["--subject-timeout", "60"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start harness");
    wait_until("the child is running", || {
        !processes_with(&script).is_empty()
    });
    // Past its handshake: the harness now waits for the first call's answer.
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        !processes_with(&script).is_empty(),
        "the child ended by itself"
    );
    let kill = Command::new("kill")
        .args(["-INT", &h.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(kill.success());
    let status = h.wait().expect("wait harness");
    assert!(!status.success(), "{status:?}");
    wait_until("the child died with the harness", || {
        processes_with(&script).is_empty()
    });
    let _ = std::fs::remove_dir_all(&specs);
}
