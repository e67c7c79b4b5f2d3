//! Filesystem configuration and its builder: quota, chunk overhead, storage kind, limits,
//! default lock timeout, memory guard, and the injectable clock and memory probe.
//! [`FsBuilder::build`] itself is implemented in `fs.rs`, next to the filesystem it constructs.

use crate::clock::{Clock, SystemClock};
use crate::probe::{HostMemoryProbe, MemoryProbe};
use crate::sync::Arc;
use crate::types::LockWait;
use std::time::Duration;

/// Re-exported from [`crate::types`], where the plain value types live, so that
/// `config::StorageKind` keeps naming it.
pub use crate::types::StorageKind;

/// How the namespace lock is built: a trade between many threads entering shared mode at once
/// and the cost of exclusive operations (rename, rmtree, copy, import, snapshot, fork,
/// fingerprint) and of creating a filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NamespaceLock {
    /// One reader-writer lock per shard of threads, each on its own cache line: threads
    /// entering shared mode (open, stat, create in a directory) do not write a shared line,
    /// while an exclusive operation locks every shard and a new filesystem allocates them.
    /// The choice for filesystems used by many threads.
    #[default]
    Sharded,
    /// One reader-writer lock: cheapest to create and for exclusive operations, so the choice
    /// for single-threaded use that forks and fingerprints a lot (model checkers).
    Single,
}

/// When the memory guard checks host memory (semantics §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GuardMode {
    /// Never.
    #[default]
    None,
    /// Once, when the filesystem is built (the quota must fit in available memory).
    Init,
    /// Before every allocation path.
    PerWrite,
}

/// What the memory guard does when memory is short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GuardAction {
    /// Record a warning (see `MemoryFileSystem::take_warnings`) and go on.
    #[default]
    Warn,
    /// Fail with `OutOfMemory`.
    Error,
}

/// Memory guard settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MemoryGuard {
    pub mode: GuardMode,
    pub action: GuardAction,
}

/// Builder for [`MemoryFileSystem`](crate::MemoryFileSystem); every setting has the D-MemFS default.
#[derive(Debug, Clone)]
pub struct FsBuilder {
    /// Hard byte quota (default 256 MiB).
    pub quota: u64,
    /// Overhead charged per sequential chunk (default 128; 0 allowed).
    pub chunk_overhead: u64,
    /// Storage kind of new files (default `Auto`).
    pub storage: StorageKind,
    /// Largest file that may be promoted to random access (default 512 MiB; equality allowed).
    pub promotion_hard_limit: u64,
    /// Maximum number of nodes, the root included (default unlimited).
    pub max_nodes: Option<u64>,
    /// Lock timeout when an open gives none (default 30 s).
    pub default_lock_timeout: LockWait,
    /// Memory guard (default off).
    pub memory_guard: MemoryGuard,
    /// Time source (default the system clock).
    pub clock: Arc<dyn Clock>,
    /// Host memory probe (default cgroup v2, v1, /proc/meminfo).
    pub memory_probe: Arc<dyn MemoryProbe>,
    /// Namespace lock (default sharded); snapshots and forks keep it.
    pub namespace_lock: NamespaceLock,
}

impl Default for FsBuilder {
    fn default() -> Self {
        FsBuilder {
            quota: 256 * 1024 * 1024,
            chunk_overhead: 128,
            storage: StorageKind::Auto,
            promotion_hard_limit: 512 * 1024 * 1024,
            max_nodes: None,
            default_lock_timeout: LockWait::For(Duration::from_secs(30)),
            memory_guard: MemoryGuard::default(),
            clock: Arc::new(SystemClock),
            memory_probe: Arc::new(HostMemoryProbe),
            namespace_lock: NamespaceLock::default(),
        }
    }
}

impl FsBuilder {
    /// Sets the hard byte quota.
    pub fn quota(mut self, bytes: u64) -> Self {
        self.quota = bytes;
        self
    }
    /// Sets the per-chunk overhead of sequential files.
    pub fn chunk_overhead(mut self, bytes: u64) -> Self {
        self.chunk_overhead = bytes;
        self
    }
    /// Sets the storage kind of new files.
    pub fn storage(mut self, kind: StorageKind) -> Self {
        self.storage = kind;
        self
    }
    /// Sets the promotion hard limit.
    pub fn promotion_hard_limit(mut self, bytes: u64) -> Self {
        self.promotion_hard_limit = bytes;
        self
    }
    /// Chooses the namespace lock (see [`NamespaceLock`]).
    pub fn namespace_lock(mut self, kind: NamespaceLock) -> Self {
        self.namespace_lock = kind;
        self
    }
    /// Sets the node limit (root included).
    pub fn max_nodes(mut self, n: u64) -> Self {
        self.max_nodes = Some(n);
        self
    }
    /// Sets the default lock timeout.
    pub fn default_lock_timeout(mut self, w: LockWait) -> Self {
        self.default_lock_timeout = w;
        self
    }
    /// Sets the memory guard.
    pub fn memory_guard(mut self, mode: GuardMode, action: GuardAction) -> Self {
        self.memory_guard = MemoryGuard { mode, action };
        self
    }
    /// Sets the clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    /// Sets the memory probe.
    pub fn memory_probe(mut self, probe: Arc<dyn MemoryProbe>) -> Self {
        self.memory_probe = probe;
        self
    }
    // `build` lives with the filesystem's construction (`fs.rs`): this module stays below it.
}

/// The settings of one filesystem, fixed at build time from an [`FsBuilder`] (crate-internal:
/// what the filesystem keeps of the builder besides the quota).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub overhead: u64,
    pub storage: StorageKind,
    pub hard_limit: u64,
    pub max_nodes: Option<u64>,
    pub default_wait: LockWait,
    pub guard: MemoryGuard,
    pub clock: Arc<dyn Clock>,
    pub probe: Arc<dyn MemoryProbe>,
    pub ns_lock: NamespaceLock,
}
