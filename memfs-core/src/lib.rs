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

pub mod clock;
pub mod config;
pub mod error;
mod errs;
pub mod fs;
mod glob;
mod guard;
pub mod handle;
mod hash;
mod lock;
#[cfg(all(test, loom))]
mod loom_models;
mod ns;
mod path;
pub mod probe;
mod quota;
mod state;
mod storage;
pub mod sync;
#[cfg(all(test, not(loom)))]
mod tests;
mod transfer;
mod tree;
pub mod types;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use config::{FsBuilder, GuardAction, GuardMode, MemoryGuard, StorageKind};
pub use error::{BlockReason, ErrorKind, MfsError, Result};
pub use fs::MemoryFileSystem;
pub use handle::FileHandle;
pub use probe::{FixedMemoryProbe, HostMemoryProbe, MemoryProbe};
pub use types::{FileLayout, LockWait, OpenMode, OpenOptions, Stat, Stats, WalkEntry};
