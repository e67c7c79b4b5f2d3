//! Error accounting of one worker: every error is counted by kind (expected ones too, e.g.
//! lock timeouts under contention), and an error outside the allowed set is a failure.

use memfs_core::{ErrorKind, MfsError};
use std::collections::BTreeMap;

/// The key an error is counted under: its kind, with the `WouldBlock` reason.
pub fn error_key(e: &MfsError) -> String {
    match e {
        MfsError::WouldBlock { reason, .. } => format!("WouldBlock({reason:?})"),
        other => other.kind().name().to_string(),
    }
}

/// Counts and failures collected by one worker thread.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub errors: BTreeMap<String, u64>,
    pub failures: Vec<String>,
}

/// Failures kept per worker; more are counted but not stored (one bug repeats thousands of
/// times and the first ones say everything).
const MAX_FAILURES: usize = 20;

impl Tally {
    /// Counts `e`; records a failure unless its kind is in `allowed`.
    pub fn error(&mut self, e: &MfsError, allowed: &[ErrorKind], context: &str) {
        *self.errors.entry(error_key(e)).or_default() += 1;
        if !allowed.contains(&e.kind()) {
            self.fail(format!(
                "{context}: unexpected error {e} ({})",
                error_key(e)
            ));
        }
    }
    /// Counts `e` under `key` beside its kind (a breakdown the report shows: which of the
    /// timeouts came from waits that could have been served).
    pub fn count_as(&mut self, e: &MfsError, key: &str) {
        *self
            .errors
            .entry(format!("{}: {key}", error_key(e)))
            .or_default() += 1;
    }
    /// Records a failed check.
    pub fn fail(&mut self, msg: String) {
        if self.failures.len() < MAX_FAILURES {
            self.failures.push(msg);
        } else if self.failures.len() == MAX_FAILURES {
            self.failures
                .push("... further failures of this thread omitted".into());
        }
    }
    /// Adds another tally into this one.
    pub fn merge(&mut self, other: Tally) {
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
        for f in other.failures {
            self.fail(f);
        }
    }
}
