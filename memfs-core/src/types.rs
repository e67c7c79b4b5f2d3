//! Plain value types of the public API: open modes and options, lock waits, storage kinds,
//! stat results, walk entries, file layouts.

use crate::clock::Timestamp;
use crate::error::MfsError;
use std::time::Duration;

/// The five open modes of D-MemFS (semantics §4). Parse them from `"rb"`, `"wb"`, `"ab"`,
/// `"r+b"`, `"xb"` with `FromStr`; anything else is `InvalidInput`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpenMode {
    /// `rb`: read; the file must exist; reader lock.
    Read,
    /// `wb`: write; create or truncate; writer lock.
    Write,
    /// `ab`: write at EOF always; create; writer lock.
    Append,
    /// `r+b`: read and write; the file must exist; writer lock.
    ReadWrite,
    /// `xb`: write; the file must not exist; writer lock.
    Exclusive,
}

impl OpenMode {
    /// Every mode, in the order of the semantics document.
    pub const ALL: [OpenMode; 5] = [
        OpenMode::Read,
        OpenMode::Write,
        OpenMode::Append,
        OpenMode::ReadWrite,
        OpenMode::Exclusive,
    ];
    /// The mode string (`"rb"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            OpenMode::Read => "rb",
            OpenMode::Write => "wb",
            OpenMode::Append => "ab",
            OpenMode::ReadWrite => "r+b",
            OpenMode::Exclusive => "xb",
        }
    }
    /// Whether a handle in this mode may read.
    pub fn readable(self) -> bool {
        matches!(self, OpenMode::Read | OpenMode::ReadWrite)
    }
    /// Whether a handle in this mode may write.
    pub fn writable(self) -> bool {
        !matches!(self, OpenMode::Read)
    }
}

impl std::str::FromStr for OpenMode {
    type Err = MfsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OpenMode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| MfsError::InvalidInput {
                path: String::new(),
                reason: format!("invalid mode `{s}`: expected one of rb, wb, ab, r+b, xb"),
            })
    }
}

impl std::fmt::Display for OpenMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How new files store their bytes (semantics §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StorageKind {
    /// Sequential until the first non-append write, then promoted to random access.
    #[default]
    Auto,
    /// Append-only chunks; a non-append write is `Unsupported`.
    Sequential,
    /// One contiguous buffer.
    RandomAccess,
}

/// How long to wait for a file lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockWait {
    /// Wait at most this long; `Duration::ZERO` tries exactly once.
    For(Duration),
    /// Wait as long as it takes.
    Forever,
}

/// Options of [`crate::MemoryFileSystem::open_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Zero-fill the file up to this size if it is smaller (a write; not allowed with `rb`).
    pub preallocate: u64,
    /// Lock timeout for this open; `None` uses the filesystem default.
    pub lock_timeout: Option<LockWait>,
}

impl OpenOptions {
    /// Default options: no preallocation, the filesystem's default lock timeout.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the preallocation size.
    pub fn preallocate(mut self, n: u64) -> Self {
        self.preallocate = n;
        self
    }
    /// Sets the lock timeout of this open.
    pub fn lock_timeout(mut self, w: LockWait) -> Self {
        self.lock_timeout = Some(w);
        self
    }
}

/// What `stat` returns (semantics §6). Directories have size 0 and generation 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stat {
    pub size: u64,
    pub created_at: Timestamp,
    pub modified_at: Timestamp,
    pub generation: u64,
    pub is_dir: bool,
}

/// What `stats` returns: exactly the fields of D-MemFS's `stats()` (semantics §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stats {
    pub used_bytes: u64,
    pub quota_bytes: u64,
    pub free_bytes: u64,
    pub file_count: u64,
    /// Directories, the root included.
    pub dir_count: u64,
    pub chunk_count: u64,
    pub overhead_per_chunk_estimate: u64,
}

/// One directory visited by `walk`: its path, its subdirectory names and file names, in
/// insertion order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WalkEntry {
    pub dir: String,
    pub dirs: Vec<String>,
    pub files: Vec<String>,
}

/// Internal storage layout of one file, for drivers that compare complete states.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileLayout {
    /// `Sequential` or `RandomAccess` (never `Auto`: what the file is now).
    pub kind: StorageKind,
    /// Chunk sizes in order (one entry for a random-access file).
    pub chunks: Vec<u64>,
    /// Bytes this file charges against the quota.
    pub charged: u64,
}
