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
//! - **Namespace** (`namespace`): directories with insertion-ordered children (`IndexMap`,
//!   foldhash), behind a namespace reader-writer lock (sharded by default, see
//!   `NamespaceLock`) plus one `RwLock` per directory. The hot paths (open, creating a
//!   file, remove, mkdir of an existing directory, stat, stats) run in
//!   *shared* mode: namespace read-locked, directories read-locked on the way down, only the
//!   directory that changes write-locked; so threads in different directories never wait for
//!   each other. Rename, rmtree, copy, import, walk, glob, snapshot and fingerprint run in
//!   *exclusive* mode (namespace write-locked). Files are `Arc<FileNode>`s (`file_node`), so a
//!   handle owns its file without borrowing the filesystem.
//! - **File locks** (`file_lock`): a reader/writer state per file in one atomic word (a mutex
//!   and condvar only for sleepers), writer-preferring and fair to waiting writers (while a
//!   writer waits, neither new readers nor writers that do not wait get in), not re-entrant,
//!   with try-once / deadline / forever waits. Nobody waits for a file lock while holding a namespace or
//!   directory lock: `open` looks up and try-locks with the parent directory read-locked; on
//!   contention it lets go, waits, then re-validates that the same node is still linked at the
//!   path (retrying or failing with `NotFound` otherwise). The bulk readers (copy, export) do
//!   the same through `Shared::pin` (`fs`).
//! - **Counts** (`seqlock`): `stats` reads the file count and usage without excluding writers,
//!   retrying around the few changes that move both.
//! - **Contents** (`storage`, `chunk`): sequential files are lists of immutable shared chunks
//!   (up to 22 bytes inline, longer ones `Arc<[u8]>`), random-access files one copy-on-write
//!   buffer (`Arc<Vec<u8>>`), each behind the file's data mutex; so `fork` and `snapshot` copy
//!   reference counts, not bytes.
//! - **Quota** (`quota`, held in `context`): one atomic counter charged by compare-and-swap:
//!   `used <= quota` at every instant; every operation reserves what it adds before linking it
//!   and releases on failure.
//! - **Lock order**: namespace, directories top-down, then one file's lock state or data
//!   mutex. File data is never copied under the namespace lock (copy, copy_tree, export
//!   read-lock files outside it; import builds its files before taking it).
//! - **loom**: `sync` swaps std's primitives for loom's under `--cfg loom`; models live next to
//!   the lock and quota code and in `loom_models`. loom has no time: a finite lock timeout
//!   re-checks once after a yield and then gives up; `Forever` waits on the condvar.
//!   `clippy.toml` makes `sync` the only module that may name the primitives it swaps.
//!
//! # Code layout
//! **One style for operations.** Each public operation of [`MemoryFileSystem`] is written
//! where it is implemented: an operation module holds `impl MemoryFileSystem { pub fn op(..) }`
//! with its helpers private to it. There are no free functions on the shared state behind
//! one-line forwarders, so a reader (and rustdoc's source link) lands on the code itself. `fs`
//! defines the type and needs none of the operation modules, so they add methods without an
//! import cycle; the few helpers several operations share (the namespace locking modes, the
//! node-limit check, `pin`) are `pub(crate)` methods of `Shared` in `fs`.
//!
//! **Module map.** Public modules (their paths are part of the API):
//! - `fs`: [`MemoryFileSystem`] (a cloneable handle to an `Arc<Shared>`), the shared state,
//!   construction ([`FsBuilder::build`]), `take_warnings`, and the shared helpers above.
//! - `handle`: [`FileHandle`], an open file (`Read + Write + Seek`, tell, truncate, close).
//! - `error`: [`MfsError`], [`ErrorKind`], [`BlockReason`], [`Result`], and the crate's
//!   error constructors.
//! - `types`: plain values: [`OpenMode`], [`OpenOptions`], [`LockWait`], [`StorageKind`],
//!   [`Stat`], [`Stats`], [`WalkEntry`], [`FileLayout`].
//! - `config`: [`FsBuilder`], [`NamespaceLock`], the memory-guard settings, and the internal
//!   `Settings` a filesystem keeps of its builder.
//! - `clock`, `probe`: the injectable time source and host-memory probe (the host's files, read
//!   under `/` or, for a simulated host, under another root: `HostMemoryProbe::at`).
//! - `sync`: the sync facade (std or loom primitives; `Arc`).
//!
//! Operations, one `impl MemoryFileSystem` block each:
//! - `open`: open, open_with (shared-mode attempt, creation, wait outside the locks).
//! - `queries`: listdir, exists, is_dir, is_file, stat, stats, get_size, file_layout, walk.
//! - `namespace_ops`: mkdir, rename, move_path, remove, rmtree.
//! - `glob`: glob, with its component matcher.
//! - `copy`: copy, copy_tree.
//! - `export_import`: export_tree, iter_export_tree, export_as_bytesio, import_tree.
//! - `fork`: snapshot, fork, same_as_fork_of (copies of the whole state).
//! - `fingerprint`: fingerprint, fingerprint_relative_time.
//!
//! Building blocks (crate-internal):
//! - `namespace`: the tree (`Tree`, `DirNode`, `Node`), node counts, lookups of both modes.
//! - `file_node`: `FileNode`, one file: lock, contents, context.
//! - `file_lock`: `FileLock`, the per-file reader/writer lock in one atomic word.
//! - `storage`: `FileData`, a file's contents and what each change charges (`WriteCtx`).
//! - `chunk`: sequential chunks and their inline-or-shared bytes.
//! - `context`: `FsContext`, what files and handles share with their filesystem: quota, chunk
//!   count, settings, guard warnings.
//! - `fault`: the planted-fault switches (all `false` unless built with a `fault-*` feature),
//!   which prove that the loom models and stress checks find the faults they are for.
//! - `quota`: the atomic byte quota. `seqlock`: the stats seqlock. `memory_guard`: the host
//!   memory check. `path`: normalization and path helpers. `name_hash`: the child-map hasher.
//! - `tests`, `loom_models`: unit tests and loom models of whole operations.
//!
//! **Dependencies** form a DAG; each module uses only modules on earlier lines:
//! 1. `sync`, `error`, `probe`, `name_hash`, `fault` (no crate module)
//! 2. `clock`, `quota`, `seqlock`, `chunk` (sync); `path` (error); `types` (clock, error)
//! 3. `config` (clock, probe, sync, types); `file_lock` (fault, sync, types); `storage` (chunk,
//!    clock, error, quota, sync, types)
//! 4. `memory_guard` (config, error, probe, sync)
//! 5. `context` (clock, config, error, memory_guard, quota, storage, sync, types)
//! 6. `file_node` (context, file_lock, storage, sync)
//! 7. `namespace` (clock, file_node, name_hash, path, seqlock, sync); `handle` (context, error,
//!    file_lock, file_node, sync, types)
//! 8. `fs` (config, context, error, file_lock, file_node, memory_guard, namespace, sync, types)
//! 9. the operation modules (`open`, `queries`, `namespace_ops`, `glob`, `copy`,
//!    `export_import`, `fork`, `fingerprint`): `fs` and modules of lines 1-7 (only `open` and
//!    `fork` use `handle`); no operation module uses another.

mod chunk;
pub mod clock;
pub mod config;
mod context;
mod copy;
pub mod error;
mod export_import;
mod fault;
mod file_lock;
mod file_node;
mod fingerprint;
mod fork;
pub mod fs;
mod glob;
pub mod handle;
#[cfg(all(test, loom))]
mod loom_models;
mod memory_guard;
mod name_hash;
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
