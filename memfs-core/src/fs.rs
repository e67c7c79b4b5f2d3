//! The filesystem handle and what every operation shares: [`MemoryFileSystem`] (a handle to an
//! `Arc<Shared>`), the shared state (namespace lock, context), construction from an
//! [`FsBuilder`], and the helpers several operation modules use (the two namespace locking
//! modes, the node-limit check, `pin`). The public operations are `impl MemoryFileSystem`
//! blocks in their own modules (see the module map in the crate documentation); this module
//! depends on none of them.
//!
//! API CONTRACT (pinned; implementations may add private items and split modules, but must keep
//! the signatures of `MemoryFileSystem`'s public methods, wherever their `impl` block lives).

use crate::config::{FsBuilder, GuardMode, NamespaceLock, Settings};
use crate::context::FsContext;
use crate::error::{MfsError, Result};
use crate::file_lock::Access;
use crate::file_node::FileNode;
use crate::memory_guard;
use crate::namespace::Tree;
use crate::sync::{Arc, Mutex, ShardableReadGuard, ShardableRwLock, ShardableWriteGuard, lock};
use crate::types::LockWait;
use crossbeam_utils::CachePadded;

/// Everything one filesystem owns: the namespace and, shared with its files (and through
/// them its handles), the context (usage counters, settings, warnings).
///
/// Lock order: `namespace`, then directories top-down (shared mode, see
/// [`crate::namespace`]), then a file's lock state or data mutex; never two files' data
/// mutexes at once; nobody waits for a file lock while holding `namespace` or a directory.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Usage, settings, warnings (`Deref` reaches them: `sh.quota`, `sh.settings`). Padded: read
    /// on every operation, it must not share a line with the namespace lock's word.
    pub context: CachePadded<Arc<FsContext>>,
    /// The namespace: read-locked by the hot paths (shared mode), write-locked by everything
    /// that moves, removes or copies (exclusive mode).
    pub namespace: ShardableRwLock<Tree>,
}

impl std::ops::Deref for Shared {
    type Target = FsContext;
    fn deref(&self) -> &FsContext {
        &self.context
    }
}

impl Shared {
    /// The namespace in shared mode (see [`crate::namespace`]).
    pub(crate) fn ns_read(&self) -> ShardableReadGuard<'_, Tree> {
        self.namespace.read()
    }

    /// The namespace in exclusive mode.
    pub(crate) fn ns_write(&self) -> ShardableWriteGuard<'_, Tree> {
        self.namespace.write()
    }

    /// `NodeLimitExceeded` if `needed` more nodes do not fit in `tree`.
    pub(crate) fn check_nodes(&self, tree: &Tree, needed: u64, path: &str) -> Result<()> {
        match self.settings.max_nodes {
            Some(limit) if needed > 0 && tree.nodes() + needed > limit => {
                Err(MfsError::NodeLimitExceeded {
                    path: path.to_string(),
                    current: tree.nodes(),
                    limit,
                })
            }
            _ => Ok(()),
        }
    }

    /// Takes `access` on the file `validate` designates, without holding the namespace lock while
    /// waiting. `validate` runs under the namespace lock and returns the file (or `None`: gone,
    /// nothing to do); after a wait it runs again and the file must be the one we locked.
    pub(crate) fn pin<F>(
        &self,
        access: Access,
        wait: LockWait,
        path: &str,
        mut validate: F,
    ) -> Result<Option<Arc<FileNode>>>
    where
        F: FnMut(&mut Tree) -> Result<Option<Arc<FileNode>>>,
    {
        let mut held: Option<Arc<FileNode>> = None;
        loop {
            let mut tree = self.ns_write();
            let found = validate(&mut tree);
            let node = match found {
                Ok(Some(n)) => n,
                other => {
                    drop(tree);
                    if let Some(h) = held {
                        h.lock.release(access);
                    }
                    return other;
                }
            };
            if let Some(h) = held.take() {
                if Arc::ptr_eq(&h, &node) {
                    return Ok(Some(node));
                }
                h.lock.release(access);
            }
            if node.lock.try_acquire(access) {
                return Ok(Some(node));
            }
            drop(tree);
            if !node.lock.acquire(access, wait) {
                return Err(MfsError::lock_timeout(path));
            }
            held = Some(node);
        }
    }
}

impl FsBuilder {
    /// Builds the filesystem; fails with `OutOfMemory` only under `GuardMode::Init` + `Error`.
    pub fn build(self) -> Result<MemoryFileSystem> {
        let b = self;
        if b.memory_guard.mode == GuardMode::Init {
            let warnings = Mutex::new(Vec::new());
            memory_guard::check(b.memory_guard, &*b.memory_probe, &warnings, "/", b.quota)?;
            let fs = MemoryFileSystem::build_unchecked(b);
            *lock(&fs.inner.warnings) = std::mem::take(&mut *lock(&warnings));
            return Ok(fs);
        }
        Ok(MemoryFileSystem::build_unchecked(b))
    }
}

/// A thread-safe in-memory filesystem (`Send + Sync`).
///
/// A `MemoryFileSystem` is a handle to shared state: [`Clone`] gives another handle to the
/// *same* filesystem (one reference-count increment; a change through either is seen through
/// both, like sharing it with `Arc`). To get an independent copy of the contents use
/// [`MemoryFileSystem::snapshot`] or [`MemoryFileSystem::fork`], which build a separate
/// filesystem that changes on its own.
#[derive(Debug, Clone)]
pub struct MemoryFileSystem {
    pub(crate) inner: Arc<Shared>,
}

impl Default for MemoryFileSystem {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryFileSystem {
    /// A filesystem with every default setting.
    pub fn new() -> Self {
        Self::build_unchecked(FsBuilder::default())
    }

    /// A builder to choose quota, limits, clock, ...
    pub fn builder() -> FsBuilder {
        FsBuilder::default()
    }

    /// The filesystem `b` describes, without the memory guard's build-time check.
    fn build_unchecked(b: FsBuilder) -> Self {
        let settings = Settings {
            overhead: b.chunk_overhead,
            storage: b.storage,
            hard_limit: b.promotion_hard_limit,
            max_nodes: b.max_nodes,
            default_wait: b.default_lock_timeout,
            guard: b.memory_guard,
            clock: b.clock,
            probe: b.memory_probe,
            ns_lock: b.namespace_lock,
        };
        let now = settings.clock.now();
        Self::from_parts(Arc::new(FsContext::new(settings, b.quota)), Tree::new(now))
    }

    /// A filesystem of `tree`, whose files account to `context`.
    pub(crate) fn from_parts(context: Arc<FsContext>, tree: Tree) -> Self {
        MemoryFileSystem {
            inner: Arc::new(Shared {
                namespace: match context.settings.ns_lock {
                    NamespaceLock::Single => ShardableRwLock::single(tree),
                    NamespaceLock::Sharded => ShardableRwLock::sharded(tree),
                },
                context: CachePadded::new(context),
            }),
        }
    }

    /// Memory-guard warnings recorded since the last call (`GuardAction::Warn`).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.inner.warnings))
    }
}
