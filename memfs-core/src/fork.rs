//! Copies of the whole state for drivers: `snapshot` (a deep copy without handles), `fork` (a
//! deep copy plus equivalent handles), and the exact test of whether a state is
//! interchangeable with a fork of another (`same_as_fork_of`). Forks copy reference counts,
//! not bytes (chunks are shared, random-access buffers copied on write). Unlike
//! `MemoryFileSystem::clone`, which gives another handle to the same filesystem, these make a
//! separate filesystem that changes independently.

use crate::clock::Timestamp;
use crate::config::Settings;
use crate::context::FsContext;
use crate::error::{MfsError, Result};
use crate::file_lock::{FileLock, LockState};
use crate::file_node::FileNode;
use crate::fs::{MemoryFileSystem, Shared};
use crate::handle::FileHandle;
use crate::namespace::{Children, DirNode, Node, Tree};
use crate::storage::{Chunk, FileData, Store};
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, lock};
use crate::types::OpenMode;

/// Handles' files to rebuild locks for: (original node, state to give its copy, the copy).
type LockPlan = Vec<(*const FileNode, LockState, Option<Arc<FileNode>>)>;

/// What the files of a copy charge: usage and sequential chunks.
struct CopyStats {
    used: u64,
    chunks: u64,
}

/// A deep copy of `d` whose files account to `context`, with lock states from `plan` (which
/// it fills with the copies), adding the copies' charge to `st`.
fn clone_dir(
    d: &DirNode,
    context: &Arc<FsContext>,
    plan: &mut LockPlan,
    st: &mut CopyStats,
) -> DirNode {
    let overhead = context.settings.overhead;
    let kids = d.kids();
    let mut out = Children::with_capacity_and_hasher(kids.len(), Default::default());
    for (name, node) in kids.iter() {
        let copy = match node {
            Node::Dir(sub) => Node::Dir(Box::new(clone_dir(sub, context, plan, st))),
            Node::File(f) => {
                let data: FileData = lock(&f.data).clone();
                st.used += data.charged(overhead);
                st.chunks += data.chunk_count();
                let ptr = Arc::as_ptr(f);
                let entry = plan.iter_mut().find(|e| e.0 == ptr);
                let lock_state = entry.as_ref().map(|e| e.1).unwrap_or_default();
                let n = FileNode::new(FileLock::with_state(lock_state), data, context);
                if let Some(e) = entry {
                    e.2 = Some(Arc::clone(&n));
                }
                Node::File(n)
            }
        };
        out.insert(name.clone(), copy);
    }
    d.like(d.created_at, out)
}

impl MemoryFileSystem {
    /// Deep copy of the whole filesystem with no open handles (every lock free).
    pub fn snapshot(&self) -> MemoryFileSystem {
        self.deep_copy(&mut Vec::new())
    }

    /// Deep copy of the filesystem together with equivalent copies of `handles` (same path,
    /// mode, cursor, closed flag, lock held in the copy). Drivers use it to branch a state that
    /// has open handles. `InvalidInput` if a handle belongs to another filesystem. The copy's lock
    /// states are rebuilt from the open handles given (so a handle left out holds nothing in the
    /// copy and no lock is orphaned).
    pub fn fork(
        &self,
        handles: &[Option<&FileHandle>],
    ) -> Result<(MemoryFileSystem, Vec<Option<FileHandle>>)> {
        let mut plan: LockPlan = Vec::new();
        for h in handles.iter().flatten() {
            if !Arc::ptr_eq(h.context(), &self.inner.context) {
                return Err(MfsError::invalid_input(
                    h.path(),
                    "handle belongs to another filesystem; fork the filesystem it came from",
                ));
            }
            if h.is_closed() {
                continue;
            }
            let ptr = Arc::as_ptr(h.node());
            let idx = match plan.iter().position(|e| e.0 == ptr) {
                Some(i) => i,
                None => {
                    plan.push((ptr, LockState::default(), None));
                    plan.len() - 1
                }
            };
            if h.mode() == OpenMode::Read {
                plan[idx].1.readers += 1;
            } else {
                plan[idx].1.writer = true;
            }
        }
        let copy = self.deep_copy(&mut plan);
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            out.push(h.map(|h| {
                let ptr = Arc::as_ptr(h.node());
                let node = if h.is_closed() {
                    None
                } else {
                    plan.iter().find(|e| e.0 == ptr).and_then(|e| e.2.clone())
                };
                // A closed handle (or, impossibly, an open one whose file is unlinked) gets a
                // detached node: it can only answer "closed".
                let node = node.unwrap_or_else(|| {
                    FileNode::new(
                        FileLock::default(),
                        FileData::new(copy.inner.settings.storage, Timestamp(0)),
                        &copy.inner.context,
                    )
                });
                let mut fh = FileHandle::forked(node, h);
                if h.is_closed() {
                    fh.mark_closed();
                }
                fh
            }));
        }
        Ok((copy, out))
    }

    /// A deep copy whose files' lock states follow `plan` (free for files not in it); fills in
    /// the plan's copies.
    fn deep_copy(&self, plan: &mut LockPlan) -> MemoryFileSystem {
        let sh = &self.inner;
        let context = Arc::new(FsContext::new(sh.settings.clone(), sh.quota.limit()));
        let tree = sh.ns_write();
        let mut st = CopyStats { used: 0, chunks: 0 };
        let root = clone_dir(&tree.root, &context, plan, &mut st);
        let copy = Tree::from_parts(root, tree.files(), tree.dirs);
        drop(tree);
        // Usage recomputed from the copied files: consistent with the copied bytes even if a
        // handle of the original writes meanwhile. Nobody else sees `context` yet.
        context.quota.set_used(st.used);
        context.chunks.store(st.chunks, Ordering::Relaxed);
        MemoryFileSystem::from_parts(context, copy)
    }
}

impl MemoryFileSystem {
    /// Whether this filesystem with `handles` is interchangeable with what
    /// `original.fork(original_handles)` returns: same tree (order, names, kinds), contents,
    /// storage layout, timestamps, generations, lock states, usage, chunk count and
    /// configuration, no pending warnings, and handles with the same path, mode, closed flag,
    /// cursor and file. Exact (nothing is hashed), so an explorer may reuse a copy that a step
    /// left unchanged instead of forking the original again. `false` when unsure.
    /// (Maintenance: the state types are destructured below, so a new field fails to compile
    /// until it is compared; `FileHandle`'s private fields are compared through its methods.)
    pub fn same_as_fork_of(
        &self,
        handles: &[Option<&FileHandle>],
        original: &MemoryFileSystem,
        original_handles: &[Option<&FileHandle>],
    ) -> bool {
        // `a` is this filesystem with `handles`, `b` the original with its handles.
        let (ah, bh) = (handles, original_handles);
        let (sa, sb) = (&self.inner, &original.inner);
        if Arc::ptr_eq(sa, sb) || ah.len() != bh.len() {
            return false;
        }
        // Destructured so that a new field is a compile error here until it is compared too.
        let Shared {
            context,
            namespace: _,
        } = &**sa;
        let FsContext {
            quota,
            chunks,
            settings,
            warnings,
        } = &***context;
        for (x, y) in ah.iter().zip(bh) {
            match (x, y) {
                (None, None) => {}
                (Some(x), Some(y)) => {
                    if !Arc::ptr_eq(x.context(), context)
                        || !Arc::ptr_eq(y.context(), &sb.context)
                        || x.path() != y.path()
                        || x.mode() != y.mode()
                        || x.is_closed() != y.is_closed()
                        // A closed handle's cursor is never read again (every call fails first).
                        || (!x.is_closed() && x.tell().ok() != y.tell().ok())
                    {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        // A fork starts without warnings.
        if !same_config(settings, &sb.settings) || !lock(warnings).is_empty() {
            return false;
        }
        // Two different filesystems' trees, locked in address order so that two threads comparing
        // the same pair the other way round cannot deadlock.
        // (Exclusive mode, as `fork` itself.)
        let (mut ta, mut tb) = if Arc::as_ptr(sa) < Arc::as_ptr(sb) {
            let ta = sa.ns_write();
            (ta, sb.ns_write())
        } else {
            let tb = sb.ns_write();
            (sa.ns_write(), tb)
        };
        // Open handles on the file linked at their path in both (the copy a fork links them to);
        // anything else is left to a real fork.
        let linked = |t: &mut Tree, h: &FileHandle| {
            h.is_closed() || matches!(t.file_at(h.path()), Some(n) if Arc::ptr_eq(n, h.node()))
        };
        for (x, y) in ah.iter().zip(bh) {
            if let (Some(x), Some(y)) = (x, y)
                && !(linked(&mut ta, x) && linked(&mut tb, y))
            {
                return false;
            }
        }
        // The stats seqlock only brackets changes in progress (none under the exclusive lock).
        let Tree {
            root: root_a,
            files: files_a,
            dirs: dirs_a,
            stats_seqlock: _,
        } = &*ta;
        let (root_b, files_b, dirs_b) = (&tb.root, tb.files(), tb.dirs);
        if files_a.load(Ordering::Relaxed) != files_b || *dirs_a != dirs_b {
            return false;
        }
        let mut st = CopyStats { used: 0, chunks: 0 };
        if !same_dir(root_a, root_b, context, bh, &mut st) {
            return false;
        }
        // A fork's usage and chunk count are recomputed from the copied files.
        quota.limit() == sb.quota.limit()
            && quota.used() == st.used
            && chunks.load(Ordering::Relaxed) == st.chunks
    }
}

/// Whether two filesystems have the same settings (clock and probe: the same objects).
fn same_config(a: &Settings, b: &Settings) -> bool {
    let Settings {
        overhead,
        storage,
        hard_limit,
        max_nodes,
        default_wait,
        guard,
        clock,
        probe,
        ns_lock,
    } = a;
    *overhead == b.overhead
        && *storage == b.storage
        && *hard_limit == b.hard_limit
        && *max_nodes == b.max_nodes
        && *default_wait == b.default_wait
        && *guard == b.guard
        && Arc::ptr_eq(clock, &b.clock)
        && Arc::ptr_eq(probe, &b.probe)
        && *ns_lock == b.ns_lock
}

/// `a` equals what `clone_dir(b)` makes of `b` (whose open handles are `bh`); adds `b`'s
/// files' charge and chunks to `st`.
fn same_dir(
    a: &DirNode,
    b: &DirNode,
    context: &Arc<FsContext>,
    bh: &[Option<&FileHandle>],
    st: &mut CopyStats,
) -> bool {
    // Compared part by part: creation time, root or not (see `DirNode::like`), children.
    let (ca, cb) = (a.kids(), b.kids());
    if a.created_at != b.created_at || a.is_root() != b.is_root() || ca.len() != cb.len() {
        return false;
    }
    for ((na, xa), (nb, xb)) in ca.iter().zip(cb.iter()) {
        if na != nb {
            return false;
        }
        let same = match (xa, xb) {
            (Node::Dir(x), Node::Dir(y)) => same_dir(x, y, context, bh, st),
            (Node::File(x), Node::File(y)) => same_file(x, y, context, bh, st),
            _ => false,
        };
        if !same {
            return false;
        }
    }
    true
}

/// `a` equals what a fork makes of file `b` (whose open handles are among `bh`); adds `b`'s
/// charge and chunks to `st`.
fn same_file(
    a: &Arc<FileNode>,
    b: &Arc<FileNode>,
    context: &Arc<FsContext>,
    bh: &[Option<&FileHandle>],
    st: &mut CopyStats,
) -> bool {
    let overhead = context.settings.overhead;
    let FileNode {
        lock: la,
        data: da,
        context: aa,
    } = &**a;
    // A fork's files account to the fork.
    if !Arc::ptr_eq(aa, context) {
        return false;
    }
    // The lock state a fork gives `b`'s copy: rebuilt from the open handles on `b`.
    let mut want = LockState::default();
    for h in bh
        .iter()
        .flatten()
        .filter(|h| !h.is_closed() && Arc::ptr_eq(h.node(), b))
    {
        if h.mode() == OpenMode::Read {
            want.readers += 1;
        } else {
            want.writer = true;
        }
    }
    if la.state() != want {
        return false;
    }
    // Two files of two filesystems, locked in address order (see `same_as_fork_of`).
    let (ga, gb) = if Arc::as_ptr(a) < Arc::as_ptr(b) {
        let ga = lock(da);
        (ga, lock(&b.data))
    } else {
        let gb = lock(&b.data);
        (lock(da), gb)
    };
    let FileData {
        store,
        created_at,
        modified_at,
        generation,
    } = &*ga;
    let same_store = match (store, &gb.store) {
        (
            Store::Seq {
                chunks: x,
                auto: auto_a,
            },
            Store::Seq {
                chunks: y,
                auto: auto_b,
            },
        ) => {
            auto_a == auto_b
                && x.len() == y.len()
                && x.iter().zip(y).all(|(p, q)| {
                    let Chunk { end, data } = p;
                    *end == q.end && data.same(&q.data)
                })
        }
        (Store::Random(x), Store::Random(y)) => Arc::ptr_eq(x, y) || x == y,
        _ => false,
    };
    st.used += gb.charged(overhead);
    st.chunks += gb.chunk_count();
    same_store
        && *created_at == gb.created_at
        && *modified_at == gb.modified_at
        && *generation == gb.generation
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::sync::Arc;
    use crate::{FileHandle, LockWait, ManualClock, MemoryFileSystem, OpenMode};
    use std::io::{Read, Write};
    use std::time::Duration;

    fn fs() -> MemoryFileSystem {
        let clock = Arc::new(ManualClock::ticking(1_000, 1));
        MemoryFileSystem::builder()
            .quota(1000)
            .default_lock_timeout(LockWait::For(Duration::ZERO))
            .clock(clock)
            .build()
            .expect("build")
    }

    fn refs(hs: &[Option<FileHandle>]) -> Vec<Option<&FileHandle>> {
        hs.iter().map(Option::as_ref).collect()
    }

    /// A fork of `fs` with `hs`, then `step` on the fork: whether the result still counts as
    /// interchangeable with a fresh fork.
    fn after(
        fs: &MemoryFileSystem,
        hs: &[Option<FileHandle>],
        step: impl FnOnce(&MemoryFileSystem, &mut Vec<Option<FileHandle>>),
    ) -> bool {
        let (copy, mut ch) = fs.fork(&refs(hs)).expect("fork");
        step(&copy, &mut ch);
        copy.same_as_fork_of(&refs(&ch), fs, &refs(hs))
    }

    #[test]
    fn a_fork_is_interchangeable_with_a_fork_until_something_changes() {
        let fs = fs();
        fs.mkdir("/d", false).expect("mkdir");
        let mut w = fs.open("/d/f", OpenMode::Write).expect("open");
        w.write_all(b"abc").expect("write");
        let r = fs.open("/g", OpenMode::Write).expect("open g");
        let hs = vec![Some(w), None, Some(r)];
        assert!(after(&fs, &hs, |_, _| {}), "an untouched fork");
        assert!(
            after(&fs, &hs, |c, _| {
                assert!(c.listdir("/d").is_ok());
                assert!(c.mkdir("/d", false).is_err());
                assert!(c.open("/d/f", OpenMode::Read).is_err(), "write-locked");
            }),
            "queries and failed calls change nothing"
        );
        assert!(!after(&fs, &hs, |c, _| c
            .mkdir("/e", false)
            .expect("mkdir")));
        assert!(!after(&fs, &hs, |_, h| {
            if let Some(w) = h[0].as_mut() {
                w.write_all(b"x").expect("write");
            }
        }));
        assert!(!after(&fs, &hs, |_, h| {
            if let Some(r) = h[2].as_mut() {
                r.close();
            }
        }));
        assert!(!after(&fs, &hs, |c, h| {
            h[1] = Some(c.open("/d/x", OpenMode::Write).expect("open"));
        }));
        assert!(!after(&fs, &hs, |_, h| {
            h[0] = None;
        }));
    }

    #[test]
    fn cursors_locks_and_the_original_count() {
        let fs = fs();
        let mut w = fs.open("/f", OpenMode::Write).expect("open");
        w.write_all(b"hello").expect("write");
        w.close();
        let r = fs.open("/f", OpenMode::Read).expect("open");
        let hs = vec![Some(r)];
        assert!(after(&fs, &hs, |_, _| {}));
        assert!(!after(&fs, &hs, |_, h| {
            let mut b = [0u8; 2];
            if let Some(r) = h[0].as_mut() {
                r.read_exact(&mut b).expect("read");
            }
        }));
        // Left without its handle, the copy's lock count differs from the original's.
        let (copy, _) = fs.fork(&refs(&hs)).expect("fork");
        assert!(!copy.same_as_fork_of(&[None], &fs, &refs(&hs)));
        // Never the same filesystem as its own fork, nor a different configuration.
        assert!(!fs.same_as_fork_of(&refs(&hs), &fs, &refs(&hs)));
        let other = MemoryFileSystem::builder()
            .quota(999)
            .build()
            .expect("build");
        assert!(!other.same_as_fork_of(&[], &MemoryFileSystem::new(), &[]));
        let (plain, _) = MemoryFileSystem::new().fork(&[]).expect("fork");
        assert!(!plain.same_as_fork_of(&[], &fs.snapshot(), &[]));
    }
}
