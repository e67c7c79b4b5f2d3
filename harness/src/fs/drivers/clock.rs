//! The clock the core driver gives memfs-core: a per-thread time value. The explorer sets it
//! before each step; forks of a filesystem share their clock object, and forks run on
//! different worker threads, so one shared `ManualClock` would let threads move each other's
//! time. A thread-local value keeps every fork's time its own thread's.

use memfs_core::{Clock, Timestamp};
use std::cell::Cell;

thread_local! {
    static NOW: Cell<u64> = const { Cell::new(0) };
}

/// A clock reading the calling thread's current step time.
#[derive(Debug, Default, Clone, Copy)]
pub struct StepClock;

impl StepClock {
    /// Sets the calling thread's time.
    pub fn set(t: u64) {
        NOW.with(|n| n.set(t));
    }
    /// The calling thread's time.
    pub fn get() -> u64 {
        NOW.with(Cell::get)
    }
}

impl Clock for StepClock {
    fn now(&self) -> Timestamp {
        Timestamp(StepClock::get())
    }
}
