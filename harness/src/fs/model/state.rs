//! The abstract filesystem state the model predicts: a tree with insertion-ordered children,
//! file contents with their storage kind and chunk count (so quota use is exact), per-file
//! generation, the handle slots and the count of memory-guard warnings. No timestamps: the state
//! is hashable and two prefixes reaching the same tree, contents, handles and warnings compare
//! equal.

use super::path;
use crate::fs::config::{FsConfig, GuardAction, GuardMode, Storage};
use std::sync::Arc;

/// The five open modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Rb,
    Wb,
    Ab,
    RPlusB,
    Xb,
}

impl Mode {
    /// Parses a mode string; `None` for anything the filesystem rejects.
    pub fn parse(s: &str) -> Option<Mode> {
        Some(match s {
            "rb" => Mode::Rb,
            "wb" => Mode::Wb,
            "ab" => Mode::Ab,
            "r+b" => Mode::RPlusB,
            "xb" => Mode::Xb,
            _ => return None,
        })
    }
    /// The mode string.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Rb => "rb",
            Mode::Wb => "wb",
            Mode::Ab => "ab",
            Mode::RPlusB => "r+b",
            Mode::Xb => "xb",
        }
    }
    /// Whether a handle in this mode may read.
    pub fn readable(self) -> bool {
        matches!(self, Mode::Rb | Mode::RPlusB)
    }
    /// Whether a handle in this mode may write (and holds the writer lock).
    pub fn writable(self) -> bool {
        self != Mode::Rb
    }
}

/// One file: contents, storage layout and generation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileState {
    pub data: Arc<[u8]>,
    /// Random-access (promoted or created so); otherwise sequential chunks.
    pub random: bool,
    /// Sequential chunk count (0 for random-access files).
    pub chunks: u32,
    pub generation: u64,
}

impl FileState {
    /// A new file holding `data` as one fresh write (copy, import): one chunk if non-empty.
    pub fn fresh(cfg: &FsConfig, data: Arc<[u8]>, generation: u64) -> FileState {
        let random = cfg.storage == Storage::RandomAccess;
        let chunks = u32::from(!random && !data.is_empty());
        FileState {
            data,
            random,
            chunks,
            generation,
        }
    }
    /// Current size in bytes.
    pub fn size(&self) -> u64 {
        self.data.len() as u64
    }
    /// Bytes charged against the quota: size plus overhead per chunk if sequential.
    pub fn usage(&self, cfg: &FsConfig) -> u64 {
        if self.random {
            self.size()
        } else {
            self.size() + cfg.chunk_overhead * u64::from(self.chunks)
        }
    }
    /// Chunks this file contributes to `stats().chunk_count`: its sequential chunks (a
    /// random-access file has none, as in the core and the oracle).
    pub fn chunk_count(&self) -> u64 {
        if self.random {
            0
        } else {
            u64::from(self.chunks)
        }
    }
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    /// A directory with its child names in insertion order.
    Dir {
        children: Vec<Arc<str>>,
    },
    File(FileState),
}

/// A handle slot's content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HandleState {
    /// Normalized path the handle was opened on.
    pub path: Arc<str>,
    pub mode: Mode,
    pub pos: u64,
    pub closed: bool,
}

/// The abstract state. Nodes are kept sorted by normalized path (the root `/` first) behind
/// an `Arc`, so a step that changes nothing (queries, predicted errors) costs no deep clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModelState {
    nodes: Arc<Vec<(Arc<str>, Node)>>,
    handles: Arc<Vec<Option<HandleState>>>,
    /// Memory-guard warnings recorded since the build. Not filesystem state: a step that fails
    /// after its guard warned keeps the warning (GUARD-11).
    warnings: u64,
}

impl ModelState {
    /// The empty filesystem: only the root, every slot unused, and the warning the `init`
    /// guard records when the quota does not fit the host's available memory (GUARD-3).
    pub fn new(cfg: &FsConfig) -> ModelState {
        ModelState {
            nodes: Arc::new(vec![(
                Arc::from("/"),
                Node::Dir {
                    children: Vec::new(),
                },
            )]),
            handles: Arc::new(vec![None; usize::from(cfg.slots)]),
            warnings: u64::from(init_warns(cfg)),
        }
    }

    /// Whether `other` is this very state: a clone that no effect has written to since (every
    /// write goes through `Arc::make_mut`, which copies a shared state first). Exact, and
    /// cheaper than `==`; `false` says nothing (an effect may have rewritten equal values).
    pub fn shares_with(&self, other: &ModelState) -> bool {
        Arc::ptr_eq(&self.nodes, &other.nodes)
            && Arc::ptr_eq(&self.handles, &other.handles)
            && self.warnings == other.warnings
    }

    /// Memory-guard warnings recorded since the build.
    pub fn warnings(&self) -> u64 {
        self.warnings
    }

    /// Records one memory-guard warning (the guard's `warn` action).
    pub fn add_warning(&mut self) {
        self.warnings += 1;
    }

    /// Every node by normalized path, sorted.
    pub fn nodes(&self) -> &[(Arc<str>, Node)] {
        &self.nodes
    }

    /// Every handle slot.
    pub fn handles(&self) -> &[Option<HandleState>] {
        &self.handles
    }

    fn index(&self, p: &str) -> Result<usize, usize> {
        self.nodes.binary_search_by(|(k, _)| (**k).cmp(p))
    }

    /// The node at a normalized path.
    pub fn get(&self, p: &str) -> Option<&Node> {
        self.index(p).ok().map(|i| &self.nodes[i].1)
    }

    /// The file at a normalized path.
    pub fn file(&self, p: &str) -> Option<&FileState> {
        match self.get(p) {
            Some(Node::File(f)) => Some(f),
            _ => None,
        }
    }

    /// Whether a directory exists at a normalized path.
    pub fn is_dir(&self, p: &str) -> bool {
        matches!(self.get(p), Some(Node::Dir { .. }))
    }

    /// Children names of a directory, in insertion order.
    pub fn children(&self, p: &str) -> Option<&[Arc<str>]> {
        match self.get(p) {
            Some(Node::Dir { children }) => Some(children),
            _ => None,
        }
    }

    /// Mutable access to a file.
    pub fn file_mut(&mut self, p: &str) -> Option<&mut FileState> {
        let i = self.index(p).ok()?;
        match &mut Arc::make_mut(&mut self.nodes)[i].1 {
            Node::File(f) => Some(f),
            Node::Dir { .. } => None,
        }
    }

    /// A handle slot's state, if it was ever opened.
    pub fn handle(&self, slot: u8) -> Option<&HandleState> {
        self.handles.get(usize::from(slot)).and_then(|h| h.as_ref())
    }

    /// A handle that is open (not closed).
    pub fn open_handle(&self, slot: u8) -> Option<&HandleState> {
        self.handle(slot).filter(|h| !h.closed)
    }

    /// Mutable access to a handle slot.
    pub fn handle_mut(&mut self, slot: u8) -> Option<&mut HandleState> {
        Arc::make_mut(&mut self.handles)
            .get_mut(usize::from(slot))
            .and_then(|h| h.as_mut())
    }

    /// Puts a handle into a slot (a previous handle there is dropped, which closes it).
    pub fn set_handle(&mut self, slot: u8, h: HandleState) {
        if let Some(s) = Arc::make_mut(&mut self.handles).get_mut(usize::from(slot)) {
            *s = Some(h);
        }
    }

    /// Open handles (not closed) on exactly this normalized path.
    pub fn open_on<'a>(&'a self, p: &'a str) -> impl Iterator<Item = &'a HandleState> + 'a {
        self.handles
            .iter()
            .flatten()
            .filter(move |h| !h.closed && &*h.path == p)
    }

    /// Whether any open handle lies at or below `p`.
    pub fn any_open_under(&self, p: &str) -> bool {
        self.handles
            .iter()
            .flatten()
            .any(|h| !h.closed && path::is_within(&h.path, p))
    }

    /// Whether a writer handle is open at or below `p`.
    pub fn writer_open_under(&self, p: &str) -> bool {
        self.handles
            .iter()
            .flatten()
            .any(|h| !h.closed && h.mode.writable() && path::is_within(&h.path, p))
    }

    /// Total bytes charged against the quota.
    pub fn used(&self, cfg: &FsConfig) -> u64 {
        self.files().map(|(_, f)| f.usage(cfg)).sum()
    }

    /// `quota - used`, never negative.
    pub fn free(&self, cfg: &FsConfig) -> u64 {
        cfg.quota.saturating_sub(self.used(cfg))
    }

    /// Every file with its path.
    pub fn files(&self) -> impl Iterator<Item = (&str, &FileState)> {
        self.nodes.iter().filter_map(|(p, n)| match n {
            Node::File(f) => Some((&**p, f)),
            Node::Dir { .. } => None,
        })
    }

    /// Number of files.
    pub fn file_count(&self) -> u64 {
        self.files().count() as u64
    }

    /// Number of directories, the root included.
    pub fn dir_count(&self) -> u64 {
        self.nodes.len() as u64 - self.file_count()
    }

    /// Number of nodes, the root included.
    pub fn node_count(&self) -> u64 {
        self.nodes.len() as u64
    }

    /// Total chunks as `stats().chunk_count` reports them.
    pub fn chunk_count(&self) -> u64 {
        self.files().map(|(_, f)| f.chunk_count()).sum()
    }

    /// Inserts a new node and appends its name to its parent's children. The parent must be
    /// an existing directory; otherwise nothing happens (callers check preconditions first).
    pub fn insert(&mut self, p: &str, node: Node) {
        if p == "/" || self.get(p).is_some() || !self.is_dir(path::parent(p)) {
            return;
        }
        let nodes = Arc::make_mut(&mut self.nodes);
        if let Ok(pi) = nodes.binary_search_by(|(k, _)| (**k).cmp(path::parent(p)))
            && let Node::Dir { children } = &mut nodes[pi].1
        {
            children.push(Arc::from(path::name(p)));
        }
        let at = nodes
            .binary_search_by(|(k, _)| (**k).cmp(p))
            .unwrap_or_else(|e| e);
        nodes.insert(at, (Arc::from(p), node));
    }

    /// Replaces the node at `p` in place (keeps its position among its siblings).
    pub fn replace(&mut self, p: &str, node: Node) {
        if let Ok(i) = self.index(p) {
            Arc::make_mut(&mut self.nodes)[i].1 = node;
        }
    }

    /// Creates every missing directory on the way to `p` and `p` itself.
    pub fn make_dirs(&mut self, p: &str) {
        for a in path::ancestors(p).into_iter().chain(std::iter::once(p)) {
            if self.get(a).is_none() {
                self.insert(
                    a,
                    Node::Dir {
                        children: Vec::new(),
                    },
                );
            }
        }
    }

    /// Number of directories `make_dirs(p)` would create.
    pub fn missing_dirs(&self, p: &str) -> u64 {
        path::ancestors(p)
            .into_iter()
            .chain(std::iter::once(p))
            .filter(|a| *a != "/" && self.get(a).is_none())
            .count() as u64
    }

    /// Whether a proper ancestor of `p` is a file.
    pub fn file_ancestor(&self, p: &str) -> bool {
        path::ancestors(p)
            .into_iter()
            .any(|a| matches!(self.get(a), Some(Node::File(_))))
    }

    /// Removes `p` and everything below it, and unlinks it from its parent.
    pub fn remove_subtree(&mut self, p: &str) {
        if p == "/" || self.get(p).is_none() {
            return;
        }
        let nodes = Arc::make_mut(&mut self.nodes);
        nodes.retain(|(k, _)| !path::is_within(k, p));
        let name = path::name(p);
        if let Ok(pi) = nodes.binary_search_by(|(k, _)| (**k).cmp(path::parent(p)))
            && let Node::Dir { children } = &mut nodes[pi].1
        {
            children.retain(|c| &**c != name);
        }
    }

    /// The nodes at and below `p`, as (relative suffix, node) pairs, parents before children
    /// in insertion order (the order a copy recreates them in).
    pub fn subtree(&self, p: &str) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        if let Some(n) = self.get(p) {
            self.collect(p, "", n, &mut out);
        }
        out
    }

    fn collect(&self, abs: &str, rel: &str, n: &Node, out: &mut Vec<(String, Node)>) {
        out.push((rel.to_string(), n.clone()));
        if let Node::Dir { children } = n {
            for c in children {
                let cabs = path::join(abs, c);
                if let Some(cn) = self.get(&cabs) {
                    self.collect(&cabs, &format!("{rel}/{c}"), cn, out);
                }
            }
        }
    }

    /// Moves `src` (and its subtree) to `dst`: the name is appended to dst's parent.
    pub fn move_subtree(&mut self, src: &str, dst: &str) {
        if src == "/" || self.get(dst).is_some() || !self.is_dir(path::parent(dst)) {
            return;
        }
        if path::is_within(dst, src) {
            return;
        }
        let sub = self.subtree(src);
        if sub.is_empty() {
            return;
        }
        self.remove_subtree(src);
        self.place_subtree(dst, sub);
    }

    /// Inserts nodes produced by [`ModelState::subtree`] below `dst`, children lists rebuilt.
    pub fn place_subtree(&mut self, dst: &str, sub: Vec<(String, Node)>) {
        for (rel, node) in sub {
            let target = format!("{dst}{rel}");
            let node = match node {
                Node::Dir { .. } => Node::Dir {
                    children: Vec::new(),
                },
                f => f,
            };
            self.insert(&target, node);
        }
    }
}

/// Whether building a filesystem with `cfg` records the `init` guard's warning: mode `init`,
/// action `warn`, and a quota larger than the host's known available memory.
pub fn init_warns(cfg: &FsConfig) -> bool {
    cfg.memory_guard == GuardMode::Init
        && cfg.memory_guard_action == GuardAction::Warn
        && cfg.available_memory.is_some_and(|a| cfg.quota > a)
}
