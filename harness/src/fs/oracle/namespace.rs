//! Namespace operations of semantics §6 (mkdir, listdir, queries, remove, rmtree, rename,
//! move), each checking in exactly the documented order.

use super::NaiveFs;
use super::error::{Kind, Reason, Result, err};
use super::path;
use super::tree::Node;

/// What `stat` returns; directories have size 0, generation 0 and modified = created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OStat {
    pub size: u64,
    pub created: u64,
    pub modified: u64,
    pub generation: u64,
    pub is_dir: bool,
}

impl NaiveFs {
    /// Creates `path` and its missing parents. Existing dir: `AlreadyExists` unless `exist_ok`;
    /// existing file: `AlreadyExists` always; a file as a component: `AlreadyExists`, nothing made.
    pub fn mkdir(&mut self, path: &str, exist_ok: bool) -> Result<()> {
        let p = path::normalize(path)?;
        match self.tree.get(&p) {
            Some(Node::Dir(_)) if exist_ok => return Ok(()),
            Some(_) => return err(Kind::AlreadyExists, &p),
            None => {}
        }
        let mut chain = path::ancestors_below_root(&p);
        chain.push(p.clone());
        self.make_dirs(&chain, &p)
    }

    /// Names in the directory, in insertion order.
    pub fn listdir(&self, path: &str) -> Result<Vec<String>> {
        let p = path::normalize(path)?;
        match self.tree.get(&p) {
            None => err(Kind::NotFound, &p),
            Some(Node::File(_)) => err(Kind::NotADirectory, &p),
            Some(Node::Dir(d)) => Ok(d.children.clone()),
        }
    }

    /// Whether anything is at `path`; `false` for an invalid path.
    pub fn exists(&self, path: &str) -> bool {
        path::normalize(path).is_ok_and(|p| self.tree.get(&p).is_some())
    }

    /// Whether a directory is at `path`; `false` for an invalid path.
    pub fn is_dir(&self, path: &str) -> bool {
        path::normalize(path).is_ok_and(|p| self.tree.is_dir(&p))
    }

    /// Whether a file is at `path`; `false` for an invalid path.
    pub fn is_file(&self, path: &str) -> bool {
        path::normalize(path).is_ok_and(|p| self.tree.is_file(&p))
    }

    /// Size, timestamps, generation and kind of the node at `path`.
    pub fn stat(&self, path: &str) -> Result<OStat> {
        let p = path::normalize(path)?;
        match self.tree.get(&p) {
            None => err(Kind::NotFound, &p),
            Some(Node::Dir(d)) => Ok(OStat {
                size: 0,
                created: d.created,
                modified: d.created,
                generation: 0,
                is_dir: true,
            }),
            Some(Node::File(f)) => Ok(OStat {
                size: f.size(),
                created: f.created,
                modified: f.modified,
                generation: f.generation,
                is_dir: false,
            }),
        }
    }

    /// Size of the file at `path`: `NotFound` if missing, `IsADirectory` for a directory.
    pub fn get_size(&self, path: &str) -> Result<u64> {
        let p = path::normalize(path)?;
        match self.tree.get(&p) {
            None => err(Kind::NotFound, &p),
            Some(Node::Dir(_)) => err(Kind::IsADirectory, &p),
            Some(Node::File(f)) => Ok(f.size()),
        }
    }

    /// Removes a file: missing -> `NotFound`; directory (root too) -> `IsADirectory`; open ->
    /// `WouldBlock(FileOpen)`.
    pub fn remove(&mut self, path: &str) -> Result<()> {
        let p = path::normalize(path)?;
        match self.tree.get(&p) {
            None => return err(Kind::NotFound, &p),
            Some(Node::Dir(_)) => return err(Kind::IsADirectory, &p),
            Some(Node::File(_)) => {}
        }
        if self.open_at_or_under(&p).is_some() {
            return err(Kind::WouldBlock(Reason::FileOpen), &p);
        }
        self.tree.remove_subtree(&p);
        Ok(())
    }

    /// Removes a directory and everything below it: root -> `InvalidInput`; missing ->
    /// `NotFound`; file -> `NotADirectory`; an open file inside -> `WouldBlock(FileOpen)`.
    pub fn rmtree(&mut self, path: &str) -> Result<()> {
        let p = path::normalize(path)?;
        if p == "/" {
            return err(Kind::InvalidInput, &p);
        }
        match self.tree.get(&p) {
            None => return err(Kind::NotFound, &p),
            Some(Node::File(_)) => return err(Kind::NotADirectory, &p),
            Some(Node::Dir(_)) => {}
        }
        if let Some(open) = self.open_at_or_under(&p) {
            return err(Kind::WouldBlock(Reason::FileOpen), &open);
        }
        self.tree.remove_subtree(&p);
        Ok(())
    }

    /// The checks rename and move share, in order: src root, src missing, dst exists, dst
    /// inside src (fixed). Returns the normalized (src, dst).
    fn relocate_checks(&self, src: &str, dst: &str) -> Result<(String, String)> {
        let s = path::normalize(src)?;
        let d = path::normalize(dst)?;
        if s == "/" {
            return err(Kind::InvalidInput, &s);
        }
        if self.tree.get(&s).is_none() {
            return err(Kind::NotFound, &s);
        }
        if self.tree.get(&d).is_some() {
            return err(Kind::AlreadyExists, &d);
        }
        if path::is_strictly_inside(&d, &s) {
            return err(Kind::InvalidInput, &d);
        }
        Ok((s, d))
    }

    /// Renames `src` to `dst`: after the shared checks, dst's parent missing or a file ->
    /// `NotFound`, then an open file in src's subtree -> `WouldBlock(FileOpen)`. Keeps content,
    /// timestamps and generations; the name is appended to the destination's listing.
    pub fn rename(&mut self, src: &str, dst: &str) -> Result<()> {
        let (s, d) = self.relocate_checks(src, dst)?;
        if !path::parent(&d).is_some_and(|pp| self.tree.is_dir(&pp)) {
            return err(Kind::NotFound, &d);
        }
        if let Some(open) = self.open_at_or_under(&s) {
            return err(Kind::WouldBlock(Reason::FileOpen), &open);
        }
        self.tree.relocate(&s, &d);
        Ok(())
    }

    /// D-MemFS's `move`: as rename, but after the open-file check dst's missing parents are
    /// created (a file on the way, direct parent included -> `AlreadyExists`, nothing made).
    pub fn move_path(&mut self, src: &str, dst: &str) -> Result<()> {
        let (s, d) = self.relocate_checks(src, dst)?;
        if let Some(open) = self.open_at_or_under(&s) {
            return err(Kind::WouldBlock(Reason::FileOpen), &open);
        }
        self.make_dirs(&path::ancestors_below_root(&d), &d)?;
        self.tree.relocate(&s, &d);
        Ok(())
    }
}
