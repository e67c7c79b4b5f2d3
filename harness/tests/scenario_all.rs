//! Runs every scenario of `scenarios/` on memfs-core, one after another (the no-host-writes
//! check wants no other test thread doing I/O meanwhile), and lists every failure.

use harness::scenario::{Runner, load_dir};
use std::path::Path;

#[test]
fn all_scenarios_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let all = load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(!all.is_empty());
    let runner = Runner::default();
    let mut failures = Vec::new();
    for s in &all {
        let out = runner.run(s);
        assert!(
            out.steps_run > 0 || out.failure.is_some(),
            "scenario {} ran no step",
            s.number
        );
        if let Some(f) = out.failure {
            failures.push(format!(
                "{} {} ({}): {f}",
                s.number,
                s.title,
                s.file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
