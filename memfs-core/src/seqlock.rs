//! The stats seqlock: consistent `stats` without excluding writers. Shared-mode changes that
//! move the file count and the usage together (a remove, a create with preallocation) are
//! bracketed, and `stats` retries until it has read both with no bracketed change in progress
//! or completed meanwhile (a seqlock with many writers). Changes to one counter alone need no bracket: a single
//! atomic update is seen wholly or not at all.

use crate::sync::atomic::{AtomicU64, Ordering, Ordering::SeqCst, fence};

/// The bracket counters of the seqlock; see the module documentation.
#[derive(Debug, Default)]
pub(crate) struct SeqLock {
    /// Bracketed changes in progress.
    busy: AtomicU64,
    /// Bracketed changes completed.
    epoch: AtomicU64,
}

impl SeqLock {
    /// Runs `f`, a change of several counters, inside a bracket.
    pub(crate) fn write<R>(&self, f: impl FnOnce() -> R) -> R {
        self.busy.fetch_add(1, SeqCst);
        // Pairs with the acquire fence in `read`: a reader that sees any store of `f` also
        // sees this bracket open (the counters themselves are updated with relaxed order).
        fence(Ordering::Release);
        let r = f();
        self.epoch.fetch_add(1, SeqCst);
        self.busy.fetch_sub(1, SeqCst);
        r
    }

    /// Runs `f` (reads of several counters) until no bracketed change overlapped it. A change
    /// that started before the first check is still in progress there; one that started after
    /// it either is still in progress at the second check or has moved the epoch.
    pub(crate) fn read<R>(&self, mut f: impl FnMut() -> R) -> R {
        loop {
            let epoch = self.epoch.load(SeqCst);
            if self.busy.load(SeqCst) == 0 {
                let r = f();
                fence(Ordering::Acquire);
                if self.busy.load(SeqCst) == 0 && self.epoch.load(SeqCst) == epoch {
                    return r;
                }
            }
            // Brackets are a few atomic operations long: let the writer finish.
            crate::sync::yield_now();
        }
    }
}
