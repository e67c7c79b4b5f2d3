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
