//! The read-only queries (semantics §2, §6): listdir, exists / is_dir / is_file, stat, stats,
//! get_size, file_layout in shared mode, and walk in exclusive mode.

use crate::error::{MfsError, Result};
use crate::file_node::FileNode;
use crate::fs::MemoryFileSystem;
use crate::namespace::{DirNode, Kind, Node};
use crate::path::{self, normalize};
use crate::sync::atomic::Ordering;
use crate::sync::{Arc, lock};
use crate::types::{FileLayout, Stat, Stats, WalkEntry};

impl MemoryFileSystem {
    /// Names in a directory, in insertion order.
    pub fn listdir(&self, path: &str) -> Result<Vec<String>> {
        let norm = normalize(path)?;
        let tree = self.inner.ns_read();
        tree.with_kind(&norm, |k| match k {
            None => Err(MfsError::not_found(&norm)),
            Some(Kind::File(_)) => Err(MfsError::not_a_directory(&norm)),
            Some(Kind::Dir(d)) => Ok(d.kids().keys().map(|k| k.to_string()).collect()),
        })
    }
    /// Whether anything is at `path` (`false` for an invalid path).
    pub fn exists(&self, path: &str) -> bool {
        self.probe_kind(path, |k| k.is_some())
    }
    /// Whether a directory is at `path`.
    pub fn is_dir(&self, path: &str) -> bool {
        self.probe_kind(path, |k| matches!(k, Some(Kind::Dir(_))))
    }
    /// Whether a file is at `path`.
    pub fn is_file(&self, path: &str) -> bool {
        self.probe_kind(path, |k| matches!(k, Some(Kind::File(_))))
    }
    fn probe_kind(&self, path: &str, f: impl FnOnce(Option<Kind<'_>>) -> bool) -> bool {
        let Ok(norm) = normalize(path) else {
            return false;
        };
        let tree = self.inner.ns_read();
        tree.with_kind(&norm, f)
    }
    /// Size, timestamps, generation and kind of the node at `path`.
    pub fn stat(&self, path: &str) -> Result<Stat> {
        let norm = normalize(path)?;
        let tree = self.inner.ns_read();
        let found = tree.with_kind(&norm, |k| match k {
            None => Err(MfsError::not_found(&norm)),
            Some(Kind::Dir(d)) => Ok(Err(Stat {
                size: 0,
                created_at: d.created_at,
                modified_at: d.created_at,
                generation: 0,
                is_dir: true,
            })),
            Some(Kind::File(f)) => Ok(Ok(Arc::clone(f))),
        });
        drop(tree);
        match found? {
            Err(dir_stat) => Ok(dir_stat),
            Ok(f) => {
                // Read the data outside the namespace locks (a big write may hold it a while);
                // the file's data cannot change once unlinked, so this stays linearizable.
                let d = lock(&f.data);
                Ok(Stat {
                    size: d.size(),
                    created_at: d.created_at,
                    modified_at: d.modified_at,
                    generation: d.generation,
                    is_dir: false,
                })
            }
        }
    }
    /// Filesystem-wide usage and counts.
    pub fn stats(&self) -> Stats {
        let sh = &*self.inner;
        // Shared mode: exclusive changes are kept out by the namespace lock, and the stats
        // seqlock gives the shared-mode changes of count and usage as one picture.
        let tree = sh.ns_read();
        let (used, files) = tree.stats_seqlock.read(|| (sh.quota.used(), tree.files()));
        Stats {
            used_bytes: used,
            quota_bytes: sh.quota.limit(),
            free_bytes: sh.quota.limit().saturating_sub(used),
            file_count: files,
            dir_count: tree.dirs,
            chunk_count: sh.chunks.load(Ordering::Relaxed),
            overhead_per_chunk_estimate: sh.settings.overhead,
        }
    }
    /// Size of the file at `path`.
    pub fn get_size(&self, path: &str) -> Result<u64> {
        let f = self.file_node(path)?;
        Ok(lock(&f.data).size())
    }
    /// Storage layout of the file at `path` (kind, chunk sizes, charged bytes).
    pub fn file_layout(&self, path: &str) -> Result<FileLayout> {
        let f = self.file_node(path)?;
        let d = lock(&f.data);
        Ok(FileLayout {
            kind: d.kind(),
            chunks: d.chunk_sizes(),
            charged: d.charged(self.inner.settings.overhead),
        })
    }
    /// The file at `path` (`NotFound`, `IsADirectory` otherwise), looked up in shared mode.
    fn file_node(&self, path: &str) -> Result<Arc<FileNode>> {
        let norm = normalize(path)?;
        let tree = self.inner.ns_read();
        tree.with_kind(&norm, |k| match k {
            None => Err(MfsError::not_found(&norm)),
            Some(Kind::Dir(_)) => Err(MfsError::is_a_directory(&norm)),
            Some(Kind::File(f)) => Ok(Arc::clone(f)),
        })
    }

    /// Top-down walk from `path`, in insertion order, in exclusive mode. A file at `path` is
    /// `NotADirectory` (like `listdir`).
    pub fn walk(&self, path: &str) -> Result<Vec<WalkEntry>> {
        let norm = normalize(path)?;
        let p: &str = &norm;
        let mut tree = self.inner.ns_write();
        let dir = match tree.kind_at(p) {
            None => return Err(MfsError::not_found(p)),
            Some(Kind::File(_)) => return Err(MfsError::not_a_directory(p)),
            Some(Kind::Dir(d)) => d,
        };
        let mut out = Vec::new();
        walk_rec(dir, p, &mut out);
        Ok(out)
    }
}

/// Appends the walk entry of `dir` (at `p`), then those of its subdirectories in order.
fn walk_rec(dir: &DirNode, p: &str, out: &mut Vec<WalkEntry>) {
    let mut entry = WalkEntry {
        dir: p.to_string(),
        dirs: Vec::new(),
        files: Vec::new(),
    };
    let kids = dir.kids();
    for (name, node) in kids.iter() {
        match node {
            Node::Dir(_) => entry.dirs.push(name.to_string()),
            Node::File(_) => entry.files.push(name.to_string()),
        }
    }
    out.push(entry);
    for (name, node) in kids.iter() {
        if let Node::Dir(sub) = node {
            walk_rec(sub, &path::join(p, name), out);
        }
    }
}
