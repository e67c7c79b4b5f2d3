//! The one place a [`Call`] becomes a naive-oracle call. The explorer's reference driver and
//! the linearizability specification both execute through [`OracleExec`], with the same slot
//! conventions as the core executor (`adapters/PROTOCOL.md`). The oracle itself knows nothing
//! of calls: it keeps its own types, and they meet the vocabulary only here.

use crate::fs::call::{Call, CallOutcome, ErrAmounts, ErrKind, ErrorText, Whence};
use crate::fs::config::{FsConfig, GuardAction, GuardMode, Storage};
use crate::fs::observation::{Observation, StepValue};
use crate::fs::oracle::{
    self, GuardDoes, GuardWhen, HandleId, Kind, MemoryGuard, NaiveFs, OStat, OracleConfig,
    OracleError, StorageMode,
};

impl From<&FsConfig> for OracleConfig {
    fn from(cfg: &FsConfig) -> Self {
        OracleConfig {
            quota: cfg.quota,
            chunk_overhead: cfg.chunk_overhead,
            storage: match cfg.storage {
                Storage::Auto => StorageMode::Auto,
                Storage::Sequential => StorageMode::Sequential,
                Storage::RandomAccess => StorageMode::RandomAccess,
            },
            promotion_hard_limit: cfg.promotion_hard_limit,
            max_nodes: cfg.max_nodes,
            guard: MemoryGuard {
                when: guard_when(cfg.memory_guard),
                does: guard_does(cfg.memory_guard_action),
                // The number the simulated host answers (with `host_root`, the loader checked
                // that the host's files say it): the oracle never reads the machine.
                host_available: cfg.available_memory,
            },
        }
    }
}

fn guard_when(m: GuardMode) -> GuardWhen {
    match m {
        GuardMode::None => GuardWhen::Never,
        GuardMode::Init => GuardWhen::AtBuild,
        GuardMode::PerWrite => GuardWhen::BeforeEachAllocation,
    }
}

fn guard_does(a: GuardAction) -> GuardDoes {
    match a {
        GuardAction::Warn => GuardDoes::Warn,
        GuardAction::Error => GuardDoes::Fail,
    }
}

/// The oracle with handle slots mapped onto its handle ids. `Clone` is a copy-on-write copy of
/// the whole state (the explorer and the linearizability search clone it at every node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OracleExec {
    fs: NaiveFs,
    slots: Vec<Option<HandleId>>,
}

impl OracleExec {
    /// An executor on `fs` with `slots` empty handle slots (more are added on demand).
    pub fn new(fs: NaiveFs, slots: u8) -> Self {
        OracleExec {
            fs,
            slots: vec![None; usize::from(slots)],
        }
    }

    /// The oracle filesystem.
    pub fn fs(&self) -> &NaiveFs {
        &self.fs
    }

    /// The oracle filesystem, to set its clock.
    pub fn fs_mut(&mut self) -> &mut NaiveFs {
        &mut self.fs
    }

    /// Which oracle handle each slot holds.
    pub fn slots(&self) -> &[Option<HandleId>] {
        &self.slots
    }

    /// The complete observable state, slots included.
    pub fn observe(&self) -> Observation {
        self.fs.observe(&self.slots)
    }

    /// Whether both are in the same state (see `NaiveFs::same_state`); exact.
    pub fn same_state(&self, other: &OracleExec) -> bool {
        self.slots == other.slots && self.fs.same_state(&other.fs)
    }

    /// Executes one call. `IterExportTree` is `export_tree`: one thread cannot remove an entry
    /// while its own lazy export runs, so the two are the same sequentially.
    pub fn run(&mut self, call: &Call) -> CallOutcome {
        let fs = &mut self.fs;
        let slot = |slots: &[Option<HandleId>], s: u8| slots.get(usize::from(s)).copied().flatten();
        match call {
            Call::Open {
                slot: s,
                path,
                mode,
                preallocate,
                // The oracle never waits: a conflict is `WouldBlock` at once, which is what any
                // timeout gives a single thread.
                lock_timeout_ms: _,
            } => match fs.open(path, mode, *preallocate) {
                Ok(h) => {
                    let i = usize::from(*s);
                    if self.slots.len() <= i {
                        self.slots.resize(i + 1, None);
                    }
                    // After the open, so the old handle's lock still counted during it.
                    if let Some(old) = self.slots[i].replace(h) {
                        fs.close(old);
                    }
                    CallOutcome::Ok(StepValue::Unit)
                }
                Err(e) => outcome_of(&e),
            },
            Call::Close { slot: s } => {
                if let Some(h) = slot(&self.slots, *s) {
                    fs.close(h);
                }
                CallOutcome::Ok(StepValue::Unit)
            }
            Call::Read { slot: s, max } => match slot(&self.slots, *s) {
                Some(h) => {
                    let max = max.map(|m| usize::try_from(m).unwrap_or(usize::MAX));
                    value(fs.read(h, max), StepValue::Bytes)
                }
                None => no_handle(),
            },
            Call::ReadInto { slot: s, size } => match slot(&self.slots, *s) {
                Some(h) => value(fs.read_into(h, *size), StepValue::Bytes),
                None => no_handle(),
            },
            Call::Write { slot: s, data } => match slot(&self.slots, *s) {
                Some(h) => value(fs.write(h, data), |n| StepValue::U64(n as u64)),
                None => no_handle(),
            },
            Call::Seek {
                slot: s,
                whence,
                offset,
            } => match slot(&self.slots, *s) {
                Some(h) => {
                    let w = match whence {
                        Whence::Start => oracle::Whence::Start,
                        Whence::Current => oracle::Whence::Current,
                        Whence::End => oracle::Whence::End,
                    };
                    value(fs.seek(h, w, *offset), StepValue::U64)
                }
                None => no_handle(),
            },
            Call::Tell { slot: s } => match slot(&self.slots, *s) {
                Some(h) => value(fs.tell(h), StepValue::U64),
                None => no_handle(),
            },
            Call::Truncate { slot: s, size } => match slot(&self.slots, *s) {
                Some(h) => value(fs.truncate(h, *size), StepValue::U64),
                None => no_handle(),
            },
            Call::Mkdir { path, exist_ok } => unit(fs.mkdir(path, *exist_ok)),
            Call::Listdir { path } => value(fs.listdir(path), StepValue::Names),
            Call::Exists { path } => CallOutcome::Ok(StepValue::Bool(fs.exists(path))),
            Call::IsDir { path } => CallOutcome::Ok(StepValue::Bool(fs.is_dir(path))),
            Call::IsFile { path } => CallOutcome::Ok(StepValue::Bool(fs.is_file(path))),
            Call::Stat { path } => value(fs.stat(path), stat_value),
            Call::Stats => CallOutcome::Ok(StepValue::Stats(fs.stats())),
            Call::GetSize { path } => value(fs.get_size(path), StepValue::U64),
            Call::Rename { src, dst } => unit(fs.rename(src, dst)),
            Call::Move { src, dst } => unit(fs.move_path(src, dst)),
            Call::Remove { path } => unit(fs.remove(path)),
            Call::Rmtree { path } => unit(fs.rmtree(path)),
            Call::Copy { src, dst } => unit(fs.copy(src, dst)),
            Call::CopyTree { src, dst } => unit(fs.copy_tree(src, dst)),
            Call::Walk { path } => value(fs.walk(path), StepValue::Walk),
            Call::Glob { pattern } => value(fs.glob(pattern), StepValue::Names),
            Call::ExportTree { prefix, only_dirty }
            | Call::IterExportTree { prefix, only_dirty } => {
                value(fs.export_tree(prefix, *only_dirty), StepValue::Files)
            }
            Call::ExportAsBytes { path, max_size } => {
                value(fs.export_as_bytesio(path, *max_size), StepValue::Bytes)
            }
            Call::ImportTree { entries } => unit(fs.import_tree(entries)),
            Call::Build {
                quota,
                memory_guard,
                memory_guard_action,
            } => value(
                fs.try_build(
                    quota.unwrap_or(fs.config().quota),
                    guard_when(*memory_guard),
                    guard_does(*memory_guard_action),
                ),
                StepValue::U64,
            ),
        }
    }
}

fn stat_value(s: OStat) -> StepValue {
    StepValue::Stat {
        size: s.size,
        created: s.created,
        modified: s.modified,
        generation: s.generation,
        is_dir: s.is_dir,
    }
}

/// The vocabulary's kind of an oracle error kind (exhaustive: both are ours).
pub fn kind_of(k: &Kind) -> ErrKind {
    match k {
        Kind::NotFound => ErrKind::NotFound,
        Kind::AlreadyExists => ErrKind::AlreadyExists,
        Kind::IsADirectory => ErrKind::IsADirectory,
        Kind::NotADirectory => ErrKind::NotADirectory,
        Kind::WouldBlock(_) => ErrKind::WouldBlock,
        Kind::InvalidInput => ErrKind::InvalidInput,
        Kind::Unsupported => ErrKind::Unsupported,
        Kind::QuotaExceeded { .. } => ErrKind::QuotaExceeded,
        Kind::NodeLimitExceeded { .. } => ErrKind::NodeLimitExceeded,
        Kind::OutOfMemory => ErrKind::OutOfMemory,
    }
}

/// The outcome of an oracle error: its kind, the `WouldBlock` reason and a quota error's
/// amounts (no message: the oracle's outcomes are compared, never shown as the subject's
/// words).
pub fn outcome_of(e: &OracleError) -> CallOutcome {
    let amounts = match e.kind {
        Kind::QuotaExceeded {
            requested,
            available,
        } => Some(ErrAmounts::Quota {
            requested,
            available,
        }),
        Kind::NodeLimitExceeded { current, limit } => Some(ErrAmounts::Nodes { current, limit }),
        _ => None,
    };
    CallOutcome::Err {
        kind: kind_of(&e.kind),
        reason: e.kind.reason().map(|r| r.name().to_string()),
        amounts,
        path: Some(e.path.clone()),
        message: ErrorText::default(),
    }
}

fn no_handle() -> CallOutcome {
    CallOutcome::err(ErrKind::InvalidInput, None)
}

fn unit(r: oracle::Result<()>) -> CallOutcome {
    value(r, |()| StepValue::Unit)
}

fn value<T>(r: oracle::Result<T>, f: impl FnOnce(T) -> StepValue) -> CallOutcome {
    match r {
        Ok(v) => CallOutcome::Ok(f(v)),
        Err(e) => outcome_of(&e),
    }
}

#[cfg(test)]
#[path = "oracle_tests.rs"]
mod tests;
