//! The filesystem call vocabulary: one concrete operation with bound arguments, as the model
//! predicts it and every filesystem driver (core, naive oracle, external process) executes it,
//! and the outcome a driver reports. Serializable so regression files and an external-process
//! driver (JSON lines, `adapters/PROTOCOL.md`) carry calls in exactly this form.

use crate::fs::config::{GuardAction, GuardMode};
use crate::fs::observation::StepValue;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};

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
        /// This open's lock timeout in milliseconds (0 = try once); `None` = the filesystem's
        /// default. Absent from spec steps and regression files that do not set it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lock_timeout_ms: Option<u64>,
    },
    Read {
        slot: Slot,
        max: Option<u64>,
    },
    /// `std::io::Read::read` into a caller buffer of `size` bytes: the bytes that landed in
    /// the buffer (`min(size, remaining)` of them; Python's `readinto`).
    ReadInto {
        slot: Slot,
        size: u64,
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
    /// `iter_export_tree`, collected: the lazy export's entries as one map.
    IterExportTree {
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
    /// Builds another filesystem with the run's configuration but this quota (`None`: the
    /// run's) and memory guard, on the same (simulated) host, and drops it: the running
    /// filesystem is not touched. The build-time guard as a step (semantics §8). Returns
    /// (`U64`) the memory-guard warnings the build recorded; `OutOfMemory` when its guard
    /// refuses the quota.
    Build {
        quota: Option<u64>,
        memory_guard: GuardMode,
        memory_guard_action: GuardAction,
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

impl Call {
    /// The op name, as the protocol and regression files spell it (`open`, `copy_tree`, ...).
    pub fn op(&self) -> &'static str {
        match self {
            Call::Open { .. } => "open",
            Call::Read { .. } => "read",
            Call::ReadInto { .. } => "read_into",
            Call::Write { .. } => "write",
            Call::Seek { .. } => "seek",
            Call::Tell { .. } => "tell",
            Call::Truncate { .. } => "truncate",
            Call::Close { .. } => "close",
            Call::Mkdir { .. } => "mkdir",
            Call::Listdir { .. } => "listdir",
            Call::Exists { .. } => "exists",
            Call::IsDir { .. } => "is_dir",
            Call::IsFile { .. } => "is_file",
            Call::Stat { .. } => "stat",
            Call::Stats => "stats",
            Call::GetSize { .. } => "get_size",
            Call::Rename { .. } => "rename",
            Call::Move { .. } => "move",
            Call::Remove { .. } => "remove",
            Call::Rmtree { .. } => "rmtree",
            Call::Copy { .. } => "copy",
            Call::CopyTree { .. } => "copy_tree",
            Call::Walk { .. } => "walk",
            Call::Glob { .. } => "glob",
            Call::ExportTree { .. } => "export_tree",
            Call::IterExportTree { .. } => "iter_export_tree",
            Call::ExportAsBytes { .. } => "export_as_bytes",
            Call::ImportTree { .. } => "import_tree",
            Call::Build { .. } => "build",
        }
    }

    /// The handle slot the call works on, for the handle calls.
    pub fn slot(&self) -> Option<Slot> {
        match self {
            Call::Open { slot, .. }
            | Call::Read { slot, .. }
            | Call::ReadInto { slot, .. }
            | Call::Write { slot, .. }
            | Call::Seek { slot, .. }
            | Call::Tell { slot }
            | Call::Truncate { slot, .. }
            | Call::Close { slot } => Some(*slot),
            _ => None,
        }
    }
}

/// Every op name of [`Call::op`], in declaration order (what a complete subject implements).
pub const OPS: [&str; 29] = [
    "open",
    "read",
    "read_into",
    "write",
    "seek",
    "tell",
    "truncate",
    "close",
    "mkdir",
    "listdir",
    "exists",
    "is_dir",
    "is_file",
    "stat",
    "stats",
    "get_size",
    "rename",
    "move",
    "remove",
    "rmtree",
    "copy",
    "copy_tree",
    "walk",
    "glob",
    "export_tree",
    "iter_export_tree",
    "export_as_bytes",
    "import_tree",
    "build",
];

impl fmt::Display for ErrKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a driver reports for one call: a value, or an error kind (with the `WouldBlock`
/// reason, `"LockTimeout"` or `"FileOpen"`, when there is one, and the amounts a quota error
/// carries) and the subject's message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallOutcome {
    Ok(StepValue),
    Err {
        kind: ErrKind,
        reason: Option<String>,
        /// `QuotaExceeded`'s and `NodeLimitExceeded`'s numbers; `None` for the other kinds, and
        /// from a subject that does not report them (then they are not compared: see
        /// `fs::compare::Amounts`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amounts: Option<ErrAmounts>,
        /// The normalized path the error names (which file blocked a `copy_tree`, which part
        /// of a rename was missing); `None` from a subject that does not report it (then not
        /// compared: see `fs::compare::Comparison::paths`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        /// The subject's own wording; informative only (see [`ErrorText`]).
        #[serde(default)]
        message: ErrorText,
    },
}

/// The numbers a quota error carries (semantics preamble): `QuotaExceeded { requested,
/// available }` (bytes asked for, bytes free at that moment) and `NodeLimitExceeded { current,
/// limit }` (nodes present, root included, and `max_nodes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrAmounts {
    Quota { requested: u64, available: u64 },
    Nodes { current: u64, limit: u64 },
}

impl fmt::Display for ErrAmounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrAmounts::Quota {
                requested,
                available,
            } => write!(f, "{requested} requested, {available} available"),
            ErrAmounts::Nodes { current, limit } => write!(f, "{current} nodes, limit {limit}"),
        }
    }
}

/// An error's text as its implementation words it. Shown in reports and checked by scenarios'
/// `error_contains`, but never part of equality or hashing: two correct implementations word
/// their errors differently, and the explorer compares outcomes by kind and reason only.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorText(pub String);

impl PartialEq for ErrorText {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for ErrorText {}
impl Hash for ErrorText {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl CallOutcome {
    /// An error outcome without a message.
    pub fn err(kind: ErrKind, reason: Option<&str>) -> CallOutcome {
        CallOutcome::Err {
            kind,
            reason: reason.map(str::to_string),
            amounts: None,
            path: None,
            message: ErrorText::default(),
        }
    }

    /// The same error naming `path` (an `Ok` stays as it is).
    pub fn at(mut self, p: &str) -> CallOutcome {
        if let CallOutcome::Err { path, .. } = &mut self {
            *path = Some(p.to_string());
        }
        self
    }

    /// The same outcome without a quota error's amounts (for a subject that does not report
    /// them).
    pub fn without_amounts(&self) -> CallOutcome {
        let mut o = self.clone();
        if let CallOutcome::Err { amounts, .. } = &mut o {
            *amounts = None;
        }
        o
    }

    /// The same outcome without the path an error names (for a subject that does not report
    /// it).
    pub fn without_path(&self) -> CallOutcome {
        let mut o = self.clone();
        if let CallOutcome::Err { path, .. } = &mut o {
            *path = None;
        }
        o
    }

    /// `"ok"` or the error kind's name: the key used in coverage reports.
    pub fn key(&self) -> &'static str {
        match self {
            CallOutcome::Ok(_) => "ok",
            CallOutcome::Err { kind, .. } => kind.name(),
        }
    }

    /// How an outcome is written in reports: `Ok(...)` (cut at 200 characters), `Err(Kind)`,
    /// `Err(WouldBlock: Reason)` or `Err(QuotaExceeded: 5 requested, 3 available)`. The message
    /// is left out: it is not part of the outcome.
    pub fn describe(&self) -> String {
        match self {
            CallOutcome::Ok(v) => {
                let s = format!("Ok({v:?})");
                if s.chars().count() > 200 {
                    format!("{}...", s.chars().take(200).collect::<String>())
                } else {
                    s
                }
            }
            CallOutcome::Err {
                kind,
                reason: Some(r),
                ..
            } => format!("Err({kind}: {r})"),
            CallOutcome::Err {
                kind,
                amounts: Some(a),
                ..
            } => format!("Err({kind}: {a})"),
            CallOutcome::Err { kind, .. } => format!("Err({kind})"),
        }
    }
}
