//! The filesystem: namespace operations, quota, bulk transfer, snapshots.
//! API CONTRACT (pinned; implementations may add private items and split modules, but must keep
//! these signatures).

use crate::config::FsBuilder;
use crate::handle::FileHandle;
use crate::types::{FileLayout, OpenMode, OpenOptions, Stat, Stats, WalkEntry};
use crate::Result;
use std::collections::BTreeMap;

/// A thread-safe in-memory filesystem (`Send + Sync`; share it with `Arc`).
#[derive(Debug)]
pub struct MemoryFileSystem {
    _todo: (),
}

impl Default for MemoryFileSystem {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryFileSystem {
    /// A filesystem with every default setting.
    pub fn new() -> Self {
        todo!()
    }
    /// A builder to choose quota, limits, clock, ...
    pub fn builder() -> FsBuilder {
        FsBuilder::default()
    }
    pub(crate) fn from_builder(_b: FsBuilder) -> Result<Self> {
        todo!()
    }
    /// Opens `path` in `mode` with default options.
    pub fn open(&self, path: &str, mode: OpenMode) -> Result<FileHandle> {
        self.open_with(path, mode, &OpenOptions::default())
    }
    /// Opens `path` in `mode` with options (preallocate, lock timeout).
    pub fn open_with(&self, _path: &str, _mode: OpenMode, _opts: &OpenOptions) -> Result<FileHandle> {
        todo!()
    }
    /// Creates a directory and its parents.
    pub fn mkdir(&self, _path: &str, _exist_ok: bool) -> Result<()> {
        todo!()
    }
    /// Names in a directory, in insertion order.
    pub fn listdir(&self, _path: &str) -> Result<Vec<String>> {
        todo!()
    }
    /// Whether anything is at `path` (`false` for an invalid path).
    pub fn exists(&self, _path: &str) -> bool {
        todo!()
    }
    /// Whether a directory is at `path`.
    pub fn is_dir(&self, _path: &str) -> bool {
        todo!()
    }
    /// Whether a file is at `path`.
    pub fn is_file(&self, _path: &str) -> bool {
        todo!()
    }
    /// Size, timestamps, generation and kind of the node at `path`.
    pub fn stat(&self, _path: &str) -> Result<Stat> {
        todo!()
    }
    /// Filesystem-wide usage and counts.
    pub fn stats(&self) -> Stats {
        todo!()
    }
    /// Size of the file at `path`.
    pub fn get_size(&self, _path: &str) -> Result<u64> {
        todo!()
    }
    /// Renames `src` to `dst`; `dst`'s parent must exist.
    pub fn rename(&self, _src: &str, _dst: &str) -> Result<()> {
        todo!()
    }
    /// D-MemFS's `move`: like rename, but creates `dst`'s missing parents.
    pub fn move_path(&self, _src: &str, _dst: &str) -> Result<()> {
        todo!()
    }
    /// Removes a file.
    pub fn remove(&self, _path: &str) -> Result<()> {
        todo!()
    }
    /// Removes a directory and everything below it.
    pub fn rmtree(&self, _path: &str) -> Result<()> {
        todo!()
    }
    /// Copies a file.
    pub fn copy(&self, _src: &str, _dst: &str) -> Result<()> {
        todo!()
    }
    /// Copies a directory tree (a snapshot; `dst` may be inside `src`).
    pub fn copy_tree(&self, _src: &str, _dst: &str) -> Result<()> {
        todo!()
    }
    /// Top-down walk from `path`.
    pub fn walk(&self, _path: &str) -> Result<Vec<WalkEntry>> {
        todo!()
    }
    /// Paths matching `pattern`, sorted, without duplicates.
    pub fn glob(&self, _pattern: &str) -> Result<Vec<String>> {
        todo!()
    }
    /// Contents of every file under `prefix` (only generation > 0 files if `only_dirty`).
    pub fn export_tree(&self, _prefix: &str, _only_dirty: bool) -> Result<BTreeMap<String, Vec<u8>>> {
        todo!()
    }
    /// Lazy `export_tree`: paths are listed up front, contents read one at a time; entries
    /// removed meanwhile are skipped.
    pub fn iter_export_tree(
        &self,
        _prefix: &str,
        _only_dirty: bool,
    ) -> Result<impl Iterator<Item = Result<(String, Vec<u8>)>> + '_> {
        todo!();
        #[allow(unreachable_code)]
        Ok(std::iter::empty())
    }
    /// A detached copy of one file's bytes; `InvalidInput` if larger than `max_size`.
    pub fn export_as_bytesio(&self, _path: &str, _max_size: Option<u64>) -> Result<std::io::Cursor<Vec<u8>>> {
        todo!()
    }
    /// Imports files all-or-nothing, creating missing parents.
    pub fn import_tree<I, P, B>(&self, _entries: I) -> Result<()>
    where
        I: IntoIterator<Item = (P, B)>,
        P: AsRef<str>,
        B: AsRef<[u8]>,
    {
        todo!()
    }
    /// Deep copy of the whole filesystem with no open handles.
    pub fn snapshot(&self) -> MemoryFileSystem {
        todo!()
    }
    /// Deep copy of the filesystem together with equivalent copies of `handles` (same path,
    /// mode, cursor, closed flag, lock held in the copy). Drivers use it to branch a state that
    /// has open handles. `InvalidInput` if a handle belongs to another filesystem.
    pub fn fork(&self, _handles: &[Option<&FileHandle>]) -> Result<(MemoryFileSystem, Vec<Option<FileHandle>>)> {
        todo!()
    }
    /// Hash of the complete internal state: tree order, names, kinds, storage kinds, chunk
    /// layout, bytes, timestamps, generations, usage and lock states.
    pub fn fingerprint(&self) -> u64 {
        todo!()
    }
    /// `fingerprint` with every timestamp replaced by its rank among the distinct timestamps
    /// present, so two states that differ only by a monotone shift of time hash equal.
    pub fn fingerprint_relative_time(&self) -> u64 {
        todo!()
    }
    /// Storage layout of the file at `path` (kind, chunk sizes, charged bytes).
    pub fn file_layout(&self, _path: &str) -> Result<FileLayout> {
        todo!()
    }
    /// Memory-guard warnings recorded since the last call (`GuardAction::Warn`).
    pub fn take_warnings(&self) -> Vec<String> {
        todo!()
    }
}
