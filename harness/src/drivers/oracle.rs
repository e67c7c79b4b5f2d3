//! The reference driver: the naive oracle (`crate::oracle::NaiveFs`) with handle slots mapped
//! onto its handle ids (`NaiveFs::run` follows the core driver's slot conventions), so both
//! drivers can be compared call by call.

use super::{FsConfig, StorageChoice};
use crate::call::{Call, CallOutcome};
use crate::engine::system::{Driver, DriverError};
use crate::observation::Observation;
use crate::oracle::{HandleId, NaiveFs, OracleConfig, StorageMode};
use std::hash::{Hash, Hasher};

/// The naive oracle as a [`Driver`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OracleDriver {
    cfg: FsConfig,
    fs: NaiveFs,
    slots: Vec<Option<HandleId>>,
}

impl OracleDriver {
    /// A fresh oracle built with `cfg`.
    pub fn new(cfg: FsConfig) -> Self {
        OracleDriver {
            cfg,
            fs: NaiveFs::new(oracle_config(&cfg)),
            slots: vec![None; usize::from(cfg.slots)],
        }
    }

    /// The oracle filesystem.
    pub fn fs(&self) -> &NaiveFs {
        &self.fs
    }
}

fn oracle_config(cfg: &FsConfig) -> OracleConfig {
    OracleConfig {
        quota: cfg.quota,
        chunk_overhead: cfg.chunk_overhead,
        storage: match cfg.storage {
            StorageChoice::Auto => StorageMode::Auto,
            StorageChoice::Sequential => StorageMode::Sequential,
            StorageChoice::RandomAccess => StorageMode::RandomAccess,
        },
        promotion_hard_limit: cfg.promotion_hard_limit,
        max_nodes: cfg.max_nodes,
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
        *self = OracleDriver::new(self.cfg);
        Ok(())
    }

    fn set_time(&mut self, t: u64) {
        self.fs.set_now(t);
    }

    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        Ok(self.fs.run(&mut self.slots, step))
    }

    fn observe(&self) -> Result<Observation, DriverError> {
        Ok(self.fs.observe(&self.slots))
    }

    fn fingerprint(&self) -> Result<u64, DriverError> {
        Ok(with_slots(self.fs.fingerprint_relative_time(), &self.slots))
    }

    fn observation_digest(&self) -> Option<u64> {
        Some(with_slots(self.fs.fingerprint(), &self.slots))
    }

    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        // Everything `observe`, `fingerprint` and later calls depend on; the stamp time is
        // set before every step.
        Some(
            self.cfg == earlier.cfg
                && self.slots == earlier.slots
                && self.fs.same_state(&earlier.fs),
        )
    }

    fn fork(&self) -> Result<Self, DriverError> {
        Ok(self.clone())
    }
}
