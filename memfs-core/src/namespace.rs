//! The namespace tree: directories holding insertion-ordered children, files as shared
//! [`FileNode`]s with their own lock and data mutex (semantics §2, §9), the node counts, and
//! the lookups of both locking modes. The operations that use it live in their own modules
//! (`open`, `namespace_ops`, `copy`, ...); this module only holds the data and its lookups.
//!
//! Two locking modes, chosen by the filesystem's namespace reader-writer lock:
//! - **exclusive** (namespace write lock): renames, removals, copies, imports, snapshots. The
//!   code gets `&mut Tree` and reaches every directory's children without locking
//!   ([`DirNode::kids_mut`]).
//! - **shared** (namespace read lock): the hot paths (open, including creating a file, mkdir of
//!   an existing directory, stat and friends). Directories cannot appear, vanish or move in this
//!   mode; only files are added or removed, each under its parent directory's own write lock.
//!   Readers descend with read locks on every directory on the way ([`Tree::with_dir`]), so
//!   threads working in different directories never wait for each other. The root's children
//!   are guarded by the namespace lock alone: files directly in `/` are created and removed
//!   in exclusive mode.

use crate::clock::Timestamp;
use crate::file_node::FileNode;
use crate::name_hash::NameHashBuild;
use crate::path;
use crate::seqlock::SeqLock;
use crate::sync::atomic::{AtomicU64, Ordering};
use crate::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard, get_mut, read, write};
use crossbeam_utils::CachePadded;
use indexmap::IndexMap;

/// A name in a directory: short names are stored inline, long ones shared, so neither
/// creating a node nor copying a tree (`fork`) allocates per name in the common case.
pub(crate) type Name = smol_str::SmolStr;

/// Children of a directory in insertion order.
pub(crate) type Children = IndexMap<Name, Node, NameHashBuild>;

/// A directory. Its children sit behind their own lock so that files can be created in it
/// while the namespace is only read-locked; the root's children are the exception (see
/// [`Kids`]).
#[derive(Debug)]
pub(crate) struct DirNode {
    children: Kids,
    pub created_at: Timestamp,
}

/// Where a directory keeps its children.
#[derive(Debug)]
enum Kids {
    /// The root's: guarded by the namespace lock itself, so they only change in exclusive
    /// mode and every shared-mode path through the root skips a lock (the root is on every
    /// path, so its lock would be the one cache line all threads fight over).
    Plain(Children),
    /// Every other directory's.
    Locked(RwLock<Children>),
}

/// Read access to a directory's children: a plain reference for the root, a read guard
/// otherwise.
pub(crate) enum KidsRead<'a> {
    Plain(&'a Children),
    Locked(RwLockReadGuard<'a, Children>),
}

impl std::ops::Deref for KidsRead<'_> {
    type Target = Children;
    fn deref(&self) -> &Children {
        match self {
            KidsRead::Plain(c) => c,
            KidsRead::Locked(g) => g,
        }
    }
}

impl DirNode {
    /// A new empty directory (not the root).
    pub(crate) fn new(created_at: Timestamp) -> Self {
        DirNode {
            children: Kids::Locked(RwLock::new(Children::default())),
            created_at,
        }
    }

    /// A new empty root.
    pub(crate) fn new_root(created_at: Timestamp) -> Self {
        DirNode {
            children: Kids::Plain(Children::default()),
            created_at,
        }
    }

    /// A directory of the same kind (root or not) as `self`, with `children`.
    pub(crate) fn like(&self, created_at: Timestamp, children: Children) -> Self {
        let children = match self.children {
            Kids::Plain(_) => Kids::Plain(children),
            Kids::Locked(_) => Kids::Locked(RwLock::new(children)),
        };
        DirNode {
            children,
            created_at,
        }
    }

    /// Whether this is the root (its children are guarded by the namespace lock).
    pub(crate) fn is_root(&self) -> bool {
        matches!(self.children, Kids::Plain(_))
    }

    /// The children for reading (shared mode, or read-only walks in exclusive mode, where
    /// the lock is never contended).
    pub(crate) fn kids(&self) -> KidsRead<'_> {
        match &self.children {
            Kids::Plain(c) => KidsRead::Plain(c),
            Kids::Locked(l) => KidsRead::Locked(read(l)),
        }
    }

    /// The children write-locked, for creating or removing a file in shared mode; `None` for
    /// the root, whose children only change in exclusive mode.
    pub(crate) fn kids_write(&self) -> Option<RwLockWriteGuard<'_, Children>> {
        match &self.children {
            Kids::Plain(_) => None,
            Kids::Locked(l) => Some(write(l)),
        }
    }

    /// The children through exclusive access (exclusive mode, or a tree being built).
    pub(crate) fn kids_mut(&mut self) -> &mut Children {
        match &mut self.children {
            Kids::Plain(c) => c,
            Kids::Locked(l) => get_mut(l),
        }
    }
}

/// A node of the tree. Directories are boxed: a directory's address stays put when its
/// parent's map grows, and the map's entries stay small.
#[derive(Debug)]
pub(crate) enum Node {
    Dir(Box<DirNode>),
    File(Arc<FileNode>),
}

/// Where a path's parent stands (for operations that create the last part).
pub(crate) enum Parent<'a> {
    Dir(&'a mut DirNode),
    Missing,
    NotDir,
}

/// The namespace and its node counts.
#[derive(Debug)]
/// Aligned to a cache line: the namespace lock's word (written by every shared-mode entry)
/// stays off the lines of the root's children, which every path reads.
#[repr(align(128))]
pub(crate) struct Tree {
    pub root: DirNode,
    /// Files: atomic because shared mode creates files concurrently.
    pub files: CachePadded<AtomicU64>,
    /// Directories, the root included (only exclusive mode changes them).
    pub dirs: u64,
    /// Brackets the shared-mode changes that move the file count and usage together.
    pub stats_seqlock: CachePadded<SeqLock>,
}

impl Tree {
    pub(crate) fn new(now: Timestamp) -> Self {
        Self::from_parts(DirNode::new_root(now), 0, 1)
    }

    pub(crate) fn from_parts(root: DirNode, files: u64, dirs: u64) -> Self {
        Tree {
            root,
            files: CachePadded::new(AtomicU64::new(files)),
            dirs,
            stats_seqlock: CachePadded::new(SeqLock::default()),
        }
    }

    /// Files in the tree.
    pub(crate) fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    /// Nodes in the tree, the root included.
    pub(crate) fn nodes(&self) -> u64 {
        self.files() + self.dirs
    }

    // ---- exclusive mode -------------------------------------------------------------------

    /// The node at normalized `p` (`None` for the root: use [`Tree::kind_at`]). Splits by
    /// hand: this is on many operations' path.
    fn node_mut(&mut self, p: &str) -> Option<&mut Node> {
        let mut rest = p.get(1..).filter(|r| !r.is_empty())?;
        let mut dir = &mut self.root;
        loop {
            // A byte loop beats `find`'s memchr set-up on short names.
            match rest.bytes().position(|c| c == b'/') {
                None => return dir.kids_mut().get_mut(rest),
                Some(i) => {
                    match dir.kids_mut().get_mut(&rest[..i])? {
                        Node::Dir(d) => dir = d,
                        Node::File(_) => return None,
                    }
                    rest = &rest[i + 1..];
                }
            }
        }
    }

    /// The node at normalized non-root `p`.
    pub(crate) fn node(&mut self, p: &str) -> Option<&Node> {
        self.node_mut(p).map(|n| &*n)
    }

    /// What is at `p`: the root counts as a directory.
    pub(crate) fn kind_at(&mut self, p: &str) -> Option<Kind<'_>> {
        if p == "/" {
            return Some(Kind::Dir(&self.root));
        }
        match self.node_mut(p)? {
            Node::Dir(d) => Some(Kind::Dir(d)),
            Node::File(f) => Some(Kind::File(f)),
        }
    }

    /// The file at `p`, if a file is there.
    pub(crate) fn file_at(&mut self, p: &str) -> Option<&Arc<FileNode>> {
        match self.node_mut(p)? {
            Node::File(f) => Some(f),
            Node::Dir(_) => None,
        }
    }

    /// Whether a directory is at `p` (the root included).
    pub(crate) fn is_dir(&mut self, p: &str) -> bool {
        matches!(self.kind_at(p), Some(Kind::Dir(_)))
    }

    /// The directory at `p` (the root included), mutably.
    pub(crate) fn get_dir_mut(&mut self, p: &str) -> Option<&mut DirNode> {
        let mut dir = &mut self.root;
        for name in path::parts(p) {
            match dir.kids_mut().get_mut(name)? {
                Node::Dir(d) => dir = d,
                Node::File(_) => return None,
            }
        }
        Some(dir)
    }

    /// The parent directory of a normalized non-root path.
    pub(crate) fn parent_mut(&mut self, p: &str) -> Parent<'_> {
        let (parent, _) = path::split_parent(p);
        let mut dir = &mut self.root;
        for name in path::parts(parent) {
            match dir.kids_mut().get_mut(name) {
                Some(Node::Dir(d)) => dir = d,
                Some(Node::File(_)) => return Parent::NotDir,
                None => return Parent::Missing,
            }
        }
        Parent::Dir(dir)
    }

    /// Whether the parent of `p` is an existing directory.
    pub(crate) fn parent_is_dir(&mut self, p: &str) -> bool {
        self.is_dir(path::split_parent(p).0)
    }

    /// Detaches the node at a normalized non-root path, keeping the order of its siblings.
    pub(crate) fn detach(&mut self, p: &str) -> Option<Node> {
        let (parent, name) = path::split_parent(p);
        self.get_dir_mut(parent)?.kids_mut().shift_remove(name)
    }

    /// How many directories creating normalized `p` (and its parents) needs; `Err(())` if a
    /// file is on the way or at `p`.
    pub(crate) fn missing_dirs(&mut self, p: &str) -> Result<u64, ()> {
        let mut dir = &mut self.root;
        let total = path::parts(p).count() as u64;
        for (i, name) in path::parts(p).enumerate() {
            match dir.kids_mut().get_mut(name) {
                Some(Node::Dir(d)) => dir = d,
                Some(Node::File(_)) => return Err(()),
                None => return Ok(total - i as u64),
            }
        }
        Ok(0)
    }

    /// Creates the missing directories of normalized `p` (all at `now`) and returns it. The
    /// caller checked [`Tree::missing_dirs`] and adds the count to `dirs`.
    pub(crate) fn make_dirs(&mut self, p: &str, now: Timestamp) -> Option<&mut DirNode> {
        let mut dir = &mut self.root;
        for name in path::parts(p) {
            let kids = dir.kids_mut();
            if !kids.contains_key(name) {
                kids.insert(name.into(), Node::Dir(Box::new(DirNode::new(now))));
            }
            match kids.get_mut(name) {
                Some(Node::Dir(d)) => dir = d,
                _ => return None,
            }
        }
        Some(dir)
    }

    // ---- shared mode ----------------------------------------------------------------------

    /// Runs `f` on the directory at normalized `dir_path` (`None`: missing, or a file is on
    /// the way), holding read locks on every directory above it while `f` runs.
    pub(crate) fn with_dir<R>(&self, dir_path: &str, f: impl FnOnce(Option<&DirNode>) -> R) -> R {
        descend(&self.root, dir_path.trim_start_matches('/'), f)
    }

    /// Runs `f` on what is at normalized `p` (the root counts as a directory), with the
    /// directories above it read-locked.
    pub(crate) fn with_kind<R>(
        &self,
        p: &path::NormPath<'_>,
        f: impl FnOnce(Option<Kind<'_>>) -> R,
    ) -> R {
        if &**p == "/" {
            return f(Some(Kind::Dir(&self.root)));
        }
        let (parent, name) = p.split_parent();
        self.with_dir(parent, |d| {
            let Some(d) = d else {
                return f(None);
            };
            let kids = d.kids();
            f(kids.get(name).map(|n| match n {
                Node::Dir(sub) => Kind::Dir(sub),
                Node::File(file) => Kind::File(file),
            }))
        })
    }
}

/// One level of [`Tree::with_dir`]: `rest` is the path below `d` without a leading `/`.
fn descend<R>(d: &DirNode, rest: &str, f: impl FnOnce(Option<&DirNode>) -> R) -> R {
    if rest.is_empty() {
        return f(Some(d));
    }
    let (name, tail) = match rest.bytes().position(|c| c == b'/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let kids = d.kids();
    match kids.get(name) {
        Some(Node::Dir(sub)) => descend(sub, tail, f),
        _ => {
            drop(kids);
            f(None)
        }
    }
}

/// A borrowed view of a node, the root included.
#[derive(Clone, Copy)]
pub(crate) enum Kind<'a> {
    Dir(&'a DirNode),
    File(&'a Arc<FileNode>),
}

/// Calls `f` for every file below `d` (depth-first, insertion order) with its path.
pub(crate) fn for_each_file(d: &DirNode, base: &str, f: &mut dyn FnMut(&str, &Arc<FileNode>)) {
    for (name, node) in d.kids().iter() {
        let p = path::join(base, name);
        match node {
            Node::File(n) => f(&p, n),
            Node::Dir(sub) => for_each_file(sub, &p, f),
        }
    }
}

/// The path of the first open file below `d` (insertion order), if any.
pub(crate) fn first_open(d: &DirNode, base: &str) -> Option<String> {
    d.kids().iter().find_map(|(name, n)| match n {
        Node::File(f) if f.lock.is_held() => Some(path::join(base, name)),
        Node::File(_) => None,
        Node::Dir(sub) => first_open(sub, &path::join(base, name)),
    })
}

/// (files, dirs) below `d`, `d` itself not counted.
pub(crate) fn count(d: &DirNode) -> (u64, u64) {
    let mut acc = (0, 0);
    for n in d.kids().values() {
        match n {
            Node::File(_) => acc.0 += 1,
            Node::Dir(sub) => {
                let (f, dd) = count(sub);
                acc.0 += f;
                acc.1 += dd + 1;
            }
        }
    }
    acc
}
