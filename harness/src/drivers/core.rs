//! The driver of the implementation under test: memfs-core behind its public API, with the
//! per-thread step clock, lock timeout 0 (the explorer is single-threaded, so any conflict is
//! an immediate `WouldBlock`) and handle slots holding `FileHandle`s.

use super::FsConfig;
use super::StorageChoice;
use super::clock::StepClock;
use crate::call::{Call, CallOutcome, ErrKind, Whence};
use crate::engine::system::{Driver, DriverError};
use crate::observation::{HandleObs, NodeObs, Observation, StatsObs, StepValue};
use memfs_core::{
    FileHandle, LockWait, MemoryFileSystem, MfsError, NamespaceLock, OpenMode, OpenOptions,
    StorageKind,
};
use std::hash::{Hash, Hasher};
use std::io::SeekFrom;
use std::sync::Arc;
use std::time::Duration;

/// One handle slot: the handle and, once closed, where its cursor was (a closed handle can no
/// longer be asked, but the observation still shows its last position).
#[derive(Debug)]
pub struct SlotHandle {
    pub handle: FileHandle,
    pub closed_pos: u64,
}

/// memfs-core as a [`Driver`].
#[derive(Debug)]
pub struct CoreDriver {
    cfg: FsConfig,
    fs: MemoryFileSystem,
    slots: Vec<Option<SlotHandle>>,
}

impl CoreDriver {
    /// A fresh core built with `cfg`.
    pub fn new(cfg: FsConfig) -> Result<Self, DriverError> {
        Ok(CoreDriver {
            cfg,
            fs: build(&cfg)?,
            slots: empty_slots(&cfg),
        })
    }

    /// The filesystem (for wrappers that need more than the `Driver` surface).
    pub fn fs(&self) -> &MemoryFileSystem {
        &self.fs
    }

    /// The handle slots (for wrappers, e.g. a deliberately faulty driver in tests).
    pub fn slots_mut(&mut self) -> &mut Vec<Option<SlotHandle>> {
        &mut self.slots
    }

    /// A state hash combined with every slot's handle (path, mode, closed, cursor).
    fn with_slots(&self, fs_hash: u64) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        fs_hash.hash(&mut h);
        for s in &self.slots {
            match s {
                None => 0u8.hash(&mut h),
                Some(s) => {
                    let closed = s.handle.is_closed();
                    1u8.hash(&mut h);
                    s.handle.path().hash(&mut h);
                    s.handle.mode().hash(&mut h);
                    closed.hash(&mut h);
                    if closed {
                        s.closed_pos
                    } else {
                        s.handle.tell().unwrap_or(0)
                    }
                    .hash(&mut h);
                }
            }
        }
        h.finish()
    }

    fn handle(&mut self, slot: u8) -> Result<&mut FileHandle, CallOutcome> {
        match self.slots.get_mut(usize::from(slot)) {
            Some(Some(s)) => Ok(&mut s.handle),
            _ => Err(CallOutcome::Err {
                kind: ErrKind::InvalidInput,
                reason: None,
            }),
        }
    }

    fn run(&mut self, call: &Call) -> CallOutcome {
        if let Some(o) = apply_namespace_call(&self.fs, call) {
            return o;
        }
        let fs = &self.fs;
        match call {
            Call::Open {
                slot,
                path,
                mode,
                preallocate,
            } => {
                let Ok(mode) = mode.parse::<OpenMode>() else {
                    return invalid();
                };
                let opts = OpenOptions {
                    preallocate: *preallocate,
                    lock_timeout: None,
                };
                match fs.open_with(path, mode, &opts) {
                    Ok(h) => {
                        let i = usize::from(*slot);
                        if self.slots.len() <= i {
                            self.slots.resize_with(i + 1, || None);
                        }
                        // Reusing a slot closes what it held, like rebinding a Python variable.
                        if let Some(mut old) = self.slots[i].take() {
                            old.handle.close();
                        }
                        self.slots[i] = Some(SlotHandle {
                            handle: h,
                            closed_pos: 0,
                        });
                        CallOutcome::Ok(StepValue::Unit)
                    }
                    Err(e) => err(&e),
                }
            }
            Call::Read { slot, max } => match self.handle(*slot) {
                Ok(h) => val(
                    h.read_data(max.map(|m| usize::try_from(m).unwrap_or(usize::MAX))),
                    StepValue::Bytes,
                ),
                Err(o) => o,
            },
            Call::Write { slot, data } => match self.handle(*slot) {
                Ok(h) => val(h.write_data(data), |n| StepValue::U64(n as u64)),
                Err(o) => o,
            },
            Call::Seek {
                slot,
                whence,
                offset,
            } => {
                let pos = match whence {
                    Whence::Start => match u64::try_from(*offset) {
                        Ok(o) => SeekFrom::Start(o),
                        // SeekFrom::Start cannot express a negative target: that is the error
                        // the core would give.
                        Err(_) => return invalid(),
                    },
                    Whence::Current => SeekFrom::Current(*offset),
                    Whence::End => SeekFrom::End(*offset),
                };
                match self.handle(*slot) {
                    Ok(h) => val(h.seek_to(pos), StepValue::U64),
                    Err(o) => o,
                }
            }
            Call::Tell { slot } => match self.handle(*slot) {
                Ok(h) => val(h.tell(), StepValue::U64),
                Err(o) => o,
            },
            Call::Truncate { slot, size } => match self.handle(*slot) {
                Ok(h) => val(h.truncate(*size), StepValue::U64),
                Err(o) => o,
            },
            Call::Close { slot } => {
                if let Some(Some(s)) = self.slots.get_mut(usize::from(*slot)) {
                    if !s.handle.is_closed() {
                        s.closed_pos = s.handle.tell().unwrap_or(0);
                    }
                    s.handle.close();
                }
                CallOutcome::Ok(StepValue::Unit)
            }
            // Namespace calls were answered by `apply_namespace_call` above.
            _ => invalid(),
        }
    }

    /// Contents of every file: read directly, or from a snapshot when a writer lock blocks
    /// reading (a snapshot has no open handles, so no locks).
    fn contents(&self) -> Result<std::collections::BTreeMap<String, Vec<u8>>, DriverError> {
        let from_snapshot = || {
            self.fs.snapshot().export_tree("/", false).map_err(|e| {
                DriverError::new("core", format!("cannot export the tree of a snapshot: {e}"))
            })
        };
        // An open writer blocks the direct export: go to the snapshot at once.
        let writer_open = self
            .slots
            .iter()
            .flatten()
            .any(|s| !s.handle.is_closed() && s.handle.mode() != OpenMode::Read);
        if writer_open {
            return from_snapshot();
        }
        match self.fs.export_tree("/", false) {
            Ok(m) => Ok(m),
            Err(_) => from_snapshot(),
        }
    }
}

fn build(cfg: &FsConfig) -> Result<MemoryFileSystem, DriverError> {
    // The root is stamped at build time: build at time 0 like the oracle.
    StepClock::set(0);
    let storage = match cfg.storage {
        StorageChoice::Auto => StorageKind::Auto,
        StorageChoice::Sequential => StorageKind::Sequential,
        StorageChoice::RandomAccess => StorageKind::RandomAccess,
    };
    let mut b = MemoryFileSystem::builder()
        .quota(cfg.quota)
        .chunk_overhead(cfg.chunk_overhead)
        .storage(storage)
        .promotion_hard_limit(cfg.promotion_hard_limit)
        .default_lock_timeout(LockWait::For(Duration::from_millis(cfg.lock_timeout_ms)))
        .clock(Arc::new(StepClock))
        // One thread, and a fork and fingerprint per step: the single lock is the cheap one.
        .namespace_lock(NamespaceLock::Single);
    if let Some(n) = cfg.max_nodes {
        b = b.max_nodes(n);
    }
    b.build()
        .map_err(|e| DriverError::new("core", format!("cannot build the filesystem: {e}")))
}

/// Executes a call that needs no handle slot on `fs` (every namespace, query and transfer
/// call); `None` for handle calls, which need the caller's slots. Shared by this driver and
/// the linearizability recorder so both speak the call vocabulary identically.
pub fn apply_namespace_call(fs: &MemoryFileSystem, call: &Call) -> Option<CallOutcome> {
    Some(match call {
        Call::Open { .. }
        | Call::Read { .. }
        | Call::Write { .. }
        | Call::Seek { .. }
        | Call::Tell { .. }
        | Call::Truncate { .. }
        | Call::Close { .. } => return None,
        Call::Mkdir { path, exist_ok } => unit(fs.mkdir(path, *exist_ok)),
        Call::Listdir { path } => val(fs.listdir(path), StepValue::Names),
        Call::Exists { path } => CallOutcome::Ok(StepValue::Bool(fs.exists(path))),
        Call::IsDir { path } => CallOutcome::Ok(StepValue::Bool(fs.is_dir(path))),
        Call::IsFile { path } => CallOutcome::Ok(StepValue::Bool(fs.is_file(path))),
        Call::Stat { path } => val(fs.stat(path), |s| StepValue::Stat {
            size: s.size,
            created: s.created_at.0,
            modified: s.modified_at.0,
            generation: s.generation,
            is_dir: s.is_dir,
        }),
        Call::Stats => CallOutcome::Ok(StepValue::Stats(stats_obs(fs))),
        Call::GetSize { path } => val(fs.get_size(path), StepValue::U64),
        Call::Rename { src, dst } => unit(fs.rename(src, dst)),
        Call::Move { src, dst } => unit(fs.move_path(src, dst)),
        Call::Remove { path } => unit(fs.remove(path)),
        Call::Rmtree { path } => unit(fs.rmtree(path)),
        Call::Copy { src, dst } => unit(fs.copy(src, dst)),
        Call::CopyTree { src, dst } => unit(fs.copy_tree(src, dst)),
        Call::Walk { path } => val(fs.walk(path), |w| {
            StepValue::Walk(w.into_iter().map(|e| (e.dir, e.dirs, e.files)).collect())
        }),
        Call::Glob { pattern } => val(fs.glob(pattern), StepValue::Names),
        Call::ExportTree { prefix, only_dirty } => {
            val(fs.export_tree(prefix, *only_dirty), StepValue::Files)
        }
        Call::ExportAsBytes { path, max_size } => val(fs.export_as_bytesio(path, *max_size), |c| {
            StepValue::Bytes(c.into_inner())
        }),
        Call::ImportTree { entries } => {
            unit(fs.import_tree(entries.iter().map(|(p, b)| (p.as_str(), b.as_slice()))))
        }
    })
}

/// Calls `f` with the slots' handles, on the stack for the usual few slots.
fn with_handles<R>(slots: &[Option<SlotHandle>], f: impl FnOnce(&[Option<&FileHandle>]) -> R) -> R {
    const INLINE: usize = 8;
    fn handle(s: &Option<SlotHandle>) -> Option<&FileHandle> {
        s.as_ref().map(|s| &s.handle)
    }
    if slots.len() <= INLINE {
        let mut refs: [Option<&FileHandle>; INLINE] = [None; INLINE];
        for (r, s) in refs.iter_mut().zip(slots) {
            *r = handle(s);
        }
        f(&refs[..slots.len()])
    } else {
        let refs: Vec<Option<&FileHandle>> = slots.iter().map(handle).collect();
        f(&refs)
    }
}

fn empty_slots(cfg: &FsConfig) -> Vec<Option<SlotHandle>> {
    (0..cfg.slots).map(|_| None).collect()
}

/// Maps a core error onto the harness vocabulary by kind name.
pub fn err(e: &MfsError) -> CallOutcome {
    let kind = ErrKind::parse(e.kind().name()).unwrap_or(ErrKind::InvalidInput);
    let reason = match e {
        MfsError::WouldBlock { reason, .. } => Some(
            match reason {
                memfs_core::BlockReason::LockTimeout => "LockTimeout",
                memfs_core::BlockReason::FileOpen => "FileOpen",
            }
            .to_string(),
        ),
        _ => None,
    };
    CallOutcome::Err { kind, reason }
}

/// The outcome of a call the system under test must reject as invalid input.
pub fn invalid() -> CallOutcome {
    CallOutcome::Err {
        kind: ErrKind::InvalidInput,
        reason: None,
    }
}

fn unit(r: memfs_core::Result<()>) -> CallOutcome {
    match r {
        Ok(()) => CallOutcome::Ok(StepValue::Unit),
        Err(e) => err(&e),
    }
}

fn val<T>(r: memfs_core::Result<T>, f: impl FnOnce(T) -> StepValue) -> CallOutcome {
    match r {
        Ok(v) => CallOutcome::Ok(f(v)),
        Err(e) => err(&e),
    }
}

/// The comparable form of the core's `stats()`.
pub fn stats_obs(fs: &MemoryFileSystem) -> StatsObs {
    let s = fs.stats();
    StatsObs {
        used_bytes: s.used_bytes,
        quota_bytes: s.quota_bytes,
        free_bytes: s.free_bytes,
        file_count: s.file_count,
        dir_count: s.dir_count,
        chunk_count: s.chunk_count,
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

impl Driver for CoreDriver {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        "core"
    }

    fn reset(&mut self) -> Result<(), DriverError> {
        self.slots.clear();
        self.fs = build(&self.cfg)?;
        self.slots = empty_slots(&self.cfg);
        Ok(())
    }

    fn set_time(&mut self, t: u64) {
        StepClock::set(t);
    }

    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        Ok(self.run(step))
    }

    fn observe(&self) -> Result<Observation, DriverError> {
        let fail = |what: &str, e: MfsError| {
            DriverError::new("core", format!("cannot observe ({what}): {e}"))
        };
        let mut obs = Observation {
            stats: stats_obs(&self.fs),
            ..Default::default()
        };
        let mut contents = self.contents()?;
        for entry in self.fs.walk("/").map_err(|e| fail("walk /", e))? {
            let st = self.fs.stat(&entry.dir).map_err(|e| fail("stat", e))?;
            let children = self
                .fs
                .listdir(&entry.dir)
                .map_err(|e| fail("listdir", e))?;
            for f in &entry.files {
                let p = join(&entry.dir, f);
                let fst = self.fs.stat(&p).map_err(|e| fail("stat", e))?;
                let data = contents.remove(&p).unwrap_or_default();
                obs.nodes.insert(
                    p,
                    NodeObs::File {
                        data,
                        generation: fst.generation,
                        created: fst.created_at.0,
                        modified: fst.modified_at.0,
                    },
                );
            }
            obs.nodes.insert(
                entry.dir,
                NodeObs::Dir {
                    children,
                    created: st.created_at.0,
                    modified: st.modified_at.0,
                },
            );
        }
        obs.handles = self
            .slots
            .iter()
            .map(|s| {
                s.as_ref().map(|s| {
                    let closed = s.handle.is_closed();
                    HandleObs {
                        path: s.handle.path().to_string(),
                        mode: s.handle.mode().as_str().to_string(),
                        pos: if closed {
                            s.closed_pos
                        } else {
                            s.handle.tell().unwrap_or(0)
                        },
                        closed,
                    }
                })
            })
            .collect();
        Ok(obs)
    }

    fn fingerprint(&self) -> Result<u64, DriverError> {
        Ok(self.with_slots(self.fs.fingerprint_relative_time()))
    }

    fn observation_digest(&self) -> Option<u64> {
        Some(self.with_slots(self.fs.fingerprint()))
    }

    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        let same_slots =
            self.cfg == earlier.cfg
                && self.slots.len() == earlier.slots.len()
                && self.slots.iter().zip(&earlier.slots).all(|(a, b)| {
                    a.as_ref().map(|s| s.closed_pos) == b.as_ref().map(|s| s.closed_pos)
                });
        Some(
            same_slots
                && with_handles(&self.slots, |mine| {
                    with_handles(&earlier.slots, |theirs| {
                        self.fs.same_as_fork_of(mine, &earlier.fs, theirs)
                    })
                }),
        )
    }

    fn fork(&self) -> Result<Self, DriverError> {
        let (fs, handles) = with_handles(&self.slots, |refs| self.fs.fork(refs))
            .map_err(|e| DriverError::new("core", format!("cannot fork the filesystem: {e}")))?;
        let slots = handles
            .into_iter()
            .zip(&self.slots)
            .map(|(h, old)| {
                h.map(|handle| SlotHandle {
                    handle,
                    closed_pos: old.as_ref().map_or(0, |o| o.closed_pos),
                })
            })
            .collect();
        Ok(CoreDriver {
            cfg: self.cfg,
            fs,
            slots,
        })
    }
}
