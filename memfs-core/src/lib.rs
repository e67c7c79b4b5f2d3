//! memfs-core: a thread-safe in-memory filesystem with a hard byte quota, per-file
//! reader/writer locks with timeouts, five open modes, bulk import/export, copy, glob,
//! stats and timestamps. Its intended behaviour is `shared/memfs-semantics.md` (a port of
//! the Python library D-MemFS with its weak points fixed).
//!
//! ```
//! use memfs_core::{MemoryFileSystem, OpenMode};
//! use std::io::{Read, Write};
//! let fs = MemoryFileSystem::new();
//! fs.mkdir("/data", true).unwrap();
//! let mut f = fs.open("/data/a.bin", OpenMode::Write).unwrap();
//! f.write_all(b"hello").unwrap();
//! f.close();
//! let mut buf = Vec::new();
//! fs.open("/data/a.bin", OpenMode::Read).unwrap().read_to_end(&mut buf).unwrap();
//! assert_eq!(buf, b"hello");
//! ```
//!
//! # Design
//! - **Namespace** (`tree`): directories with insertion-ordered children (`IndexMap`,
//!   FxHash), behind a namespace reader-writer lock (sharded by default, see
//!   `NamespaceLock`) plus one `RwLock` per directory. The hot paths (open, creating a
//!   file, remove, mkdir of an existing directory, stat, stats) run in
//!   *shared* mode: namespace read-locked, directories read-locked on the way down, only the
//!   directory that changes write-locked; so threads in different directories never wait for
//!   each other. Rename, rmtree, copy, import, walk, glob, snapshot and fingerprint run in
//!   *exclusive* mode (namespace write-locked). Files are `Arc<FileNode>`s, so a handle owns its
//!   file without borrowing the filesystem.
//! - **File locks** (`lock`): a reader/writer state per file in one atomic word (a mutex
//!   and condvar only for sleepers), writer-preferring, not re-entrant, with try-once / deadline / forever waits. Nobody waits
//!   for a file lock while holding a namespace or directory lock: `open` looks up and
//!   try-locks with the parent directory read-locked; on contention it lets go, waits, then
//!   re-validates that the same node is still linked at the path (retrying or failing with
//!   `NotFound` otherwise).
//! - **Counts** (`census`): `stats` reads the file count and usage without excluding writers,
//!   retrying around the few changes that move both.
//! - **Contents** (`storage`): sequential files are lists of immutable shared chunks
//!   (up to 64 bytes inline, longer ones `Arc<[u8]>`), random-access files one copy-on-write buffer (`Arc<Vec<u8>>`), each behind
//!   the file's data mutex; so `fork` and `snapshot` copy reference counts, not bytes.
//! - **Quota** (`quota`): one atomic counter charged by compare-and-swap: `used <= quota` at
//!   every instant; every operation reserves what it adds before linking it and releases on
//!   failure.
//! - **Lock order**: namespace, directories top-down, then one file's lock state or data
//!   mutex. File data is never copied under the namespace lock (copy, copy_tree, export read-lock files outside it; import builds its
//!   files before taking it).
//! - **loom**: `sync` swaps std's primitives for loom's under `--cfg loom`; models live next to
//!   the lock and quota code and in `loom_models`. loom has no time: a finite lock timeout
//!   re-checks once after a yield and then gives up; `Forever` waits on the condvar.

mod chunk;
pub mod clock;
pub mod config;
mod context;
mod copy;
pub mod error;
mod export_import;
mod file_lock;
mod file_node;
mod fingerprint;
mod fork;
pub mod fs;
mod fxhash;
mod glob;
pub mod handle;
#[cfg(all(test, loom))]
mod loom_models;
mod memory_guard;
mod namespace;
mod namespace_ops;
mod open;
mod path;
pub mod probe;
mod queries;
mod quota;
mod seqlock;
mod storage;
pub mod sync;
#[cfg(all(test, not(loom)))]
mod tests;
pub mod types;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use config::{FsBuilder, GuardAction, GuardMode, MemoryGuard, NamespaceLock};
pub use error::{BlockReason, ErrorKind, MfsError, Result};
pub use fs::MemoryFileSystem;
pub use handle::FileHandle;
pub use probe::{FixedMemoryProbe, HostMemoryProbe, MemoryProbe};
pub use types::{FileLayout, LockWait, OpenMode, OpenOptions, Stat, Stats, StorageKind, WalkEntry};
