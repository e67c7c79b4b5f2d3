//! Copies, traversal and bulk transfer (semantics §6 copy/copy_tree/walk/glob, §7). New files
//! are loaded in one piece: one chunk if non-empty (none if empty), or random access, as the
//! filesystem's storage setting says, and they charge exactly that (fixed).

use super::NaiveFs;
use super::accounting::{FileLayout, usage};
use super::error::{Kind, Reason, Result, err};
use super::glob;
use super::path;
use super::tree::{DirNode, FileNode, Node};
use std::collections::{BTreeMap, BTreeSet};

/// `walk`'s result: (directory, subdirectory names, file names) top-down, insertion order.
pub type WalkList = Vec<(String, Vec<String>, Vec<String>)>;

impl NaiveFs {
    /// Bytes a new file holding `len` bytes loaded in one piece charges.
    fn loaded_usage(&self, len: u64) -> u64 {
        usage(
            len,
            &FileLayout::loaded(self.cfg.storage, len),
            self.cfg.chunk_overhead,
        )
    }

    /// `NotFound` unless `d`'s parent is an existing directory.
    fn parent_must_be_dir(&self, d: &str) -> Result<()> {
        if path::parent(d).is_some_and(|pp| self.tree.is_dir(&pp)) {
            Ok(())
        } else {
            err(Kind::NotFound, d)
        }
    }

    /// Copies a file. Order: src missing -> `NotFound`; src dir -> `IsADirectory`; dst exists
    /// -> `AlreadyExists`; dst parent missing/file -> `NotFound`; src write-locked ->
    /// `WouldBlock(LockTimeout)`; node limit; quota (no dst remains). New timestamps;
    /// generation 1 if non-empty else 0.
    pub fn copy(&mut self, src: &str, dst: &str) -> Result<()> {
        let s = path::normalize(src)?;
        let d = path::normalize(dst)?;
        let data = match self.tree.get(&s) {
            None => return err(Kind::NotFound, &s),
            Some(Node::Dir(_)) => return err(Kind::IsADirectory, &s),
            Some(Node::File(f)) => f.data.clone(),
        };
        if self.tree.get(&d).is_some() {
            return err(Kind::AlreadyExists, &d);
        }
        self.parent_must_be_dir(&d)?;
        // Ambiguity: the read lock is tried after the namespace checks, before node limit and
        // quota (D-MemFS locks before its parent check; the semantics list omits the lock).
        if self.write_locked(&s) {
            return err(Kind::WouldBlock(Reason::LockTimeout), &s);
        }
        let len = data.len() as u64;
        // The copy's bytes, once the source is readable, before node limit and quota.
        self.guard_allocation(&d, len)?;
        self.node_room(&d, 1)?;
        Self::need(&d, self.loaded_usage(len), self.free())?;
        let mut f = FileNode::new(data, FileLayout::loaded(self.cfg.storage, len), self.now);
        f.generation = u64::from(len > 0);
        self.tree.insert(&d, Node::File(f));
        Ok(())
    }

    /// Copies a directory tree as a snapshot (dst may be inside src). Order: src missing ->
    /// `NotFound`; src file -> `NotADirectory`; dst exists -> `AlreadyExists`; dst parent
    /// missing/file -> `NotFound`; a write-locked file inside -> `WouldBlock(LockTimeout)`;
    /// node limit; quota. Copies: generation 0, new timestamps.
    pub fn copy_tree(&mut self, src: &str, dst: &str) -> Result<()> {
        let s = path::normalize(src)?;
        let d = path::normalize(dst)?;
        match self.tree.get(&s) {
            None => return err(Kind::NotFound, &s),
            Some(Node::File(_)) => return err(Kind::NotADirectory, &s),
            Some(Node::Dir(_)) => {}
        }
        if self.tree.get(&d).is_some() {
            return err(Kind::AlreadyExists, &d);
        }
        self.parent_must_be_dir(&d)?;
        let members = self.tree.subtree(&s);
        // Ambiguity: locks first (D-MemFS meets them while copying), then node limit, then quota.
        if let Some(locked) = members.iter().find(|m| self.write_locked(m)) {
            return err(Kind::WouldBlock(Reason::LockTimeout), locked);
        }
        let bytes: u64 = members
            .iter()
            .filter_map(|m| self.tree.file(m))
            .map(|f| f.size())
            .sum();
        // Every copied byte, once the sources are readable, before node limit and quota.
        self.guard_allocation(&d, bytes)?;
        let total: u64 = members
            .iter()
            .filter_map(|m| self.tree.file(m))
            .map(|f| self.loaded_usage(f.size()))
            .sum();
        // Node limit before quota, as everywhere (integrator's decision, matches the core).
        self.node_room(&d, members.len() as u64)?;
        Self::need(&d, total, self.free())?;
        let now = self.now;
        let copies: Vec<(String, Node)> = members
            .iter()
            .filter_map(|m| {
                let node = match self.tree.get(m)? {
                    Node::Dir(_) => Node::Dir(DirNode {
                        children: Vec::new(),
                        created: now,
                    }),
                    Node::File(f) => Node::File(FileNode::new(
                        f.data.clone(),
                        FileLayout::loaded(self.cfg.storage, f.size()),
                        now,
                    )),
                };
                Some((path::rebase(m, &s, &d), node))
            })
            .collect();
        for (p, node) in copies {
            self.tree.insert(&p, node);
        }
        Ok(())
    }

    /// Top-down walk from `path`: missing -> `NotFound`; file -> `NotADirectory`.
    pub fn walk(&self, path: &str) -> Result<WalkList> {
        let p = path::normalize(path)?;
        match self.tree.get(&p) {
            None => return err(Kind::NotFound, &p),
            Some(Node::File(_)) => return err(Kind::NotADirectory, &p),
            Some(Node::Dir(_)) => {}
        }
        let mut out = Vec::new();
        for dir in self.tree.subtree(&p) {
            let Some(d) = self.tree.dir(&dir) else {
                continue;
            };
            let (mut dirs, mut files) = (Vec::new(), Vec::new());
            for c in &d.children {
                if self.tree.is_dir(&path::join(&dir, c)) {
                    dirs.push(c.clone());
                } else {
                    files.push(c.clone());
                }
            }
            out.push((dir, dirs, files));
        }
        Ok(out)
    }

    /// Paths (never the root) matching `pattern`, sorted, without duplicates (fixed). The
    /// pattern is not normalized (as D-MemFS), so it never fails; `Result` keeps call sites
    /// uniform with the core's signature.
    pub fn glob(&self, pattern: &str) -> Result<Vec<String>> {
        let parts = glob::pattern_parts(pattern);
        let hits: BTreeSet<String> = self
            .tree
            .nodes()
            .keys()
            .filter(|p| p.as_str() != "/" && glob::matches_path(&parts, &path::components(p)))
            .cloned()
            .collect();
        Ok(hits.into_iter().collect())
    }

    /// Contents of every file at/under `prefix` (missing: empty; a file: that file), only those
    /// with generation > 0 if `only_dirty`. A write-locked exported file ->
    /// `WouldBlock(LockTimeout)` (filtered first: a clean locked file does not block a dirty export).
    pub fn export_tree(&self, prefix: &str, only_dirty: bool) -> Result<BTreeMap<String, Vec<u8>>> {
        let p = path::normalize(prefix)?;
        let mut out = BTreeMap::new();
        for m in self.tree.subtree(&p) {
            let Some(f) = self.tree.file(&m) else {
                continue;
            };
            if only_dirty && f.generation == 0 {
                continue;
            }
            if self.write_locked(&m) {
                return err(Kind::WouldBlock(Reason::LockTimeout), &m);
            }
            out.insert(m, f.data.clone());
        }
        Ok(out)
    }

    /// A detached copy of one file: missing -> `NotFound`; dir -> `IsADirectory`; write-locked
    /// -> `WouldBlock(LockTimeout)`; larger than `max_size` -> `InvalidInput`.
    pub fn export_as_bytesio(&self, path: &str, max_size: Option<u64>) -> Result<Vec<u8>> {
        let p = path::normalize(path)?;
        let f = match self.tree.get(&p) {
            None => return err(Kind::NotFound, &p),
            Some(Node::Dir(_)) => return err(Kind::IsADirectory, &p),
            Some(Node::File(f)) => f,
        };
        if self.write_locked(&p) {
            return err(Kind::WouldBlock(Reason::LockTimeout), &p);
        }
        if max_size.is_some_and(|m| f.size() > m) {
            return err(Kind::InvalidInput, &p);
        }
        Ok(f.data.clone())
    }

    /// Imports files all or nothing, creating missing parents. Each check runs over every
    /// entry before the next: paths valid; a path that is a directory (root too) or that the
    /// import itself needs as a directory -> `IsADirectory`; a path below an existing file ->
    /// `AlreadyExists`; an open target -> `WouldBlock(FileOpen)`; node limit;
    /// quota of the net change. Empty: no-op. Imported files: generation 0, new timestamps; a replaced file
    /// keeps its place in its directory's listing (D-MemFS dict semantics).
    pub fn import_tree(&mut self, entries: &[(String, Vec<u8>)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        // A path given twice (after normalization): the last data wins, at the first position.
        let mut items: Vec<(String, Vec<u8>)> = Vec::new();
        for (raw, data) in entries {
            let p = path::normalize(raw)?;
            match items.iter_mut().find(|(q, _)| *q == p) {
                Some(slot) => slot.1 = data.clone(),
                None => items.push((p, data.clone())),
            }
        }
        // The bytes the import brings in, once its paths are known to be valid.
        let bytes: u64 = items.iter().map(|(_, d)| d.len() as u64).sum();
        self.guard_allocation(&items[0].0, bytes)?;
        // Every proper ancestor of an imported path must end up a directory, so an imported
        // path that is one of them "would replace a directory" -> IsADirectory. Checked before
        // AlreadyExists (the documented order), so {/p, /p/q} is IsADirectory: the "below a
        // file of the same import" case of AlreadyExists is always preempted by this check.
        let implied: BTreeSet<String> = items
            .iter()
            .flat_map(|(p, _)| path::ancestors_below_root(p))
            .collect();
        if let Some((p, _)) = items
            .iter()
            .find(|(p, _)| self.tree.is_dir(p) || implied.contains(p))
        {
            return err(Kind::IsADirectory, p);
        }
        for (p, _) in &items {
            if path::ancestors_below_root(p)
                .iter()
                .any(|a| self.tree.is_file(a))
            {
                return err(Kind::AlreadyExists, p);
            }
        }
        if let Some((p, _)) = items
            .iter()
            .find(|(p, _)| self.tree.is_file(p) && self.open_at_or_under(p).is_some())
        {
            return err(Kind::WouldBlock(Reason::FileOpen), p);
        }
        let overhead = self.cfg.chunk_overhead;
        let old: u64 = items
            .iter()
            .filter_map(|(p, _)| self.tree.file(p))
            .map(|f| f.usage(overhead))
            .sum();
        let new: u64 = items
            .iter()
            .map(|(_, d)| self.loaded_usage(d.len() as u64))
            .sum();
        let mut new_dirs: BTreeSet<String> = BTreeSet::new();
        for (p, _) in &items {
            new_dirs.extend(
                path::ancestors_below_root(p)
                    .into_iter()
                    .filter(|a| self.tree.get(a).is_none()),
            );
        }
        let new_files = items
            .iter()
            .filter(|(p, _)| self.tree.get(p).is_none())
            .count() as u64;
        // Node limit before quota, as everywhere (integrator's decision, matches the core).
        self.node_room(&items[0].0, new_dirs.len() as u64 + new_files)?;
        if new > old {
            Self::need(&items[0].0, new - old, self.free())?;
        }
        for (p, data) in items {
            self.make_dirs(&path::ancestors_below_root(&p), &p)?;
            let len = data.len() as u64;
            let node = Node::File(FileNode::new(
                data,
                FileLayout::loaded(self.cfg.storage, len),
                self.now,
            ));
            if self.tree.is_file(&p) {
                self.tree.replace(&p, node);
            } else {
                self.tree.insert(&p, node);
            }
        }
        Ok(())
    }
}
