//! The filesystem as a sequential specification: the naive oracle executed through
//! [`OracleExec`] (the same executor as the explorer's reference, so the slot conventions are
//! the recorder's). Footprints partition operations by the top-level directory they touch;
//! stats, root-level paths and quota errors are global.

use crate::fs::call::{Call, CallOutcome, ErrKind, Slot};
use crate::fs::config::FsConfig;
use crate::fs::exec::oracle::OracleExec;
use crate::fs::oracle::{NaiveFs, OracleError};
use crate::linearize::{Footprint, Op, SequentialSpec};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// The oracle-backed specification; `initial` is the state the recorded run started from.
#[derive(Debug, Clone)]
pub struct FsSpec {
    pub initial: OracleExec,
}

impl FsSpec {
    /// A spec starting from an empty oracle with `cfg`, frozen at time `now`, holding the
    /// directories `dirs` (made in order, with parents).
    pub fn with_dirs(cfg: &FsConfig, now: u64, dirs: &[&str]) -> Result<Self, OracleError> {
        let mut fs = NaiveFs::new_at(cfg.into(), now);
        for d in dirs {
            fs.mkdir(d, true)?;
        }
        Ok(FsSpec {
            initial: OracleExec::new(fs, 0),
        })
    }
}

impl SequentialSpec for FsSpec {
    type State = OracleExec;
    type Call = Call;
    type Outcome = CallOutcome;

    fn init(&self) -> OracleExec {
        self.initial.clone()
    }

    fn apply(&self, state: &OracleExec, call: &Call) -> (OracleExec, CallOutcome) {
        let mut s = state.clone();
        let out = s.run(call);
        (s, out)
    }

    fn state_hash(&self, state: &OracleExec) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        state.observe().hash(&mut hasher);
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
                | Call::IterExportTree { .. }
                | Call::ExportAsBytes { .. }
                | Call::Tell { .. }
        )
    }

    /// Read-only calls, and failed calls: a failed operation changes nothing (semantics: the
    /// first failing check decides the error and the state stays unchanged; a failed open
    /// leaves its slot as it was, the executors' convention).
    fn is_removable(&self, ops: &[Op<Call, CallOutcome>], i: usize) -> bool {
        let op = &ops[i];
        self.is_read_only(&op.call) || matches!(op.outcome, CallOutcome::Err { .. })
    }

    fn describe_state(&self, state: &OracleExec) -> String {
        let obs = state.observe();
        let mut parts = Vec::new();
        for (p, n) in &obs.nodes {
            match n {
                crate::fs::observation::NodeObs::Dir { .. } => parts.push(format!("{p}/")),
                crate::fs::observation::NodeObs::File {
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
                | Call::ReadInto { slot, .. }
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
                Call::ExportTree { prefix, .. } | Call::IterExportTree { prefix, .. } => {
                    vec![prefix.clone()]
                }
                Call::Rename { src, dst }
                | Call::Move { src, dst }
                | Call::Copy { src, dst }
                | Call::CopyTree { src, dst } => {
                    vec![src.clone(), dst.clone()]
                }
                Call::ImportTree { entries } => entries.iter().map(|(p, _)| p.clone()).collect(),
                // `build` makes and drops another filesystem: it touches no path of this one.
                Call::Stats | Call::Glob { .. } | Call::Build { .. } => continue,
            };
            let keys: Option<Vec<String>> = paths.iter().map(|p| top_component(p)).collect();
            if let Some(keys) = keys {
                out[i] = Footprint::Keys(keys);
            }
        }
        out
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
