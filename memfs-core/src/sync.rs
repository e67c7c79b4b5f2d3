//! Sync facade: the only place that names `std::sync`. Under `--cfg loom` the blocking
//! primitives and atomics come from loom so its models explore every interleaving (the tokio
//! pattern).
//!
//! `Arc` stays `std::sync::Arc` under loom too: loom's `Arc` cannot hold `dyn Clock` on stable
//! Rust (no unsized coercion), and reference counting is not what the models check.

pub use std::sync::Arc;

#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
#[cfg(not(loom))]
pub(crate) mod atomic {
    pub(crate) use std::sync::atomic::{AtomicU64, Ordering, fence};
}

#[cfg(loom)]
pub(crate) use loom::sync::{
    Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};
#[cfg(loom)]
pub(crate) mod atomic {
    pub(crate) use loom::sync::atomic::{AtomicU64, Ordering, fence};
}

/// Crossbeam's sharded reader-writer lock (one `RwLock` per cache line; a reader locks its
/// thread's shard, a writer all of them); under loom a plain `RwLock`, which it is equivalent to.
#[cfg(not(loom))]
use crossbeam_utils::sync::{
    ShardedLock as Shards, ShardedLockReadGuard as ShardsRead, ShardedLockWriteGuard as ShardsWrite,
};
#[cfg(loom)]
use loom::sync::{
    RwLock as Shards, RwLockReadGuard as ShardsRead, RwLockWriteGuard as ShardsWrite,
};

/// The namespace lock: one `RwLock` or a sharded one (the filesystem picks the constructor
/// from its `NamespaceLock` setting; the facade itself depends on nothing of the crate).
#[derive(Debug)]
pub(crate) enum NsLock<T> {
    Single(RwLock<T>),
    Sharded(Shards<T>),
}

/// Shared access to what an [`NsLock`] guards.
pub(crate) enum NsRead<'a, T> {
    Single(RwLockReadGuard<'a, T>),
    Sharded(ShardsRead<'a, T>),
}

/// Exclusive access to what an [`NsLock`] guards.
pub(crate) enum NsWrite<'a, T> {
    Single(RwLockWriteGuard<'a, T>),
    Sharded(ShardsWrite<'a, T>),
}

impl<T> NsLock<T> {
    /// One reader-writer lock.
    pub(crate) fn single(value: T) -> Self {
        NsLock::Single(RwLock::new(value))
    }

    /// A sharded reader-writer lock (one shard per cache line).
    pub(crate) fn sharded(value: T) -> Self {
        NsLock::Sharded(Shards::new(value))
    }

    /// Shared access, ignoring poisoning (see [`lock`]).
    pub(crate) fn read(&self) -> NsRead<'_, T> {
        match self {
            NsLock::Single(l) => NsRead::Single(read(l)),
            NsLock::Sharded(l) => NsRead::Sharded(match l.read() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            }),
        }
    }

    /// Exclusive access, ignoring poisoning (see [`lock`]).
    pub(crate) fn write(&self) -> NsWrite<'_, T> {
        match self {
            NsLock::Single(l) => NsWrite::Single(write(l)),
            NsLock::Sharded(l) => NsWrite::Sharded(match l.write() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            }),
        }
    }
}

impl<T> std::ops::Deref for NsRead<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            NsRead::Single(g) => g,
            NsRead::Sharded(g) => g,
        }
    }
}

impl<T> std::ops::Deref for NsWrite<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            NsWrite::Single(g) => g,
            NsWrite::Sharded(g) => g,
        }
    }
}

impl<T> std::ops::DerefMut for NsWrite<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match self {
            NsWrite::Single(g) => g,
            NsWrite::Sharded(g) => g,
        }
    }
}

/// Locks `m`, ignoring poisoning: every critical section of the crate leaves its data
/// consistent before anything that could panic, so a poisoned lock still holds valid state.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Read-locks `m`, ignoring poisoning (see [`lock`]).
pub(crate) fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    match m.read() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Write-locks `m`, ignoring poisoning (see [`lock`]).
pub(crate) fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    match m.write() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// The value inside `m` through exclusive access: no locking needed.
pub(crate) fn get_mut<T>(m: &mut RwLock<T>) -> &mut T {
    match m.get_mut() {
        Ok(v) => v,
        Err(p) => p.into_inner(),
    }
}

/// Lets another thread run (loom needs to see every spin-wait yield).
pub(crate) fn yield_now() {
    #[cfg(not(loom))]
    std::thread::yield_now();
    #[cfg(loom)]
    loom::thread::yield_now();
}
