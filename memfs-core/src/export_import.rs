//! Bulk transfer (semantics §7): export of a subtree (eager and lazy) and of one file, and the
//! all-or-nothing import. Exports read-lock each file with the bulk wait outside the namespace
//! lock; import builds its files before taking the namespace lock and reserves the net charge
//! in one step right before linking them.

use crate::error::{MfsError, Result};
use crate::file_lock::Access;
use crate::file_node::FileNode;
use crate::fs::{MemoryFileSystem, Shared};
use crate::namespace::{Kind, Node, for_each_file};
use crate::path::{normalize, split_parent};
use crate::storage::FileData;
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, lock};
use indexmap::IndexMap;
use std::collections::{BTreeMap, HashSet};

impl MemoryFileSystem {
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
        let sh = &*self.inner;
        let norm = normalize(prefix)?;
        let mut list: Vec<(String, Arc<FileNode>)> = Vec::new();
        {
            let mut tree = sh.ns_write();
            match tree.kind_at(&norm) {
                None => {}
                Some(Kind::File(f)) => list.push((norm.to_string(), Arc::clone(f))),
                Some(Kind::Dir(d)) => for_each_file(d, &norm, &mut |p, f| {
                    list.push((p.to_string(), Arc::clone(f)))
                }),
            }
        }
        // With `only_dirty`, clean files are left out now, before any file lock is taken (and
        // outside the namespace lock), so a clean write-locked file is skipped rather than a
        // WouldBlock (integrator decision 3, D-MemFS behaviour). A node's generation never
        // returns to 0.
        if only_dirty {
            list.retain(|(_, f)| lock(&f.data).generation > 0);
        }
        Ok(list
            .into_iter()
            .filter_map(move |(p, f)| export_entry(sh, p, f, only_dirty)))
    }

    /// A detached copy of one file's bytes; `InvalidInput` if larger than `max_size`.
    pub fn export_as_bytesio(
        &self,
        path: &str,
        max_size: Option<u64>,
    ) -> Result<std::io::Cursor<Vec<u8>>> {
        let sh = &*self.inner;
        let norm = normalize(path)?;
        let p: &str = &norm;
        let node = sh.pin(Access::Read, sh.bulk_wait(), p, |tree| {
            match tree.kind_at(p) {
                None => Err(MfsError::not_found(p)),
                Some(Kind::Dir(_)) => Err(MfsError::is_a_directory(p)),
                Some(Kind::File(f)) => Ok(Some(Arc::clone(f))),
            }
        })?;
        let Some(node) = node else {
            return Err(MfsError::not_found(p));
        };
        let d = lock(&node.data);
        let res = match max_size {
            Some(m) if d.size() > m => Err(MfsError::invalid_input(
                p,
                format!(
                    "file is {} bytes, larger than max_size {m}; raise max_size or read it with open",
                    d.size()
                ),
            )),
            _ => Ok(d.to_vec()),
        };
        drop(d);
        node.lock.release(Access::Read);
        res.map(std::io::Cursor::new)
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
        self.import_list(list)
    }

    /// `import_tree` after normalization, not generic so that it is compiled once: validates
    /// everything first (IsADirectory, AlreadyExists, WouldBlock, node limit, quota, each over all
    /// entries in that order so the result does not depend on the map's iteration order), then
    /// applies it under one exclusive namespace lock. A repeated path keeps its last bytes; a
    /// replaced file keeps its place in its directory (D-MemFS assigns into a dict).
    fn import_list(&self, list: Vec<(String, Vec<u8>)>) -> Result<()> {
        let sh = &*self.inner;
        if list.is_empty() {
            return Ok(());
        }
        let mut entries: IndexMap<String, Vec<u8>> = IndexMap::with_capacity(list.len());
        for (p, b) in list {
            entries.insert(p, b);
        }
        let first = entries
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| "/".to_string());
        let total: u64 = entries.values().map(|b| b.len() as u64).sum();
        sh.guard_write(&first, total)?;
        let now = sh.now();
        // The new files are built (bytes copied) before the namespace lock is taken.
        let (mut new_charged, mut new_chunks) = (0, 0);
        let datas: Vec<(String, FileData)> = entries
            .into_iter()
            .map(|(p, b)| {
                let d = FileData::with_bytes(sh.settings.storage, b, now, 0);
                new_charged += d.charged(sh.settings.overhead);
                new_chunks += d.chunk_count();
                (p, d)
            })
            .collect();
        // Proper ancestors of every import path: a path among them would have to be a directory.
        let mut ancestors: HashSet<&str> = HashSet::new();
        for (p, _) in &datas {
            let mut cur = p.as_str();
            while cur != "/" {
                cur = split_parent(cur).0;
                if !ancestors.insert(cur) {
                    break;
                }
            }
        }
        let mut tree = sh.ns_write();
        for (p, _) in &datas {
            if p == "/"
                || matches!(tree.kind_at(p), Some(Kind::Dir(_)))
                || ancestors.contains(p.as_str())
            {
                return Err(MfsError::is_a_directory(p));
            }
        }
        for (p, _) in &datas {
            if tree.missing_dirs(split_parent(p).0).is_err() {
                return Err(MfsError::already_exists(p));
            }
        }
        let mut old_charged = 0;
        let mut old_chunks = 0;
        let mut new_files = 0;
        for (p, _) in &datas {
            match tree.kind_at(p) {
                Some(Kind::File(f)) if f.lock.is_held() => return Err(MfsError::file_open(p)),
                Some(Kind::File(f)) => {
                    let d = lock(&f.data);
                    old_charged += d.charged(sh.settings.overhead);
                    old_chunks += d.chunk_count();
                }
                _ => new_files += 1,
            }
        }
        let new_dirs = ancestors
            .iter()
            .filter(|a| tree.kind_at(a).is_none())
            .count() as u64;
        sh.check_nodes(&tree, new_files + new_dirs, &first)?;
        if new_charged > old_charged {
            sh.quota
                .reserve(new_charged - old_charged)
                .map_err(|r| MfsError::quota_exceeded(&first, r.requested, r.available))?;
        } else {
            sh.quota.release(old_charged - new_charged);
        }
        sh.chunks.fetch_sub(old_chunks, Ordering::Relaxed);
        sh.chunks.fetch_add(new_chunks, Ordering::Relaxed);
        tree.files.fetch_add(new_files, Ordering::Relaxed);
        tree.dirs += new_dirs;
        for (p, data) in datas {
            let (parent, name) = split_parent(&p);
            if let Some(dir) = tree.make_dirs(parent, now) {
                dir.kids_mut().insert(
                    name.into(),
                    Node::File(FileNode::new(Default::default(), data, &sh.context)),
                );
            }
        }
        Ok(())
    }
}

/// Reads one listed file for export: reader lock (default timeout, outside the namespace lock),
/// skipped if it is no longer at its path, or not dirty when `only_dirty`.
fn export_entry(
    sh: &Shared,
    p: String,
    f: Arc<FileNode>,
    only_dirty: bool,
) -> Option<Result<(String, Vec<u8>)>> {
    let pinned = sh.pin(Access::Read, sh.bulk_wait(), &p, |tree| {
        Ok(match tree.file_at(&p) {
            Some(g) if Arc::ptr_eq(g, &f) => Some(Arc::clone(g)),
            _ => None,
        })
    });
    match pinned {
        Err(e) => Some(Err(e)),
        Ok(None) => None,
        Ok(Some(n)) => {
            let d = lock(&n.data);
            let bytes = (!only_dirty || d.generation > 0).then(|| d.to_vec());
            drop(d);
            n.lock.release(Access::Read);
            bytes.map(|b| Ok((p, b)))
        }
    }
}
