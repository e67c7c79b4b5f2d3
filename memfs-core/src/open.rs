//! The open path (semantics §4): one attempt in shared mode (lookup, lock, `wb` truncation),
//! creation of a missing file (shared mode, or exclusive for `/` and node limits), and the
//! wait for a busy lock outside every namespace lock, after which the path is looked up again.

use crate::error::{MfsError, Result};
use crate::file_lock::{Access, FileLock, LockState};
use crate::file_node::FileNode;
use crate::fs::MemoryFileSystem;
use crate::handle::FileHandle;
use crate::namespace::{DirNode, Node, Parent, Tree};
use crate::path::normalize;
use crate::storage::FileData;
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, lock};
use crate::types::{LockWait, OpenMode, OpenOptions};
use indexmap::map::{RawEntryApiV1 as _, raw_entry_v1::RawEntryMut};

impl MemoryFileSystem {
    /// Opens `path` in `mode` with default options.
    pub fn open(&self, path: &str, mode: OpenMode) -> Result<FileHandle> {
        self.open_with(path, mode, &OpenOptions::default())
    }

    /// Opens `path` in `mode` with options (preallocate, lock timeout); see the module
    /// documentation for the steps.
    pub fn open_with(&self, path: &str, mode: OpenMode, opts: &OpenOptions) -> Result<FileHandle> {
        let sh = &*self.inner;
        // An argument check like the mode, before the path is looked at (as the oracle does):
        // preallocating a read-only open is meaningless.
        if mode == OpenMode::Read && opts.preallocate > 0 {
            return Err(MfsError::invalid_input(
                path,
                "preallocate needs a writable mode (wb, ab, r+b, xb), not rb",
            ));
        }
        let norm = normalize(path)?;
        let p: &str = &norm;
        let handle_path = crate::handle::handle_path(p);
        let wait = opts.lock_timeout.unwrap_or(sh.settings.default_wait);
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
                Step::Fail(MfsError::is_a_directory(p))
            } else {
                let (parent, name) = norm.split_parent();
                tree.with_dir(parent, |d| {
                    let at = At {
                        p,
                        name,
                        hash: crate::name_hash::hash_name(name),
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
                return Err(MfsError::lock_timeout(p));
            }
            if access == Access::Write && registered.is_none() {
                f.lock.register_writer();
                registered = Some(Arc::clone(&f));
            }
            // A timeout too large for `Instant` is no deadline at all, as in `acquire` and
            // `copy_tree`: no wait could outlast it.
            let dl = *deadline.get_or_insert_with(|| match wait {
                LockWait::For(d) => std::time::Instant::now().checked_add(d),
                LockWait::Forever => None,
            });
            // Wait outside every namespace lock, then decide again from the path: the file
            // may have been removed or replaced meanwhile.
            if !f.lock.wait_available(access, registered.is_some(), dl) {
                unregister(registered);
                return Err(MfsError::lock_timeout(p));
            }
        };
        let mut handle = FileHandle::new(node, handle_path, mode);
        if mode == OpenMode::Append {
            handle.set_cursor(size);
        }
        Ok(handle)
    }

    /// What an open does once it holds the lock of an existing file (while the lock is still
    /// marked busy, so nobody sees it held before this is done): `wb` empties the file and preallocates in one quota step; other
    /// writable modes zero-fill up to `preallocate`. Returns the size. On error nothing changed.
    fn after_lock(&self, f: &FileNode, p: &str, mode: OpenMode, prealloc: u64) -> Result<u64> {
        let sh = &*self.inner;
        let mut d = lock(&f.data);
        if mode == OpenMode::Write {
            sh.guard_write(p, prealloc)?;
            d.reset(&sh.write_ctx(p), sh.now(), prealloc)?;
        } else if prealloc > d.size() {
            sh.guard_write(p, prealloc - d.size())?;
            d.truncate(&sh.write_ctx(p), prealloc, sh.now())?;
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
            return Step::Fail(MfsError::not_found(p));
        };
        let kids = d.kids();
        let f = match kids
            .raw_entry_v1()
            .from_key_hashed_nocheck(at.hash, at.name)
            .map(|(_, n)| n)
        {
            Some(Node::Dir(_)) => return Step::Fail(MfsError::is_a_directory(p)),
            Some(Node::File(_)) if mode == OpenMode::Exclusive => {
                return Step::Fail(MfsError::already_exists(p));
            }
            Some(Node::File(f)) => Arc::clone(f),
            None => {
                drop(kids);
                unregister(registered.take());
                if matches!(mode, OpenMode::Read | OpenMode::ReadWrite) {
                    return Step::Fail(MfsError::not_found(p));
                }
                // A node limit is a filesystem-wide count: checking it and linking the file
                // must be one step, which only exclusive mode gives.
                if self.inner.settings.max_nodes.is_some() {
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
        let taken = if needs_work {
            f.lock.try_acquire_with(access, registered.is_some(), || {
                self.after_lock(&f, p, mode, opts.preallocate)
            })
        } else {
            // Nothing to hide behind a busy bit (the size is only used by `ab`, which has work).
            f.lock
                .try_acquire_registered(access, registered.is_some())
                .then_some(Ok(0))
        };
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
        // The name's hash from the lookup, and one probe for the check and the link (this is
        // the hot create path).
        let RawEntryMut::Vacant(slot) = kids
            .raw_entry_mut_v1()
            .from_key_hashed_nocheck(at.hash, at.name)
        else {
            // Another thread created it since the read: open what is there now.
            return Step::Retry;
        };
        let link = || {
            let node = self.new_file(p, prealloc)?;
            slot.insert_hashed_nocheck(at.hash, at.name.into(), Node::File(Arc::clone(&node)));
            tree.files.fetch_add(1, Ordering::Relaxed);
            Ok(node)
        };
        // A preallocating create moves the count and the usage: one step for `stats`.
        let linked = if prealloc > 0 {
            tree.stats_seqlock.write(link)
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
        let mut data = FileData::new(sh.settings.storage, now);
        if prealloc > 0 {
            sh.guard_write(p, prealloc)?;
            data.truncate(&sh.write_ctx(p), prealloc, now)?;
        }
        Ok(FileNode::new(
            FileLock::with_state(LockState {
                writer: true,
                ..LockState::default()
            }),
            data,
            &sh.context,
        ))
    }

    /// Creates the file at `p` (missing) in exclusive mode. Checks, in order: parent, node
    /// limit, memory guard, quota.
    fn create_locked(&self, tree: &mut Tree, p: &str, prealloc: u64) -> Result<Arc<FileNode>> {
        let sh = &*self.inner;
        if !tree.parent_is_dir(p) {
            return Err(MfsError::not_found(p));
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
                sh.quota.release(d.charged(sh.settings.overhead));
                sh.chunks.fetch_sub(d.chunk_count(), Ordering::Relaxed);
                return Err(MfsError::not_found(p));
            }
        }
        tree.files.fetch_add(1, Ordering::Relaxed);
        Ok(node)
    }
}

/// What one open attempt in shared mode decided.
enum Step {
    /// The handle's lock is held: the file and its size.
    Opened(Arc<FileNode>, u64),
    /// The open fails with this error.
    Fail(MfsError),
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
    /// `name`'s hash in a directory's children, computed once for the lookup and the link.
    hash: u64,
    mode: OpenMode,
    opts: &'a OpenOptions,
}

/// Stops a writer's wait registration, if it has one.
fn unregister(registered: Option<Arc<FileNode>>) {
    if let Some(r) = registered {
        r.lock.unregister_writer();
    }
}
