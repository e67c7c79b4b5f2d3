//! The byte quota: one atomic `used` counter, charged by compare-and-swap so `used <= quota`
//! holds at every instant under any concurrency (semantics §3).

use crate::sync::atomic::{AtomicU64, Ordering};

/// Byte accounting shared by every file of one filesystem.
#[derive(Debug)]
pub(crate) struct Quota {
    used: AtomicU64,
    limit: u64,
}

/// A refused reservation: what was asked for and what was free at that instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refused {
    pub requested: u64,
    pub available: u64,
}

impl Quota {
    /// A quota of `limit` bytes with `used` already charged.
    pub(crate) fn new(limit: u64, used: u64) -> Self {
        Quota {
            used: AtomicU64::new(used),
            limit,
        }
    }

    /// Charges `n` bytes if they fit, atomically; otherwise changes nothing.
    pub(crate) fn reserve(&self, n: u64) -> Result<(), Refused> {
        if n == 0 {
            return Ok(());
        }
        let mut cur = self.used.load(Ordering::Relaxed);
        loop {
            let available = self.limit.saturating_sub(cur);
            if n > available {
                return Err(Refused {
                    requested: n,
                    available,
                });
            }
            match self
                .used
                .compare_exchange_weak(cur, cur + n, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(now) => cur = now,
            }
        }
    }

    /// Gives back `n` previously charged bytes.
    pub(crate) fn release(&self, n: u64) {
        if n > 0 {
            self.used.fetch_sub(n, Ordering::AcqRel);
        }
    }

    /// Bytes charged now.
    /// Sets the usage of a quota nobody else can see yet (a fork's copy, counted while built).
    pub(crate) fn set_used(&self, used: u64) {
        self.used.store(used, Ordering::Release);
    }

    pub(crate) fn used(&self) -> u64 {
        self.used.load(Ordering::Acquire)
    }

    /// The hard limit.
    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }

    /// Free bytes now (never negative).
    pub(crate) fn free_now(&self) -> u64 {
        self.limit.saturating_sub(self.used())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    // spec: QUOTA-9, QUOTA-10
    #[test]
    fn reserve_up_to_the_limit_exactly() {
        let q = Quota::new(100, 0);
        assert!(q.reserve(60).is_ok());
        assert_eq!(
            q.reserve(41),
            Err(Refused {
                requested: 41,
                available: 40
            })
        );
        assert_eq!(q.used(), 60);
        assert!(q.reserve(40).is_ok());
        assert_eq!(q.free_now(), 0);
        assert!(q.reserve(0).is_ok());
        assert_eq!(
            q.reserve(1),
            Err(Refused {
                requested: 1,
                available: 0
            })
        );
        q.release(100);
        assert_eq!(q.used(), 0);
    }

    // spec: QUOTA-11, CONC-12
    #[test]
    fn concurrent_reservations_never_overshoot() {
        let q = crate::sync::Arc::new(Quota::new(1000, 0));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let q = crate::sync::Arc::clone(&q);
                std::thread::spawn(move || {
                    (0..1000).filter(|_| q.reserve(7).is_ok()).count() as u64
                })
            })
            .collect();
        let won: u64 = hs.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(won, 1000 / 7);
        assert_eq!(q.used(), won * 7);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::Arc;

    // spec: QUOTA-11, CONC-12
    #[test]
    fn loom_quota_last_bytes_one_winner() {
        let mut b = loom::model::Builder::new();
        b.preemption_bound = Some(3);
        b.check(|| {
            let q = Arc::new(Quota::new(100, 90));
            let ts: Vec<_> = (0..2)
                .map(|_| {
                    let q = Arc::clone(&q);
                    loom::thread::spawn(move || {
                        let r = q.reserve(10).is_ok();
                        assert!(q.used() <= 100);
                        r
                    })
                })
                .collect();
            let wins = ts
                .into_iter()
                .map(|t| t.join().unwrap())
                .filter(|w| *w)
                .count();
            assert_eq!(wins, 1);
            assert_eq!(q.used(), 100);
        });
    }

    // spec: QUOTA-11, CONC-12
    #[test]
    fn loom_quota_release_then_reserve() {
        let mut b = loom::model::Builder::new();
        b.preemption_bound = Some(3);
        b.check(|| {
            let q = Arc::new(Quota::new(10, 10));
            let q2 = Arc::clone(&q);
            let t = loom::thread::spawn(move || q2.release(5));
            let got = q.reserve(5).is_ok();
            assert!(q.used() <= 10);
            t.join().unwrap();
            assert_eq!(q.used(), if got { 10 } else { 5 });
        });
    }
}
