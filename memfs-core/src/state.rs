//! Whole-state operations for drivers: `snapshot`, `fork` (a deep copy plus equivalent
//! handles), `fingerprint` and its time-relative variant.

use crate::Result;
use crate::acct::Acct;
use crate::clock::Timestamp;
use crate::errs;
use crate::fs::MemoryFileSystem;
use crate::handle::FileHandle;
use crate::lock::{FileLock, LockState};
use crate::storage::{FileData, Store};
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, lock};
use crate::tree::{Children, DirNode, FileNode, Node, Tree};
use crate::types::OpenMode;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Handles' files to rebuild locks for: (original node, state to give its copy, the copy).
type LockPlan = Vec<(*const FileNode, LockState, Option<Arc<FileNode>>)>;

struct CopyStats {
    used: u64,
    chunks: u64,
}

fn clone_dir(d: &DirNode, acct: &Arc<Acct>, plan: &mut LockPlan, st: &mut CopyStats) -> DirNode {
    let overhead = acct.cfg.overhead;
    let kids = d.kids();
    let mut out = Children::with_capacity_and_hasher(kids.len(), Default::default());
    for (name, node) in kids.iter() {
        let copy = match node {
            Node::Dir(sub) => Node::Dir(Box::new(clone_dir(sub, acct, plan, st))),
            Node::File(f) => {
                let data: FileData = lock(&f.data).clone();
                st.used += data.charged(overhead);
                st.chunks += data.chunk_count();
                let ptr = Arc::as_ptr(f);
                let entry = plan.iter_mut().find(|e| e.0 == ptr);
                let lock_state = entry.as_ref().map(|e| e.1).unwrap_or_default();
                let n = FileNode::new(FileLock::with_state(lock_state), data, acct);
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

fn deep_copy(fs: &MemoryFileSystem, plan: &mut LockPlan) -> MemoryFileSystem {
    let sh = &fs.inner;
    let acct = Arc::new(Acct::new(sh.cfg.clone(), sh.quota.limit()));
    let tree = sh.ns_write();
    let mut st = CopyStats { used: 0, chunks: 0 };
    let root = clone_dir(&tree.root, &acct, plan, &mut st);
    let copy = Tree::from_parts(root, tree.files(), tree.dirs);
    drop(tree);
    // Usage recomputed from the copied files: consistent with the copied bytes even if a
    // handle of the original writes meanwhile. Nobody else sees `acct` yet.
    acct.quota.set_used(st.used);
    acct.chunks.store(st.chunks, Ordering::Relaxed);
    MemoryFileSystem::from_parts(acct, copy)
}

/// A deep copy with no open handles (every lock free).
pub(crate) fn snapshot(fs: &MemoryFileSystem) -> MemoryFileSystem {
    deep_copy(fs, &mut Vec::new())
}

/// A deep copy plus copies of `handles`. The copy's lock states are rebuilt from the open
/// handles given (so a handle left out holds nothing in the copy and no lock is orphaned).
pub(crate) fn fork(
    fs: &MemoryFileSystem,
    handles: &[Option<&FileHandle>],
) -> Result<(MemoryFileSystem, Vec<Option<FileHandle>>)> {
    let mut plan: LockPlan = Vec::new();
    for h in handles.iter().flatten() {
        if !Arc::ptr_eq(h.acct(), &fs.inner.acct) {
            return Err(errs::invalid(
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
    let copy = deep_copy(fs, &mut plan);
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
                    FileData::new(copy.inner.cfg.storage, Timestamp(0)),
                    &copy.inner.acct,
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

/// Gathers the hashed bytes and feeds SipHash in large pieces: the many small `hash` calls of
/// a fingerprint cost far more one by one (SipHash's streaming result does not depend on how
/// the bytes are split, so this is the same hash as feeding them directly).
struct BufHasher {
    buf: Vec<u8>,
    sip: DefaultHasher,
}

impl BufHasher {
    // Small enough for the allocator's fast per-thread cache.
    const FLUSH: usize = 1000;
    fn new() -> Self {
        BufHasher {
            buf: Vec::with_capacity(Self::FLUSH),
            sip: DefaultHasher::new(),
        }
    }
}

impl Hasher for BufHasher {
    fn write(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > Self::FLUSH {
            self.sip.write(&self.buf);
            self.buf.clear();
            if bytes.len() > Self::FLUSH {
                self.sip.write(bytes);
                return;
            }
        }
        self.buf.extend_from_slice(bytes);
    }
    fn finish(&self) -> u64 {
        let mut sip = self.sip.clone();
        sip.write(&self.buf);
        sip.finish()
    }
}

/// Hash of the complete state; with `relative`, timestamps are replaced by their rank.
pub(crate) fn fingerprint(fs: &MemoryFileSystem, relative: bool) -> u64 {
    let sh = &fs.inner;
    let tree = sh.ns_write();
    let ranks = if relative {
        let mut ts = Vec::new();
        collect_times(&tree.root, &mut ts);
        ts.sort_unstable();
        ts.dedup();
        Some(ts)
    } else {
        None
    };
    let time = |t: Timestamp| -> u64 {
        match &ranks {
            Some(r) => r.binary_search(&t).unwrap_or(usize::MAX) as u64,
            None => t.0,
        }
    };
    let mut h = BufHasher::new();
    (
        sh.quota.used(),
        sh.quota.limit(),
        sh.chunks.load(Ordering::Relaxed),
        tree.files(),
        tree.dirs,
    )
        .hash(&mut h);
    (sh.cfg.overhead, sh.cfg.hard_limit).hash(&mut h);
    hash_dir(&tree.root, &mut h, &time);
    h.finish()
}

fn collect_times(d: &DirNode, out: &mut Vec<Timestamp>) {
    out.push(d.created_at);
    for node in d.kids().values() {
        match node {
            Node::Dir(sub) => collect_times(sub, out),
            Node::File(f) => {
                let data = lock(&f.data);
                out.push(data.created_at);
                out.push(data.modified_at);
            }
        }
    }
}

fn hash_dir(d: &DirNode, h: &mut BufHasher, time: &dyn Fn(Timestamp) -> u64) {
    time(d.created_at).hash(h);
    let kids = d.kids();
    kids.len().hash(h);
    for (name, node) in kids.iter() {
        name.hash(h);
        match node {
            Node::Dir(sub) => {
                0u8.hash(h);
                hash_dir(sub, h, time);
            }
            Node::File(f) => {
                1u8.hash(h);
                let ls = f.lock.state();
                (ls.readers, ls.writer).hash(h);
                let data = lock(&f.data);
                (
                    data.auto,
                    data.generation,
                    time(data.created_at),
                    time(data.modified_at),
                )
                    .hash(h);
                match &data.store {
                    Store::Seq { chunks, .. } => {
                        2u8.hash(h);
                        chunks.hash(h);
                    }
                    Store::Random(b) => {
                        3u8.hash(h);
                        b.hash(h);
                    }
                }
            }
        }
    }
}
