//! The namespace: directories holding insertion-ordered children, files as shared nodes with
//! their own lock and data mutex. The whole tree sits behind one short-held mutex in the
//! filesystem; file contents do not (semantics §2, §9).

use crate::clock::Timestamp;
use crate::hash::FxBuild;
use crate::lock::FileLock;
use crate::path;
use crate::storage::FileData;
use crate::sync::{Arc, Mutex};
use indexmap::IndexMap;

/// One file: its reader/writer lock (held by handles) and its contents.
#[derive(Debug)]
pub(crate) struct FileNode {
    pub lock: FileLock,
    pub data: Mutex<FileData>,
}

impl FileNode {
    pub(crate) fn new(lock: FileLock, data: FileData) -> Arc<Self> {
        Arc::new(FileNode {
            lock,
            data: Mutex::new(data),
        })
    }
}

/// Children of a directory in insertion order.
/// Names are shared `Arc<str>` so copying a tree (`fork`) does not allocate per name.
pub(crate) type Children = IndexMap<Arc<str>, Node, FxBuild>;

/// A directory.
#[derive(Debug, Default)]
pub(crate) struct DirNode {
    pub children: Children,
    pub created_at: Timestamp,
}

impl DirNode {
    pub(crate) fn new(created_at: Timestamp) -> Self {
        DirNode {
            children: Children::default(),
            created_at,
        }
    }
}

/// A node of the tree.
#[derive(Debug)]
pub(crate) enum Node {
    Dir(DirNode),
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
pub(crate) struct Tree {
    pub root: DirNode,
    pub files: u64,
    /// Directories, the root included.
    pub dirs: u64,
}

impl Tree {
    pub(crate) fn new(now: Timestamp) -> Self {
        Tree {
            root: DirNode::new(now),
            files: 0,
            dirs: 1,
        }
    }

    /// Nodes in the tree, the root included.
    pub(crate) fn nodes(&self) -> u64 {
        self.files + self.dirs
    }

    /// The node at normalized `p` (`None` for the root: use [`Tree::get_dir`]).
    pub(crate) fn get(&self, p: &str) -> Option<&Node> {
        let mut dir = &self.root;
        let mut it = path::parts(p).peekable();
        while let Some(name) = it.next() {
            let node = dir.children.get(name)?;
            if it.peek().is_none() {
                return Some(node);
            }
            match node {
                Node::Dir(d) => dir = d,
                Node::File(_) => return None,
            }
        }
        None
    }

    /// What is at `p`: the root counts as a directory.
    pub(crate) fn kind_at(&self, p: &str) -> Option<Kind<'_>> {
        if p == "/" {
            return Some(Kind::Dir(&self.root));
        }
        match self.get(p)? {
            Node::Dir(d) => Some(Kind::Dir(d)),
            Node::File(f) => Some(Kind::File(f)),
        }
    }

    /// The directory at `p` (the root included).
    pub(crate) fn get_dir(&self, p: &str) -> Option<&DirNode> {
        match self.kind_at(p)? {
            Kind::Dir(d) => Some(d),
            Kind::File(_) => None,
        }
    }

    /// The directory at `p`, mutably.
    pub(crate) fn get_dir_mut(&mut self, p: &str) -> Option<&mut DirNode> {
        let mut dir = &mut self.root;
        for name in path::parts(p) {
            match dir.children.get_mut(name)? {
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
            match dir.children.get_mut(name) {
                Some(Node::Dir(d)) => dir = d,
                Some(Node::File(_)) => return Parent::NotDir,
                None => return Parent::Missing,
            }
        }
        Parent::Dir(dir)
    }

    /// Whether the parent of `p` is an existing directory.
    pub(crate) fn parent_is_dir(&self, p: &str) -> bool {
        self.get_dir(path::split_parent(p).0).is_some()
    }

    /// Detaches the node at a normalized non-root path, keeping the order of its siblings.
    pub(crate) fn detach(&mut self, p: &str) -> Option<Node> {
        let (parent, name) = path::split_parent(p);
        self.get_dir_mut(parent)?.children.shift_remove(name)
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
    for (name, node) in &d.children {
        let p = path::join(base, name);
        match node {
            Node::File(n) => f(&p, n),
            Node::Dir(sub) => for_each_file(sub, &p, f),
        }
    }
}

/// The path of the first open file below `d` (insertion order), if any.
pub(crate) fn first_open(d: &DirNode, base: &str) -> Option<String> {
    d.children.iter().find_map(|(name, n)| match n {
        Node::File(f) if f.lock.is_held() => Some(path::join(base, name)),
        Node::File(_) => None,
        Node::Dir(sub) => first_open(sub, &path::join(base, name)),
    })
}

/// (files, dirs) below `d`, `d` itself not counted.
pub(crate) fn count(d: &DirNode) -> (u64, u64) {
    let mut acc = (0, 0);
    for n in d.children.values() {
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

impl Tree {
    /// How many directories creating normalized `p` (and its parents) needs; `Err(())` if a
    /// file is on the way or at `p`.
    pub(crate) fn missing_dirs(&self, p: &str) -> Result<u64, ()> {
        let mut dir = &self.root;
        let total = path::parts(p).count() as u64;
        for (i, name) in path::parts(p).enumerate() {
            match dir.children.get(name) {
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
            if !dir.children.contains_key(name) {
                dir.children
                    .insert(name.into(), Node::Dir(DirNode::new(now)));
            }
            match dir.children.get_mut(name) {
                Some(Node::Dir(d)) => dir = d,
                _ => return None,
            }
        }
        Some(dir)
    }
}
