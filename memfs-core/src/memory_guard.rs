//! The memory guard (semantics §8): before an allocation path, compare the bytes about to be
//! allocated with what the host can still give, and warn or fail.

use crate::config::{GuardAction, GuardMode, MemoryGuard};
use crate::error::MfsError;
use crate::probe::MemoryProbe;
use crate::sync::{Mutex, lock};

/// Checks `requested` bytes against the probe; records a warning or fails per `guard.action`.
pub(crate) fn check(
    guard: MemoryGuard,
    probe: &dyn MemoryProbe,
    warnings: &Mutex<Vec<String>>,
    path: &str,
    requested: u64,
) -> Result<(), MfsError> {
    let Some(available) = probe.available_bytes() else {
        return Ok(());
    };
    if requested <= available {
        return Ok(());
    }
    match guard.action {
        GuardAction::Warn => {
            lock(warnings).push(format!(
                "{path}: memory guard: {requested} bytes requested but only {available} available on the host"
            ));
            Ok(())
        }
        GuardAction::Error => Err(MfsError::OutOfMemory {
            path: path.to_string(),
            requested,
            available,
        }),
    }
}

/// Whether writes must be checked.
pub(crate) fn per_write(guard: MemoryGuard) -> bool {
    guard.mode == GuardMode::PerWrite
}
