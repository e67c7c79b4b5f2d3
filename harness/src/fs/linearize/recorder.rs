//! Recording histories from the core: a per-thread [`CoreExec`] on a shared filesystem (a
//! clone of one `MemoryFileSystem`, so every thread works on the same tree; handle slots are
//! thread-owned) that stamps each call with monotonic invoke/return instants.

use crate::engine::system::DriverError;
use crate::fs::call::{Call, CallOutcome};
use crate::fs::exec::core::CoreExec;
use crate::linearize::Op;
use memfs_core::MemoryFileSystem;
use std::time::Instant;

/// The recorded form of a filesystem operation.
pub type FsOp = Op<Call, CallOutcome>;

/// Executes calls for one thread against the core, recording every one.
#[derive(Debug)]
pub struct Recorder {
    exec: CoreExec,
    thread: usize,
    epoch: Instant,
    pub ops: Vec<FsOp>,
}

impl Recorder {
    /// A recorder for `thread` working on `fs` (another handle to the shared filesystem).
    pub fn new(fs: MemoryFileSystem, thread: usize, epoch: Instant) -> Self {
        Recorder {
            exec: CoreExec::new(fs, 0),
            thread,
            epoch,
            ops: Vec::new(),
        }
    }

    /// Runs `call`, records it, and returns its outcome. A core answer the vocabulary cannot
    /// express ends the recording with that error (the history would not be checkable).
    pub fn call(&mut self, call: Call) -> Result<CallOutcome, DriverError> {
        let invoke_ns = self.epoch.elapsed().as_nanos() as u64;
        let outcome = self.exec.run(&call)?;
        let return_ns = self.epoch.elapsed().as_nanos() as u64;
        self.ops.push(Op {
            thread: self.thread,
            call,
            outcome: outcome.clone(),
            invoke_ns,
            return_ns,
        });
        Ok(outcome)
    }

    /// Executes one call without recording it.
    pub fn exec(&mut self, call: &Call) -> Result<CallOutcome, DriverError> {
        self.exec.run(call)
    }

    /// Closes every handle this thread still holds (not recorded).
    pub fn close_all(&mut self) {
        self.exec.close_all();
    }
}
