//! Runs one [`crate::call::Call`] on the oracle and reports a [`crate::call::CallOutcome`],
//! with the same slot conventions as the core driver, so a driver wrapper around the oracle
//! is one line per method.

use super::NaiveFs;
use super::error::OracleError;
use super::handles::{HandleId, Whence};
use crate::call::{self, Call, CallOutcome, ErrKind};
use crate::observation::StepValue;

/// The harness outcome of an oracle error: its kind by name, and the `WouldBlock` reason.
pub fn outcome_of(e: &OracleError) -> CallOutcome {
    CallOutcome::Err {
        kind: ErrKind::parse(e.kind.name()).unwrap_or(ErrKind::InvalidInput),
        reason: e.kind.reason().map(|r| r.name().to_string()),
    }
}

fn val<T>(r: super::Result<T>, f: impl FnOnce(T) -> StepValue) -> CallOutcome {
    match r {
        Ok(v) => CallOutcome::Ok(f(v)),
        Err(e) => outcome_of(&e),
    }
}

fn unit(r: super::Result<()>) -> CallOutcome {
    val(r, |()| StepValue::Unit)
}

/// What a call on an empty or unknown slot gives (the core driver's convention).
fn no_handle() -> CallOutcome {
    CallOutcome::Err {
        kind: ErrKind::InvalidInput,
        reason: None,
    }
}

impl NaiveFs {
    /// Executes `call`. `slots[i]` is the handle in slot `i` (grown on demand). A successful
    /// open into an occupied slot closes the handle it held (after the open, so the old
    /// handle's lock still counts during it); a failed open leaves the slot as it was.
    pub fn run(&mut self, slots: &mut Vec<Option<HandleId>>, call: &Call) -> CallOutcome {
        let slot = |slots: &Vec<Option<HandleId>>, s: call::Slot| {
            slots.get(usize::from(s)).copied().flatten()
        };
        match call {
            Call::Open {
                slot: s,
                path,
                mode,
                preallocate,
            } => match self.open(path, mode, *preallocate) {
                Ok(h) => {
                    let i = usize::from(*s);
                    if slots.len() <= i {
                        slots.resize(i + 1, None);
                    }
                    if let Some(old) = slots[i].replace(h) {
                        self.close(old);
                    }
                    CallOutcome::Ok(StepValue::Unit)
                }
                Err(e) => outcome_of(&e),
            },
            Call::Read { slot: s, max } => match slot(slots, *s) {
                Some(h) => {
                    let max = max.map(|m| usize::try_from(m).unwrap_or(usize::MAX));
                    val(self.read(h, max), StepValue::Bytes)
                }
                None => no_handle(),
            },
            Call::Write { slot: s, data } => match slot(slots, *s) {
                Some(h) => val(self.write(h, data), |n| StepValue::U64(n as u64)),
                None => no_handle(),
            },
            Call::Seek {
                slot: s,
                whence,
                offset,
            } => match slot(slots, *s) {
                Some(h) => {
                    let w = match whence {
                        call::Whence::Start => Whence::Start,
                        call::Whence::Current => Whence::Current,
                        call::Whence::End => Whence::End,
                    };
                    val(self.seek(h, w, *offset), StepValue::U64)
                }
                None => no_handle(),
            },
            Call::Tell { slot: s } => match slot(slots, *s) {
                Some(h) => val(self.tell(h), StepValue::U64),
                None => no_handle(),
            },
            Call::Truncate { slot: s, size } => match slot(slots, *s) {
                Some(h) => val(self.truncate(h, *size), StepValue::U64),
                None => no_handle(),
            },
            Call::Close { slot: s } => {
                if let Some(h) = slot(slots, *s) {
                    self.close(h);
                }
                CallOutcome::Ok(StepValue::Unit)
            }
            Call::Mkdir { path, exist_ok } => unit(self.mkdir(path, *exist_ok)),
            Call::Listdir { path } => val(self.listdir(path), StepValue::Names),
            Call::Exists { path } => CallOutcome::Ok(StepValue::Bool(self.exists(path))),
            Call::IsDir { path } => CallOutcome::Ok(StepValue::Bool(self.is_dir(path))),
            Call::IsFile { path } => CallOutcome::Ok(StepValue::Bool(self.is_file(path))),
            Call::Stat { path } => val(self.stat(path), StepValue::from),
            Call::Stats => CallOutcome::Ok(StepValue::Stats(self.stats())),
            Call::GetSize { path } => val(self.get_size(path), StepValue::U64),
            Call::Rename { src, dst } => unit(self.rename(src, dst)),
            Call::Move { src, dst } => unit(self.move_path(src, dst)),
            Call::Remove { path } => unit(self.remove(path)),
            Call::Rmtree { path } => unit(self.rmtree(path)),
            Call::Copy { src, dst } => unit(self.copy(src, dst)),
            Call::CopyTree { src, dst } => unit(self.copy_tree(src, dst)),
            Call::Walk { path } => val(self.walk(path), StepValue::Walk),
            Call::Glob { pattern } => val(self.glob(pattern), StepValue::Names),
            Call::ExportTree { prefix, only_dirty } => {
                val(self.export_tree(prefix, *only_dirty), StepValue::Files)
            }
            Call::ExportAsBytes { path, max_size } => {
                val(self.export_as_bytesio(path, *max_size), StepValue::Bytes)
            }
            Call::ImportTree { entries } => unit(self.import_tree(entries)),
        }
    }
}
