//! The filesystem: shared state, construction, and the read-only queries. The open path lives
//! in `open`, namespace changes in `ns`, copies and bulk transfer in `transfer`, snapshots in
//! `state`, accounting in `context`.
//! API CONTRACT (pinned; implementations may add private items and split modules, but must keep
//! these signatures).

use crate::config::Settings;
use crate::config::{FsBuilder, GuardMode, NamespaceLock};
use crate::context::FsContext;
use crate::error::MfsError;
use crate::error::Result;
use crate::file_lock::Access;
use crate::file_node::FileNode;
use crate::handle::FileHandle;
use crate::memory_guard;
use crate::namespace::{Kind, Tree};
use crate::path::normalize;
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, Mutex, NsLock, NsRead, NsWrite, lock};
use crate::types::{FileLayout, LockWait, OpenMode, OpenOptions, Stat, Stats, WalkEntry};
use crossbeam_utils::CachePadded;
use std::collections::BTreeMap;

/// Everything one filesystem owns: the namespace and, shared with its files (and through
/// them its handles), the accounting and settings.
///
/// Lock order: `tree`, then directories top-down (shared mode, see [`crate::namespace`]), then a
/// file's lock state or data mutex; never two files' data mutexes at once; nobody waits for a
/// file lock while holding `tree` or a directory.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Usage, settings, warnings (`Deref` reaches them: `sh.quota`, `sh.settings`). Padded: read
    /// on every operation, it must not share a line with the namespace lock's word.
    pub context: CachePadded<Arc<FsContext>>,
    /// The namespace: read-locked by the hot paths (shared mode), write-locked by everything
    /// that moves, removes or copies (exclusive mode).
    pub tree: NsLock<Tree>,
}

impl std::ops::Deref for Shared {
    type Target = FsContext;
    fn deref(&self) -> &FsContext {
        &self.context
    }
}

impl Shared {
    /// The namespace in shared mode (see [`crate::namespace`]).
    pub(crate) fn ns_read(&self) -> NsRead<'_, Tree> {
        self.tree.read()
    }

    /// The namespace in exclusive mode.
    pub(crate) fn ns_write(&self) -> NsWrite<'_, Tree> {
        self.tree.write()
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

/// A thread-safe in-memory filesystem (`Send + Sync`; share it with `Arc`).
#[derive(Debug)]
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
    fn build_unchecked(b: FsBuilder) -> Self {
        let cfg = Settings {
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
        let now = cfg.clock.now();
        Self::from_parts(Arc::new(FsContext::new(cfg, b.quota)), Tree::new(now))
    }
    /// A filesystem of `tree`, whose files account to `context`.
    pub(crate) fn from_parts(context: Arc<FsContext>, tree: Tree) -> Self {
        MemoryFileSystem {
            inner: Arc::new(Shared {
                tree: match context.settings.ns_lock {
                    NamespaceLock::Single => NsLock::single(tree),
                    NamespaceLock::Sharded => NsLock::sharded(tree),
                },
                context: CachePadded::new(context),
            }),
        }
    }
    /// Opens `path` in `mode` with default options.
    pub fn open(&self, path: &str, mode: OpenMode) -> Result<FileHandle> {
        self.open_with(path, mode, &OpenOptions::default())
    }
    /// Opens `path` in `mode` with options (preallocate, lock timeout).
    pub fn open_with(&self, path: &str, mode: OpenMode, opts: &OpenOptions) -> Result<FileHandle> {
        self.open_impl(path, mode, opts)
    }
    /// Creates a directory and its parents.
    pub fn mkdir(&self, path: &str, exist_ok: bool) -> Result<()> {
        crate::ns::mkdir(&self.inner, path, exist_ok)
    }
    /// Names in a directory, in insertion order.
    pub fn listdir(&self, path: &str) -> Result<Vec<String>> {
        let norm = normalize(path)?;
        let tree = self.inner.ns_read();
        tree.with_kind(&norm, |k| match k {
            None => Err(MfsError::not_found(&norm)),
            Some(Kind::File(_)) => Err(MfsError::not_a_directory(&norm)),
            Some(Kind::Dir(d)) => Ok(d.kids().keys().map(|k| k.to_string()).collect()),
        })
    }
    /// Whether anything is at `path` (`false` for an invalid path).
    pub fn exists(&self, path: &str) -> bool {
        self.probe_kind(path, |k| k.is_some())
    }
    /// Whether a directory is at `path`.
    pub fn is_dir(&self, path: &str) -> bool {
        self.probe_kind(path, |k| matches!(k, Some(Kind::Dir(_))))
    }
    /// Whether a file is at `path`.
    pub fn is_file(&self, path: &str) -> bool {
        self.probe_kind(path, |k| matches!(k, Some(Kind::File(_))))
    }
    fn probe_kind(&self, path: &str, f: impl FnOnce(Option<Kind<'_>>) -> bool) -> bool {
        let Ok(norm) = normalize(path) else {
            return false;
        };
        let tree = self.inner.ns_read();
        tree.with_kind(&norm, f)
    }
    /// Size, timestamps, generation and kind of the node at `path`.
    pub fn stat(&self, path: &str) -> Result<Stat> {
        let norm = normalize(path)?;
        let tree = self.inner.ns_read();
        let found = tree.with_kind(&norm, |k| match k {
            None => Err(MfsError::not_found(&norm)),
            Some(Kind::Dir(d)) => Ok(Err(Stat {
                size: 0,
                created_at: d.created_at,
                modified_at: d.created_at,
                generation: 0,
                is_dir: true,
            })),
            Some(Kind::File(f)) => Ok(Ok(Arc::clone(f))),
        });
        drop(tree);
        match found? {
            Err(dir_stat) => Ok(dir_stat),
            Ok(f) => {
                // Read the data outside the namespace locks (a big write may hold it a while);
                // the file's data cannot change once unlinked, so this stays linearizable.
                let d = lock(&f.data);
                Ok(Stat {
                    size: d.size(),
                    created_at: d.created_at,
                    modified_at: d.modified_at,
                    generation: d.generation,
                    is_dir: false,
                })
            }
        }
    }
    /// Filesystem-wide usage and counts.
    pub fn stats(&self) -> Stats {
        let sh = &*self.inner;
        // Shared mode: exclusive changes are kept out by the namespace lock, and the stats
        // gives the shared-mode changes of count and usage as one picture.
        let tree = sh.ns_read();
        let (used, files) = tree.stats_seqlock.read(|| (sh.quota.used(), tree.files()));
        Stats {
            used_bytes: used,
            quota_bytes: sh.quota.limit(),
            free_bytes: sh.quota.limit().saturating_sub(used),
            file_count: files,
            dir_count: tree.dirs,
            chunk_count: sh.chunks.load(Ordering::Relaxed),
            overhead_per_chunk_estimate: sh.settings.overhead,
        }
    }
    /// Size of the file at `path`.
    pub fn get_size(&self, path: &str) -> Result<u64> {
        let f = self.file_node(path)?;
        Ok(lock(&f.data).size())
    }
    /// Renames `src` to `dst`; `dst`'s parent must exist.
    pub fn rename(&self, src: &str, dst: &str) -> Result<()> {
        crate::ns::rename(&self.inner, src, dst, false)
    }
    /// D-MemFS's `move`: like rename, but creates `dst`'s missing parents.
    pub fn move_path(&self, src: &str, dst: &str) -> Result<()> {
        crate::ns::rename(&self.inner, src, dst, true)
    }
    /// Removes a file.
    pub fn remove(&self, path: &str) -> Result<()> {
        crate::ns::remove(&self.inner, path)
    }
    /// Removes a directory and everything below it.
    pub fn rmtree(&self, path: &str) -> Result<()> {
        crate::ns::rmtree(&self.inner, path)
    }
    /// Copies a file.
    pub fn copy(&self, src: &str, dst: &str) -> Result<()> {
        crate::transfer::copy(&self.inner, src, dst)
    }
    /// Copies a directory tree (a snapshot; `dst` may be inside `src`).
    pub fn copy_tree(&self, src: &str, dst: &str) -> Result<()> {
        crate::transfer::copy_tree(&self.inner, src, dst)
    }
    /// Top-down walk from `path`.
    pub fn walk(&self, path: &str) -> Result<Vec<WalkEntry>> {
        crate::ns::walk(&self.inner, path)
    }
    /// Paths matching `pattern`, sorted, without duplicates.
    pub fn glob(&self, pattern: &str) -> Result<Vec<String>> {
        crate::ns::glob(&self.inner, pattern)
    }
    /// Contents of every file under `prefix` (only generation > 0 files if `only_dirty`).
    pub fn export_tree(&self, prefix: &str, only_dirty: bool) -> Result<BTreeMap<String, Vec<u8>>> {
        let mut out = BTreeMap::new();
        for item in self.iter_export_tree(prefix, only_dirty)? {
            let (p, bytes) = item?;
            out.insert(p, bytes);
        }
        Ok(out)
    }
    /// Lazy `export_tree`: paths are listed up front, contents read one at a time; entries
    /// removed meanwhile are skipped.
    pub fn iter_export_tree(
        &self,
        prefix: &str,
        only_dirty: bool,
    ) -> Result<impl Iterator<Item = Result<(String, Vec<u8>)>> + '_> {
        crate::transfer::iter_export(&self.inner, prefix, only_dirty)
    }
    /// A detached copy of one file's bytes; `InvalidInput` if larger than `max_size`.
    pub fn export_as_bytesio(
        &self,
        path: &str,
        max_size: Option<u64>,
    ) -> Result<std::io::Cursor<Vec<u8>>> {
        crate::transfer::export_one(&self.inner, path, max_size).map(std::io::Cursor::new)
    }
    /// Imports files all-or-nothing, creating missing parents.
    pub fn import_tree<I, P, B>(&self, entries: I) -> Result<()>
    where
        I: IntoIterator<Item = (P, B)>,
        P: AsRef<str>,
        B: AsRef<[u8]>,
    {
        let mut list: Vec<(String, Vec<u8>)> = Vec::new();
        for (p, b) in entries {
            let norm = normalize(p.as_ref())?.into_owned();
            list.push((norm, b.as_ref().to_vec()));
        }
        crate::transfer::import(&self.inner, list)
    }
    /// Deep copy of the whole filesystem with no open handles.
    pub fn snapshot(&self) -> MemoryFileSystem {
        crate::state::snapshot(self)
    }
    /// Deep copy of the filesystem together with equivalent copies of `handles` (same path,
    /// mode, cursor, closed flag, lock held in the copy). Drivers use it to branch a state that
    /// has open handles. `InvalidInput` if a handle belongs to another filesystem.
    pub fn fork(
        &self,
        handles: &[Option<&FileHandle>],
    ) -> Result<(MemoryFileSystem, Vec<Option<FileHandle>>)> {
        crate::state::fork(self, handles)
    }
    /// Hash of the complete internal state: tree order, names, kinds, storage kinds, chunk
    /// layout, bytes, timestamps, generations, usage and lock states.
    pub fn fingerprint(&self) -> u64 {
        crate::state::fingerprint(self, false)
    }
    /// `fingerprint` with every timestamp replaced by its rank among the distinct timestamps
    /// present, so two states that differ only by a monotone shift of time hash equal.
    pub fn fingerprint_relative_time(&self) -> u64 {
        crate::state::fingerprint(self, true)
    }
    /// Storage layout of the file at `path` (kind, chunk sizes, charged bytes).
    pub fn file_layout(&self, path: &str) -> Result<FileLayout> {
        let f = self.file_node(path)?;
        let d = lock(&f.data);
        Ok(FileLayout {
            kind: d.kind(),
            chunks: d.chunk_sizes(),
            charged: d.charged(self.inner.settings.overhead),
        })
    }
    /// The file at `path` (`NotFound`, `IsADirectory` otherwise), looked up in shared mode.
    fn file_node(&self, path: &str) -> Result<Arc<FileNode>> {
        let norm = normalize(path)?;
        let tree = self.inner.ns_read();
        tree.with_kind(&norm, |k| match k {
            None => Err(MfsError::not_found(&norm)),
            Some(Kind::Dir(_)) => Err(MfsError::is_a_directory(&norm)),
            Some(Kind::File(f)) => Ok(Arc::clone(f)),
        })
    }
    /// Memory-guard warnings recorded since the last call (`GuardAction::Warn`).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.inner.warnings))
    }
}
