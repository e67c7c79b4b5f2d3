//! Conversion of YAML literals (domain values, case values, call arguments, expression
//! literals) into typed model arguments, with messages saying what was expected.

use super::error::suggest;
use super::raw::RawVal;
use crate::fs::call::Whence;
use crate::fs::config::{GuardAction, GuardMode};
use crate::fs::model::Mode;
use crate::fs::model::args::{Arg, ArgKind, ModeArg, PathArg};
use std::sync::Arc;

/// Converts a YAML literal to an argument of `kind`.
pub fn convert(v: &RawVal, kind: ArgKind, slots: u8) -> Result<Arg, String> {
    let bad = || {
        Err(format!(
            "expected a {} value, found {}",
            kind.name(),
            describe(v)
        ))
    };
    match (kind, v) {
        (ArgKind::Path, RawVal::Str(s)) => Ok(Arg::Path(PathArg::new(s))),
        (ArgKind::Slot, RawVal::Int(n)) => match u8::try_from(*n) {
            Ok(s) if s < slots => Ok(Arg::Slot(s)),
            _ => Err(format!(
                "slot {n} is out of range: config has {slots} slots (0..{})",
                slots.saturating_sub(1)
            )),
        },
        (ArgKind::Mode, RawVal::Str(s)) => Ok(Arg::Mode(ModeArg {
            raw: Arc::from(s.as_str()),
            mode: Mode::parse(s),
        })),
        (ArgKind::Bytes, RawVal::Str(s)) => Ok(Arg::Bytes(Arc::from(s.as_bytes()))),
        (ArgKind::Bytes, RawVal::Fill { fill, len }) => {
            if fill.is_empty() || *len > 1 << 20 {
                return Err("`fill` must be non-empty and `len` at most 1048576".into());
            }
            let b: Vec<u8> = fill
                .bytes()
                .cycle()
                .take(usize::try_from(*len).unwrap_or(0))
                .collect();
            Ok(Arg::Bytes(Arc::from(b)))
        }
        (ArgKind::Int, RawVal::Int(n)) => Ok(Arg::Int(*n)),
        (ArgKind::OptSize, RawVal::Null(())) => Ok(Arg::OptSize(None)),
        (ArgKind::OptSize, RawVal::Int(n)) => u64::try_from(*n)
            .map(|n| Arg::OptSize(Some(n)))
            .map_err(|_| format!("a size cannot be negative ({n})")),
        (ArgKind::Size, RawVal::Int(n)) => u64::try_from(*n)
            .map(Arg::Size)
            .map_err(|_| format!("a size cannot be negative ({n})")),
        (ArgKind::Bool, RawVal::Bool(b)) => Ok(Arg::Bool(*b)),
        (ArgKind::Whence, RawVal::Str(s)) => match s.as_str() {
            "start" => Ok(Arg::Whence(Whence::Start)),
            "current" => Ok(Arg::Whence(Whence::Current)),
            "end" => Ok(Arg::Whence(Whence::End)),
            _ => Err(format!(
                "unknown whence `{s}`{}",
                suggest(s, ["start", "current", "end"])
            )),
        },
        (ArgKind::GuardMode, RawVal::Str(s)) => match GuardMode::parse(s) {
            Some(m) => Ok(Arg::GuardMode(m)),
            None => Err(format!(
                "unknown memory-guard mode `{s}`{}",
                suggest(s, GuardMode::ALL.map(|(_, n)| n))
            )),
        },
        (ArgKind::GuardAction, RawVal::Str(s)) => match GuardAction::parse(s) {
            Some(x) => Ok(Arg::GuardAction(x)),
            None => Err(format!(
                "unknown memory-guard action `{s}`{}",
                suggest(s, GuardAction::ALL.map(|(_, n)| n))
            )),
        },
        (ArgKind::Entries, RawVal::List(items)) => {
            let mut out = Vec::new();
            for it in items {
                match it {
                    RawVal::List(pair) if pair.len() == 2 => {
                        let Ok(Arg::Path(p)) = convert(&pair[0], ArgKind::Path, slots) else {
                            return Err(format!(
                                "an import entry's path must be a string, found {}",
                                describe(&pair[0])
                            ));
                        };
                        let Arg::Bytes(d) = convert(&pair[1], ArgKind::Bytes, slots)? else {
                            return bad();
                        };
                        out.push((p, d));
                    }
                    other => {
                        return Err(format!(
                            "an import entry is a `[path, data]` pair, found {}",
                            describe(other)
                        ));
                    }
                }
            }
            Ok(Arg::Entries(Arc::from(out)))
        }
        _ => bad(),
    }
}

pub(super) fn describe(v: &RawVal) -> String {
    match v {
        RawVal::Bool(b) => format!("the bool `{b}`"),
        RawVal::Int(n) => format!("the integer `{n}`"),
        RawVal::Str(s) => format!("the string `{s}`"),
        RawVal::Fill { .. } => "a `{fill, len}` value".into(),
        RawVal::List(_) => "a list".into(),
        RawVal::Null(()) => "null".into(),
    }
}
