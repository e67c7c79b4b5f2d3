//! The filesystem as a sequential specification: the naive oracle (`NaiveFs`) plus the map
//! from the recorder's handle slots to oracle handles. Footprints partition operations by the
//! top-level directory they touch; stats, root-level paths and quota errors are global.

use super::history::Op;
use super::spec::{Footprint, SequentialSpec};
use crate::call::{Call, CallOutcome, ErrKind, Slot, Whence};
use crate::observation::StepValue;
use crate::oracle::{HandleId, NaiveFs, OracleConfig, OracleError};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

/// Oracle state plus slot bindings.
#[derive(Debug, Clone)]
pub struct FsState {
    pub fs: NaiveFs,
    pub slots: BTreeMap<Slot, HandleId>,
}

/// The oracle-backed specification; `initial` is the state the recorded run started from.
#[derive(Debug, Clone)]
pub struct FsSpec {
    pub initial: NaiveFs,
}

impl FsSpec {
    /// A spec starting from an empty oracle with `cfg`, frozen at time `now`, holding the
    /// directories `dirs` (made in order, with parents).
    pub fn with_dirs(cfg: OracleConfig, now: u64, dirs: &[&str]) -> Result<Self, OracleError> {
        let mut fs = NaiveFs::new_at(cfg, now);
        for d in dirs {
            fs.mkdir(d, true)?;
        }
        Ok(FsSpec { initial: fs })
    }
}

/// Maps an oracle error onto the harness vocabulary.
pub fn outcome_of_oracle_error(e: &OracleError) -> CallOutcome {
    CallOutcome::Err {
        kind: ErrKind::parse(e.kind.name()).unwrap_or(ErrKind::InvalidInput),
        reason: e.kind.reason().map(|r| r.name().to_string()),
    }
}

fn res<T>(r: Result<T, OracleError>, f: impl FnOnce(T) -> StepValue) -> CallOutcome {
    match r {
        Ok(v) => CallOutcome::Ok(f(v)),
        Err(e) => outcome_of_oracle_error(&e),
    }
}

fn no_handle() -> CallOutcome {
    CallOutcome::Err {
        kind: ErrKind::InvalidInput,
        reason: None,
    }
}

fn whence(w: Whence) -> crate::oracle::Whence {
    match w {
        Whence::Start => crate::oracle::Whence::Start,
        Whence::Current => crate::oracle::Whence::Current,
        Whence::End => crate::oracle::Whence::End,
    }
}

impl SequentialSpec for FsSpec {
    type State = FsState;
    type Call = Call;
    type Outcome = CallOutcome;

    fn init(&self) -> FsState {
        FsState {
            fs: self.initial.clone(),
            slots: BTreeMap::new(),
        }
    }

    fn apply(&self, state: &FsState, call: &Call) -> (FsState, CallOutcome) {
        let mut s = state.clone();
        let out = apply_mut(&mut s, call);
        (s, out)
    }

    fn state_hash(&self, state: &FsState) -> u64 {
        let max = state
            .slots
            .keys()
            .next_back()
            .map_or(0, |m| usize::from(*m) + 1);
        let mut slots = vec![None; max];
        for (k, h) in &state.slots {
            slots[usize::from(*k)] = Some(*h);
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        state.fs.observe(&slots).hash(&mut hasher);
        hasher.finish()
    }

    fn is_read_only(&self, call: &Call) -> bool {
        matches!(
            call,
            Call::Stat { .. }
                | Call::Exists { .. }
                | Call::IsDir { .. }
                | Call::IsFile { .. }
                | Call::Listdir { .. }
                | Call::GetSize { .. }
                | Call::Stats
                | Call::Walk { .. }
                | Call::Glob { .. }
                | Call::ExportTree { .. }
                | Call::ExportAsBytes { .. }
                | Call::Tell { .. }
        )
    }

    /// Read-only calls, and failed calls: a failed operation changes nothing (semantics:
    /// the first failing check decides the error and the state stays unchanged). A failed
    /// open still closes its slot's previous handle, so it counts only when that slot's
    /// previous operation in the witness left no handle open (a close, or a failed open).
    fn is_removable(&self, ops: &[Op<Call, CallOutcome>], i: usize) -> bool {
        let op = &ops[i];
        if self.is_read_only(&op.call) {
            return true;
        }
        if !matches!(op.outcome, CallOutcome::Err { .. }) {
            return false;
        }
        let Call::Open { slot, .. } = &op.call else {
            return true;
        };
        let before = ops[..i]
            .iter()
            .rev()
            .find(|o| slot_of(&o.call) == Some(*slot));
        matches!(
            before,
            Some(Op {
                call: Call::Close { .. },
                outcome: CallOutcome::Ok(_),
                ..
            }) | Some(Op {
                call: Call::Open { .. },
                outcome: CallOutcome::Err { .. },
                ..
            })
        )
    }

    fn describe_state(&self, state: &FsState) -> String {
        let slots: Vec<Option<HandleId>> = (0..=state
            .slots
            .keys()
            .next_back()
            .map_or(0, |m| usize::from(*m)))
            .map(|i| {
                u8::try_from(i)
                    .ok()
                    .and_then(|k| state.slots.get(&k).copied())
            })
            .collect();
        let obs = state.fs.observe(&slots);
        let mut parts = Vec::new();
        for (p, n) in &obs.nodes {
            match n {
                crate::observation::NodeObs::Dir { .. } => parts.push(format!("{p}/")),
                crate::observation::NodeObs::File {
                    data, generation, ..
                } => parts.push(format!(
                    "{p}={:?} (gen {generation})",
                    String::from_utf8_lossy(data)
                )),
            }
        }
        for (i, h) in obs.handles.iter().enumerate() {
            if let Some(h) = h.as_ref().filter(|h| !h.closed) {
                parts.push(format!("slot {i}: {} {} at {}", h.mode, h.path, h.pos));
            }
        }
        parts.join(", ")
    }

    fn footprints(&self, history: &[Op<Call, CallOutcome>]) -> Vec<Footprint> {
        // Slots are thread-owned, so a slot's ops are sequential: walking in invocation order,
        // each handle op belongs to the path of the latest open of its slot.
        let mut order: Vec<usize> = (0..history.len()).collect();
        order.sort_by_key(|&i| history[i].invoke_ns);
        let mut slot_path: HashMap<Slot, String> = HashMap::new();
        let mut out = vec![Footprint::Global; history.len()];
        for i in order {
            let op = &history[i];
            if let CallOutcome::Err {
                kind: ErrKind::QuotaExceeded | ErrKind::NodeLimitExceeded,
                ..
            } = op.outcome
            {
                continue; // quota is shared by every partition: stays global
            }
            let paths: Vec<String> = match &op.call {
                Call::Open { slot, path, .. } => {
                    slot_path.insert(*slot, path.clone());
                    vec![path.clone()]
                }
                Call::Read { slot, .. }
                | Call::Write { slot, .. }
                | Call::Seek { slot, .. }
                | Call::Tell { slot }
                | Call::Truncate { slot, .. }
                | Call::Close { slot } => match slot_path.get(slot) {
                    Some(p) => vec![p.clone()],
                    None => continue,
                },
                Call::Mkdir { path, .. }
                | Call::Listdir { path }
                | Call::Exists { path }
                | Call::IsDir { path }
                | Call::IsFile { path }
                | Call::Stat { path }
                | Call::GetSize { path }
                | Call::Remove { path }
                | Call::Rmtree { path }
                | Call::Walk { path }
                | Call::ExportAsBytes { path, .. } => vec![path.clone()],
                Call::ExportTree { prefix, .. } => vec![prefix.clone()],
                Call::Rename { src, dst }
                | Call::Move { src, dst }
                | Call::Copy { src, dst }
                | Call::CopyTree { src, dst } => {
                    vec![src.clone(), dst.clone()]
                }
                Call::ImportTree { entries } => entries.iter().map(|(p, _)| p.clone()).collect(),
                Call::Stats | Call::Glob { .. } => continue,
            };
            let keys: Option<Vec<String>> = paths.iter().map(|p| top_component(p)).collect();
            if let Some(keys) = keys {
                out[i] = Footprint::Keys(keys);
            }
        }
        out
    }
}

/// The handle slot a call uses, if any.
fn slot_of(call: &Call) -> Option<Slot> {
    match call {
        Call::Open { slot, .. }
        | Call::Read { slot, .. }
        | Call::Write { slot, .. }
        | Call::Seek { slot, .. }
        | Call::Tell { slot }
        | Call::Truncate { slot, .. }
        | Call::Close { slot } => Some(*slot),
        _ => None,
    }
}

/// The first component of a raw path, or `None` when the path is the root or could climb
/// (`..`), which makes the operation global.
fn top_component(raw: &str) -> Option<String> {
    let mut parts = raw
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".");
    let first = parts.next()?;
    if first == ".." || raw.split(['/', '\\']).any(|p| p == "..") {
        return None;
    }
    Some(first.to_string())
}

fn apply_mut(s: &mut FsState, call: &Call) -> CallOutcome {
    let fs = &mut s.fs;
    let slot_of = |slots: &BTreeMap<Slot, HandleId>, slot: &Slot| slots.get(slot).copied();
    match call {
        Call::Open {
            slot,
            path,
            mode,
            preallocate,
        } => {
            // the recorder closes a slot's previous handle before reopening it
            if let Some(old) = s.slots.remove(slot) {
                fs.close(old);
            }
            match fs.open(path, mode, *preallocate) {
                Ok(h) => {
                    s.slots.insert(*slot, h);
                    CallOutcome::Ok(StepValue::Unit)
                }
                Err(e) => outcome_of_oracle_error(&e),
            }
        }
        Call::Read { slot, max } => match slot_of(&s.slots, slot) {
            Some(h) => res(fs.read(h, max.map(|m| m as usize)), StepValue::Bytes),
            None => no_handle(),
        },
        Call::Write { slot, data } => match slot_of(&s.slots, slot) {
            Some(h) => res(fs.write(h, data), |n| StepValue::U64(n as u64)),
            None => no_handle(),
        },
        Call::Seek {
            slot,
            whence: w,
            offset,
        } => match slot_of(&s.slots, slot) {
            Some(h) => res(fs.seek(h, whence(*w), *offset), StepValue::U64),
            None => no_handle(),
        },
        Call::Tell { slot } => match slot_of(&s.slots, slot) {
            Some(h) => res(fs.tell(h), StepValue::U64),
            None => no_handle(),
        },
        Call::Truncate { slot, size } => match slot_of(&s.slots, slot) {
            Some(h) => res(fs.truncate(h, *size), StepValue::U64),
            None => no_handle(),
        },
        Call::Close { slot } => match slot_of(&s.slots, slot) {
            Some(h) => {
                fs.close(h);
                CallOutcome::Ok(StepValue::Unit)
            }
            None => no_handle(),
        },
        Call::Mkdir { path, exist_ok } => res(fs.mkdir(path, *exist_ok), |()| StepValue::Unit),
        Call::Listdir { path } => res(fs.listdir(path), StepValue::Names),
        Call::Exists { path } => CallOutcome::Ok(StepValue::Bool(fs.exists(path))),
        Call::IsDir { path } => CallOutcome::Ok(StepValue::Bool(fs.is_dir(path))),
        Call::IsFile { path } => CallOutcome::Ok(StepValue::Bool(fs.is_file(path))),
        Call::Stat { path } => res(fs.stat(path), StepValue::from),
        Call::Stats => CallOutcome::Ok(StepValue::Stats(fs.stats())),
        Call::GetSize { path } => res(fs.get_size(path), StepValue::U64),
        Call::Rename { src, dst } => res(fs.rename(src, dst), |()| StepValue::Unit),
        Call::Move { src, dst } => res(fs.move_path(src, dst), |()| StepValue::Unit),
        Call::Remove { path } => res(fs.remove(path), |()| StepValue::Unit),
        Call::Rmtree { path } => res(fs.rmtree(path), |()| StepValue::Unit),
        Call::Copy { src, dst } => res(fs.copy(src, dst), |()| StepValue::Unit),
        Call::CopyTree { src, dst } => res(fs.copy_tree(src, dst), |()| StepValue::Unit),
        Call::Walk { path } => res(fs.walk(path), StepValue::Walk),
        Call::Glob { pattern } => res(fs.glob(pattern), StepValue::Names),
        Call::ExportTree { prefix, only_dirty } => {
            res(fs.export_tree(prefix, *only_dirty), StepValue::Files)
        }
        Call::ExportAsBytes { path, max_size } => {
            res(fs.export_as_bytesio(path, *max_size), StepValue::Bytes)
        }
        Call::ImportTree { entries } => res(fs.import_tree(entries), |()| StepValue::Unit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_components_and_globals() {
        assert_eq!(top_component("/p1/a/b").as_deref(), Some("p1"));
        assert_eq!(top_component("p1\\x").as_deref(), Some("p1"));
        assert_eq!(top_component("//p2"), Some("p2".into()));
        assert_eq!(top_component("/"), None);
        assert_eq!(top_component("/p1/../p2"), None);
    }
}
