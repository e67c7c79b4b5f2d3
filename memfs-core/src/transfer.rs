//! Copies and bulk transfer (semantics §6 copy/copy_tree, §7): readers take file reader locks
//! with the default timeout outside the namespace lock, and every charge is reserved atomically
//! right before the new nodes are linked.

use crate::Result;
use crate::error::MfsError;
use crate::file_lock::Access;
use crate::file_node::FileNode;
use crate::fs::Shared;
use crate::namespace::{DirNode, Kind, Name, Node, Tree, for_each_file};
use crate::path::{self, normalize, split_parent};
use crate::storage::FileData;
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, lock};
use crate::types::LockWait;
use indexmap::IndexMap;
use std::collections::HashSet;

/// `copy(src, dst)` for files. The copy is one chunk (or one buffer) of the filesystem's
/// storage kind, generation 1 if non-empty else 0, new timestamps.
pub(crate) fn copy(sh: &Shared, src: &str, dst: &str) -> Result<()> {
    let s_norm = normalize(src)?;
    let d_norm = normalize(dst)?;
    let (s, d): (&str, &str) = (&s_norm, &d_norm);
    let check_dst = |tree: &mut Tree| -> Result<()> {
        if tree.kind_at(d).is_some() {
            return Err(MfsError::already_exists(d));
        }
        if !tree.parent_is_dir(d) {
            return Err(MfsError::not_found(d));
        }
        Ok(())
    };
    let node = sh.pin(Access::Read, sh.bulk_wait(), s, |tree| {
        let f = match tree.kind_at(s) {
            None => return Err(MfsError::not_found(s)),
            Some(Kind::Dir(_)) => return Err(MfsError::is_a_directory(s)),
            Some(Kind::File(f)) => Arc::clone(f),
        };
        check_dst(tree)?;
        Ok(Some(f))
    })?;
    let Some(node) = node else {
        return Err(MfsError::not_found(s));
    };
    let d_lock = lock(&node.data);
    // The memory guard runs before the copy allocates.
    let bytes = sh.guard_write(d, d_lock.size()).map(|()| d_lock.to_vec());
    drop(d_lock);
    node.lock.release(Access::Read);
    let bytes = bytes?;
    let now = sh.now();
    let generation = u64::from(!bytes.is_empty());
    let data = FileData::with_bytes(sh.settings.storage, bytes, now, generation);
    let (charge, chunks) = (data.charged(sh.settings.overhead), data.chunk_count());
    let mut tree = sh.ns_write();
    check_dst(&mut tree)?;
    sh.check_nodes(&tree, 1, d)?;
    sh.quota
        .reserve(charge)
        .map_err(|r| MfsError::quota_exceeded(d, r.requested, r.available))?;
    let (parent, name) = split_parent(d);
    if let Some(dir) = tree.get_dir_mut(parent) {
        dir.kids_mut().insert(
            name.into(),
            Node::File(FileNode::new(Default::default(), data, &sh.context)),
        );
        tree.files.fetch_add(1, Ordering::Relaxed);
        sh.chunks.fetch_add(chunks, Ordering::Relaxed);
    }
    Ok(())
}

/// The structure of a source subtree, captured under the namespace lock.
enum Shape {
    Dir(Vec<(Name, Shape)>),
    File(Arc<FileNode>),
}

fn capture(d: &DirNode) -> Vec<(Name, Shape)> {
    d.kids()
        .iter()
        .map(|(name, node)| {
            let s = match node {
                Node::Dir(sub) => Shape::Dir(capture(sub)),
                Node::File(f) => Shape::File(Arc::clone(f)),
            };
            (name.clone(), s)
        })
        .collect()
}

fn shape_files<'a>(items: &'a [(Name, Shape)], out: &mut Vec<&'a Arc<FileNode>>) {
    for (_, s) in items {
        match s {
            Shape::File(f) => out.push(f),
            Shape::Dir(sub) => shape_files(sub, out),
        }
    }
}

/// The path of `target` inside a captured subtree rooted at `base` (for error messages).
fn shape_path(items: &[(Name, Shape)], target: &Arc<FileNode>, base: &str) -> Option<String> {
    items.iter().find_map(|(name, s)| match s {
        Shape::File(f) if Arc::ptr_eq(f, target) => Some(path::join(base, name)),
        Shape::File(_) => None,
        Shape::Dir(sub) => shape_path(sub, target, &path::join(base, name)),
    })
}

/// Builds the copy of a captured subtree (reading each file's bytes) and returns it with
/// (files, dirs, chunks, charged, bytes) totals; the top directory is not counted.
struct Totals {
    files: u64,
    dirs: u64,
    chunks: u64,
    charged: u64,
}

fn build(
    sh: &Shared,
    items: &[(Name, Shape)],
    now: crate::clock::Timestamp,
    t: &mut Totals,
) -> DirNode {
    let mut dir = DirNode::new(now);
    for (name, s) in items {
        let node = match s {
            Shape::Dir(sub) => {
                t.dirs += 1;
                Node::Dir(Box::new(build(sh, sub, now, t)))
            }
            Shape::File(f) => {
                let bytes = lock(&f.data).to_vec();
                let data = FileData::with_bytes(sh.settings.storage, bytes, now, 0);
                t.files += 1;
                t.chunks += data.chunk_count();
                t.charged += data.charged(sh.settings.overhead);
                Node::File(FileNode::new(Default::default(), data, &sh.context))
            }
        };
        dir.kids_mut().insert(name.clone(), node);
    }
    dir
}

/// `copy_tree(src, dst)`: a snapshot of `src` taken while every file in it is read-locked;
/// copies have generation 0 and new timestamps; all or nothing.
pub(crate) fn copy_tree(sh: &Shared, src: &str, dst: &str) -> Result<()> {
    let s_norm = normalize(src)?;
    let d_norm = normalize(dst)?;
    let (s, d): (&str, &str) = (&s_norm, &d_norm);
    let check_dst = |tree: &mut Tree| -> Result<()> {
        if tree.kind_at(d).is_some() {
            return Err(MfsError::already_exists(d));
        }
        if !tree.parent_is_dir(d) {
            return Err(MfsError::not_found(d));
        }
        Ok(())
    };
    let wait = sh.bulk_wait();
    let deadline = match wait {
        LockWait::For(t) => std::time::Instant::now().checked_add(t),
        LockWait::Forever => None,
    };
    let shape = loop {
        let mut tree = sh.ns_write();
        match tree.kind_at(s) {
            None => return Err(MfsError::not_found(s)),
            Some(Kind::File(_)) => return Err(MfsError::not_a_directory(s)),
            Some(Kind::Dir(_)) => check_dst(&mut tree)?,
        }
        let items = match tree.kind_at(s) {
            Some(Kind::Dir(dir)) => capture(dir),
            _ => Vec::new(),
        };
        let mut files = Vec::new();
        shape_files(&items, &mut files);
        let blocked = files.iter().position(|f| !f.lock.try_acquire(Access::Read));
        let Some(i) = blocked else {
            drop(tree);
            break items;
        };
        for f in &files[..i] {
            f.lock.release(Access::Read);
        }
        let f = Arc::clone(files[i]);
        let f_path = shape_path(&items, &f, s).unwrap_or_else(|| s.to_string());
        drop(tree);
        // Wait for the writer to go without holding anything, then capture again.
        let left = match deadline {
            Some(dl) => LockWait::For(dl.saturating_duration_since(std::time::Instant::now())),
            None => LockWait::Forever,
        };
        if !f.lock.acquire(Access::Read, left) {
            return Err(MfsError::lock_timeout(&f_path));
        }
        f.lock.release(Access::Read);
    };
    let mut files = Vec::new();
    shape_files(&shape, &mut files);
    let bytes: u64 = files.iter().map(|f| lock(&f.data).size()).sum();
    // The memory guard runs before the copy allocates.
    let copy = sh.guard_write(d, bytes).map(|()| {
        let mut t = Totals {
            files: 0,
            dirs: 0,
            chunks: 0,
            charged: 0,
        };
        (build(sh, &shape, sh.now(), &mut t), t)
    });
    for f in files {
        f.lock.release(Access::Read);
    }
    let (copy, t) = copy?;
    let mut tree = sh.ns_write();
    check_dst(&mut tree)?;
    sh.check_nodes(&tree, t.files + t.dirs + 1, d)?;
    sh.quota
        .reserve(t.charged)
        .map_err(|r| MfsError::quota_exceeded(d, r.requested, r.available))?;
    let (parent, name) = split_parent(d);
    if let Some(dir) = tree.get_dir_mut(parent) {
        dir.kids_mut()
            .insert(name.into(), Node::Dir(Box::new(copy)));
        tree.files.fetch_add(t.files, Ordering::Relaxed);
        tree.dirs += t.dirs + 1;
        sh.chunks.fetch_add(t.chunks, Ordering::Relaxed);
    }
    Ok(())
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

/// The lazy export: lists the files under `prefix` now, reads them one at a time later.
pub(crate) fn iter_export<'a>(
    sh: &'a Shared,
    prefix: &str,
    only_dirty: bool,
) -> Result<impl Iterator<Item = Result<(String, Vec<u8>)>> + use<'a>> {
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
    // outside the namespace lock), so a clean write-locked file is skipped rather than a WouldBlock
    // (integrator decision 3, D-MemFS behaviour). A node's generation never returns to 0.
    if only_dirty {
        list.retain(|(_, f)| lock(&f.data).generation > 0);
    }
    Ok(list
        .into_iter()
        .filter_map(move |(p, f)| export_entry(sh, p, f, only_dirty)))
}

/// `export_as_bytesio(p, max_size)`: one file's bytes, detached.
pub(crate) fn export_one(sh: &Shared, raw: &str, max_size: Option<u64>) -> Result<Vec<u8>> {
    let norm = normalize(raw)?;
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
    res
}

/// `import_tree`: validates everything first (IsADirectory, AlreadyExists, WouldBlock, node
/// limit, quota, each over all entries in that order so the result does not depend on the
/// map's iteration order), then applies it under one exclusive namespace lock. A repeated path keeps its last
/// bytes; a replaced file keeps its place in its directory (D-MemFS assigns into a dict).
pub(crate) fn import(sh: &Shared, list: Vec<(String, Vec<u8>)>) -> Result<()> {
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
