//! Error values of the oracle: its own kinds (no code shared with memfs-core), named exactly
//! like the spec's error kinds so the explorer can compare them by name.

use std::fmt;

/// Why an operation would have to wait (the payload of [`Kind::WouldBlock`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A conflicting file lock is held (the explorer's lock timeout is 0: try once).
    LockTimeout,
    /// The operation needs the file, or every file below the directory, to be closed.
    FileOpen,
}

impl Reason {
    /// The reason's name as written in specs (`"LockTimeout"`, `"FileOpen"`).
    pub fn name(self) -> &'static str {
        match self {
            Reason::LockTimeout => "LockTimeout",
            Reason::FileOpen => "FileOpen",
        }
    }
}

/// The kind of an [`OracleError`]; `name()` gives the spec's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    NotFound,
    AlreadyExists,
    IsADirectory,
    NotADirectory,
    WouldBlock(Reason),
    InvalidInput,
    Unsupported,
    /// `requested` bytes were needed, `available` were free at that moment.
    QuotaExceeded {
        requested: u64,
        available: u64,
    },
    /// The tree holds `current` nodes (root included) of at most `limit`.
    NodeLimitExceeded {
        current: u64,
        limit: u64,
    },
    /// Never produced: the oracle has no memory guard; listed so every spec kind has a twin.
    OutOfMemory,
}

impl Kind {
    /// The kind's name as written in specs (`"NotFound"`, ...), without payload.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::NotFound => "NotFound",
            Kind::AlreadyExists => "AlreadyExists",
            Kind::IsADirectory => "IsADirectory",
            Kind::NotADirectory => "NotADirectory",
            Kind::WouldBlock(_) => "WouldBlock",
            Kind::InvalidInput => "InvalidInput",
            Kind::Unsupported => "Unsupported",
            Kind::QuotaExceeded { .. } => "QuotaExceeded",
            Kind::NodeLimitExceeded { .. } => "NodeLimitExceeded",
            Kind::OutOfMemory => "OutOfMemory",
        }
    }

    /// The wait reason of a `WouldBlock`, `None` for every other kind.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Kind::WouldBlock(r) => Some(*r),
            _ => None,
        }
    }
}

/// An oracle failure: what went wrong and at which path (normalized when the path was valid,
/// raw otherwise). Compare `kind` (and `reason`) across drivers; paths are informative only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OracleError {
    pub kind: Kind,
    pub path: String,
}

impl OracleError {
    /// An error of `kind` about `path`.
    pub fn new(kind: Kind, path: &str) -> Self {
        OracleError {
            kind,
            path: path.to_string(),
        }
    }
}

impl fmt::Display for OracleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::WouldBlock(r) => write!(f, "{}: WouldBlock ({})", self.path, r.name()),
            Kind::QuotaExceeded {
                requested,
                available,
            } => write!(
                f,
                "{}: QuotaExceeded ({requested} bytes requested, {available} available)",
                self.path
            ),
            Kind::NodeLimitExceeded { current, limit } => {
                write!(
                    f,
                    "{}: NodeLimitExceeded ({current} nodes of at most {limit})",
                    self.path
                )
            }
            k => write!(f, "{}: {}", self.path, k.name()),
        }
    }
}

impl std::error::Error for OracleError {}

/// Result alias of every fallible oracle call.
pub type Result<T> = std::result::Result<T, OracleError>;

/// Shorthand used across the oracle modules.
pub(crate) fn err<T>(kind: Kind, path: &str) -> Result<T> {
    Err(OracleError::new(kind, path))
}
