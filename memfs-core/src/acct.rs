//! What files and handles need from their filesystem: the quota and chunk count they charge,
//! the settings (overhead, storage kind, clock, memory guard) and the guard's warnings. Every
//! file node holds it, so a handle reaches it through its file without touching the
//! filesystem's own reference count (an open or close is then no write to a cache line that
//! every thread shares).

use crate::clock::{Clock, Timestamp};
use crate::config::MemoryGuard;
use crate::probe::MemoryProbe;
use crate::quota::Quota;
use crate::storage::Ctx;
use crate::sync::atomic::AtomicU64;
use crate::sync::{Arc, Mutex};
use crate::types::LockWait;
use crate::types::StorageKind;
use crate::{Result, guard};
use crossbeam_utils::CachePadded;

/// Settings fixed at build time.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub overhead: u64,
    pub storage: StorageKind,
    pub hard_limit: u64,
    pub max_nodes: Option<u64>,
    pub default_wait: LockWait,
    pub guard: MemoryGuard,
    pub clock: Arc<dyn Clock>,
    pub probe: Arc<dyn MemoryProbe>,
    pub ns_lock: crate::config::NamespaceLock,
}

/// Accounting and settings of one filesystem, shared by the filesystem and its files.
/// The two counters every write updates sit on cache lines of their own: reading the
/// settings (every operation) then never misses because another thread just wrote a counter.
#[derive(Debug)]
pub(crate) struct Acct {
    pub quota: CachePadded<Quota>,
    /// Sequential chunks of all files (`stats().chunk_count`).
    pub chunks: CachePadded<AtomicU64>,
    pub cfg: Config,
    pub warnings: Mutex<Vec<String>>,
}

impl Acct {
    /// Accounting for an empty filesystem with a quota of `quota` bytes.
    pub(crate) fn new(cfg: Config, quota: u64) -> Self {
        Acct {
            quota: CachePadded::new(Quota::new(quota, 0)),
            chunks: CachePadded::new(AtomicU64::new(0)),
            cfg,
            warnings: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.cfg.clock.now()
    }

    pub(crate) fn ctx<'a>(&'a self, path: &'a str) -> Ctx<'a> {
        Ctx {
            quota: &self.quota,
            chunks: &self.chunks,
            overhead: self.cfg.overhead,
            hard_limit: self.cfg.hard_limit,
            path,
        }
    }

    /// The memory guard before allocating `n` bytes for `path` (`per_write` mode only).
    pub(crate) fn guard_write(&self, path: &str, n: u64) -> Result<()> {
        if n == 0 || !guard::per_write(self.cfg.guard) {
            return Ok(());
        }
        guard::check(self.cfg.guard, &*self.cfg.probe, &self.warnings, path, n)
    }

    /// The lock wait of bulk readers (copy, export): the default timeout, but never forever
    /// (semantics §7; a `Forever` default becomes D-MemFS's 30 s here).
    pub(crate) fn bulk_wait(&self) -> LockWait {
        match self.cfg.default_wait {
            LockWait::Forever => LockWait::For(std::time::Duration::from_secs(30)),
            w => w,
        }
    }
}
