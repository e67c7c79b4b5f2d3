//! Recording histories from the core: a per-thread executor that runs `call::Call`s against a
//! `MemoryFileSystem` (handle slots are thread-owned) and stamps each with monotonic
//! invoke/return instants.

use super::history::Op;
use crate::call::{Call, CallOutcome, ErrKind, Slot, Whence};
use crate::drivers::core::{apply_namespace_call, invalid};
use crate::observation::StepValue;
use memfs_core::{FileHandle, LockWait, MemoryFileSystem, MfsError, OpenMode, OpenOptions};
use std::collections::HashMap;
use std::io::SeekFrom;
use std::time::Instant;

/// The recorded form of a filesystem operation.
pub type FsOp = Op<Call, CallOutcome>;

/// Maps a core error onto the harness vocabulary (the core driver's mapping).
pub use crate::drivers::core::err as outcome_of_error;

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
        if let Some(o) = apply_namespace_call(self.fs, call) {
            return o;
        }
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
            // Namespace calls were answered by `apply_namespace_call` above.
            _ => invalid(),
        }
    }

    /// Closes every handle this thread still holds (not recorded).
    pub fn close_all(&mut self) {
        for (_, mut h) in self.handles.drain() {
            h.close();
        }
    }
}
