//! Error values of every operation: one variant per kind of the semantics document, each
//! carrying the offending path so a caller can say what went wrong where; and the short
//! constructors the crate raises them with, each with a message that says what to do next.

use std::fmt;

/// Result alias used by every fallible operation of the crate.
pub type Result<T> = std::result::Result<T, MfsError>;

/// Why an operation would have to wait (`MfsError::WouldBlock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockReason {
    /// The file lock could not be taken before the lock timeout ran out.
    LockTimeout,
    /// The operation needs the file (or a file below the directory) to be closed.
    FileOpen,
}

/// Everything that can go wrong, mirroring D-MemFS's exceptions (semantics, preamble).
///
/// Non-exhaustive: a later version may add a kind of failure, so a `match` outside this crate
/// needs a wildcard arm (or match on [`MfsError::kind`] and compare kinds).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MfsError {
    /// The path (or a needed parent) does not exist. (Python `FileNotFoundError`)
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    /// Something already exists where the operation must create. (Python `FileExistsError`)
    #[error("{path}: already exists")]
    AlreadyExists { path: String },
    /// A directory was found where a file is needed.
    #[error("{path}: is a directory")]
    IsADirectory { path: String },
    /// A file was found where a directory is needed.
    #[error("{path}: not a directory")]
    NotADirectory { path: String },
    /// The file is locked or open. (Python `BlockingIOError`)
    #[error("{path}: would block ({reason})")]
    WouldBlock { path: String, reason: BlockReason },
    /// A bad argument: path traversal above the root, bad mode, negative seek, ... (Python `ValueError`)
    #[error("{path}: invalid input: {reason}")]
    InvalidInput { path: String, reason: String },
    /// The operation is not possible on this handle or storage kind. (Python `io.UnsupportedOperation`)
    #[error("{path}: unsupported: {reason}")]
    Unsupported { path: String, reason: String },
    /// The byte quota would be exceeded. (Python `MFSQuotaExceededError`)
    #[error("{path}: quota exceeded: {requested} bytes requested, {available} available")]
    QuotaExceeded {
        path: String,
        requested: u64,
        available: u64,
    },
    /// The node limit (`max_nodes`) would be exceeded; a kind of quota error.
    #[error("{path}: node limit exceeded: {current} nodes of at most {limit}")]
    NodeLimitExceeded {
        path: String,
        current: u64,
        limit: u64,
    },
    /// The memory guard found too little host memory. (Python `MemoryError`)
    #[error(
        "{path}: out of memory: {requested} bytes requested, {available} available on the host"
    )]
    OutOfMemory {
        path: String,
        requested: u64,
        available: u64,
    },
}

/// The kind of an [`MfsError`] without its payload: what specs and the harness compare.
///
/// Non-exhaustive, as [`MfsError`]: a `match` outside this crate needs a wildcard arm;
/// [`ErrorKind::ALL`] lists the kinds of this version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    NotFound,
    AlreadyExists,
    IsADirectory,
    NotADirectory,
    WouldBlock,
    InvalidInput,
    Unsupported,
    QuotaExceeded,
    NodeLimitExceeded,
    OutOfMemory,
}

impl ErrorKind {
    /// Every kind, in declaration order (for listings and suggestions).
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::NotFound,
        ErrorKind::AlreadyExists,
        ErrorKind::IsADirectory,
        ErrorKind::NotADirectory,
        ErrorKind::WouldBlock,
        ErrorKind::InvalidInput,
        ErrorKind::Unsupported,
        ErrorKind::QuotaExceeded,
        ErrorKind::NodeLimitExceeded,
        ErrorKind::OutOfMemory,
    ];

    /// The kind's name as written in specs (`"NotFound"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "NotFound",
            ErrorKind::AlreadyExists => "AlreadyExists",
            ErrorKind::IsADirectory => "IsADirectory",
            ErrorKind::NotADirectory => "NotADirectory",
            ErrorKind::WouldBlock => "WouldBlock",
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Unsupported => "Unsupported",
            ErrorKind::QuotaExceeded => "QuotaExceeded",
            ErrorKind::NodeLimitExceeded => "NodeLimitExceeded",
            ErrorKind::OutOfMemory => "OutOfMemory",
        }
    }

    /// The matching `std::io::ErrorKind`.
    pub fn io_kind(self) -> std::io::ErrorKind {
        use std::io::ErrorKind as K;
        match self {
            ErrorKind::NotFound => K::NotFound,
            ErrorKind::AlreadyExists => K::AlreadyExists,
            ErrorKind::IsADirectory => K::IsADirectory,
            ErrorKind::NotADirectory => K::NotADirectory,
            ErrorKind::WouldBlock => K::WouldBlock,
            ErrorKind::InvalidInput => K::InvalidInput,
            ErrorKind::Unsupported => K::Unsupported,
            ErrorKind::QuotaExceeded | ErrorKind::NodeLimitExceeded => K::StorageFull,
            ErrorKind::OutOfMemory => K::OutOfMemory,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ErrorKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        ErrorKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown error kind `{s}`"))
    }
}

impl fmt::Display for BlockReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockReason::LockTimeout => "lock timeout",
            BlockReason::FileOpen => "file is open",
        })
    }
}

impl MfsError {
    /// The payload-free kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            MfsError::NotFound { .. } => ErrorKind::NotFound,
            MfsError::AlreadyExists { .. } => ErrorKind::AlreadyExists,
            MfsError::IsADirectory { .. } => ErrorKind::IsADirectory,
            MfsError::NotADirectory { .. } => ErrorKind::NotADirectory,
            MfsError::WouldBlock { .. } => ErrorKind::WouldBlock,
            MfsError::InvalidInput { .. } => ErrorKind::InvalidInput,
            MfsError::Unsupported { .. } => ErrorKind::Unsupported,
            MfsError::QuotaExceeded { .. } => ErrorKind::QuotaExceeded,
            MfsError::NodeLimitExceeded { .. } => ErrorKind::NodeLimitExceeded,
            MfsError::OutOfMemory { .. } => ErrorKind::OutOfMemory,
        }
    }

    /// The path the error is about.
    pub fn path(&self) -> &str {
        match self {
            MfsError::NotFound { path }
            | MfsError::AlreadyExists { path }
            | MfsError::IsADirectory { path }
            | MfsError::NotADirectory { path }
            | MfsError::WouldBlock { path, .. }
            | MfsError::InvalidInput { path, .. }
            | MfsError::Unsupported { path, .. }
            | MfsError::QuotaExceeded { path, .. }
            | MfsError::NodeLimitExceeded { path, .. }
            | MfsError::OutOfMemory { path, .. } => path,
        }
    }

    /// Recovers the `MfsError` inside an `io::Error` produced by the `Read`/`Write`/`Seek` impls.
    pub fn from_io(err: &std::io::Error) -> Option<&MfsError> {
        err.get_ref().and_then(|e| e.downcast_ref::<MfsError>())
    }
}

impl From<MfsError> for std::io::Error {
    fn from(e: MfsError) -> Self {
        std::io::Error::new(e.kind().io_kind(), e)
    }
}

/// Short constructors for the errors every module raises (crate-internal: callers outside build
/// the variants themselves), each with a message that says what to do next.
impl MfsError {
    pub(crate) fn not_found(p: &str) -> MfsError {
        MfsError::NotFound {
            path: p.to_string(),
        }
    }
    pub(crate) fn already_exists(p: &str) -> MfsError {
        MfsError::AlreadyExists {
            path: p.to_string(),
        }
    }
    pub(crate) fn is_a_directory(p: &str) -> MfsError {
        MfsError::IsADirectory {
            path: p.to_string(),
        }
    }
    pub(crate) fn not_a_directory(p: &str) -> MfsError {
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
    pub(crate) fn invalid_input(p: &str, reason: impl Into<String>) -> MfsError {
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
    pub(crate) fn closed_handle(p: &str) -> MfsError {
        MfsError::invalid_input(p, "I/O operation on a closed handle; open the file again")
    }
    pub(crate) fn quota_exceeded(p: &str, requested: u64, available: u64) -> MfsError {
        MfsError::QuotaExceeded {
            path: p.to_string(),
            requested,
            available,
        }
    }
}
