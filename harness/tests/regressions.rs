//! Every committed regression file must replay as passing against the real core and the oracle:
//! `scenarios/regressions/` (bugs once found stay fixed) and `scenarios/dmemfs/` (disagreements
//! of D-MemFS 0.4.1: the core must not share any of them; that they still fail on D-MemFS is
//! checked by `.ci/test-all`, which has the D-MemFS environment). A file whose steps the spec no
//! longer has fails this test as STALE (update or delete it).

use harness::engine::regression::{self, ReplayStatus};
use harness::fs::subject::{FsRun, Subject};
use std::path::Path;

/// Replays every file under `dir` on the core with the specs of `specs`; returns the problems.
fn replay_all(specs: &Path, dir: &Path) -> (usize, Vec<String>) {
    // As `harness replay` resolves files: against the walk alphabet (a superset of the
    // explorer's), so the witnesses `harness walk` saved replay too.
    let run =
        FsRun::load_walk(specs, &Subject::Core, Default::default(), true).expect("specs load");
    let p = run.parties();
    let files = regression::collect_files(&[dir.to_path_buf()]).expect("list regressions");
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
            ReplayStatus::Known(g) => bad.push(format!("KNOWN {} on the core: {g}", f.display())),
        }
    }
    (files.len(), bad)
}

#[test]
fn every_committed_regression_replays_as_passing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // (specs, folder): D-MemFS's records are kept per spec they were found on.
    let mut sets = vec![(root.join("specs"), root.join("scenarios/regressions"))];
    for spec in [
        "default",
        "sequential",
        "random_access",
        "zero_overhead",
        "memory_guard_init",
        "memory_guard_host_v2",
        "memory_guard_host_v1",
        "memory_guard_host_meminfo",
        "memory_guard_host_unknown",
    ] {
        let specs = if spec == "default" {
            root.join("specs")
        } else {
            root.join("specs/variants").join(spec)
        };
        sets.push((specs, root.join("scenarios/dmemfs").join(spec)));
    }
    let mut total = 0;
    let mut bad = Vec::new();
    for (specs, dir) in sets.iter().filter(|(_, d)| d.is_dir()) {
        let (n, b) = replay_all(specs, dir);
        total += n;
        bad.extend(b);
    }
    assert!(total > 0, "no regression files found");
    assert!(
        bad.is_empty(),
        "{} of {total} regression files do not pass:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
