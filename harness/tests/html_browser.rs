//! The HTML report in a real browser: a report made by the binary from a real exploration,
//! stress run and latency run is loaded in headless Chromium, which must run its script to the
//! end without one console line, and the summary numbers it shows must equal the run's JSON.
//! A screenshot is kept (`HARNESS_SCREENSHOT`, default under the target dir) for CI to upload.
//!
//! Skips, saying so, only where no Chromium is found; `HARNESS_REQUIRE_CHROMIUM=1` (set by
//! `.ci/browser-check`, which installs Debian's `chromium`) turns the skip into a failure.
//! The checker itself is proven on planted faults: a page that throws, one that logs, one whose
//! number differs from the JSON, and one whose script never finishes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `HARNESS_CHROMIUM`, else the first of Debian's and the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HARNESS_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// The browser, or `None` after saying why the test does not run (a failure when required).
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("HARNESS_REQUIRE_CHROMIUM").is_none(),
            "HARNESS_REQUIRE_CHROMIUM is set but no chromium was found (install it with \
             .ci/browser-check, or point HARNESS_CHROMIUM at one)"
        );
        eprintln!(
            "{test}: skipped, no chromium found (set HARNESS_CHROMIUM, or run .ci/browser-check)"
        );
    }
    found
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("html-browser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Runs Chromium headless on `page` with `extra` flags; returns its stdout and stderr.
/// A browser that does not finish within a minute is killed and fails the test.
fn headless(browser: &Path, page: &Path, extra: &[String]) -> (String, String) {
    // One profile per browser: two Chromiums sharing one (the tests run in parallel) lose
    // their output, as this test saw before the counter.
    static PROFILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let profile = tmp(&format!(
        "profile-{}",
        PROFILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    // The flags a closed network needs: no background connections, no component updates.
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!(
            "file://{}",
            page.canonicalize().expect("page").display()
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let out = child.stdout.take().expect("stdout");
    let err = child.stderr.take().expect("stderr");
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let (out, err) = (read(Box::new(out)), read(Box::new(err)));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&profile);
    (out.join().expect("stdout"), err.join().expect("stderr"))
}

/// `data-key="K" data-value="V"` pairs of the rendered DOM.
fn shown_values(dom: &str) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let mut rest = dom;
    while let Some(i) = rest.find("data-key=\"") {
        rest = &rest[i + 10..];
        let Some(j) = rest.find('"') else { break };
        let key = rest[..j].to_string();
        let Some(k) = rest.find("data-value=\"") else {
            break;
        };
        let after = &rest[k + 12..];
        let Some(e) = after.find('"') else { break };
        v.push((key, after[..e].to_string()));
        rest = after;
    }
    v
}

/// Everything wrong with the page as the browser rendered it, compared with the run result
/// `run` (JSON): an empty list means it rendered cleanly and shows the JSON's numbers.
fn problems(browser: &Path, page: &Path, run: &serde_json::Value) -> Vec<String> {
    let (dom, log) = headless(browser, page, &["--dump-dom".to_string()]);
    let mut p = Vec::new();
    for line in log.lines().filter(|l| l.contains(":CONSOLE")) {
        p.push(format!("console: {line}"));
    }
    if let Some(i) = dom.find("data-js-errors=\"") {
        let rest = &dom[i + 16..];
        p.push(format!(
            "script error: {}",
            &rest[..rest.find('"').unwrap_or(rest.len())]
        ));
    }
    if !dom.contains("data-ready=\"1\"") {
        p.push("the page's script did not run to its end (no data-ready)".into());
    }
    let shown = shown_values(&dom);
    if shown.is_empty() {
        p.push(format!(
            "no summary values in the dumped DOM ({} bytes): {}",
            dom.len(),
            &dom[..dom.len().min(300)]
        ));
    }
    let want = |key: &str| -> Option<f64> {
        match key {
            "failure_groups" => run["failures"].as_array().map(|a| a.len() as f64),
            "failing_prefixes" => run["failures"].as_array().map(|a| {
                a.iter()
                    .map(|f| f["prefixes"].as_f64().unwrap_or(0.0))
                    .sum()
            }),
            k => run[k].as_f64(),
        }
    };
    for key in [
        "depth",
        "alphabet",
        "sequences",
        "steps",
        "distinct_states",
        "seconds",
        "failure_groups",
        "failing_prefixes",
    ] {
        let on_page = shown
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse::<f64>().ok());
        if on_page != want(key) {
            p.push(format!(
                "{key}: the page shows {on_page:?}, the run JSON says {:?}",
                want(key)
            ));
        }
    }
    p
}

/// A real report: depth-3 exploration of the default spec, a small stress run with a
/// linearizability check, a short latency run and D-MemFS's recorded disagreements.
fn real_report(dir: &Path) -> (PathBuf, serde_json::Value) {
    let bin = env!("CARGO_BIN_EXE_harness");
    let run_json = dir.join("run.json");
    let stress_json = dir.join("stress.json");
    let ok = |args: &[&str]| {
        let o = Command::new(bin)
            .args(args)
            .current_dir(root())
            .output()
            .expect("run harness");
        assert!(
            o.status.success(),
            "harness {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let rj = run_json.display().to_string();
    let sj = stress_json.display().to_string();
    let out = dir.join("reports").display().to_string();
    ok(&[
        "explore",
        "--depth",
        "3",
        "--no-save",
        "--quiet",
        "--json",
        &rj,
    ]);
    ok(&[
        "stress",
        "--suite",
        "st01",
        "--runs",
        "2",
        "--scale",
        "0.02",
        "--check-linearizability",
        "--history-ops",
        "2000",
        "--json",
        &sj,
    ]);
    ok(&[
        "report",
        "--run",
        &rj,
        "--stress",
        &sj,
        "--latency-ops",
        "2000",
        "--known-report",
        "reports/dmemfs.json",
        "--out",
        &out,
    ]);
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&run_json).expect("run json"))
            .expect("run JSON");
    (dir.join("reports/index.html"), run)
}

#[test]
fn the_report_renders_cleanly_and_shows_the_runs_numbers() {
    let Some(browser) = browser_or_skip("the_report_renders_cleanly_and_shows_the_runs_numbers")
    else {
        return;
    };
    let dir = tmp("real");
    let (page, run) = real_report(&dir);
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("id=\"chart-depth\"") && html.contains("id=\"chart-latency\""));
    assert!(html.contains("id=\"chart-stress\"") && html.contains("id=\"linearizability\""));
    assert!(html.contains("Disagreements of dmemfs"));
    let found = problems(&browser, &page, &run);
    assert!(found.is_empty(), "{}", found.join("\n"));

    let shot = std::env::var_os("HARNESS_SCREENSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png"));
    if let Some(d) = shot.parent() {
        std::fs::create_dir_all(d).expect("screenshot dir");
    }
    let _ = std::fs::remove_file(&shot);
    headless(
        &browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,4000".to_string(),
        ],
    );
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG: {}", shot.display());
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn the_browser_check_finds_planted_faults() {
    let Some(browser) = browser_or_skip("the_browser_check_finds_planted_faults") else {
        return;
    };
    let dir = tmp("planted");
    let run = serde_json::json!({"depth": 2, "alphabet": 3, "sequences": 12, "steps": 9,
        "distinct_states": 5, "seconds": 0.5, "failures": []});
    let good = "<dd data-key=\"depth\" data-value=\"2\"></dd><dd data-key=\"alphabet\" data-value=\"3\"></dd>\
        <dd data-key=\"sequences\" data-value=\"12\"></dd><dd data-key=\"steps\" data-value=\"9\"></dd>\
        <dd data-key=\"distinct_states\" data-value=\"5\"></dd><dd data-key=\"seconds\" data-value=\"0.5\"></dd>\
        <dd data-key=\"failure_groups\" data-value=\"0\"></dd><dd data-key=\"failing_prefixes\" data-value=\"0\"></dd>";
    let hook = "<script>window.addEventListener(\"error\",function(e){document.documentElement.setAttribute(\"data-js-errors\",String(e.message));});</script>";
    let ready = "<script>document.body.setAttribute(\"data-ready\",\"1\");</script>";
    let page = |name: &str, body: String| {
        let p = dir.join(format!("{name}.html"));
        std::fs::write(
            &p,
            format!("<!DOCTYPE html><html><head>{hook}</head><body>{body}</body></html>"),
        )
        .expect("write page");
        p
    };
    let clean = page("clean", format!("{good}{ready}"));
    assert_eq!(problems(&browser, &clean, &run), Vec::<String>::new());
    let cases = [
        (
            "throws",
            format!("{good}<script>undefinedFunction();</script>{ready}"),
            "script error",
        ),
        (
            "logs",
            format!("{good}<script>console.log('x');</script>{ready}"),
            "console",
        ),
        (
            "wrong-number",
            format!(
                "{}{ready}",
                good.replace("data-value=\"9\"", "data-value=\"8\"")
            ),
            "steps: the page shows Some(8.0)",
        ),
        ("never-ready", good.to_string(), "did not run to its end"),
    ];
    for (name, body, expect) in cases {
        let found = problems(&browser, &page(name, body), &run);
        assert!(
            found.iter().any(|p| p.contains(expect)),
            "planted fault `{name}` not found (wanted `{expect}`): {found:?}"
        );
    }
}
