//! The reference driver: the naive oracle executed through [`OracleExec`], so the core and
//! the oracle can be compared call by call.

use crate::engine::system::{Driver, DriverError};
use crate::fs::call::{Call, CallOutcome};
use crate::fs::config::FsConfig;
use crate::fs::exec::oracle::OracleExec;
use crate::fs::observation::Observation;
use crate::fs::oracle::{HandleId, NaiveFs};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The naive oracle as a [`Driver`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OracleDriver {
    /// Shared by every fork (the explorer forks at every step).
    cfg: Arc<FsConfig>,
    exec: OracleExec,
}

impl OracleDriver {
    /// A fresh oracle built with `cfg`.
    pub fn new(cfg: FsConfig) -> Self {
        Self::with_shared(Arc::new(cfg))
    }

    fn with_shared(cfg: Arc<FsConfig>) -> Self {
        OracleDriver {
            exec: OracleExec::new(NaiveFs::new((&*cfg).into()), cfg.slots),
            cfg,
        }
    }

    /// The oracle filesystem.
    pub fn fs(&self) -> &NaiveFs {
        self.exec.fs()
    }
}

/// A state hash combined with which handle each slot holds (slots decide what is observed).
fn with_slots(h: u64, slots: &[Option<HandleId>]) -> u64 {
    let mut x = std::hash::DefaultHasher::new();
    h.hash(&mut x);
    for s in slots {
        s.map(|h| h.0).hash(&mut x);
    }
    x.finish()
}

impl Driver for OracleDriver {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        "oracle"
    }

    fn reset(&mut self) -> Result<(), DriverError> {
        *self = OracleDriver::with_shared(Arc::clone(&self.cfg));
        Ok(())
    }

    fn set_time(&mut self, t: u64) {
        self.exec.fs_mut().set_now(t);
    }

    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        Ok(self.exec.run(step))
    }

    fn observe(&self) -> Result<Observation, DriverError> {
        Ok(self.exec.observe())
    }

    fn fingerprint(&self) -> Result<u64, DriverError> {
        Ok(with_slots(
            self.exec.fs().fingerprint_relative_time(),
            self.exec.slots(),
        ))
    }

    fn observation_digest(&self) -> Option<u64> {
        Some(with_slots(self.exec.fs().fingerprint(), self.exec.slots()))
    }

    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        // Everything `observe`, `fingerprint` and later calls depend on; the stamp time is
        // set before every step.
        Some(self.cfg == earlier.cfg && self.exec.same_state(&earlier.exec))
    }

    /// Its state comparison and fingerprint cover its whole state.
    fn sees_internal_state(&self) -> bool {
        true
    }

    fn fork(&self) -> Result<Self, DriverError> {
        Ok(self.clone())
    }
}
