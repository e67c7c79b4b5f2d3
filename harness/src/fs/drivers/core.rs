//! The driver of the implementation under test: memfs-core behind its public API, executed
//! through [`CoreExec`], with the per-thread step clock and the single namespace lock (one
//! thread that forks and fingerprints at every step: the cheap lock for that).

use super::clock::StepClock;
use crate::engine::system::{Driver, DriverError};
use crate::fs::call::{Call, CallOutcome};
use crate::fs::config::FsConfig;
use crate::fs::exec::core::{self as exec, CoreExec, SlotHandle};
use crate::fs::observation::{HandleObs, LayoutObs, NodeObs, Observation};
use memfs_core::{
    FileHandle, FileLayout, MemoryFileSystem, MfsError, NamespaceLock, OpenMode, StorageKind,
};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// memfs-core as a [`Driver`].
#[derive(Debug)]
pub struct CoreDriver {
    /// Shared by every fork (the explorer forks at every step).
    cfg: Arc<FsConfig>,
    exec: CoreExec,
    /// Memory-guard warnings the filesystem recorded since its build: drained from
    /// `MemoryFileSystem::take_warnings` after the build and after every step, so the
    /// observation shows them (a fork of the filesystem starts without pending ones).
    warnings: u64,
}

impl CoreDriver {
    /// A fresh core built with `cfg`.
    pub fn new(cfg: FsConfig) -> Result<Self, DriverError> {
        let cfg = Arc::new(cfg);
        let exec = CoreExec::new(build(&cfg)?, cfg.slots).with_config(Arc::clone(&cfg));
        let warnings = exec.fs().take_warnings().len() as u64;
        Ok(CoreDriver {
            cfg,
            exec,
            warnings,
        })
    }

    /// Error outcomes carry the core's messages (scenarios check them; off by default, the
    /// explorer never reads them).
    pub fn with_messages(mut self, on: bool) -> Self {
        self.exec = self.exec.with_messages(on);
        self
    }

    /// The filesystem (for wrappers that need more than the `Driver` surface).
    pub fn fs(&self) -> &MemoryFileSystem {
        self.exec.fs()
    }

    /// The handle slots (for wrappers, e.g. a deliberately faulty driver in tests).
    pub fn slots_mut(&mut self) -> &mut Vec<Option<SlotHandle>> {
        self.exec.slots_mut()
    }

    /// A state hash combined with every slot's handle (path, mode, closed, cursor) and the
    /// memory-guard warnings.
    fn with_slots(&self, fs_hash: u64) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        fs_hash.hash(&mut h);
        self.warnings.hash(&mut h);
        for s in self.exec.slots() {
            match s {
                None => 0u8.hash(&mut h),
                Some(s) => {
                    1u8.hash(&mut h);
                    s.handle.path().hash(&mut h);
                    s.handle.mode().hash(&mut h);
                    s.handle.is_closed().hash(&mut h);
                    s.pos().hash(&mut h);
                }
            }
        }
        h.finish()
    }

    /// Contents of every file: read directly, or from a snapshot when a writer lock blocks
    /// reading (a snapshot has no open handles, so no locks).
    fn contents(&self) -> Result<std::collections::BTreeMap<String, Vec<u8>>, DriverError> {
        let fs = self.exec.fs();
        let from_snapshot = || {
            fs.snapshot().export_tree("/", false).map_err(|e| {
                DriverError::new("core", format!("cannot export the tree of a snapshot: {e}"))
            })
        };
        // An open writer blocks the direct export: go to the snapshot at once.
        let writer_open = self
            .exec
            .slots()
            .iter()
            .flatten()
            .any(|s| !s.handle.is_closed() && s.handle.mode() != OpenMode::Read);
        if writer_open {
            return from_snapshot();
        }
        match fs.export_tree("/", false) {
            Ok(m) => Ok(m),
            Err(_) => from_snapshot(),
        }
    }
}

fn build(cfg: &FsConfig) -> Result<MemoryFileSystem, DriverError> {
    // The root is stamped at build time: build at time 0 like the oracle.
    StepClock::set(0);
    exec::builder(cfg)
        .clock(Arc::new(StepClock))
        // One thread, and a fork and fingerprint per step: the single lock is the cheap one.
        .namespace_lock(NamespaceLock::Single)
        .build()
        .map_err(|e| DriverError::new("core", format!("cannot build the filesystem: {e}")))
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

/// The comparable form of the core's `file_layout`: a sequential file's chunk sizes as they
/// are; a random-access file, which the core reports as one buffer of its size (`chunks ==
/// [size]`), as `RandomAccess`. Anything else (another chunk list for a random-access file,
/// the kind `Auto`) cannot be a file's layout: a [`DriverError`].
fn layout_obs(path: &str, l: FileLayout, size: u64) -> Result<LayoutObs, DriverError> {
    match l.kind {
        StorageKind::Sequential => Ok(LayoutObs::Sequential(l.chunks)),
        StorageKind::RandomAccess if l.chunks == [size] => Ok(LayoutObs::RandomAccess),
        kind => Err(DriverError::new(
            "core",
            format!(
                "{path}: file_layout reports {kind:?} with chunks {:?} for a file of {size} bytes (a file is Sequential, or RandomAccess with one buffer of its size)",
                l.chunks
            ),
        )),
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
        let messages = self.exec.messages();
        self.exec.close_all();
        self.exec = CoreExec::new(build(&self.cfg)?, self.cfg.slots)
            .with_messages(messages)
            .with_config(Arc::clone(&self.cfg));
        self.warnings = self.exec.fs().take_warnings().len() as u64;
        Ok(())
    }

    fn set_time(&mut self, t: u64) {
        StepClock::set(t);
    }

    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        let out = self.exec.run(step);
        // Drained even when the call failed: a warning recorded before a later check failed
        // the call stays recorded.
        self.warnings += self.exec.fs().take_warnings().len() as u64;
        out
    }

    fn observe(&self) -> Result<Observation, DriverError> {
        let fs = self.exec.fs();
        let fail = |what: &str, e: MfsError| {
            DriverError::new("core", format!("cannot observe ({what}): {e}"))
        };
        let mut obs = Observation {
            stats: exec::stats_obs(fs),
            warnings: Some(self.warnings),
            ..Default::default()
        };
        let mut contents = self.contents()?;
        let mut layouts = BTreeMap::new();
        for entry in fs.walk("/").map_err(|e| fail("walk /", e))? {
            let st = fs.stat(&entry.dir).map_err(|e| fail("stat", e))?;
            let children = fs.listdir(&entry.dir).map_err(|e| fail("listdir", e))?;
            for f in &entry.files {
                let p = join(&entry.dir, f);
                let fst = fs.stat(&p).map_err(|e| fail("stat", e))?;
                let data = contents.remove(&p).unwrap_or_default();
                let layout = fs.file_layout(&p).map_err(|e| fail("file_layout", e))?;
                layouts.insert(p.clone(), layout_obs(&p, layout, fst.size)?);
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
        obs.layouts = Some(layouts);
        obs.handles = self
            .exec
            .slots()
            .iter()
            .map(|s| {
                s.as_ref().map(|s| HandleObs {
                    path: s.handle.path().to_string(),
                    mode: s.handle.mode().as_str().to_string(),
                    pos: s.pos(),
                    closed: s.handle.is_closed(),
                })
            })
            .collect();
        Ok(obs)
    }

    fn fingerprint(&self) -> Result<u64, DriverError> {
        Ok(self.with_slots(self.exec.fs().fingerprint_relative_time()))
    }

    fn observation_digest(&self) -> Option<u64> {
        Some(self.with_slots(self.exec.fs().fingerprint()))
    }

    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        let (mine, theirs) = (self.exec.slots(), earlier.exec.slots());
        let same_slots = self.cfg == earlier.cfg
            && self.warnings == earlier.warnings
            && mine.len() == theirs.len()
            && mine
                .iter()
                .zip(theirs)
                .all(|(a, b)| a.as_ref().map(|s| s.closed_pos) == b.as_ref().map(|s| s.closed_pos));
        Some(
            same_slots
                && with_handles(mine, |m| {
                    with_handles(theirs, |t| {
                        self.exec.fs().same_as_fork_of(m, earlier.exec.fs(), t)
                    })
                }),
        )
    }

    /// `same_as_fork_of` and the fingerprint compare everything: layout, locks, usage.
    fn sees_internal_state(&self) -> bool {
        true
    }

    fn fork(&self) -> Result<Self, DriverError> {
        let slots = self.exec.slots();
        let (fs, handles) = with_handles(slots, |refs| self.exec.fs().fork(refs))
            .map_err(|e| DriverError::new("core", format!("cannot fork the filesystem: {e}")))?;
        let slots = handles
            .into_iter()
            .zip(slots)
            .map(|(h, old)| {
                h.map(|handle| SlotHandle {
                    handle,
                    closed_pos: old.as_ref().map_or(0, |o| o.closed_pos),
                })
            })
            .collect();
        Ok(CoreDriver {
            cfg: Arc::clone(&self.cfg),
            warnings: self.warnings,
            exec: CoreExec::from_parts(
                fs,
                slots,
                self.exec.messages(),
                self.exec.config().cloned(),
            ),
        })
    }
}
