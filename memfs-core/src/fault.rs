//! Planted faults, compiled in only to prove that the checks find them (`memfs-core/faults/run`
//! builds each one and says what it must trip). Every constant is `false` in a normal build;
//! the cargo feature `fault-NAME` (a scratch build in its own target directory) makes one
//! `true`. The code tests the constant, so a normal build compiles the fault away and the
//! fault-free branch is the one every normal check runs.

/// `no_wake`: a release of a file lock never wakes the parties sleeping on it (a lost
/// wake-up on every close).
pub(crate) const NO_WAKE: bool = cfg!(feature = "fault-no-wake");

/// `overtake`: a writer that is not waiting (a try-once open) may take a free lock while
/// other writers wait for it, so waiting writers can be overtaken forever (the lock before
/// the fairness rule).
pub(crate) const OVERTAKE: bool = cfg!(feature = "fault-overtake");

/// `silent_give_up`: a waiting writer that stops waiting (its timeout passed, or the path now
/// names another file) does not wake the readers it held back, who sleep on although the lock
/// is free for them.
pub(crate) const SILENT_GIVE_UP: bool = cfg!(feature = "fault-silent-give-up");

/// `odd_wake`: a release sees sleepers only when their count is odd (a mask of the count's
/// lowest bit instead of the whole field), so two sleepers are never woken by it.
pub(crate) const ODD_WAKE: bool = cfg!(feature = "fault-odd-wake");
