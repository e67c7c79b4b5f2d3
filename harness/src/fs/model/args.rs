//! Concrete, typed arguments of conditions, effects and calls. A spec's parameters and
//! literals are converted to these once, when steps are expanded, so evaluating a condition
//! never parses or normalizes anything.

use super::path;
use super::state::Mode;
use crate::fs::call::Whence;
use crate::fs::config::{GuardAction, GuardMode};
use std::fmt;
use std::sync::Arc;

/// The type of a parameter, a condition argument or a call argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// A raw path string (normalized once; invalid paths stay representable).
    Path,
    /// A handle slot number.
    Slot,
    /// An open mode string (invalid modes stay representable).
    Mode,
    /// Data bytes.
    Bytes,
    /// A signed integer (seek offsets).
    Int,
    /// A size, or null.
    OptSize,
    /// A size, never null (a caller buffer's length).
    Size,
    Bool,
    /// `start`, `current` or `end`.
    Whence,
    /// Import entries: a list of `[path, data]` pairs.
    Entries,
    /// A memory-guard mode: `none`, `init` or `per_write` (`build`'s guard).
    GuardMode,
    /// A memory-guard action: `warn` or `error`.
    GuardAction,
}

impl ArgKind {
    /// Every kind with its spec name.
    pub const ALL: [(ArgKind, &'static str); 12] = [
        (ArgKind::Path, "path"),
        (ArgKind::Slot, "slot"),
        (ArgKind::Mode, "mode"),
        (ArgKind::Bytes, "bytes"),
        (ArgKind::Int, "int"),
        (ArgKind::OptSize, "opt_size"),
        (ArgKind::Size, "size"),
        (ArgKind::Bool, "bool"),
        (ArgKind::Whence, "whence"),
        (ArgKind::Entries, "entries"),
        (ArgKind::GuardMode, "guard_mode"),
        (ArgKind::GuardAction, "guard_action"),
    ];
    /// The spec name of this kind.
    pub fn name(self) -> &'static str {
        ArgKind::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("?", |(_, n)| n)
    }
    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<ArgKind> {
        ArgKind::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }
}

/// A raw path with its normalization (`None` = invalid, the call must fail).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathArg {
    pub raw: Arc<str>,
    pub norm: Option<Arc<str>>,
}

impl PathArg {
    /// Normalizes `raw` once.
    pub fn new(raw: &str) -> PathArg {
        PathArg {
            raw: Arc::from(raw),
            norm: path::normalize(raw).map(Arc::from),
        }
    }
}

/// A raw mode string and the mode it names, if valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModeArg {
    pub raw: Arc<str>,
    pub mode: Option<Mode>,
}

/// One concrete argument value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Arg {
    Path(PathArg),
    Slot(u8),
    Mode(ModeArg),
    Bytes(Arc<[u8]>),
    Int(i64),
    OptSize(Option<u64>),
    Size(u64),
    Bool(bool),
    Whence(Whence),
    Entries(Arc<[(PathArg, Arc<[u8]>)]>),
    GuardMode(GuardMode),
    GuardAction(GuardAction),
}

impl Arg {
    /// The kind of this value.
    pub fn kind(&self) -> ArgKind {
        match self {
            Arg::Path(_) => ArgKind::Path,
            Arg::Slot(_) => ArgKind::Slot,
            Arg::Mode(_) => ArgKind::Mode,
            Arg::Bytes(_) => ArgKind::Bytes,
            Arg::Int(_) => ArgKind::Int,
            Arg::OptSize(_) => ArgKind::OptSize,
            Arg::Size(_) => ArgKind::Size,
            Arg::Bool(_) => ArgKind::Bool,
            Arg::Whence(_) => ArgKind::Whence,
            Arg::Entries(_) => ArgKind::Entries,
            Arg::GuardMode(_) => ArgKind::GuardMode,
            Arg::GuardAction(_) => ArgKind::GuardAction,
        }
    }
}

/// Shows data compactly: short printable data as a string, long data as `<N bytes>`.
pub fn show_bytes(b: &[u8]) -> String {
    if b.len() <= 16 && b.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
        format!("{:?}", String::from_utf8_lossy(b))
    } else {
        format!("<{} bytes>", b.len())
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Path(p) => f.write_str(&p.raw),
            Arg::Slot(s) => write!(f, "{s}"),
            Arg::Mode(m) => f.write_str(&m.raw),
            Arg::Bytes(b) => f.write_str(&show_bytes(b)),
            Arg::Int(i) => write!(f, "{i}"),
            Arg::OptSize(None) => f.write_str("none"),
            Arg::OptSize(Some(n)) | Arg::Size(n) => write!(f, "{n}"),
            Arg::Bool(b) => write!(f, "{b}"),
            Arg::Whence(w) => f.write_str(match w {
                Whence::Start => "start",
                Whence::Current => "current",
                Whence::End => "end",
            }),
            Arg::Entries(es) => {
                f.write_str("{")?;
                for (i, (p, d)) in es.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {}", p.raw, show_bytes(d))?;
                }
                f.write_str("}")
            }
            Arg::GuardMode(m) => f.write_str(m.name()),
            Arg::GuardAction(a) => f.write_str(a.name()),
        }
    }
}

// Accessors used by conditions and effects. Argument kinds are checked when a spec is
// compiled, so a mismatch here cannot happen for a loaded spec; they still answer with a
// neutral value rather than panic.

/// The normalized path of argument `i` (`None` if invalid or not a path).
pub fn path(a: &[Arg], i: usize) -> Option<&str> {
    match a.get(i) {
        Some(Arg::Path(p)) => p.norm.as_deref(),
        _ => None,
    }
}

/// Slot number of argument `i`.
pub fn slot(a: &[Arg], i: usize) -> u8 {
    match a.get(i) {
        Some(Arg::Slot(s)) => *s,
        _ => u8::MAX,
    }
}

/// The mode of argument `i` (`None` if invalid).
pub fn mode(a: &[Arg], i: usize) -> Option<Mode> {
    match a.get(i) {
        Some(Arg::Mode(m)) => m.mode,
        _ => None,
    }
}

/// Bytes of argument `i`.
pub fn bytes(a: &[Arg], i: usize) -> &[u8] {
    match a.get(i) {
        Some(Arg::Bytes(b)) => b,
        _ => &[],
    }
}

/// Integer of argument `i` (sizes are accepted too).
pub fn int(a: &[Arg], i: usize) -> i64 {
    match a.get(i) {
        Some(Arg::Int(n)) => *n,
        Some(Arg::OptSize(Some(n)) | Arg::Size(n)) => i64::try_from(*n).unwrap_or(i64::MAX),
        Some(Arg::Slot(s)) => i64::from(*s),
        _ => 0,
    }
}

/// Optional size of argument `i`.
pub fn opt_size(a: &[Arg], i: usize) -> Option<u64> {
    match a.get(i) {
        Some(Arg::OptSize(n)) => *n,
        Some(Arg::Size(n)) => Some(*n),
        Some(Arg::Int(n)) => u64::try_from(*n).ok(),
        _ => None,
    }
}

/// Size of argument `i` (0 if it is not a size).
pub fn size(a: &[Arg], i: usize) -> u64 {
    opt_size(a, i).unwrap_or(0)
}

/// Boolean of argument `i`.
pub fn boolean(a: &[Arg], i: usize) -> bool {
    matches!(a.get(i), Some(Arg::Bool(true)))
}

/// Whence of argument `i`.
pub fn whence(a: &[Arg], i: usize) -> Whence {
    match a.get(i) {
        Some(Arg::Whence(w)) => *w,
        _ => Whence::Start,
    }
}

/// Import entries of argument `i`.
pub fn entries(a: &[Arg], i: usize) -> &[(PathArg, Arc<[u8]>)] {
    match a.get(i) {
        Some(Arg::Entries(e)) => e,
        _ => &[],
    }
}

/// Memory-guard mode of argument `i` (`none` if it is not one).
pub fn guard_mode(a: &[Arg], i: usize) -> GuardMode {
    match a.get(i) {
        Some(Arg::GuardMode(m)) => *m,
        _ => GuardMode::None,
    }
}

/// Memory-guard action of argument `i` (`warn` if it is not one).
pub fn guard_action(a: &[Arg], i: usize) -> GuardAction {
    match a.get(i) {
        Some(Arg::GuardAction(x)) => *x,
        _ => GuardAction::Warn,
    }
}
