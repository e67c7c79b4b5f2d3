//! The filesystem: shared state, construction, open, and the read-only queries. Namespace
//! changes live in `ns`, copies and bulk transfer in `transfer`, snapshots in `state`.
//! API CONTRACT (pinned; implementations may add private items and split modules, but must keep
//! these signatures).

use crate::clock::{Clock, Timestamp};
use crate::config::{FsBuilder, GuardMode, MemoryGuard, StorageKind};
use crate::errs;
use crate::handle::FileHandle;
use crate::lock::{Access, FileLock, LockState};
use crate::path::normalize;
use crate::probe::MemoryProbe;
use crate::quota::Quota;
use crate::storage::{Ctx, FileData};
use crate::sync::atomic::{AtomicU64, Ordering};
use crate::sync::{Arc, Mutex, lock};
use crate::tree::{FileNode, Kind, Node, Parent, Tree};
use crate::types::{FileLayout, LockWait, OpenMode, OpenOptions, Stat, Stats, WalkEntry};
use crate::{Result, guard};
use std::collections::BTreeMap;

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
}

/// Everything one filesystem owns; handles keep it alive through an `Arc`.
///
/// Lock order: `tree`, then a file's lock state or data mutex; never two files' data mutexes
/// at once; nobody waits for a file lock while holding `tree`.
#[derive(Debug)]
pub(crate) struct Shared {
    pub quota: Quota,
    /// Sequential chunks of all files (`stats().chunk_count`).
    pub chunks: AtomicU64,
    pub tree: Mutex<Tree>,
    pub cfg: Config,
    pub warnings: Mutex<Vec<String>>,
}

impl Shared {
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

    /// `NodeLimitExceeded` if `needed` more nodes do not fit.
    pub(crate) fn check_nodes(&self, tree: &Tree, needed: u64, path: &str) -> Result<()> {
        match self.cfg.max_nodes {
            Some(limit) if needed > 0 && tree.nodes() + needed > limit => {
                Err(crate::MfsError::NodeLimitExceeded {
                    path: path.to_string(),
                    current: tree.nodes(),
                    limit,
                })
            }
            _ => Ok(()),
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

    /// Takes `access` on the file `validate` designates, without holding the tree lock while
    /// waiting. `validate` runs under the tree lock and returns the file (or `None`: gone,
    /// nothing to do); after a wait it runs again and the file must be the one we locked.
    pub(crate) fn pin<F>(
        &self,
        access: Access,
        wait: LockWait,
        path: &str,
        mut validate: F,
    ) -> Result<Option<Arc<FileNode>>>
    where
        F: FnMut(&Tree) -> Result<Option<Arc<FileNode>>>,
    {
        let mut held: Option<Arc<FileNode>> = None;
        loop {
            let tree = lock(&self.tree);
            let found = validate(&tree);
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
                return Err(errs::lock_timeout(path));
            }
            held = Some(node);
        }
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
    pub(crate) fn from_builder(b: FsBuilder) -> Result<Self> {
        if b.memory_guard.mode == GuardMode::Init {
            let warnings = Mutex::new(Vec::new());
            guard::check(b.memory_guard, &*b.memory_probe, &warnings, "/", b.quota)?;
            let fs = Self::build_unchecked(b);
            *lock(&fs.inner.warnings) = std::mem::take(&mut *lock(&warnings));
            return Ok(fs);
        }
        Ok(Self::build_unchecked(b))
    }
    fn build_unchecked(b: FsBuilder) -> Self {
        let cfg = Config {
            overhead: b.chunk_overhead,
            storage: b.storage,
            hard_limit: b.promotion_hard_limit,
            max_nodes: b.max_nodes,
            default_wait: b.default_lock_timeout,
            guard: b.memory_guard,
            clock: b.clock,
            probe: b.memory_probe,
        };
        let now = cfg.clock.now();
        Self::from_parts(cfg, b.quota, 0, 0, Tree::new(now))
    }
    pub(crate) fn from_parts(cfg: Config, quota: u64, used: u64, chunks: u64, tree: Tree) -> Self {
        MemoryFileSystem {
            inner: Arc::new(Shared {
                quota: Quota::new(quota, used),
                chunks: AtomicU64::new(chunks),
                tree: Mutex::new(tree),
                cfg,
                warnings: Mutex::new(Vec::new()),
            }),
        }
    }
    /// Opens `path` in `mode` with default options.
    pub fn open(&self, path: &str, mode: OpenMode) -> Result<FileHandle> {
        self.open_with(path, mode, &OpenOptions::default())
    }
    /// Opens `path` in `mode` with options (preallocate, lock timeout).
    pub fn open_with(&self, path: &str, mode: OpenMode, opts: &OpenOptions) -> Result<FileHandle> {
        let sh = &*self.inner;
        // An argument check like the mode, before the path is looked at (as the oracle does):
        // preallocating a read-only open is meaningless.
        if mode == OpenMode::Read && opts.preallocate > 0 {
            return Err(errs::invalid(
                path,
                "preallocate needs a writable mode (wb, ab, r+b, xb), not rb",
            ));
        }
        let norm = normalize(path)?;
        let p: &str = &norm;
        let wait = opts.lock_timeout.unwrap_or(sh.cfg.default_wait);
        let access = if mode == OpenMode::Read {
            Access::Read
        } else {
            Access::Write
        };
        let mut held: Option<Arc<FileNode>> = None;
        let (node, created, now) = loop {
            let mut tree = lock(&sh.tree);
            match tree.kind_at(p) {
                Some(Kind::Dir(_)) => {
                    drop(tree);
                    release_opt(held, access);
                    return Err(errs::is_dir(p));
                }
                Some(Kind::File(f)) => {
                    if mode == OpenMode::Exclusive {
                        drop(tree);
                        release_opt(held, access);
                        return Err(errs::exists(p));
                    }
                    let f = Arc::clone(f);
                    if let Some(h) = held.take() {
                        if Arc::ptr_eq(&h, &f) {
                            break (f, false, None);
                        }
                        h.lock.release(access);
                    }
                    if f.lock.try_acquire(access) {
                        break (f, false, None);
                    }
                    drop(tree);
                    if !f.lock.acquire(access, wait) {
                        return Err(errs::lock_timeout(p));
                    }
                    // Re-validate under the tree lock: the file may have been removed or
                    // replaced while we waited.
                    held = Some(f);
                }
                None => {
                    release_opt(held.take(), access);
                    if matches!(mode, OpenMode::Read | OpenMode::ReadWrite) {
                        return Err(errs::not_found(p));
                    }
                    if !tree.parent_is_dir(p) {
                        return Err(errs::not_found(p));
                    }
                    sh.check_nodes(&tree, 1, p)?;
                    let now = sh.now();
                    let node = FileNode::new(
                        FileLock::with_state(LockState {
                            writer: true,
                            ..LockState::default()
                        }),
                        FileData::new(sh.cfg.storage, now),
                    );
                    let (_, name) = crate::path::split_parent(p);
                    match tree.parent_mut(p) {
                        Parent::Dir(d) => {
                            d.children
                                .insert(name.into(), Node::File(Arc::clone(&node)));
                        }
                        Parent::Missing | Parent::NotDir => return Err(errs::not_found(p)),
                    }
                    tree.files += 1;
                    break (node, true, Some(now));
                }
            }
        };
        let mut handle = FileHandle::new(Arc::clone(&self.inner), node, p.to_string(), mode);
        let need_now = (mode == OpenMode::Write && !created)
            || opts.preallocate > 0
            || mode == OpenMode::Append;
        if need_now {
            let now = now.unwrap_or_else(|| sh.now());
            let res = {
                let node = handle.node();
                let mut d = lock(&node.data);
                let r = if mode == OpenMode::Write && !created {
                    sh.guard_write(p, opts.preallocate)
                        .and_then(|()| d.reset(&sh.ctx(p), now, opts.preallocate))
                } else if opts.preallocate > d.size() {
                    sh.guard_write(p, opts.preallocate - d.size())
                        .and_then(|()| d.truncate(&sh.ctx(p), opts.preallocate, now))
                } else {
                    Ok(())
                };
                (r, d.size())
            };
            match res {
                (Ok(()), size) => {
                    if mode == OpenMode::Append {
                        handle.set_cursor(size);
                    }
                }
                (Err(e), _) => {
                    if created {
                        self.unlink_created(p, handle.node());
                    }
                    handle.close();
                    return Err(e);
                }
            }
        }
        Ok(handle)
    }

    /// Removes a file this open created when its preallocation failed ([fixed]).
    fn unlink_created(&self, p: &str, node: &Arc<FileNode>) {
        let sh = &*self.inner;
        let mut tree = lock(&sh.tree);
        if let Some(Node::File(f)) = tree.get(p)
            && Arc::ptr_eq(f, node)
        {
            tree.detach(p);
            tree.files -= 1;
            let d = lock(&node.data);
            sh.quota.release(d.charged(sh.cfg.overhead));
            sh.chunks.fetch_sub(d.chunk_count(), Ordering::Relaxed);
        }
    }

    /// Creates a directory and its parents.
    pub fn mkdir(&self, path: &str, exist_ok: bool) -> Result<()> {
        crate::ns::mkdir(&self.inner, path, exist_ok)
    }
    /// Names in a directory, in insertion order.
    pub fn listdir(&self, path: &str) -> Result<Vec<String>> {
        let norm = normalize(path)?;
        let tree = lock(&self.inner.tree);
        match tree.kind_at(&norm) {
            None => Err(errs::not_found(&norm)),
            Some(Kind::File(_)) => Err(errs::not_dir(&norm)),
            Some(Kind::Dir(d)) => Ok(d.children.keys().map(|k| k.to_string()).collect()),
        }
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
        let tree = lock(&self.inner.tree);
        f(tree.kind_at(&norm))
    }
    /// Size, timestamps, generation and kind of the node at `path`.
    pub fn stat(&self, path: &str) -> Result<Stat> {
        let norm = normalize(path)?;
        let tree = lock(&self.inner.tree);
        match tree.kind_at(&norm) {
            None => Err(errs::not_found(&norm)),
            Some(Kind::Dir(d)) => Ok(Stat {
                size: 0,
                created_at: d.created_at,
                modified_at: d.created_at,
                generation: 0,
                is_dir: true,
            }),
            Some(Kind::File(f)) => {
                // Read the data outside the tree lock (a big write may hold it a while); the
                // file's data cannot change once unlinked, so this stays linearizable.
                let f = Arc::clone(f);
                drop(tree);
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
        let tree = lock(&sh.tree);
        let used = sh.quota.used();
        Stats {
            used_bytes: used,
            quota_bytes: sh.quota.limit(),
            free_bytes: sh.quota.limit().saturating_sub(used),
            file_count: tree.files,
            dir_count: tree.dirs,
            chunk_count: sh.chunks.load(Ordering::Relaxed),
            overhead_per_chunk_estimate: sh.cfg.overhead,
        }
    }
    /// Size of the file at `path`.
    pub fn get_size(&self, path: &str) -> Result<u64> {
        let norm = normalize(path)?;
        let tree = lock(&self.inner.tree);
        match tree.kind_at(&norm) {
            None => Err(errs::not_found(&norm)),
            Some(Kind::Dir(_)) => Err(errs::is_dir(&norm)),
            Some(Kind::File(f)) => {
                let f = Arc::clone(f);
                drop(tree);
                Ok(lock(&f.data).size())
            }
        }
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
        let norm = normalize(path)?;
        let tree = lock(&self.inner.tree);
        match tree.kind_at(&norm) {
            None => Err(errs::not_found(&norm)),
            Some(Kind::Dir(_)) => Err(errs::is_dir(&norm)),
            Some(Kind::File(f)) => {
                let f = Arc::clone(f);
                drop(tree);
                let d = lock(&f.data);
                Ok(FileLayout {
                    kind: d.kind(),
                    chunks: d.chunk_sizes(),
                    charged: d.charged(self.inner.cfg.overhead),
                })
            }
        }
    }
    /// Memory-guard warnings recorded since the last call (`GuardAction::Warn`).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.inner.warnings))
    }
}

fn release_opt(held: Option<Arc<FileNode>>, access: Access) {
    if let Some(h) = held {
        h.lock.release(access);
    }
}
