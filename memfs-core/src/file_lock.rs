//! Per-file reader/writer lock held by handles from open to close (semantics §4, §9).
//!
//! It is a state count inside the file node, not a guard borrowed from the filesystem, so a
//! handle can own it. Not re-entrant: a second open by the same thread counts as another party.
//!
//! **Who may take it** (semantics §4: writers are not starved; clause LOCK-12). A writer that
//! waits counts itself in the word as a *waiting writer* (it *registers*) before it sleeps, and
//! stays counted until it holds the lock or gives up. While any writer is registered:
//! - new readers do not get in (writer preference: a stream of readers cannot starve writers);
//! - a writer that is not registered (a try-once open, or a waiting open's first attempt) does
//!   not get in either, even when nobody holds the lock: only registered writers compete for
//!   it once the holders are gone, so a stream of try-once writers cannot overtake a waiting
//!   writer (before this rule a woken waiter, re-checking the path outside the namespace
//!   locks, lost the free lock to try-once writers on the other core again and again).
//!
//! Among registered writers no order is promised (whoever is awake first takes the lock); a
//! registered writer can only be passed by other writers that also waited.
//!
//! The whole state is one atomic word, so taking and giving back a free lock (every open and
//! close) is one atomic operation; the mutex and condvar are only for parties that sleep.
//! No wake-up is lost: a sleeper counts itself in the word and re-checks while holding the
//! mutex, and a releaser that sees a sleeper counted notifies while holding it.
//!
//! Under `--cfg loom` there is no real time: a finite timeout re-checks once after a yield
//! (`loom::thread::yield_now()`, through the sync facade) and then gives up, while `Forever`
//! waits on the condvar (so loom explores the wake-ups).

use crate::fault;
use crate::sync::atomic::{AtomicU64, Ordering};
use crate::sync::{Condvar, Mutex, lock, yield_now};
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

// The word: readers in bits 0-20, the writer bit, the busy bit (a holder is still doing what
// its acquisition promised, see `try_acquire_with`), waiting writers in bits 23-43, sleepers in
// bits 44-63. 2^21 - 1 concurrent readers or waiting writers and 2^20 - 1 sleepers at most.
const READER: u64 = 1;
const READERS: u64 = (1 << 21) - 1;
const WRITER: u64 = 1 << 21;
const BUSY: u64 = 1 << 22;
const WAITING_WRITER: u64 = 1 << 23;
const WAITING_WRITERS: u64 = ((1 << 21) - 1) << 23;
const SLEEPER: u64 = 1 << 44;
const SLEEPERS: u64 = ((1 << 20) - 1) << 44;

fn decode(w: u64) -> LockState {
    LockState {
        readers: (w & READERS) as u32,
        writer: w & WRITER != 0,
        waiting_writers: ((w & WAITING_WRITERS) >> 23) as u32,
        sleepers: ((w & SLEEPERS) >> 44) as u32,
    }
}

fn encode(s: LockState) -> u64 {
    (u64::from(s.readers) & READERS)
        | if s.writer { WRITER } else { 0 }
        | ((u64::from(s.waiting_writers) << 23) & WAITING_WRITERS)
        | ((u64::from(s.sleepers) << 44) & SLEEPERS)
}

/// Whether `a` could be taken in word `w` (the busy bit aside). `registered`: the caller is a
/// writer counted among the waiting writers (see the module documentation).
fn can_take(w: u64, a: Access, registered: bool) -> bool {
    match a {
        // Writer preference: a waiting writer holds new readers back.
        Access::Read => w & (WRITER | WAITING_WRITERS) == 0,
        // A waiting writer competes only with the holders (and the other waiting writers).
        Access::Write if registered => w & (WRITER | READERS) == 0,
        // Fairness: a writer that does not wait never overtakes one that does.
        Access::Write => w & (WRITER | READERS | overtaken()) == 0,
    }
}

/// The waiting writers a writer that is not waiting must let go first: all of them (the
/// planted fault `overtake` ignores them, see `fault`).
fn overtaken() -> u64 {
    if fault::OVERTAKE { 0 } else { WAITING_WRITERS }
}

/// What taking `a` adds to the word.
fn hold(a: Access) -> u64 {
    match a {
        Access::Read => READER,
        Access::Write => WRITER,
    }
}

/// A reader/writer lock whose ownership is a count, with try-once, deadline and forever waits.
#[derive(Debug, Default)]
pub(crate) struct FileLock {
    word: AtomicU64,
    sleep: Mutex<()>,
    cv: Condvar,
}

/// How a waiting party ends its wait.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// Take the lock (a registered writer stops being counted as waiting in the same step).
    Take,
    /// Only wait until it could be taken.
    Available,
}

impl FileLock {
    /// A lock in the given state (used by `fork` to rebuild the locks its handles hold).
    pub(crate) fn with_state(s: LockState) -> Self {
        FileLock {
            word: AtomicU64::new(encode(LockState { sleepers: 0, ..s })),
            sleep: Mutex::new(()),
            cv: Condvar::new(),
        }
    }

    /// The word once no holder is busy (busy spans are short: an open's truncation).
    fn settled(&self) -> u64 {
        loop {
            let w = self.word.load(Ordering::Acquire);
            if w & BUSY == 0 {
                return w;
            }
            yield_now();
        }
    }

    /// One attempt at taking `a` (`registered`: as a counted waiting writer, which stops being
    /// counted in the same step; `busy` sets the busy bit): `Ok` with the word before, or `Err`
    /// with a word in which `a` cannot be taken.
    fn take(&self, a: Access, registered: bool, busy: bool) -> Result<u64, u64> {
        let extra = registration(a, registered);
        let mut w = self.settled();
        loop {
            if !can_take(w, a, registered) {
                return Err(w);
            }
            let new = w.wrapping_add(hold(a)).wrapping_add(extra) | if busy { BUSY } else { 0 };
            match self
                .word
                .compare_exchange_weak(w, new, Ordering::Acquire, Ordering::Acquire)
            {
                Ok(prev) => return Ok(prev),
                Err(now) if now & BUSY != 0 => w = self.settled(),
                Err(now) => w = now,
            }
        }
    }

    /// Wakes the sleepers (holding the mutex, so a sleeper between its count and its wait is
    /// not missed).
    fn wake(&self) {
        let _g = lock(&self.sleep);
        self.cv.notify_all();
    }

    /// Takes the lock if it is free for `a` right now; never waits (and, for a writer, never
    /// overtakes a waiting writer).
    pub(crate) fn try_acquire(&self, a: Access) -> bool {
        self.take(a, false, false).is_ok()
    }

    /// Takes the lock, waiting as `wait` allows. `false` means the wait timed out.
    pub(crate) fn acquire(&self, a: Access, wait: LockWait) -> bool {
        if self.try_acquire(a) {
            return true;
        }
        let timeout = match wait {
            LockWait::For(d) if d.is_zero() => return false,
            LockWait::For(d) => Some(d),
            LockWait::Forever => None,
        };
        let registered = a == Access::Write;
        if registered {
            self.register_writer();
        }
        #[cfg(not(loom))]
        let deadline = timeout.and_then(|d| std::time::Instant::now().checked_add(d));
        #[cfg(loom)]
        let deadline = timeout.map(|_| ());
        if self.wait_for(a, registered, Goal::Take, deadline) {
            return true;
        }
        if registered {
            self.unregister_writer();
        }
        false
    }

    /// Waits until `a` can be taken (and takes it, for `Goal::Take`), up to `deadline`
    /// (`None`: forever). `registered`: the caller is a counted waiting writer. Under loom a
    /// deadline means one re-check after a yield.
    fn wait_for(
        &self,
        a: Access,
        registered: bool,
        goal: Goal,
        deadline: Option<Deadline>,
    ) -> bool {
        #[cfg(loom)]
        let mut yielded = false;
        let mut g = lock(&self.sleep);
        loop {
            let ready = match goal {
                Goal::Take => self.take(a, registered, false).is_ok(),
                Goal::Available => can_take(self.settled(), a, registered),
            };
            if ready {
                return true;
            }
            // Count ourselves as a sleeper, then look again: a release after this sees us.
            self.word.fetch_add(SLEEPER, Ordering::AcqRel);
            if can_take(self.settled(), a, registered) {
                self.word.fetch_sub(SLEEPER, Ordering::AcqRel);
                continue;
            }
            match deadline {
                None => {
                    g = match self.cv.wait(g) {
                        Ok(g) => g,
                        Err(p) => p.into_inner(),
                    };
                }
                #[cfg(not(loom))]
                Some(dl) => {
                    let now = std::time::Instant::now();
                    if now >= dl {
                        self.word.fetch_sub(SLEEPER, Ordering::AcqRel);
                        return false;
                    }
                    g = match self.cv.wait_timeout(g, dl - now) {
                        Ok((g, _)) => g,
                        Err(p) => p.into_inner().0,
                    };
                }
                #[cfg(loom)]
                Some(()) => {
                    self.word.fetch_sub(SLEEPER, Ordering::AcqRel);
                    if yielded {
                        return false;
                    }
                    drop(g);
                    yield_now();
                    yielded = true;
                    g = lock(&self.sleep);
                    continue;
                }
            }
            self.word.fetch_sub(SLEEPER, Ordering::AcqRel);
        }
    }

    /// Takes the lock if it is free for `a` right now and runs `f` before anyone can see it
    /// taken (others that look meanwhile wait for the busy bit), so whoever sees the lock held
    /// also sees what `f` did (an open's `wb` truncation). If `f` fails the lock is given back
    /// before anyone can see it. `None`: the lock was busy and `f` did not run. `registered`:
    /// this caller is counted as a waiting writer (see [`FileLock::register_writer`]) and
    /// stops being one once it holds the lock. `f` must not touch this lock.
    pub(crate) fn try_acquire_with<T, E>(
        &self,
        a: Access,
        registered: bool,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Option<Result<T, E>> {
        self.take(a, registered, true).ok()?;
        match f() {
            Ok(v) => {
                self.word.fetch_and(!BUSY, Ordering::Release);
                Some(Ok(v))
            }
            Err(e) => {
                let prev = self.word.fetch_sub(hold(a) | BUSY, Ordering::AcqRel);
                if prev & SLEEPERS != 0 {
                    self.wake();
                }
                Some(Err(e))
            }
        }
    }

    /// `try_acquire_with` for an open with nothing to do once it holds the lock (`rb`, or
    /// `r+b` without preallocation): one atomic step, no busy bit to clear afterwards.
    pub(crate) fn try_acquire_registered(&self, a: Access, registered: bool) -> bool {
        self.take(a, registered, false).is_ok()
    }

    /// Counts the caller as a waiting writer: new readers (writer preference) and writers
    /// that do not wait (fairness) stay out until it holds the lock or gives up, while it waits
    /// outside every other lock.
    pub(crate) fn register_writer(&self) {
        self.word.fetch_add(WAITING_WRITER, Ordering::AcqRel);
    }

    /// Stops counting the caller as a waiting writer (it gave up, or the path now names
    /// another file) and wakes the readers that were held back for it.
    pub(crate) fn unregister_writer(&self) {
        let prev = self.word.fetch_sub(WAITING_WRITER, Ordering::AcqRel);
        if prev & SLEEPERS != 0 && !fault::SILENT_GIVE_UP {
            self.wake();
        }
    }

    /// Waits until the lock could be taken for `a` (`registered`: by a counted waiting
    /// writer), without taking it (the caller then takes it together with its side effect
    /// under the namespace locks). `false`: the deadline passed. Under loom a deadline means
    /// one re-check after a yield.
    pub(crate) fn wait_available(
        &self,
        a: Access,
        registered: bool,
        deadline: Option<std::time::Instant>,
    ) -> bool {
        #[cfg(loom)]
        let deadline = deadline.map(|_| ());
        self.wait_for(a, registered, Goal::Available, deadline)
    }

    /// Gives back one hold of kind `a` and wakes the waiters. The caller holds `a` (handles
    /// release once, guarded by their closed flag), so this is one atomic step, not a loop.
    pub(crate) fn release(&self, a: Access) {
        let now = match a {
            Access::Read => {
                let prev = self.word.fetch_sub(READER, Ordering::AcqRel);
                debug_assert!(prev & READERS != 0, "read release without a read hold");
                prev.wrapping_sub(READER)
            }
            Access::Write => {
                let prev = self.word.fetch_and(!WRITER, Ordering::AcqRel);
                debug_assert!(prev & WRITER != 0, "write release without the write hold");
                prev & !WRITER
            }
        };
        // Every sleeper waits for the holders to be gone (a reader also for the waiting
        // writers, whose `unregister_writer` wakes it): nothing to do while holders remain.
        if now & (WRITER | READERS) == 0 && now & sleepers_mask() != 0 && !fault::NO_WAKE {
            self.wake();
        }
    }

    /// Whether any handle holds the lock (the file is open).
    pub(crate) fn is_held(&self) -> bool {
        self.word.load(Ordering::Acquire) & (WRITER | READERS) != 0
    }

    /// A copy of the current state.
    pub(crate) fn state(&self) -> LockState {
        decode(self.settled())
    }
}

/// What taking the lock adds besides the hold: a registered waiting writer stops counting
/// as waiting in the same step.
fn registration(a: Access, registered: bool) -> u64 {
    if registered && a == Access::Write {
        WAITING_WRITER.wrapping_neg()
    } else {
        0
    }
}

/// The bits a release reads to see whether anyone sleeps: all of the sleeper count (the
/// planted fault `odd_wake` reads only its lowest bit, so an even number of sleepers is
/// never woken by a release, see `fault`).
fn sleepers_mask() -> u64 {
    if fault::ODD_WAKE { SLEEPER } else { SLEEPERS }
}

/// A wait's end: an instant, or under loom (no time) just "finite".
#[cfg(not(loom))]
type Deadline = std::time::Instant;
#[cfg(loom)]
type Deadline = ();

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::Arc;
    use std::time::Duration;

    const TRY: LockWait = LockWait::For(Duration::ZERO);

    // spec: LOCK-1, LOCK-2, LOCK-3, LOCK-4, LOCK-7
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

    // spec: LOCK-8
    #[test]
    fn not_reentrant() {
        let l = FileLock::default();
        assert!(l.try_acquire(Access::Write));
        assert!(!l.acquire(Access::Write, TRY));
        assert!(!l.acquire(Access::Read, TRY));
    }

    // spec: LOCK-11, LOCK-5
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
            crate::sync::yield_now();
        }
        assert!(
            !l.acquire(Access::Read, TRY),
            "a waiting writer blocks new readers"
        );
        l.release(Access::Read);
        assert!(w.join().unwrap());
        assert_eq!(l.state(), LockState::default());
    }

    // spec: LOCK-12, LOCK-11
    #[test]
    fn a_writer_that_does_not_wait_never_overtakes_a_waiting_one() {
        use crate::sync::atomic::AtomicU64;
        for _ in 0..50 {
            let l = Arc::new(FileLock::default());
            let got = Arc::new(AtomicU64::new(0));
            assert!(l.try_acquire(Access::Read));
            let (l2, got2) = (Arc::clone(&l), Arc::clone(&got));
            let w = std::thread::spawn(move || {
                assert!(l2.acquire(Access::Write, LockWait::Forever));
                got2.store(1, Ordering::SeqCst);
                l2.release(Access::Write);
            });
            while l.state().waiting_writers == 0 {
                crate::sync::yield_now();
            }
            // The writer is registered: from here on, until it has had the lock, neither a
            // writer that does not wait nor a new reader gets in, free lock or not.
            assert!(!l.try_acquire(Access::Read), "a new reader overtook");
            l.release(Access::Read);
            loop {
                if l.try_acquire(Access::Write) {
                    assert_eq!(got.load(Ordering::SeqCst), 1, "a try-once writer overtook");
                    l.release(Access::Write);
                    break;
                }
                if l.try_acquire(Access::Read) {
                    assert_eq!(got.load(Ordering::SeqCst), 1, "a new reader overtook");
                    l.release(Access::Read);
                }
                crate::sync::yield_now();
            }
            w.join().unwrap();
            assert_eq!(l.state(), LockState::default());
        }
    }

    // spec: LOCK-4, LOCK-11
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

    // spec: LOCK-7, CONC-13
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

    // spec: LOCK-11, CONC-13
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

    // A writer that does not wait (try-once) and a new reader, each trying once at any point:
    // once they have seen the writer registered, they get the lock only after it had it.
    // spec: LOCK-12, LOCK-11, CONC-13
    #[test]
    fn loom_lock_waiting_writer_is_not_overtaken() {
        use crate::sync::atomic::AtomicU64;
        use crate::sync::atomic::Ordering::SeqCst;
        model(|| {
            let l = Arc::new(FileLock::default());
            let got = Arc::new(AtomicU64::new(0));
            assert!(l.try_acquire(Access::Read));
            let (l2, got2) = (Arc::clone(&l), Arc::clone(&got));
            let w = loom::thread::spawn(move || {
                assert!(l2.acquire(Access::Write, LockWait::Forever));
                got2.store(1, SeqCst);
                l2.release(Access::Write);
            });
            let (l3, got3) = (Arc::clone(&l), Arc::clone(&got));
            let t = loom::thread::spawn(move || {
                let waiting = l3.state().waiting_writers > 0;
                if l3.try_acquire(Access::Write) {
                    assert!(
                        !waiting || got3.load(SeqCst) == 1,
                        "a try-once writer overtook a waiting writer"
                    );
                    l3.release(Access::Write);
                }
            });
            l.release(Access::Read);
            w.join().unwrap();
            t.join().unwrap();
            assert_eq!(l.state(), LockState::default());
        });
    }

    // spec: LOCK-1, CONC-13
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
