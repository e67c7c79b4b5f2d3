//! The filesystem call vocabulary: one concrete operation with bound arguments, as the model
//! predicts it and every filesystem driver (core, naive oracle, external process) executes it,
//! and the outcome a driver reports. Serializable so regression files and an external-process
//! driver (JSON lines) can carry calls.

use crate::observation::StepValue;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A handle slot (the harness keeps a small fixed number of them).
pub type Slot = u8;

/// Seek origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Whence {
    Start,
    Current,
    End,
}

/// One filesystem operation with concrete arguments. Paths are raw (not normalized): the
/// system under test must normalize and reject them itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Call {
    Open {
        slot: Slot,
        path: String,
        mode: String,
        preallocate: u64,
    },
    Read {
        slot: Slot,
        max: Option<u64>,
    },
    Write {
        slot: Slot,
        data: Vec<u8>,
    },
    Seek {
        slot: Slot,
        whence: Whence,
        offset: i64,
    },
    Tell {
        slot: Slot,
    },
    Truncate {
        slot: Slot,
        size: Option<u64>,
    },
    Close {
        slot: Slot,
    },
    Mkdir {
        path: String,
        exist_ok: bool,
    },
    Listdir {
        path: String,
    },
    Exists {
        path: String,
    },
    IsDir {
        path: String,
    },
    IsFile {
        path: String,
    },
    Stat {
        path: String,
    },
    Stats,
    GetSize {
        path: String,
    },
    Rename {
        src: String,
        dst: String,
    },
    Move {
        src: String,
        dst: String,
    },
    Remove {
        path: String,
    },
    Rmtree {
        path: String,
    },
    Copy {
        src: String,
        dst: String,
    },
    CopyTree {
        src: String,
        dst: String,
    },
    Walk {
        path: String,
    },
    Glob {
        pattern: String,
    },
    ExportTree {
        prefix: String,
        only_dirty: bool,
    },
    ExportAsBytes {
        path: String,
        max_size: Option<u64>,
    },
    ImportTree {
        entries: Vec<(String, Vec<u8>)>,
    },
}

/// Error kinds as the harness names them (the names of the semantics document). Drivers map
/// their own error types onto these by name; the harness never imports memfs-core's enum here
/// so an independent implementation can be checked with the same vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ErrKind {
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

impl ErrKind {
    /// Every kind, in the order of the semantics document.
    pub const ALL: [ErrKind; 10] = [
        ErrKind::NotFound,
        ErrKind::AlreadyExists,
        ErrKind::IsADirectory,
        ErrKind::NotADirectory,
        ErrKind::WouldBlock,
        ErrKind::InvalidInput,
        ErrKind::Unsupported,
        ErrKind::QuotaExceeded,
        ErrKind::NodeLimitExceeded,
        ErrKind::OutOfMemory,
    ];

    /// The name used in specs, reports and regression files.
    pub fn name(self) -> &'static str {
        match self {
            ErrKind::NotFound => "NotFound",
            ErrKind::AlreadyExists => "AlreadyExists",
            ErrKind::IsADirectory => "IsADirectory",
            ErrKind::NotADirectory => "NotADirectory",
            ErrKind::WouldBlock => "WouldBlock",
            ErrKind::InvalidInput => "InvalidInput",
            ErrKind::Unsupported => "Unsupported",
            ErrKind::QuotaExceeded => "QuotaExceeded",
            ErrKind::NodeLimitExceeded => "NodeLimitExceeded",
            ErrKind::OutOfMemory => "OutOfMemory",
        }
    }

    /// Parses a kind name; `None` if unknown (callers suggest the closest name).
    pub fn parse(s: &str) -> Option<ErrKind> {
        ErrKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl fmt::Display for ErrKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a driver reports for one call: a value, or an error kind (with the `WouldBlock`
/// reason, `"LockTimeout"` or `"FileOpen"`, when there is one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallOutcome {
    Ok(StepValue),
    Err {
        kind: ErrKind,
        reason: Option<String>,
    },
}

impl CallOutcome {
    /// `"ok"` or the error kind's name: the key used in coverage reports.
    pub fn key(&self) -> &'static str {
        match self {
            CallOutcome::Ok(_) => "ok",
            CallOutcome::Err { kind, .. } => kind.name(),
        }
    }
}
