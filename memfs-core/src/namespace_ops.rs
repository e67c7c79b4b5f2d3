//! The operations that change the namespace's shape, with the check orders of semantics §6:
//! mkdir, rename / move, remove, rmtree. remove (of a file not directly in `/`) and mkdir of an
//! existing directory run in shared mode; everything else here in exclusive mode.

use crate::error::{MfsError, Result};
use crate::fs::MemoryFileSystem;
use crate::namespace::{Kind, Node, count, first_open, for_each_file};
use crate::path::{is_within, normalize, split_parent};
use crate::sync::atomic::Ordering;
use crate::sync::lock;

impl MemoryFileSystem {
    /// Creates a directory and its missing parents (always, as D-MemFS's `mkdir`); nothing is
    /// made when it fails. With `exist_ok`, an existing directory is not an error.
    pub fn mkdir(&self, path: &str, exist_ok: bool) -> Result<()> {
        let sh = &*self.inner;
        let norm = normalize(path)?;
        let p: &str = &norm;
        if exist_ok {
            // The common case (the directory is there) needs only shared mode.
            let tree = sh.ns_read();
            if tree.with_kind(&norm, |k| matches!(k, Some(Kind::Dir(_)))) {
                return Ok(());
            }
        }
        let mut tree = sh.ns_write();
        let missing = tree
            .missing_dirs(p)
            .map_err(|()| MfsError::already_exists(p))?;
        if missing == 0 {
            return if exist_ok {
                Ok(())
            } else {
                Err(MfsError::already_exists(p))
            };
        }
        sh.check_nodes(&tree, missing, p)?;
        let now = sh.now();
        tree.dirs += missing;
        tree.make_dirs(p, now);
        Ok(())
    }

    /// Renames `src` to `dst`; `dst`'s parent must exist.
    pub fn rename(&self, src: &str, dst: &str) -> Result<()> {
        self.rename_or_move(src, dst, false)
    }

    /// D-MemFS's `move`: like rename, but creates `dst`'s missing parents.
    pub fn move_path(&self, src: &str, dst: &str) -> Result<()> {
        self.rename_or_move(src, dst, true)
    }

    /// `rename` (`create_parents` false) and `move` (true) with the check order of §6.
    fn rename_or_move(&self, src: &str, dst: &str, create_parents: bool) -> Result<()> {
        let sh = &*self.inner;
        let s_norm = normalize(src)?;
        let d_norm = normalize(dst)?;
        let (s, d): (&str, &str) = (&s_norm, &d_norm);
        let mut tree = sh.ns_write();
        if s == "/" {
            return Err(MfsError::invalid_input(
                s,
                "the root cannot be renamed or moved",
            ));
        }
        // The error names the open file (the oracle names the first open handle's path).
        let open = match tree.kind_at(s) {
            None => return Err(MfsError::not_found(s)),
            Some(Kind::File(f)) => f.lock.is_held().then(|| s.to_string()),
            Some(Kind::Dir(dir)) => first_open(dir, s),
        };
        if tree.kind_at(d).is_some() {
            return Err(MfsError::already_exists(d));
        }
        if is_within(d, s) {
            return Err(MfsError::invalid_input(
                d,
                format!("cannot move `{s}` inside itself"),
            ));
        }
        let (d_parent, d_name) = split_parent(d);
        if !create_parents && !tree.is_dir(d_parent) {
            return Err(MfsError::not_found(d));
        }
        if let Some(o) = open {
            return Err(MfsError::file_open(&o));
        }
        if create_parents {
            let missing = tree
                .missing_dirs(d_parent)
                .map_err(|()| MfsError::already_exists(d))?;
            sh.check_nodes(&tree, missing, d)?;
            if missing > 0 {
                let now = sh.now();
                tree.dirs += missing;
                tree.make_dirs(d_parent, now);
            }
        }
        let Some(node) = tree.detach(s) else {
            return Err(MfsError::not_found(s));
        };
        match tree.get_dir_mut(d_parent) {
            Some(dir) => {
                dir.kids_mut().insert(d_name.into(), node);
                Ok(())
            }
            None => {
                // Unreachable after the checks above; put the node back rather than lose it.
                let (sp, sn) = split_parent(s);
                if let Some(dir) = tree.get_dir_mut(sp) {
                    dir.kids_mut().insert(sn.into(), node);
                }
                Err(MfsError::not_found(d))
            }
        }
    }

    /// Removes a file, which must be closed. Shared mode: only the parent directory is
    /// write-locked, which excludes every open of a file in it between its lookup and its lock.
    /// Files directly in `/` are removed in exclusive mode (the root's children change only there).
    pub fn remove(&self, path: &str) -> Result<()> {
        let sh = &*self.inner;
        let norm = normalize(path)?;
        let p: &str = &norm;
        if p == "/" {
            return Err(MfsError::is_a_directory(p));
        }
        let tree = sh.ns_read();
        let (parent, name) = split_parent(p);
        let shared = tree.with_dir(parent, |d| {
            let Some(d) = d else {
                return Some(Err(MfsError::not_found(p)));
            };
            let mut kids = d.kids_write()?;
            Some(check_removable(kids.get(name), p).map(|()| {
                if let Some(Node::File(f)) = kids.shift_remove(name) {
                    let d = lock(&f.data);
                    // Count and usage move as one for `stats` (see `seqlock`).
                    tree.stats_seqlock.write(|| {
                        tree.files.fetch_sub(1, Ordering::Relaxed);
                        sh.quota.release(d.charged(sh.settings.overhead));
                        sh.chunks.fetch_sub(d.chunk_count(), Ordering::Relaxed);
                    });
                }
            }))
        });
        drop(tree);
        if let Some(done) = shared {
            return done;
        }
        let mut tree = sh.ns_write();
        check_removable(tree.node(p), p)?;
        if let Some(Node::File(f)) = tree.detach(p) {
            tree.files.fetch_sub(1, Ordering::Relaxed);
            let d = lock(&f.data);
            sh.quota.release(d.charged(sh.settings.overhead));
            sh.chunks.fetch_sub(d.chunk_count(), Ordering::Relaxed);
        }
        Ok(())
    }

    /// Removes a directory and everything below it, when nothing inside is open.
    pub fn rmtree(&self, path: &str) -> Result<()> {
        let sh = &*self.inner;
        let norm = normalize(path)?;
        let p: &str = &norm;
        let mut tree = sh.ns_write();
        if p == "/" {
            return Err(MfsError::invalid_input(
                p,
                "the root cannot be removed; rmtree its children instead",
            ));
        }
        match tree.kind_at(p) {
            None => return Err(MfsError::not_found(p)),
            Some(Kind::File(_)) => return Err(MfsError::not_a_directory(p)),
            Some(Kind::Dir(d)) => {
                if let Some(o) = first_open(d, p) {
                    return Err(MfsError::file_open(&o));
                }
            }
        }
        if let Some(Node::Dir(dir)) = tree.detach(p) {
            let (files, dirs) = count(&dir);
            tree.files.fetch_sub(files, Ordering::Relaxed);
            tree.dirs -= dirs + 1;
            let (mut bytes, mut chunks) = (0, 0);
            for_each_file(&dir, p, &mut |_, f| {
                let d = lock(&f.data);
                bytes += d.charged(sh.settings.overhead);
                chunks += d.chunk_count();
            });
            sh.quota.release(bytes);
            sh.chunks.fetch_sub(chunks, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Why the node at `p` cannot be removed (missing, a directory, open), if so.
fn check_removable(node: Option<&Node>, p: &str) -> Result<()> {
    match node {
        None => Err(MfsError::not_found(p)),
        Some(Node::Dir(_)) => Err(MfsError::is_a_directory(p)),
        Some(Node::File(f)) if f.lock.is_held() => Err(MfsError::file_open(p)),
        Some(Node::File(_)) => Ok(()),
    }
}
