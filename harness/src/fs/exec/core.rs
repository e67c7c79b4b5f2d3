//! The one place a [`Call`] becomes a memfs-core call. The explorer's core driver, the
//! linearizability recorder and the scenario runner all execute through [`CoreExec`], so every
//! layer speaks the call vocabulary (and its slot conventions, `adapters/PROTOCOL.md`) the same
//! way, and a core error kind the vocabulary does not know is a driver error, never a guess.
//!
//! Handle I/O goes through the std traits the semantics promise (§5: `Read + Write + Seek`):
//! `write` through `io::Write::write`, `seek` through `io::Seek::seek` (both wrap the inherent
//! methods, so those are covered too), `read_into` through `io::Read::read` and `read` of
//! everything through `io::Read::read_to_end` (the core's own, not std's default); their
//! `io::Error`s are turned back into the core's error with `MfsError::from_io` (HANDLE-17).
//! `read` of at most `max` bytes keeps the inherent `read_data` (it has no std form).

use crate::engine::system::DriverError;
use crate::fs::call::{Call, CallOutcome, ErrAmounts, ErrKind, ErrorText, Whence};
use crate::fs::config::{FsConfig, GuardAction, GuardMode, Storage};
use crate::fs::observation::{StatsObs, StepValue};
use memfs_core::{
    BlockReason, ErrorKind, FileHandle, FixedMemoryProbe, FsBuilder, HostMemoryProbe, LockWait,
    MemoryFileSystem, MemoryProbe, MfsError, NamespaceLock, OpenMode, OpenOptions, StorageKind,
};
use std::collections::BTreeMap;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::sync::Arc;
use std::time::Duration;

/// The builder settings of `cfg` (the boundary between the harness's configuration and
/// memfs-core's builder). Clock and namespace lock are the caller's choice.
pub fn builder(cfg: &FsConfig) -> FsBuilder {
    let storage = match cfg.storage {
        Storage::Auto => StorageKind::Auto,
        Storage::Sequential => StorageKind::Sequential,
        Storage::RandomAccess => StorageKind::RandomAccess,
    };
    let mode = match cfg.memory_guard {
        GuardMode::None => memfs_core::GuardMode::None,
        GuardMode::Init => memfs_core::GuardMode::Init,
        GuardMode::PerWrite => memfs_core::GuardMode::PerWrite,
    };
    let action = match cfg.memory_guard_action {
        GuardAction::Warn => memfs_core::GuardAction::Warn,
        GuardAction::Error => memfs_core::GuardAction::Error,
    };
    // The simulated host: memfs-core's own reader under `host_root`, or the number itself.
    // Never the machine's real memory: a run must not depend on where it runs.
    let probe: Arc<dyn MemoryProbe> = match &cfg.host_root {
        Some(root) => Arc::new(HostMemoryProbe::at(root)),
        None => Arc::new(FixedMemoryProbe(cfg.available_memory)),
    };
    let mut b = MemoryFileSystem::builder()
        .quota(cfg.quota)
        .chunk_overhead(cfg.chunk_overhead)
        .storage(storage)
        .promotion_hard_limit(cfg.promotion_hard_limit)
        .default_lock_timeout(LockWait::For(Duration::from_millis(cfg.lock_timeout_ms)))
        .memory_guard(mode, action)
        .memory_probe(probe);
    if let Some(n) = cfg.max_nodes {
        b = b.max_nodes(n);
    }
    b
}

/// One handle slot: the handle and, once closed, where its cursor was (a closed handle can no
/// longer be asked, but the observation still shows its last position).
#[derive(Debug)]
pub struct SlotHandle {
    pub handle: FileHandle,
    pub closed_pos: u64,
}

impl SlotHandle {
    /// The cursor as the observation shows it: live while open, the last one once closed.
    pub fn pos(&self) -> u64 {
        if self.handle.is_closed() {
            self.closed_pos
        } else {
            self.handle.tell().unwrap_or(0)
        }
    }
}

/// Executes calls on one memfs-core filesystem with its own handle slots.
#[derive(Debug)]
pub struct CoreExec {
    fs: MemoryFileSystem,
    slots: Vec<Option<SlotHandle>>,
    /// Fill in error messages (scenarios check them; the explorer never reads them and would
    /// pay an allocation per failing step).
    messages: bool,
    /// The configuration `fs` was built with, for `build` (which builds another one like it);
    /// `None`: this executor cannot run `build` (a driver error says so).
    config: Option<Arc<FsConfig>>,
}

impl CoreExec {
    /// An executor on `fs` with `slots` empty handle slots (more are added on demand).
    pub fn new(fs: MemoryFileSystem, slots: u8) -> Self {
        CoreExec {
            fs,
            slots: (0..slots).map(|_| None).collect(),
            messages: false,
            config: None,
        }
    }

    /// The configuration `fs` was built with: lets the executor run `build`.
    pub fn with_config(mut self, cfg: Arc<FsConfig>) -> Self {
        self.config = Some(cfg);
        self
    }

    /// The configuration given by [`CoreExec::with_config`].
    pub fn config(&self) -> Option<&Arc<FsConfig>> {
        self.config.as_ref()
    }

    /// Whether error outcomes carry the core's message.
    pub fn with_messages(mut self, on: bool) -> Self {
        self.messages = on;
        self
    }

    /// Wraps an existing state (a fork: filesystem and handles already copied).
    pub fn from_parts(
        fs: MemoryFileSystem,
        slots: Vec<Option<SlotHandle>>,
        messages: bool,
        config: Option<Arc<FsConfig>>,
    ) -> Self {
        CoreExec {
            fs,
            slots,
            messages,
            config,
        }
    }

    /// The filesystem.
    pub fn fs(&self) -> &MemoryFileSystem {
        &self.fs
    }

    /// The handle slots.
    pub fn slots(&self) -> &[Option<SlotHandle>] {
        &self.slots
    }

    /// The handle slots, for wrappers that tamper with them (a deliberately faulty driver).
    pub fn slots_mut(&mut self) -> &mut Vec<Option<SlotHandle>> {
        &mut self.slots
    }

    /// Whether error outcomes carry messages.
    pub fn messages(&self) -> bool {
        self.messages
    }

    /// Closes every handle (not a call: cleanup at the end of a thread or a scenario).
    pub fn close_all(&mut self) {
        for s in self.slots.iter_mut().flatten() {
            if !s.handle.is_closed() {
                s.closed_pos = s.handle.tell().unwrap_or(0);
            }
            s.handle.close();
        }
    }

    /// Executes one call. `Err` only when the core answers something the vocabulary cannot
    /// express (an error kind the harness does not know).
    pub fn run(&mut self, call: &Call) -> Result<CallOutcome, DriverError> {
        let m = self.messages;
        let fs = &self.fs;
        match call {
            Call::Open {
                slot,
                path,
                mode,
                preallocate,
                lock_timeout_ms,
            } => {
                let mode = match mode.parse::<OpenMode>() {
                    Ok(mode) => mode,
                    // The mode is parsed before the core sees the call, so its error has no
                    // path yet: it is this open's, as the core's own argument checks name it.
                    Err(MfsError::InvalidInput { reason, .. }) => {
                        let e = MfsError::InvalidInput {
                            path: path.clone(),
                            reason,
                        };
                        return outcome_of(&e, m);
                    }
                    Err(e) => return outcome_of(&e, m),
                };
                let mut opts = OpenOptions::new().preallocate(*preallocate);
                if let Some(ms) = lock_timeout_ms {
                    opts = opts.lock_timeout(LockWait::For(Duration::from_millis(*ms)));
                }
                match fs.open_with(path, mode, &opts) {
                    Ok(h) => {
                        let i = usize::from(*slot);
                        if self.slots.len() <= i {
                            self.slots.resize_with(i + 1, || None);
                        }
                        // Rebinding a slot closes what it held after the open, like rebinding a
                        // Python variable: the old handle's lock still counts during the open.
                        let old = self.slots[i].replace(SlotHandle {
                            handle: h,
                            closed_pos: 0,
                        });
                        if let Some(mut old) = old {
                            old.handle.close();
                        }
                        Ok(CallOutcome::Ok(StepValue::Unit))
                    }
                    Err(e) => outcome_of(&e, m),
                }
            }
            Call::Close { slot } => {
                if let Some(Some(s)) = self.slots.get_mut(usize::from(*slot)) {
                    if !s.handle.is_closed() {
                        s.closed_pos = s.handle.tell().unwrap_or(0);
                    }
                    s.handle.close();
                }
                Ok(CallOutcome::Ok(StepValue::Unit))
            }
            Call::Read { slot, max } => {
                let Some(h) = self.handle(*slot) else {
                    return Ok(no_handle());
                };
                match max {
                    Some(n) => {
                        let n = usize::try_from(*n).unwrap_or(usize::MAX);
                        value(h.read_data(Some(n)), StepValue::Bytes, m)
                    }
                    None => {
                        let mut buf = Vec::new();
                        match h.read_to_end(&mut buf) {
                            // The count must be what landed in the buffer.
                            Ok(n) if n == buf.len() => Ok(CallOutcome::Ok(StepValue::Bytes(buf))),
                            Ok(n) => Err(DriverError::new(
                                "core",
                                format!(
                                    "io::Read::read_to_end answered {n} but appended {} bytes",
                                    buf.len()
                                ),
                            )),
                            Err(e) => io_outcome(&e, m),
                        }
                    }
                }
            }
            Call::ReadInto { slot, size } => {
                let Some(h) = self.handle(*slot) else {
                    return Ok(no_handle());
                };
                let mut buf = read_buffer(*size)?;
                match h.read(&mut buf) {
                    Ok(n) if n <= buf.len() => {
                        buf.truncate(n);
                        Ok(CallOutcome::Ok(StepValue::Bytes(buf)))
                    }
                    // The std contract allows at most the buffer's length; more cannot be shown
                    // as the bytes that landed in the buffer.
                    Ok(n) => Err(DriverError::new(
                        "core",
                        format!(
                            "io::Read::read answered {n} for a buffer of {} bytes (at most the buffer's length is allowed)",
                            buf.len()
                        ),
                    )),
                    Err(e) => io_outcome(&e, m),
                }
            }
            Call::Write { slot, data } => {
                let Some(h) = self.handle(*slot) else {
                    return Ok(no_handle());
                };
                match h.write(data) {
                    Ok(n) => Ok(CallOutcome::Ok(StepValue::U64(n as u64))),
                    Err(e) => io_outcome(&e, m),
                }
            }
            Call::Seek {
                slot,
                whence,
                offset,
            } => {
                let Some(h) = self.handle(*slot) else {
                    return Ok(no_handle());
                };
                let pos = match whence {
                    Whence::Start => match u64::try_from(*offset) {
                        Ok(o) => SeekFrom::Start(o),
                        // `SeekFrom::Start` cannot express a negative target; a negative
                        // position is the core's `InvalidInput` from every other origin too,
                        // naming the handle's path as the core's own seek errors do.
                        Err(_) => {
                            return Ok(CallOutcome::err(ErrKind::InvalidInput, None).at(h.path()));
                        }
                    },
                    Whence::Current => SeekFrom::Current(*offset),
                    Whence::End => SeekFrom::End(*offset),
                };
                match h.seek(pos) {
                    Ok(p) => Ok(CallOutcome::Ok(StepValue::U64(p))),
                    Err(e) => io_outcome(&e, m),
                }
            }
            Call::Tell { slot } => {
                let Some(h) = self.handle(*slot) else {
                    return Ok(no_handle());
                };
                value(h.tell(), StepValue::U64, m)
            }
            Call::Truncate { slot, size } => {
                let Some(h) = self.handle(*slot) else {
                    return Ok(no_handle());
                };
                value(h.truncate(*size), StepValue::U64, m)
            }
            Call::Mkdir { path, exist_ok } => unit(fs.mkdir(path, *exist_ok), m),
            Call::Listdir { path } => value(fs.listdir(path), StepValue::Names, m),
            Call::Exists { path } => Ok(CallOutcome::Ok(StepValue::Bool(fs.exists(path)))),
            Call::IsDir { path } => Ok(CallOutcome::Ok(StepValue::Bool(fs.is_dir(path)))),
            Call::IsFile { path } => Ok(CallOutcome::Ok(StepValue::Bool(fs.is_file(path)))),
            Call::Stat { path } => value(
                fs.stat(path),
                |s| StepValue::Stat {
                    size: s.size,
                    created: s.created_at.0,
                    modified: s.modified_at.0,
                    generation: s.generation,
                    is_dir: s.is_dir,
                },
                m,
            ),
            Call::Stats => Ok(CallOutcome::Ok(StepValue::Stats(stats_obs(fs)))),
            Call::GetSize { path } => value(fs.get_size(path), StepValue::U64, m),
            Call::Rename { src, dst } => unit(fs.rename(src, dst), m),
            Call::Move { src, dst } => unit(fs.move_path(src, dst), m),
            Call::Remove { path } => unit(fs.remove(path), m),
            Call::Rmtree { path } => unit(fs.rmtree(path), m),
            Call::Copy { src, dst } => unit(fs.copy(src, dst), m),
            Call::CopyTree { src, dst } => unit(fs.copy_tree(src, dst), m),
            Call::Walk { path } => value(
                fs.walk(path),
                |w| StepValue::Walk(w.into_iter().map(|e| (e.dir, e.dirs, e.files)).collect()),
                m,
            ),
            Call::Glob { pattern } => value(fs.glob(pattern), StepValue::Names, m),
            Call::ExportTree { prefix, only_dirty } => {
                value(fs.export_tree(prefix, *only_dirty), StepValue::Files, m)
            }
            Call::IterExportTree { prefix, only_dirty } => {
                let collected = fs
                    .iter_export_tree(prefix, *only_dirty)
                    .and_then(|it| it.collect::<memfs_core::Result<BTreeMap<String, Vec<u8>>>>());
                value(collected, StepValue::Files, m)
            }
            Call::ExportAsBytes { path, max_size } => value(
                fs.export_as_bytesio(path, *max_size),
                |c| StepValue::Bytes(c.into_inner()),
                m,
            ),
            Call::ImportTree { entries } => {
                let entries = entries.iter().map(|(p, b)| (p.as_str(), b.as_slice()));
                unit(fs.import_tree(entries), m)
            }
            Call::Build {
                quota,
                memory_guard,
                memory_guard_action,
            } => {
                let Some(cfg) = &self.config else {
                    return Err(DriverError::new(
                        "core",
                        "`build` needs the configuration the filesystem was built with; this executor was given none (CoreExec::with_config)",
                    ));
                };
                let other = FsConfig {
                    quota: quota.unwrap_or(cfg.quota),
                    memory_guard: *memory_guard,
                    memory_guard_action: *memory_guard_action,
                    ..FsConfig::clone(cfg)
                };
                // Built and dropped at once: the cheap lock; its clock stamps nothing we see.
                let built = builder(&other)
                    .namespace_lock(NamespaceLock::Single)
                    .build();
                value(
                    built,
                    |fs| StepValue::U64(fs.take_warnings().len() as u64),
                    m,
                )
            }
        }
    }

    fn handle(&mut self, slot: u8) -> Option<&mut FileHandle> {
        match self.slots.get_mut(usize::from(slot)) {
            Some(Some(s)) => Some(&mut s.handle),
            _ => None,
        }
    }
}

/// A handle call on an empty slot: `InvalidInput` without calling the subject (the protocol's
/// slot convention).
pub fn no_handle() -> CallOutcome {
    CallOutcome::err(ErrKind::InvalidInput, None)
}

/// The comparable form of the core's `stats()`.
pub fn stats_obs(fs: &MemoryFileSystem) -> StatsObs {
    let s = fs.stats();
    StatsObs {
        used_bytes: s.used_bytes,
        quota_bytes: s.quota_bytes,
        free_bytes: s.free_bytes,
        file_count: s.file_count,
        dir_count: s.dir_count,
        chunk_count: s.chunk_count,
        overhead_per_chunk_estimate: s.overhead_per_chunk_estimate,
    }
}

/// The vocabulary's kind for a core error kind; `None` for a kind the harness does not know
/// (memfs-core's `ErrorKind` is non-exhaustive: a new kind must be added here, not guessed).
pub fn kind_of(k: ErrorKind) -> Option<ErrKind> {
    Some(match k {
        ErrorKind::NotFound => ErrKind::NotFound,
        ErrorKind::AlreadyExists => ErrKind::AlreadyExists,
        ErrorKind::IsADirectory => ErrKind::IsADirectory,
        ErrorKind::NotADirectory => ErrKind::NotADirectory,
        ErrorKind::WouldBlock => ErrKind::WouldBlock,
        ErrorKind::InvalidInput => ErrKind::InvalidInput,
        ErrorKind::Unsupported => ErrKind::Unsupported,
        ErrorKind::QuotaExceeded => ErrKind::QuotaExceeded,
        ErrorKind::NodeLimitExceeded => ErrKind::NodeLimitExceeded,
        ErrorKind::OutOfMemory => ErrKind::OutOfMemory,
        // `ErrorKind` is non-exhaustive: a kind a newer core adds is not guessed.
        _ => return None,
    })
}

/// The outcome of a core error: its kind, the `WouldBlock` reason, a quota error's amounts,
/// and (with `message`) its text. A kind the vocabulary does not know is a [`DriverError`].
pub fn outcome_of(e: &MfsError, message: bool) -> Result<CallOutcome, DriverError> {
    let Some(kind) = kind_of(e.kind()) else {
        return Err(DriverError::new(
            "core",
            format!(
                "memfs-core answered error kind `{}`, which the call vocabulary does not know: {e}",
                e.kind().name()
            ),
        ));
    };
    let reason = match e {
        MfsError::WouldBlock { reason, .. } => Some(
            match reason {
                BlockReason::LockTimeout => "LockTimeout",
                BlockReason::FileOpen => "FileOpen",
            }
            .to_string(),
        ),
        _ => None,
    };
    let amounts = match e {
        MfsError::QuotaExceeded {
            requested,
            available,
            ..
        } => Some(ErrAmounts::Quota {
            requested: *requested,
            available: *available,
        }),
        MfsError::NodeLimitExceeded { current, limit, .. } => Some(ErrAmounts::Nodes {
            current: *current,
            limit: *limit,
        }),
        _ => None,
    };
    Ok(CallOutcome::Err {
        kind,
        reason,
        amounts,
        path: Some(e.path().to_string()),
        message: ErrorText(if message {
            e.to_string()
        } else {
            String::new()
        }),
    })
}

/// The outcome of an error of the core's std io impls: the `MfsError` inside it, recovered
/// with `MfsError::from_io`, which must carry the io kind the semantics give its kind
/// (HANDLE-17, QUOTA-14; the harness's own table, [`io_kind`], not the core's). An `io::Error`
/// that carries no `MfsError`, or the wrong io kind, is a [`DriverError`], never a guess.
pub fn io_outcome(e: &std::io::Error, message: bool) -> Result<CallOutcome, DriverError> {
    let Some(inner) = MfsError::from_io(e) else {
        return Err(DriverError::new(
            "core",
            format!(
                "a std io call answered an io::Error ({:?}) that carries no MfsError: {e}",
                e.kind()
            ),
        ));
    };
    let out = outcome_of(inner, message)?;
    if let CallOutcome::Err { kind, .. } = &out
        && e.kind() != io_kind(*kind)
    {
        return Err(DriverError::new(
            "core",
            format!(
                "a std io call answered io kind {:?} for {kind}, whose io kind is {:?}",
                e.kind(),
                io_kind(*kind)
            ),
        ));
    }
    Ok(out)
}

/// The `std::io::ErrorKind` each error kind maps to (semantics preamble: every `MfsError`
/// maps to one; both quota kinds are `StorageFull`).
pub fn io_kind(k: ErrKind) -> std::io::ErrorKind {
    use std::io::ErrorKind as Io;
    match k {
        ErrKind::NotFound => Io::NotFound,
        ErrKind::AlreadyExists => Io::AlreadyExists,
        ErrKind::IsADirectory => Io::IsADirectory,
        ErrKind::NotADirectory => Io::NotADirectory,
        ErrKind::WouldBlock => Io::WouldBlock,
        ErrKind::InvalidInput => Io::InvalidInput,
        ErrKind::Unsupported => Io::Unsupported,
        ErrKind::QuotaExceeded | ErrKind::NodeLimitExceeded => Io::StorageFull,
        ErrKind::OutOfMemory => Io::OutOfMemory,
    }
}

/// What a `read_into` buffer holds before the read (see [`read_buffer`]).
const READ_SENTINEL: u8 = 0xA5;

/// The caller's buffer of a `read_into` call: `size` bytes of a sentinel that no spec writes
/// on its own (not 0: files hold zero-filled gaps, so a read that reports bytes it never copied
/// would go unseen in zeros), or a [`DriverError`] when that much memory cannot be had (a size
/// from a hand-written file; specs use small ones).
fn read_buffer(size: u64) -> Result<Vec<u8>, DriverError> {
    let too_big = || {
        DriverError::new(
            "core",
            format!("cannot allocate a read_into buffer of {size} bytes"),
        )
    };
    let n = usize::try_from(size).map_err(|_| too_big())?;
    let mut buf = Vec::new();
    buf.try_reserve_exact(n).map_err(|_| too_big())?;
    buf.resize(n, READ_SENTINEL);
    Ok(buf)
}

fn unit(r: memfs_core::Result<()>, message: bool) -> Result<CallOutcome, DriverError> {
    value(r, |()| StepValue::Unit, message)
}

fn value<T>(
    r: memfs_core::Result<T>,
    f: impl FnOnce(T) -> StepValue,
    message: bool,
) -> Result<CallOutcome, DriverError> {
    match r {
        Ok(v) => Ok(CallOutcome::Ok(f(v))),
        Err(e) => outcome_of(&e, message),
    }
}

#[cfg(test)]
#[path = "core_tests.rs"]
mod tests;
