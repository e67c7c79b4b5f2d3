//! The reference driver: the naive oracle (`crate::oracle::NaiveFs`) with handle slots mapped
//! onto its handle ids. Mirrors the core driver's slot conventions exactly, so both drivers
//! can be compared call by call.

use super::{FsConfig, StorageChoice};
use crate::call::{Call, CallOutcome, ErrKind, Whence};
use crate::engine::system::{Driver, DriverError};
use crate::observation::{NodeObs, Observation, StepValue};
use crate::oracle::{self, HandleId, NaiveFs, OracleConfig, OracleError, StorageMode};
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

    fn handle(&self, slot: u8) -> Result<HandleId, CallOutcome> {
        match self.slots.get(usize::from(slot)) {
            Some(Some(h)) => Ok(*h),
            _ => Err(CallOutcome::Err {
                kind: ErrKind::InvalidInput,
                reason: None,
            }),
        }
    }

    fn run(&mut self, call: &Call) -> CallOutcome {
        let fs = &mut self.fs;
        match call {
            Call::Open {
                slot,
                path,
                mode,
                preallocate,
            } => match fs.open(path, mode, *preallocate) {
                Ok(h) => {
                    let i = usize::from(*slot);
                    if self.slots.len() <= i {
                        self.slots.resize(i + 1, None);
                    }
                    // Reusing a slot closes what it held (as the core driver does).
                    if let Some(old) = self.slots[i].replace(h) {
                        self.fs.close(old);
                    }
                    CallOutcome::Ok(StepValue::Unit)
                }
                Err(e) => err(&e),
            },
            Call::Read { slot, max } => match self.handle(*slot) {
                Ok(h) => val(
                    self.fs
                        .read(h, max.map(|m| usize::try_from(m).unwrap_or(usize::MAX))),
                    StepValue::Bytes,
                ),
                Err(o) => o,
            },
            Call::Write { slot, data } => match self.handle(*slot) {
                Ok(h) => val(self.fs.write(h, data), |n| StepValue::U64(n as u64)),
                Err(o) => o,
            },
            Call::Seek {
                slot,
                whence,
                offset,
            } => {
                let w = match whence {
                    Whence::Start => oracle::Whence::Start,
                    Whence::Current => oracle::Whence::Current,
                    Whence::End => oracle::Whence::End,
                };
                match self.handle(*slot) {
                    Ok(h) => val(self.fs.seek(h, w, *offset), StepValue::U64),
                    Err(o) => o,
                }
            }
            Call::Tell { slot } => match self.handle(*slot) {
                Ok(h) => val(self.fs.tell(h), StepValue::U64),
                Err(o) => o,
            },
            Call::Truncate { slot, size } => match self.handle(*slot) {
                Ok(h) => val(self.fs.truncate(h, *size), StepValue::U64),
                Err(o) => o,
            },
            Call::Close { slot } => {
                if let Ok(h) = self.handle(*slot) {
                    self.fs.close(h);
                }
                CallOutcome::Ok(StepValue::Unit)
            }
            Call::Mkdir { path, exist_ok } => unit(fs.mkdir(path, *exist_ok)),
            Call::Listdir { path } => val(fs.listdir(path), StepValue::Names),
            Call::Exists { path } => CallOutcome::Ok(StepValue::Bool(fs.exists(path))),
            Call::IsDir { path } => CallOutcome::Ok(StepValue::Bool(fs.is_dir(path))),
            Call::IsFile { path } => CallOutcome::Ok(StepValue::Bool(fs.is_file(path))),
            Call::Stat { path } => val(fs.stat(path), |s| StepValue::Stat {
                size: s.size,
                created: s.created,
                modified: s.modified,
                generation: s.generation,
                is_dir: s.is_dir,
            }),
            Call::Stats => CallOutcome::Ok(StepValue::Stats(fs.stats())),
            Call::GetSize { path } => val(fs.get_size(path), StepValue::U64),
            Call::Rename { src, dst } => unit(fs.rename(src, dst)),
            Call::Move { src, dst } => unit(fs.move_path(src, dst)),
            Call::Remove { path } => unit(fs.remove(path)),
            Call::Rmtree { path } => unit(fs.rmtree(path)),
            Call::Copy { src, dst } => unit(fs.copy(src, dst)),
            Call::CopyTree { src, dst } => unit(fs.copy_tree(src, dst)),
            Call::Walk { path } => val(fs.walk(path), StepValue::Walk),
            Call::Glob { pattern } => val(fs.glob(pattern), StepValue::Names),
            Call::ExportTree { prefix, only_dirty } => {
                val(fs.export_tree(prefix, *only_dirty), StepValue::Files)
            }
            Call::ExportAsBytes { path, max_size } => {
                val(fs.export_as_bytesio(path, *max_size), StepValue::Bytes)
            }
            Call::ImportTree { entries } => unit(fs.import_tree(entries)),
        }
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

/// Maps an oracle error onto the harness vocabulary by kind name.
pub fn err(e: &OracleError) -> CallOutcome {
    let kind = ErrKind::parse(e.kind.name()).unwrap_or(ErrKind::InvalidInput);
    CallOutcome::Err {
        kind,
        reason: e.kind.reason().map(|r| r.name().to_string()),
    }
}

fn unit(r: oracle::Result<()>) -> CallOutcome {
    match r {
        Ok(()) => CallOutcome::Ok(StepValue::Unit),
        Err(e) => err(&e),
    }
}

fn val<T>(r: oracle::Result<T>, f: impl FnOnce(T) -> StepValue) -> CallOutcome {
    match r {
        Ok(v) => CallOutcome::Ok(f(v)),
        Err(e) => err(&e),
    }
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
        Ok(self.run(step))
    }

    fn observe(&self) -> Result<Observation, DriverError> {
        Ok(self.fs.observe(&self.slots))
    }

    /// Hash of the observation with timestamps replaced by their rank, plus each file's
    /// storage layout (not observable, but it decides future quota charges).
    fn fingerprint(&self) -> Result<u64, DriverError> {
        let obs = self.fs.observe(&self.slots);
        let mut times: Vec<u64> = Vec::new();
        for n in obs.nodes.values() {
            match n {
                NodeObs::Dir {
                    created, modified, ..
                } => times.extend([*created, *modified]),
                NodeObs::File {
                    created, modified, ..
                } => times.extend([*created, *modified]),
            }
        }
        times.sort_unstable();
        times.dedup();
        let rank = |t: &u64| times.binary_search(t).unwrap_or(usize::MAX);
        let mut h = std::hash::DefaultHasher::new();
        for (p, n) in &obs.nodes {
            p.hash(&mut h);
            match n {
                NodeObs::Dir {
                    children,
                    created,
                    modified,
                } => {
                    0u8.hash(&mut h);
                    children.hash(&mut h);
                    (rank(created), rank(modified)).hash(&mut h);
                }
                NodeObs::File {
                    data,
                    generation,
                    created,
                    modified,
                } => {
                    1u8.hash(&mut h);
                    data.hash(&mut h);
                    generation.hash(&mut h);
                    (rank(created), rank(modified)).hash(&mut h);
                    self.fs.storage_of(p).hash(&mut h);
                }
            }
        }
        obs.stats.hash(&mut h);
        obs.handles.hash(&mut h);
        Ok(h.finish())
    }

    fn fork(&self) -> Result<Self, DriverError> {
        Ok(self.clone())
    }
}
