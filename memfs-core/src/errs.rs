//! Short constructors for the errors every module raises, each with a message that says what
//! to do next.

use crate::error::{BlockReason, MfsError};

pub(crate) fn not_found(p: &str) -> MfsError {
    MfsError::NotFound {
        path: p.to_string(),
    }
}
pub(crate) fn exists(p: &str) -> MfsError {
    MfsError::AlreadyExists {
        path: p.to_string(),
    }
}
pub(crate) fn is_dir(p: &str) -> MfsError {
    MfsError::IsADirectory {
        path: p.to_string(),
    }
}
pub(crate) fn not_dir(p: &str) -> MfsError {
    MfsError::NotADirectory {
        path: p.to_string(),
    }
}
pub(crate) fn file_open(p: &str) -> MfsError {
    MfsError::WouldBlock {
        path: p.to_string(),
        reason: BlockReason::FileOpen,
    }
}
pub(crate) fn lock_timeout(p: &str) -> MfsError {
    MfsError::WouldBlock {
        path: p.to_string(),
        reason: BlockReason::LockTimeout,
    }
}
pub(crate) fn invalid(p: &str, reason: impl Into<String>) -> MfsError {
    MfsError::InvalidInput {
        path: p.to_string(),
        reason: reason.into(),
    }
}
pub(crate) fn unsupported(p: &str, reason: impl Into<String>) -> MfsError {
    MfsError::Unsupported {
        path: p.to_string(),
        reason: reason.into(),
    }
}
pub(crate) fn closed(p: &str) -> MfsError {
    invalid(p, "I/O operation on a closed handle; open the file again")
}
