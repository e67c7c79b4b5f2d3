//! Proof of `explore --verify-shortcuts`: the explorer skips observing a driver that says its
//! state did not change (`same_state_as`, or an unchanged observation digest), and skips
//! comparing it with the oracle when the oracle says so too. A subject whose claim is wrong
//! exactly where it also has a bug hides that bug at the step that made it. Planted here in a
//! wrapper around the core driver (never in memfs-core): a call that fails also overwrites the
//! first byte of `/a` if it is a file (sizes and stats stay as they were, so the invariant
//! checks do not see it), and the driver claims its state unchanged after a failed call, as
//! failed calls should leave it. Depth 2 without the audit is green (the change would show only
//! at a later observation); with it, the failing step is the witness's last.

use harness::engine::explore::{ExploreConfig, NoProgress};
use harness::engine::run::Parties;
use harness::engine::session;
use harness::engine::system::{Driver, DriverError};
use harness::fs::call::{Call, CallOutcome};
use harness::fs::drivers::core::CoreDriver;
use harness::fs::drivers::oracle::OracleDriver;
use harness::fs::observation::Observation;
use harness::fs::system::FsSystem;
use memfs_core::OpenMode;
use std::path::Path;

#[derive(Debug)]
struct Liar {
    inner: CoreDriver,
    last_failed: bool,
}

impl Driver for Liar {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        "lying-core"
    }
    fn reset(&mut self) -> Result<(), DriverError> {
        self.last_failed = false;
        self.inner.reset()
    }
    fn set_time(&mut self, t: u64) {
        self.inner.set_time(t);
    }
    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        let out = self.inner.apply(step)?;
        self.last_failed = matches!(out, CallOutcome::Err { .. });
        if self.last_failed {
            // The bug: a failed call scribbles over /a's first byte.
            let fs = self.inner.fs();
            if fs.is_file("/a")
                && fs.get_size("/a").is_ok_and(|n| n > 0)
                && let Ok(mut h) = fs.open("/a", OpenMode::ReadWrite)
            {
                let _ = h.write_data(b"#");
                h.close();
            }
        }
        Ok(out)
    }
    fn observe(&self) -> Result<Observation, DriverError> {
        self.inner.observe()
    }
    fn fingerprint(&self) -> Result<u64, DriverError> {
        self.inner.fingerprint()
    }
    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        // The wrong claim: "a failed call changed nothing".
        if self.last_failed {
            Some(true)
        } else {
            self.inner.same_state_as(&earlier.inner)
        }
    }
    fn sees_internal_state(&self) -> bool {
        self.inner.sees_internal_state()
    }
    fn fork(&self) -> Result<Self, DriverError> {
        Ok(Liar {
            inner: self.inner.fork()?,
            last_failed: false,
        })
    }
}

#[test]
fn a_wrong_unchanged_claim_hides_a_bug_only_the_audit_finds() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let sys = FsSystem::load(&specs).expect("default specs load");
    let core = CoreDriver::new(sys.fs_config()).expect("core");
    let oracle = OracleDriver::new(sys.fs_config());
    let liar = Liar {
        inner: core.fork().expect("fork"),
        last_failed: false,
    };
    let cfg = ExploreConfig {
        depth: 2,
        ..Default::default()
    };
    let run = |verify_shortcuts| {
        let p = Parties {
            system: &sys,
            subject: &liar,
            reference: &oracle,
            verify_shortcuts,
        };
        session::run(p, &cfg, None, &NoProgress).result
    };
    let trusting = run(false);
    assert!(
        trusting.failures.is_empty(),
        "the planted bug should be hidden from the trusting explorer at depth 2: {:?}",
        trusting.failures
    );
    let audited = run(true);
    let f = audited
        .failures
        .first()
        .expect("the audit finds the scribbled byte");
    assert_eq!(
        f.steps.len(),
        2,
        "a write of /a, then a failing call: {:?}",
        f.steps
    );
    assert!(
        f.message.contains("said its state did not change"),
        "{}",
        f.message
    );
    // The real core's claims hold: audited, it is as green as trusted.
    let p = Parties {
        system: &sys,
        subject: &core,
        reference: &oracle,
        verify_shortcuts: true,
    };
    let honest = session::run(
        p,
        &ExploreConfig {
            depth: 2,
            ..Default::default()
        },
        None,
        &NoProgress,
    );
    assert!(
        honest.result.failures.is_empty(),
        "{:?}",
        honest.result.failures
    );
}
