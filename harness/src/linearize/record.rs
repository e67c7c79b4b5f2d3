//! Recording histories from the core: a per-thread executor that runs `call::Call`s against a
//! `MemoryFileSystem` (handle slots are thread-owned) and stamps each with monotonic
//! invoke/return instants.

use super::history::Op;
use crate::call::{Call, CallOutcome, ErrKind, Slot, Whence};
use crate::observation::{StatsObs, StepValue};
use memfs_core::{
    BlockReason, FileHandle, LockWait, MemoryFileSystem, MfsError, OpenMode, OpenOptions,
};
use std::collections::HashMap;
use std::io::SeekFrom;
use std::time::Instant;

/// The recorded form of a filesystem operation.
pub type FsOp = Op<Call, CallOutcome>;

/// Maps a core error onto the harness vocabulary (kind by name, `WouldBlock` reason).
pub fn outcome_of_error(e: &MfsError) -> CallOutcome {
    let kind = ErrKind::parse(e.kind().name()).unwrap_or(ErrKind::InvalidInput);
    let reason = match e {
        MfsError::WouldBlock {
            reason: BlockReason::LockTimeout,
            ..
        } => Some("LockTimeout".to_string()),
        MfsError::WouldBlock {
            reason: BlockReason::FileOpen,
            ..
        } => Some("FileOpen".to_string()),
        _ => None,
    };
    CallOutcome::Err { kind, reason }
}

/// Converts core stats to the comparable form.
pub fn stats_obs(s: &memfs_core::Stats) -> StatsObs {
    StatsObs {
        used_bytes: s.used_bytes,
        quota_bytes: s.quota_bytes,
        free_bytes: s.free_bytes,
        file_count: s.file_count,
        dir_count: s.dir_count,
        chunk_count: s.chunk_count,
    }
}

/// Executes calls for one thread against the core, recording every one.
pub struct Recorder<'a> {
    fs: &'a MemoryFileSystem,
    thread: usize,
    epoch: Instant,
    lock_wait: LockWait,
    handles: HashMap<Slot, FileHandle>,
    pub ops: Vec<FsOp>,
}

fn ok<T>(r: Result<T, MfsError>, f: impl FnOnce(T) -> StepValue) -> CallOutcome {
    match r {
        Ok(v) => CallOutcome::Ok(f(v)),
        Err(e) => outcome_of_error(&e),
    }
}

fn unit(r: Result<(), MfsError>) -> CallOutcome {
    ok(r, |()| StepValue::Unit)
}

impl<'a> Recorder<'a> {
    /// A recorder for `thread`; opens wait `lock_wait` for file locks (use a zero wait so a
    /// busy lock is an immediate, sequentially explainable `WouldBlock`).
    pub fn new(
        fs: &'a MemoryFileSystem,
        thread: usize,
        epoch: Instant,
        lock_wait: LockWait,
    ) -> Self {
        Recorder {
            fs,
            thread,
            epoch,
            lock_wait,
            handles: HashMap::new(),
            ops: Vec::new(),
        }
    }

    /// Runs `call`, records it, and returns its outcome.
    pub fn call(&mut self, call: Call) -> CallOutcome {
        let invoke_ns = self.epoch.elapsed().as_nanos() as u64;
        let outcome = self.exec(&call);
        let return_ns = self.epoch.elapsed().as_nanos() as u64;
        self.ops.push(Op {
            thread: self.thread,
            call,
            outcome: outcome.clone(),
            invoke_ns,
            return_ns,
        });
        outcome
    }

    fn handle(&mut self, slot: Slot) -> Result<&mut FileHandle, CallOutcome> {
        self.handles.get_mut(&slot).ok_or(CallOutcome::Err {
            kind: ErrKind::InvalidInput,
            reason: None,
        })
    }

    /// Executes one call without recording it.
    pub fn exec(&mut self, call: &Call) -> CallOutcome {
        let fs = self.fs;
        match call {
            Call::Open {
                slot,
                path,
                mode,
                preallocate,
            } => {
                let mode: OpenMode = match mode.parse() {
                    Ok(m) => m,
                    Err(e) => return outcome_of_error(&e),
                };
                if let Some(mut old) = self.handles.remove(slot) {
                    old.close();
                }
                let opts = OpenOptions::new()
                    .preallocate(*preallocate)
                    .lock_timeout(self.lock_wait);
                match fs.open_with(path, mode, &opts) {
                    Ok(h) => {
                        self.handles.insert(*slot, h);
                        CallOutcome::Ok(StepValue::Unit)
                    }
                    Err(e) => outcome_of_error(&e),
                }
            }
            Call::Read { slot, max } => match self.handle(*slot) {
                Ok(h) => ok(h.read_data(max.map(|m| m as usize)), StepValue::Bytes),
                Err(o) => o,
            },
            Call::Write { slot, data } => match self.handle(*slot) {
                Ok(h) => ok(h.write_data(data), |n| StepValue::U64(n as u64)),
                Err(o) => o,
            },
            Call::Seek {
                slot,
                whence,
                offset,
            } => match self.handle(*slot) {
                Ok(h) => {
                    let pos = match whence {
                        Whence::Start if *offset < 0 => {
                            return CallOutcome::Err {
                                kind: ErrKind::InvalidInput,
                                reason: None,
                            };
                        }
                        Whence::Start => SeekFrom::Start(*offset as u64),
                        Whence::Current => SeekFrom::Current(*offset),
                        Whence::End => SeekFrom::End(*offset),
                    };
                    ok(h.seek_to(pos), StepValue::U64)
                }
                Err(o) => o,
            },
            Call::Tell { slot } => match self.handle(*slot) {
                Ok(h) => ok(h.tell(), StepValue::U64),
                Err(o) => o,
            },
            Call::Truncate { slot, size } => match self.handle(*slot) {
                Ok(h) => ok(h.truncate(*size), StepValue::U64),
                Err(o) => o,
            },
            Call::Close { slot } => match self.handle(*slot) {
                Ok(h) => {
                    h.close();
                    CallOutcome::Ok(StepValue::Unit)
                }
                Err(o) => o,
            },
            Call::Mkdir { path, exist_ok } => unit(fs.mkdir(path, *exist_ok)),
            Call::Listdir { path } => ok(fs.listdir(path), StepValue::Names),
            Call::Exists { path } => CallOutcome::Ok(StepValue::Bool(fs.exists(path))),
            Call::IsDir { path } => CallOutcome::Ok(StepValue::Bool(fs.is_dir(path))),
            Call::IsFile { path } => CallOutcome::Ok(StepValue::Bool(fs.is_file(path))),
            Call::Stat { path } => ok(fs.stat(path), |s| StepValue::Stat {
                size: s.size,
                created: s.created_at.0,
                modified: s.modified_at.0,
                generation: s.generation,
                is_dir: s.is_dir,
            }),
            Call::Stats => CallOutcome::Ok(StepValue::Stats(stats_obs(&fs.stats()))),
            Call::GetSize { path } => ok(fs.get_size(path), StepValue::U64),
            Call::Rename { src, dst } => unit(fs.rename(src, dst)),
            Call::Move { src, dst } => unit(fs.move_path(src, dst)),
            Call::Remove { path } => unit(fs.remove(path)),
            Call::Rmtree { path } => unit(fs.rmtree(path)),
            Call::Copy { src, dst } => unit(fs.copy(src, dst)),
            Call::CopyTree { src, dst } => unit(fs.copy_tree(src, dst)),
            Call::Walk { path } => ok(fs.walk(path), |w| {
                StepValue::Walk(w.into_iter().map(|e| (e.dir, e.dirs, e.files)).collect())
            }),
            Call::Glob { pattern } => ok(fs.glob(pattern), StepValue::Names),
            Call::ExportTree { prefix, only_dirty } => {
                ok(fs.export_tree(prefix, *only_dirty), StepValue::Files)
            }
            Call::ExportAsBytes { path, max_size } => {
                ok(fs.export_as_bytesio(path, *max_size), |c| {
                    StepValue::Bytes(c.into_inner())
                })
            }
            Call::ImportTree { entries } => {
                unit(fs.import_tree(entries.iter().map(|(p, d)| (p.as_str(), d.as_slice()))))
            }
        }
    }

    /// Closes every handle this thread still holds (not recorded).
    pub fn close_all(&mut self) {
        for (_, mut h) in self.handles.drain() {
            h.close();
        }
    }
}
