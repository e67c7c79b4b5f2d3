//! Sync facade: the only place that names the blocking primitives and atomics of `std::sync`
//! (and crossbeam's sharded lock). Under `--cfg loom` they come from loom so its models explore
//! every interleaving (the tokio pattern). `memfs-core/clippy.toml` enforces this: outside this
//! module, naming one of them is a `disallowed-types` / `disallowed-methods` error.
//!
//! The primitives are type aliases and small functions, not `use` re-exports: a re-export is
//! the very item it re-exports, so clippy would flag every user of the facade as well. An alias
//! is an item of its own; only its definition here names the std (or crossbeam) item, under an
//! `#[allow]`.
//!
//! `Arc` stays `std::sync::Arc` under loom too: loom's `Arc` cannot hold `dyn Clock` on stable
//! Rust (no unsized coercion), and reference counting is not what the models check. So the
//! facade does not replace it, and it is not a disallowed type; it is re-exported here so that
//! code can take every sync item from one place.
//!
//! Everything that locks ignores poisoning (see `lock`).

pub use std::sync::Arc;

#[cfg(loom)]
use loom::sync as primitives;
/// Where the primitives come from: std, or loom under `--cfg loom`.
#[cfg(not(loom))]
use std::sync as primitives;

// The facade's own definitions: the only places allowed to name the disallowed types (see the
// module documentation for why these are aliases rather than re-exports).
#[allow(clippy::disallowed_types)]
pub(crate) type Mutex<T> = primitives::Mutex<T>;
#[allow(clippy::disallowed_types)]
pub(crate) type MutexGuard<'a, T> = primitives::MutexGuard<'a, T>;
#[allow(clippy::disallowed_types)]
pub(crate) type RwLock<T> = primitives::RwLock<T>;
#[allow(clippy::disallowed_types)]
pub(crate) type RwLockReadGuard<'a, T> = primitives::RwLockReadGuard<'a, T>;
#[allow(clippy::disallowed_types)]
pub(crate) type RwLockWriteGuard<'a, T> = primitives::RwLockWriteGuard<'a, T>;
#[allow(clippy::disallowed_types)]
pub(crate) type Condvar = primitives::Condvar;

/// Atomics: std's, or loom's under `--cfg loom`.
pub(crate) mod atomic {
    #[cfg(loom)]
    use loom::sync::atomic as primitives;
    #[cfg(not(loom))]
    use std::sync::atomic as primitives;

    /// Memory orderings. Not a primitive (loom uses std's own), so a plain re-export.
    pub(crate) use primitives::Ordering;

    // The facade's own definition (see the module documentation of `sync`).
    #[allow(clippy::disallowed_types)]
    pub(crate) type AtomicU64 = primitives::AtomicU64;

    /// A memory fence (loom's under `--cfg loom`, so its models see it).
    #[inline]
    // The facade's own definition (see the module documentation of `sync`).
    #[allow(clippy::disallowed_methods)]
    pub(crate) fn fence(order: Ordering) {
        primitives::fence(order)
    }
}

// Crossbeam's sharded reader-writer lock (one `RwLock` per cache line; a reader locks its
// thread's shard, a writer all of them); under loom a plain `RwLock`, which it is equivalent to.
// The facade's own definitions (see the module documentation).
#[cfg(not(loom))]
#[allow(clippy::disallowed_types)]
type Shards<T> = crossbeam_utils::sync::ShardedLock<T>;
#[cfg(not(loom))]
#[allow(clippy::disallowed_types)]
type ShardsRead<'a, T> = crossbeam_utils::sync::ShardedLockReadGuard<'a, T>;
#[cfg(not(loom))]
#[allow(clippy::disallowed_types)]
type ShardsWrite<'a, T> = crossbeam_utils::sync::ShardedLockWriteGuard<'a, T>;
#[cfg(loom)]
type Shards<T> = RwLock<T>;
#[cfg(loom)]
type ShardsRead<'a, T> = RwLockReadGuard<'a, T>;
#[cfg(loom)]
type ShardsWrite<'a, T> = RwLockWriteGuard<'a, T>;

/// A reader-writer lock that is either one `RwLock` or a sharded one (the namespace lock: the
/// filesystem picks the constructor from its `NamespaceLock` setting).
#[derive(Debug)]
pub(crate) enum ShardableRwLock<T> {
    Single(RwLock<T>),
    Sharded(Shards<T>),
}

/// Shared access to what a [`ShardableRwLock`] guards.
pub(crate) enum ShardableReadGuard<'a, T> {
    Single(RwLockReadGuard<'a, T>),
    Sharded(ShardsRead<'a, T>),
}

/// Exclusive access to what a [`ShardableRwLock`] guards.
pub(crate) enum ShardableWriteGuard<'a, T> {
    Single(RwLockWriteGuard<'a, T>),
    Sharded(ShardsWrite<'a, T>),
}

impl<T> ShardableRwLock<T> {
    /// One reader-writer lock.
    pub(crate) fn single(value: T) -> Self {
        ShardableRwLock::Single(RwLock::new(value))
    }

    /// A sharded reader-writer lock (one shard per cache line).
    pub(crate) fn sharded(value: T) -> Self {
        ShardableRwLock::Sharded(Shards::new(value))
    }

    /// Shared access, ignoring poisoning (see [`lock`]).
    pub(crate) fn read(&self) -> ShardableReadGuard<'_, T> {
        match self {
            ShardableRwLock::Single(l) => ShardableReadGuard::Single(read(l)),
            ShardableRwLock::Sharded(l) => ShardableReadGuard::Sharded(match l.read() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            }),
        }
    }

    /// Exclusive access, ignoring poisoning (see [`lock`]).
    pub(crate) fn write(&self) -> ShardableWriteGuard<'_, T> {
        match self {
            ShardableRwLock::Single(l) => ShardableWriteGuard::Single(write(l)),
            ShardableRwLock::Sharded(l) => ShardableWriteGuard::Sharded(match l.write() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            }),
        }
    }
}

impl<T> std::ops::Deref for ShardableReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            ShardableReadGuard::Single(g) => g,
            ShardableReadGuard::Sharded(g) => g,
        }
    }
}

impl<T> std::ops::Deref for ShardableWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            ShardableWriteGuard::Single(g) => g,
            ShardableWriteGuard::Sharded(g) => g,
        }
    }
}

impl<T> std::ops::DerefMut for ShardableWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match self {
            ShardableWriteGuard::Single(g) => g,
            ShardableWriteGuard::Sharded(g) => g,
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
// The facade's own definition (see the module documentation).
#[allow(clippy::disallowed_methods)]
pub(crate) fn yield_now() {
    #[cfg(not(loom))]
    std::thread::yield_now();
    #[cfg(loom)]
    loom::thread::yield_now();
}
