//! Per-file reader/writer lock held by handles from open to close (semantics §4, §9).
//!
//! It is a state count inside the file node, not a guard borrowed from the filesystem, so a
//! handle can own it. Writer-preferring: while a writer waits, new readers wait too, so a stream
//! of readers cannot starve writers. Not re-entrant: a second open by the same thread counts as
//! another party.
//!
//! Under `--cfg loom` there is no real time: a finite timeout re-checks once after
//! `loom::thread::yield_now()` and then gives up, while `Forever` waits on the condvar (so loom
//! explores the wake-ups).

use crate::sync::{Condvar, Mutex, lock};
use crate::types::LockWait;

/// What a lock holder may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Access {
    Read,
    Write,
}

/// The observable state of one file lock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct LockState {
    pub readers: u32,
    pub writer: bool,
    pub waiting_writers: u32,
    /// Parties blocked on the condvar: release only pays for a wake-up when someone sleeps
    /// (std's futex condvar makes a syscall on every notify).
    pub sleepers: u32,
}

impl LockState {
    fn can_take(&self, a: Access) -> bool {
        match a {
            Access::Read => !self.writer && self.waiting_writers == 0,
            Access::Write => !self.writer && self.readers == 0,
        }
    }
    fn take(&mut self, a: Access) {
        match a {
            Access::Read => self.readers += 1,
            Access::Write => self.writer = true,
        }
    }
}

/// A reader/writer lock whose ownership is a count, with try-once, deadline and forever waits.
#[derive(Debug, Default)]
pub(crate) struct FileLock {
    state: Mutex<LockState>,
    cv: Condvar,
}

impl FileLock {
    /// A lock in the given state (used by `fork` to rebuild the locks its handles hold).
    pub(crate) fn with_state(s: LockState) -> Self {
        FileLock {
            state: Mutex::new(s),
            cv: Condvar::new(),
        }
    }

    /// Takes the lock if it is free for `a` right now; never waits.
    pub(crate) fn try_acquire(&self, a: Access) -> bool {
        let mut st = lock(&self.state);
        if st.can_take(a) {
            st.take(a);
            true
        } else {
            false
        }
    }

    /// Takes the lock, waiting as `wait` allows. `false` means the wait timed out.
    pub(crate) fn acquire(&self, a: Access, wait: LockWait) -> bool {
        let mut st = lock(&self.state);
        if st.can_take(a) {
            st.take(a);
            return true;
        }
        let deadline = match wait {
            LockWait::For(d) if d.is_zero() => return false,
            LockWait::For(d) => Some(d),
            LockWait::Forever => None,
        };
        if a == Access::Write {
            st.waiting_writers += 1;
        }
        self.wait_loop(st, a, deadline)
    }

    #[cfg(not(loom))]
    fn wait_loop<'a>(
        &'a self,
        mut st: crate::sync::MutexGuard<'a, LockState>,
        a: Access,
        timeout: Option<std::time::Duration>,
    ) -> bool {
        let deadline = timeout.and_then(|d| std::time::Instant::now().checked_add(d));
        loop {
            if st.can_take(a) {
                st.finish_wait(a);
                st.take(a);
                return true;
            }
            match deadline {
                None => {
                    st.sleepers += 1;
                    st = match self.cv.wait(st) {
                        Ok(g) => g,
                        Err(p) => p.into_inner(),
                    };
                    st.sleepers -= 1;
                }
                Some(dl) => {
                    let now = std::time::Instant::now();
                    if now >= dl {
                        st.finish_wait(a);
                        let wake = st.sleepers > 0;
                        drop(st);
                        // A writer that stops waiting may unblock readers held back for it.
                        if wake {
                            self.cv.notify_all();
                        }
                        return false;
                    }
                    st.sleepers += 1;
                    st = match self.cv.wait_timeout(st, dl - now) {
                        Ok((g, _)) => g,
                        Err(p) => p.into_inner().0,
                    };
                    st.sleepers -= 1;
                }
            }
        }
    }

    #[cfg(loom)]
    fn wait_loop<'a>(
        &'a self,
        mut st: crate::sync::MutexGuard<'a, LockState>,
        a: Access,
        timeout: Option<std::time::Duration>,
    ) -> bool {
        let mut yielded = false;
        loop {
            if st.can_take(a) {
                st.finish_wait(a);
                st.take(a);
                return true;
            }
            if timeout.is_some() {
                if yielded {
                    st.finish_wait(a);
                    let wake = st.sleepers > 0;
                    drop(st);
                    if wake {
                        self.cv.notify_all();
                    }
                    return false;
                }
                drop(st);
                loom::thread::yield_now();
                yielded = true;
                st = lock(&self.state);
            } else {
                st.sleepers += 1;
                st = match self.cv.wait(st) {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                st.sleepers -= 1;
            }
        }
    }

    /// Gives back one hold of kind `a` and wakes the waiters.
    pub(crate) fn release(&self, a: Access) {
        let mut st = lock(&self.state);
        match a {
            Access::Read => st.readers = st.readers.saturating_sub(1),
            Access::Write => st.writer = false,
        }
        let wake = !st.writer && st.readers == 0 && st.sleepers > 0;
        drop(st);
        if wake {
            self.cv.notify_all();
        }
    }

    /// Whether any handle holds the lock (the file is open).
    pub(crate) fn is_held(&self) -> bool {
        let st = lock(&self.state);
        st.writer || st.readers > 0
    }

    /// A copy of the current state.
    pub(crate) fn state(&self) -> LockState {
        *lock(&self.state)
    }
}

impl LockState {
    /// Unregisters a party that stops waiting.
    fn finish_wait(&mut self, a: Access) {
        if a == Access::Write {
            self.waiting_writers -= 1;
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::Arc;
    use std::time::Duration;

    const TRY: LockWait = LockWait::For(Duration::ZERO);

    // spec: §4 §9
    #[test]
    fn readers_share_writers_exclude() {
        let l = FileLock::default();
        assert!(l.acquire(Access::Read, TRY));
        assert!(l.acquire(Access::Read, TRY));
        assert!(!l.acquire(Access::Write, TRY));
        l.release(Access::Read);
        assert!(!l.try_acquire(Access::Write));
        l.release(Access::Read);
        assert!(!l.is_held());
        assert!(l.try_acquire(Access::Write));
        assert!(!l.try_acquire(Access::Read));
        assert!(!l.acquire(Access::Write, LockWait::For(Duration::from_millis(5))));
        assert_eq!(
            l.state(),
            LockState {
                readers: 0,
                writer: true,
                waiting_writers: 0,
                ..LockState::default()
            }
        );
        l.release(Access::Write);
        assert_eq!(l.state(), LockState::default());
    }

    // spec: §4 (locks are not re-entrant)
    #[test]
    fn not_reentrant() {
        let l = FileLock::default();
        assert!(l.try_acquire(Access::Write));
        assert!(!l.acquire(Access::Write, TRY));
        assert!(!l.acquire(Access::Read, TRY));
    }

    // spec: §4 §9 (writer preference)
    #[test]
    fn waiting_writer_blocks_new_readers_and_gets_the_lock() {
        let l = Arc::new(FileLock::default());
        assert!(l.try_acquire(Access::Read));
        let l2 = Arc::clone(&l);
        let w = std::thread::spawn(move || {
            let ok = l2.acquire(Access::Write, LockWait::Forever);
            l2.release(Access::Write);
            ok
        });
        while l.state().waiting_writers == 0 {
            std::thread::yield_now();
        }
        assert!(
            !l.acquire(Access::Read, TRY),
            "a waiting writer blocks new readers"
        );
        l.release(Access::Read);
        assert!(w.join().unwrap());
        assert_eq!(l.state(), LockState::default());
    }

    // spec: §4 (a writer timing out lets readers in again)
    #[test]
    fn writer_timeout_unregisters() {
        let l = FileLock::default();
        assert!(l.try_acquire(Access::Read));
        assert!(!l.acquire(Access::Write, LockWait::For(Duration::from_millis(2))));
        assert_eq!(l.state().waiting_writers, 0);
        assert!(l.try_acquire(Access::Read));
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::Arc;
    use std::time::Duration;

    fn model(f: impl Fn() + Sync + Send + 'static) {
        let mut b = loom::model::Builder::new();
        b.preemption_bound = Some(3);
        b.check(f);
    }

    #[test]
    fn loom_lock_try_and_release_wakes() {
        model(|| {
            let l = Arc::new(FileLock::default());
            assert!(l.try_acquire(Access::Write));
            let l2 = Arc::clone(&l);
            let t = loom::thread::spawn(move || {
                // Waits forever: must be woken by the release below.
                assert!(l2.acquire(Access::Read, LockWait::Forever));
                l2.release(Access::Read);
            });
            assert!(!l.try_acquire(Access::Read));
            l.release(Access::Write);
            t.join().unwrap();
            assert_eq!(l.state(), LockState::default());
        });
    }

    #[test]
    fn loom_lock_writer_preference() {
        model(|| {
            let l = Arc::new(FileLock::default());
            assert!(l.try_acquire(Access::Read));
            let l2 = Arc::clone(&l);
            let w = loom::thread::spawn(move || {
                assert!(l2.acquire(Access::Write, LockWait::Forever));
                l2.release(Access::Write);
            });
            // A new reader with a finite timeout: it may get in only while no writer waits.
            let got = l.acquire(Access::Read, LockWait::For(Duration::from_millis(1)));
            if got {
                l.release(Access::Read);
            }
            l.release(Access::Read);
            w.join().unwrap();
            assert_eq!(l.state(), LockState::default());
        });
    }

    #[test]
    fn loom_lock_two_writers_exclusive() {
        model(|| {
            let l = Arc::new(FileLock::default());
            let inside = Arc::new(crate::sync::atomic::AtomicU64::new(0));
            let mut ts = Vec::new();
            for _ in 0..2 {
                let (l, inside) = (Arc::clone(&l), Arc::clone(&inside));
                ts.push(loom::thread::spawn(move || {
                    use crate::sync::atomic::Ordering::SeqCst;
                    if l.acquire(Access::Write, LockWait::For(Duration::from_millis(1))) {
                        assert_eq!(inside.fetch_add(1, SeqCst), 0);
                        inside.fetch_sub(1, SeqCst);
                        l.release(Access::Write);
                    }
                }));
            }
            for t in ts {
                t.join().unwrap();
            }
            assert_eq!(l.state(), LockState::default());
        });
    }
}
