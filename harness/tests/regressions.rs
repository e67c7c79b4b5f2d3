//! Every committed regression file (`scenarios/regressions/**/*.yaml`) must replay as passing
//! against the real core and the oracle: a bug once found stays fixed. A file whose steps the
//! spec no longer has fails this test as STALE (update or delete it).

use harness::engine::regression::{self, ReplayStatus};
use harness::fs::subject::{FsRun, Subject};
use std::path::Path;

#[test]
fn every_committed_regression_replays_as_passing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("scenarios/regressions");
    if !dir.exists() {
        return;
    }
    let run = FsRun::load(&root.join("specs"), &Subject::Core).expect("default specs load");
    let p = run.parties();
    let files = regression::collect_files(&[dir]).expect("list regressions");
    let mut bad = Vec::new();
    for f in &files {
        match regression::replay_file(p, f) {
            ReplayStatus::Pass => {}
            ReplayStatus::Fail(fail) => bad.push(format!(
                "FAIL {}: step {}: {} (expected {}, observed {})",
                f.display(),
                fail.position + 1,
                fail.message(),
                fail.expected,
                fail.observed
            )),
            ReplayStatus::Stale(why) => {
                bad.push(format!("STALE {}: {}", f.display(), why.join("; ")))
            }
            ReplayStatus::Invalid(e) => bad.push(format!("INVALID {e}")),
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} regression files do not pass:\n{}",
        bad.len(),
        files.len(),
        bad.join("\n")
    );
}
