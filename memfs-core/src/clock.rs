//! Injectable time source: production uses the system clock, tests and the harness move a
//! manual one so timestamp rules can be checked deterministically.

use crate::sync::atomic::{AtomicU64, Ordering};

/// A point in time: nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub u64);

/// Where the filesystem reads the current time from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(unix)]
    fn now(&self) -> Timestamp {
        // `CLOCK_REALTIME` through the vDSO, without `SystemTime`'s validation and
        // `duration_since`'s `Result`: this runs on every write, and twice per `wb` cycle.
        let t = rustix::time::clock_gettime(rustix::time::ClockId::Realtime);
        // Before 1970 (a clock set far back) counts as the epoch, as `duration_since` would.
        match (u64::try_from(t.tv_sec), u64::try_from(t.tv_nsec)) {
            (Ok(secs), Ok(nanos)) => {
                Timestamp(secs.saturating_mul(1_000_000_000).saturating_add(nanos))
            }
            _ => Timestamp(0),
        }
    }
    #[cfg(not(unix))]
    fn now(&self) -> Timestamp {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        // u64 arithmetic (not `as_nanos`' u128): this runs on every write.
        Timestamp(
            d.as_secs()
                .saturating_mul(1_000_000_000)
                .saturating_add(u64::from(d.subsec_nanos())),
        )
    }
}

/// A clock that only moves when told to (`set`, `advance`), or by `tick` on every read when
/// built with [`ManualClock::ticking`].
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicU64,
    tick: u64,
}

impl ManualClock {
    /// A clock frozen at `start` nanoseconds.
    pub fn new(start: u64) -> Self {
        ManualClock {
            now: AtomicU64::new(start),
            tick: 0,
        }
    }
    /// A clock that advances by `tick` nanoseconds after every read (strictly increasing time).
    pub fn ticking(start: u64, tick: u64) -> Self {
        ManualClock {
            now: AtomicU64::new(start),
            tick,
        }
    }
    /// Moves the clock to `t`.
    pub fn set(&self, t: u64) {
        self.now.store(t, Ordering::SeqCst);
    }
    /// Moves the clock forward by `d` nanoseconds.
    pub fn advance(&self, d: u64) {
        self.now.fetch_add(d, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.now.fetch_add(self.tick, Ordering::SeqCst))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    // spec: TIME-1
    #[test]
    fn system_clock_reads_the_wall_clock() {
        let as_ns = |t: std::time::SystemTime| {
            let d = t.duration_since(std::time::UNIX_EPOCH).expect("after 1970");
            d.as_secs() * 1_000_000_000 + u64::from(d.subsec_nanos())
        };
        let before = as_ns(std::time::SystemTime::now());
        let got = SystemClock.now().0;
        let after = as_ns(std::time::SystemTime::now());
        // The same clock as `SystemTime`, read between two readings of it.
        assert!(
            before <= got && got <= after,
            "{before} <= {got} <= {after}"
        );
    }

    // spec: TIME-1
    #[test]
    fn ticking_clock_advances_after_each_read() {
        let c = ManualClock::ticking(10, 5);
        assert_eq!((c.now().0, c.now().0, c.now().0), (10, 15, 20));
        c.set(100);
        assert_eq!(c.now().0, 100);
    }
}
