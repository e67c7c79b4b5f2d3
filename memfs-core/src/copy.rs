//! Copies (semantics §6 copy / copy_tree): the source files are read-locked with the bulk
//! wait outside the namespace lock, their bytes copied outside it, and the charge reserved
//! atomically right before the new nodes are linked.

use crate::clock::Timestamp;
use crate::error::{MfsError, Result};
use crate::file_lock::Access;
use crate::file_node::FileNode;
use crate::fs::{MemoryFileSystem, Shared};
use crate::namespace::{DirNode, Kind, Name, Node, Tree};
use crate::path::{self, normalize, split_parent};
use crate::storage::FileData;
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, lock};
use crate::types::LockWait;

impl MemoryFileSystem {
    /// Copies a file. The copy is one chunk (or one buffer) of the filesystem's storage kind,
    /// generation 1 if non-empty else 0, with new timestamps.
    pub fn copy(&self, src: &str, dst: &str) -> Result<()> {
        let sh = &*self.inner;
        let s_norm = normalize(src)?;
        let d_norm = normalize(dst)?;
        let (s, d): (&str, &str) = (&s_norm, &d_norm);
        let node = sh.pin(Access::Read, sh.bulk_wait(), s, |tree| {
            let f = match tree.kind_at(s) {
                None => return Err(MfsError::not_found(s)),
                Some(Kind::Dir(_)) => return Err(MfsError::is_a_directory(s)),
                Some(Kind::File(f)) => Arc::clone(f),
            };
            check_dst(tree, d)?;
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
        check_dst(&mut tree, d)?;
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

    /// Copies a directory tree: a snapshot of `src` taken while every file in it is read-locked
    /// (`dst` may be inside `src`); copies have generation 0 and new timestamps; all or nothing.
    pub fn copy_tree(&self, src: &str, dst: &str) -> Result<()> {
        let sh = &*self.inner;
        let s_norm = normalize(src)?;
        let d_norm = normalize(dst)?;
        let (s, d): (&str, &str) = (&s_norm, &d_norm);
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
                Some(Kind::Dir(_)) => check_dst(&mut tree, d)?,
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
        check_dst(&mut tree, d)?;
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
}

/// Why `d` cannot be created: something is there already, or its parent is no directory.
fn check_dst(tree: &mut Tree, d: &str) -> Result<()> {
    if tree.kind_at(d).is_some() {
        return Err(MfsError::already_exists(d));
    }
    if !tree.parent_is_dir(d) {
        return Err(MfsError::not_found(d));
    }
    Ok(())
}

/// The structure of a source subtree, captured under the namespace lock.
enum Shape {
    Dir(Vec<(Name, Shape)>),
    File(Arc<FileNode>),
}

/// The shape of `d`'s subtree, its files shared (their bytes are read later, outside the
/// namespace lock).
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

/// Every file of a captured subtree, depth-first in insertion order.
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

/// What a built copy holds and charges; its top directory is not counted.
struct Totals {
    files: u64,
    dirs: u64,
    chunks: u64,
    charged: u64,
}

/// Builds the copy of a captured subtree (reading each file's bytes), adding what it holds
/// and charges to `t`.
fn build(sh: &Shared, items: &[(Name, Shape)], now: Timestamp, t: &mut Totals) -> DirNode {
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
