//! The filesystem: shared state, construction, open, and the read-only queries. Namespace
//! changes live in `ns`, copies and bulk transfer in `transfer`, snapshots in `state`.
//! API CONTRACT (pinned; implementations may add private items and split modules, but must keep
//! these signatures).

pub(crate) use crate::acct::{Acct, Config};
use crate::config::{FsBuilder, GuardMode};
use crate::errs;
use crate::handle::FileHandle;
use crate::lock::{Access, FileLock, LockState};
use crate::path::normalize;
use crate::storage::FileData;
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard, lock, read, write};
use crate::tree::{DirNode, FileNode, Kind, Node, Parent, Tree};
use crate::types::{FileLayout, LockWait, OpenMode, OpenOptions, Stat, Stats, WalkEntry};
use crate::{Result, guard};
use std::collections::BTreeMap;

/// Everything one filesystem owns: the namespace and, shared with its files (and through
/// them its handles), the accounting and settings.
///
/// Lock order: `tree`, then directories top-down (shared mode, see [`crate::tree`]), then a
/// file's lock state or data mutex; never two files' data mutexes at once; nobody waits for a
/// file lock while holding `tree` or a directory.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Usage, settings, warnings (`Deref` reaches them: `sh.quota`, `sh.cfg`).
    pub acct: Arc<Acct>,
    /// The namespace: read-locked by the hot paths (shared mode), write-locked by everything
    /// that moves, removes or copies (exclusive mode).
    pub tree: RwLock<Tree>,
}

impl std::ops::Deref for Shared {
    type Target = Acct;
    fn deref(&self) -> &Acct {
        &self.acct
    }
}

impl Shared {
    /// The namespace in shared mode (see [`crate::tree`]).
    pub(crate) fn ns_read(&self) -> RwLockReadGuard<'_, Tree> {
        read(&self.tree)
    }

    /// The namespace in exclusive mode.
    pub(crate) fn ns_write(&self) -> RwLockWriteGuard<'_, Tree> {
        write(&self.tree)
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
        Self::from_parts(Arc::new(Acct::new(cfg, b.quota)), Tree::new(now))
    }
    /// A filesystem of `tree`, whose files account to `acct`.
    pub(crate) fn from_parts(acct: Arc<Acct>, tree: Tree) -> Self {
        MemoryFileSystem {
            inner: Arc::new(Shared {
                acct,
                tree: RwLock::new(tree),
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
        let try_once = matches!(wait, LockWait::For(d) if d.is_zero());
        // Computed at the first wait only: an open that gets its lock at once reads no clock.
        let mut deadline: Option<Option<std::time::Instant>> = None;
        let access = if mode == OpenMode::Read {
            Access::Read
        } else {
            Access::Write
        };
        // The file this open is registered on as a waiting writer, if any.
        let mut registered: Option<Arc<FileNode>> = None;
        let (node, size) = loop {
            let tree = sh.ns_read();
            let step = if p == "/" {
                Step::Fail(errs::is_dir(p))
            } else {
                let (parent, name) = crate::path::split_parent(p);
                tree.with_dir(parent, |d| {
                    let at = At {
                        p,
                        name,
                        mode,
                        opts,
                    };
                    self.open_in(&tree, d, &at, access, &mut registered)
                })
            };
            let f = match step {
                Step::Opened(node, size) => break (node, size),
                Step::Fail(e) => {
                    drop(tree);
                    unregister(registered);
                    return Err(e);
                }
                Step::Retry => continue,
                Step::CreateExclusive => {
                    drop(tree);
                    match self.create_exclusive(p, opts.preallocate) {
                        Step::Opened(node, size) => break (node, size),
                        Step::Fail(e) => return Err(e),
                        _ => continue,
                    }
                }
                Step::Busy(f) => f,
            };
            drop(tree);
            if try_once {
                unregister(registered);
                return Err(errs::lock_timeout(p));
            }
            if access == Access::Write && registered.is_none() {
                f.lock.register_writer();
                registered = Some(Arc::clone(&f));
            }
            let dl = *deadline.get_or_insert_with(|| match wait {
                LockWait::For(d) => Some(
                    std::time::Instant::now()
                        .checked_add(d)
                        .unwrap_or_else(far_future),
                ),
                LockWait::Forever => None,
            });
            // Wait outside every namespace lock, then decide again from the path: the file
            // may have been removed or replaced meanwhile.
            if !f.lock.wait_available(access, dl) {
                unregister(registered);
                return Err(errs::lock_timeout(p));
            }
        };
        let mut handle = FileHandle::new(node, p, mode);
        if mode == OpenMode::Append {
            handle.set_cursor(size);
        }
        Ok(handle)
    }

    /// What an open does once it holds the lock of an existing file (run inside the lock's
    /// critical section): `wb` empties the file and preallocates in one quota step; other
    /// writable modes zero-fill up to `preallocate`. Returns the size. On error nothing changed.
    fn after_lock(&self, f: &FileNode, p: &str, mode: OpenMode, prealloc: u64) -> Result<u64> {
        let sh = &*self.inner;
        let mut d = lock(&f.data);
        if mode == OpenMode::Write {
            sh.guard_write(p, prealloc)?;
            d.reset(&sh.ctx(p), sh.now(), prealloc)?;
        } else if prealloc > d.size() {
            sh.guard_write(p, prealloc - d.size())?;
            d.truncate(&sh.ctx(p), prealloc, sh.now())?;
        }
        Ok(d.size())
    }

    /// One open attempt in shared mode, in the parent directory `d` (`None`: missing or not a
    /// directory), with the directories above it read-locked by the caller.
    fn open_in(
        &self,
        tree: &Tree,
        d: Option<&DirNode>,
        at: &At<'_>,
        access: Access,
        registered: &mut Option<Arc<FileNode>>,
    ) -> Step {
        let (p, mode, opts) = (at.p, at.mode, at.opts);
        let Some(d) = d else {
            return Step::Fail(errs::not_found(p));
        };
        let kids = d.kids();
        let f = match kids.get(at.name) {
            Some(Node::Dir(_)) => return Step::Fail(errs::is_dir(p)),
            Some(Node::File(_)) if mode == OpenMode::Exclusive => {
                return Step::Fail(errs::exists(p));
            }
            Some(Node::File(f)) => Arc::clone(f),
            None => {
                drop(kids);
                unregister(registered.take());
                if matches!(mode, OpenMode::Read | OpenMode::ReadWrite) {
                    return Step::Fail(errs::not_found(p));
                }
                // A node limit is a filesystem-wide count: checking it and linking the file
                // must be one step, which only exclusive mode gives.
                if self.inner.cfg.max_nodes.is_some() {
                    return Step::CreateExclusive;
                }
                return self.create_shared(tree, d, at);
            }
        };
        // `kids` stays read-locked until the lock is taken: a remove (which needs the
        // directory's write lock) either sees this handle's lock or happens before the lookup.
        if let Some(r) = registered.take() {
            if Arc::ptr_eq(&r, &f) {
                *registered = Some(r);
            } else {
                // The path now names another file: stop waiting on the old one.
                r.lock.unregister_writer();
            }
        }
        // The lock and what the open does to the file are one step: whoever sees this
        // handle's lock also sees the truncation and preallocation (linearizable open).
        let needs_work = matches!(mode, OpenMode::Write | OpenMode::Append) || opts.preallocate > 0;
        let taken = f.lock.try_acquire_with(access, registered.is_some(), || {
            if needs_work {
                self.after_lock(&f, p, mode, opts.preallocate)
            } else {
                Ok(0)
            }
        });
        drop(kids);
        match taken {
            Some(Ok(size)) => Step::Opened(f, size),
            Some(Err(e)) => {
                // The failed attempt already ended this caller's wait registration.
                *registered = None;
                Step::Fail(e)
            }
            None => Step::Busy(f),
        }
    }

    /// Creates the missing file `at.p` in `d` in shared mode, under `d`'s write lock: checks
    /// the memory guard and quota for the preallocation, then links the file with its writer
    /// lock held, so nothing is left behind if the preallocation fails (PREALLOC-5).
    fn create_shared(&self, tree: &Tree, d: &DirNode, at: &At<'_>) -> Step {
        let (p, prealloc) = (at.p, at.opts.preallocate);
        let Some(mut kids) = d.kids_write() else {
            // A file directly in `/`: the root's children change in exclusive mode only.
            return Step::CreateExclusive;
        };
        if kids.contains_key(at.name) {
            // Another thread created it since the read: open what is there now.
            return Step::Retry;
        }
        let mut link = || {
            let node = self.new_file(p, prealloc)?;
            kids.insert(at.name.into(), Node::File(Arc::clone(&node)));
            tree.files.fetch_add(1, Ordering::Relaxed);
            Ok(node)
        };
        // A preallocating create moves the count and the usage: one step for `stats`.
        let linked = if prealloc > 0 {
            tree.census.change(link)
        } else {
            link()
        };
        match linked {
            Ok(node) => Step::Opened(node, prealloc),
            Err(e) => Step::Fail(e),
        }
    }

    /// Creates the missing file `p` in exclusive mode (used when a node limit is set).
    fn create_exclusive(&self, p: &str, prealloc: u64) -> Step {
        let mut tree = self.inner.ns_write();
        if tree.kind_at(p).is_some() {
            return Step::Retry;
        }
        match self.create_locked(&mut tree, p, prealloc) {
            Ok(node) => Step::Opened(node, prealloc),
            Err(e) => Step::Fail(e),
        }
    }

    /// A new unlinked file node, its writer lock held, preallocated to `prealloc` bytes
    /// (memory guard, then quota). On error nothing is charged.
    fn new_file(&self, p: &str, prealloc: u64) -> Result<Arc<FileNode>> {
        let sh = &*self.inner;
        let now = sh.now();
        let mut data = FileData::new(sh.cfg.storage, now);
        if prealloc > 0 {
            sh.guard_write(p, prealloc)?;
            data.truncate(&sh.ctx(p), prealloc, now)?;
        }
        Ok(FileNode::new(
            FileLock::with_state(LockState {
                writer: true,
                ..LockState::default()
            }),
            data,
            &sh.acct,
        ))
    }

    /// Creates the file at `p` (missing) in exclusive mode. Checks, in order: parent, node
    /// limit, memory guard, quota.
    fn create_locked(&self, tree: &mut Tree, p: &str, prealloc: u64) -> Result<Arc<FileNode>> {
        let sh = &*self.inner;
        if !tree.parent_is_dir(p) {
            return Err(errs::not_found(p));
        }
        sh.check_nodes(tree, 1, p)?;
        let node = self.new_file(p, prealloc)?;
        let (_, name) = crate::path::split_parent(p);
        match tree.parent_mut(p) {
            Parent::Dir(d) => {
                d.kids_mut()
                    .insert(name.into(), Node::File(Arc::clone(&node)));
            }
            Parent::Missing | Parent::NotDir => {
                // Unreachable after the parent check; give the preallocation back.
                let d = lock(&node.data);
                sh.quota.release(d.charged(sh.cfg.overhead));
                sh.chunks.fetch_sub(d.chunk_count(), Ordering::Relaxed);
                return Err(errs::not_found(p));
            }
        }
        tree.files.fetch_add(1, Ordering::Relaxed);
        Ok(node)
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
            None => Err(errs::not_found(&norm)),
            Some(Kind::File(_)) => Err(errs::not_dir(&norm)),
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
            None => Err(errs::not_found(&norm)),
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
        // Shared mode: exclusive changes are kept out by the namespace lock, and the census
        // gives the shared-mode changes of count and usage as one picture.
        let tree = sh.ns_read();
        let (used, files) = tree.census.read(|| (sh.quota.used(), tree.files()));
        Stats {
            used_bytes: used,
            quota_bytes: sh.quota.limit(),
            free_bytes: sh.quota.limit().saturating_sub(used),
            file_count: files,
            dir_count: tree.dirs,
            chunk_count: sh.chunks.load(Ordering::Relaxed),
            overhead_per_chunk_estimate: sh.cfg.overhead,
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
            charged: d.charged(self.inner.cfg.overhead),
        })
    }
    /// The file at `path` (`NotFound`, `IsADirectory` otherwise), looked up in shared mode.
    fn file_node(&self, path: &str) -> Result<Arc<FileNode>> {
        let norm = normalize(path)?;
        let tree = self.inner.ns_read();
        tree.with_kind(&norm, |k| match k {
            None => Err(errs::not_found(&norm)),
            Some(Kind::Dir(_)) => Err(errs::is_dir(&norm)),
            Some(Kind::File(f)) => Ok(Arc::clone(f)),
        })
    }
    /// Memory-guard warnings recorded since the last call (`GuardAction::Warn`).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.inner.warnings))
    }
}

/// What one open attempt in shared mode decided.
enum Step {
    /// The handle's lock is held: the file and its size.
    Opened(Arc<FileNode>, u64),
    /// The open fails with this error.
    Fail(crate::MfsError),
    /// The file's lock is busy: wait for it outside the namespace locks, then try again.
    Busy(Arc<FileNode>),
    /// The file must be created in exclusive mode (a node limit is set, or it is in `/`).
    CreateExclusive,
    /// The namespace changed under the attempt: try again.
    Retry,
}

/// The arguments of one open, bundled for the attempt functions.
struct At<'a> {
    p: &'a str,
    name: &'a str,
    mode: OpenMode,
    opts: &'a OpenOptions,
}

/// Stops a writer's wait registration, if it has one.
fn unregister(registered: Option<Arc<FileNode>>) {
    if let Some(r) = registered {
        r.lock.unregister_writer();
    }
}

/// A deadline too far away to matter (a lock timeout too large for `Instant`).
fn far_future() -> std::time::Instant {
    std::time::Instant::now() + std::time::Duration::from_secs(100 * 365 * 24 * 3600)
}
