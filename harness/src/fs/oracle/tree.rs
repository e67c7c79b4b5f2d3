//! The flat tree: every node keyed by its normalized path in a `BTreeMap`, each directory
//! listing its child names in insertion order. Cheap to clone and easy to check by eye: the
//! map sits behind an `Arc` and is copied on the first write (`Arc::make_mut`), so the
//! explorer's clone per step costs nothing for the many steps that change nothing.

use super::accounting::{FileLayout, usage};
use super::path;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A directory: child names in insertion order and its creation time (which is also its
/// modification time: directories never change their timestamps, as in D-MemFS).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DirNode {
    pub children: Vec<String>,
    pub created: u64,
}

/// A file: its bytes, how it is stored, and its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileNode {
    pub data: Vec<u8>,
    pub storage: FileLayout,
    pub generation: u64,
    pub created: u64,
    pub modified: u64,
}

impl FileNode {
    /// A file created at `now` holding `data`, stored as `storage`, generation 0.
    pub fn new(data: Vec<u8>, storage: FileLayout, now: u64) -> Self {
        FileNode {
            data,
            storage,
            generation: 0,
            created: now,
            modified: now,
        }
    }
    /// Current size in bytes.
    pub fn size(&self) -> u64 {
        self.data.len() as u64
    }
    /// Bytes this file charges against the quota.
    pub fn usage(&self, overhead: u64) -> u64 {
        usage(self.size(), &self.storage, overhead)
    }
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    Dir(DirNode),
    File(FileNode),
}

/// All nodes by normalized path; the root `/` always exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tree {
    nodes: Arc<BTreeMap<String, Node>>,
}

impl Tree {
    /// A tree holding only the root, created at `now`.
    pub fn new(now: u64) -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            "/".to_string(),
            Node::Dir(DirNode {
                children: Vec::new(),
                created: now,
            }),
        );
        Tree {
            nodes: Arc::new(nodes),
        }
    }

    /// The map for writing (copied first if another clone shares it).
    fn nodes_mut(&mut self) -> &mut BTreeMap<String, Node> {
        Arc::make_mut(&mut self.nodes)
    }

    /// Whether `other` is this very tree (a clone no write has touched since): then the two
    /// are equal without comparing a node.
    pub fn shares_with(&self, other: &Tree) -> bool {
        Arc::ptr_eq(&self.nodes, &other.nodes)
    }

    /// Every node by path (sorted by path).
    pub fn nodes(&self) -> &BTreeMap<String, Node> {
        &self.nodes
    }

    /// The node at a normalized path.
    pub fn get(&self, p: &str) -> Option<&Node> {
        self.nodes.get(p)
    }

    /// The file at `p`, if `p` is a file.
    pub fn file(&self, p: &str) -> Option<&FileNode> {
        match self.nodes.get(p) {
            Some(Node::File(f)) => Some(f),
            _ => None,
        }
    }

    /// The file at `p`, mutably.
    pub fn file_mut(&mut self, p: &str) -> Option<&mut FileNode> {
        // Looked up first so a miss does not copy a shared map.
        self.file(p)?;
        match self.nodes_mut().get_mut(p) {
            Some(Node::File(f)) => Some(f),
            _ => None,
        }
    }

    /// The directory at `p`, if `p` is a directory.
    pub fn dir(&self, p: &str) -> Option<&DirNode> {
        match self.nodes.get(p) {
            Some(Node::Dir(d)) => Some(d),
            _ => None,
        }
    }

    /// Whether a directory is at `p`.
    pub fn is_dir(&self, p: &str) -> bool {
        self.dir(p).is_some()
    }

    /// Whether a file is at `p`.
    pub fn is_file(&self, p: &str) -> bool {
        self.file(p).is_some()
    }

    /// Number of nodes, the root included.
    pub fn node_count(&self) -> u64 {
        self.nodes.len() as u64
    }

    /// Adds `node` at `p` (absent) and appends its name to its parent's children. Callers make
    /// sure the parent is a directory; if it is not, nothing is inserted.
    pub fn insert(&mut self, p: &str, node: Node) {
        let Some(parent) = path::parent(p) else {
            return;
        };
        if !self.is_dir(&parent) {
            return;
        }
        let nodes = self.nodes_mut();
        let Some(Node::Dir(d)) = nodes.get_mut(&parent) else {
            return;
        };
        d.children.push(path::name(p).to_string());
        nodes.insert(p.to_string(), node);
    }

    /// Replaces the node at `p` in place: its position among its siblings is kept.
    pub fn replace(&mut self, p: &str, node: Node) {
        self.nodes_mut().insert(p.to_string(), node);
    }

    /// The paths of `p` and everything below it, pre-order, children in insertion order.
    pub fn subtree(&self, p: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![p.to_string()];
        while let Some(cur) = stack.pop() {
            if let Some(Node::Dir(d)) = self.nodes.get(&cur) {
                for c in d.children.iter().rev() {
                    stack.push(path::join(&cur, c));
                }
            }
            if self.nodes.contains_key(&cur) {
                out.push(cur);
            }
        }
        out
    }

    /// Removes `p` (not the root) and everything below it, and its name from its parent.
    pub fn remove_subtree(&mut self, p: &str) {
        let Some(parent) = path::parent(p) else {
            return;
        };
        let nodes = self.nodes_mut();
        if let Some(Node::Dir(d)) = nodes.get_mut(&parent) {
            let n = path::name(p);
            d.children.retain(|c| c != n);
        }
        nodes.retain(|k, _| !path::is_at_or_inside(k, p));
    }

    /// Moves `src` and its subtree to `dst` (absent, parent a directory): the name leaves
    /// `src`'s parent and is appended to `dst`'s parent; every node keeps its content.
    pub fn relocate(&mut self, src: &str, dst: &str) {
        let moved: Vec<String> = self
            .nodes
            .keys()
            .filter(|k| path::is_at_or_inside(k, src))
            .cloned()
            .collect();
        let nodes = self.nodes_mut();
        let mut taken = Vec::new();
        for k in &moved {
            if let Some(n) = nodes.remove(k) {
                taken.push((path::rebase(k, src, dst), n));
            }
        }
        if let Some(Node::Dir(d)) = path::parent(src).and_then(|pp| nodes.get_mut(&pp)) {
            let n = path::name(src);
            d.children.retain(|c| c != n);
        }
        if let Some(Node::Dir(d)) = path::parent(dst).and_then(|pp| nodes.get_mut(&pp)) {
            d.children.push(path::name(dst).to_string());
        }
        nodes.extend(taken);
    }

    /// Replaces every timestamp `t` by `f(t)` (used to hash states up to a shift of time).
    pub fn map_times(&mut self, f: impl Fn(u64) -> u64) {
        for n in self.nodes_mut().values_mut() {
            match n {
                Node::Dir(d) => d.created = f(d.created),
                Node::File(x) => {
                    x.created = f(x.created);
                    x.modified = f(x.modified);
                }
            }
        }
    }
}
