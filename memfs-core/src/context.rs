//! The filesystem context: what files and handles need from their filesystem, namely the
//! quota and chunk count they charge, the settings (overhead, storage kind, clock, memory
//! guard) and the guard's warnings. Every file node holds it, so a handle reaches it through
//! its file without touching the filesystem's own reference count (an open or close is then no
//! write to a cache line that every thread shares).

use crate::clock::Timestamp;
use crate::config::Settings;
use crate::error::Result;
use crate::memory_guard;
use crate::quota::Quota;
use crate::storage::WriteCtx;
use crate::sync::Mutex;
use crate::sync::atomic::AtomicU64;
use crate::types::LockWait;
use crossbeam_utils::CachePadded;

/// Usage counters, settings and guard warnings of one filesystem, shared by the filesystem and
/// its files.
///
/// The two counters every write updates sit on cache lines of their own: reading the
/// settings (every operation) then never misses because another thread just wrote a counter.
#[derive(Debug)]
pub(crate) struct FsContext {
    pub quota: CachePadded<Quota>,
    /// Sequential chunks of all files (`stats().chunk_count`).
    pub chunks: CachePadded<AtomicU64>,
    pub settings: Settings,
    pub warnings: Mutex<Vec<String>>,
}

impl FsContext {
    /// Accounting for an empty filesystem with a quota of `quota` bytes.
    pub(crate) fn new(settings: Settings, quota: u64) -> Self {
        FsContext {
            quota: CachePadded::new(Quota::new(quota, 0)),
            chunks: CachePadded::new(AtomicU64::new(0)),
            settings,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// The current time of the filesystem's clock.
    pub(crate) fn now(&self) -> Timestamp {
        self.settings.clock.now()
    }

    /// What a change to `path`'s contents charges and reads (quota, chunk count, settings).
    pub(crate) fn write_ctx<'a>(&'a self, path: &'a str) -> WriteCtx<'a> {
        WriteCtx {
            quota: &self.quota,
            chunks: &self.chunks,
            overhead: self.settings.overhead,
            hard_limit: self.settings.hard_limit,
            path,
        }
    }

    /// The memory guard before allocating `n` bytes for `path` (`per_write` mode only).
    pub(crate) fn guard_write(&self, path: &str, n: u64) -> Result<()> {
        if n == 0 || !memory_guard::per_write(self.settings.guard) {
            return Ok(());
        }
        memory_guard::check(
            self.settings.guard,
            &*self.settings.probe,
            &self.warnings,
            path,
            n,
        )
    }

    /// The lock wait of bulk readers (copy, export): the default timeout, but never forever
    /// (semantics §7; a `Forever` default becomes D-MemFS's 30 s here).
    pub(crate) fn bulk_wait(&self) -> LockWait {
        match self.settings.default_wait {
            LockWait::Forever => LockWait::For(std::time::Duration::from_secs(30)),
            w => w,
        }
    }
}
