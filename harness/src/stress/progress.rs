//! Per-thread progress published through atomics, so a watchdog can say exactly which thread
//! is stuck in which operation at which iteration instead of a join that silently times out.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// Operation codes a worker publishes before each filesystem call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum OpCode {
    Start = 0,
    Mkdir,
    OpenRead,
    OpenWrite,
    OpenAppend,
    OpenReadWrite,
    Read,
    Write,
    Close,
    Remove,
    Rmtree,
    Listdir,
    Stat,
    GetSize,
    Exists,
    Rename,
    Stats,
    Other,
}

const OP_NAMES: [&str; 18] = [
    "start",
    "mkdir",
    "open(rb)",
    "open(wb)",
    "open(ab)",
    "open(r+b)",
    "read",
    "write",
    "close",
    "remove",
    "rmtree",
    "listdir",
    "stat",
    "get_size",
    "exists",
    "rename",
    "stats",
    "other",
];

impl OpCode {
    /// Display name of the code.
    pub fn name(self) -> &'static str {
        OP_NAMES[self as usize]
    }
}

/// What one worker thread last did. Cache-line aligned so that publishing progress (on every
/// operation) never contends with a neighbouring thread's slot (false sharing).
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct ThreadProgress {
    op: AtomicU32,
    iteration: AtomicU64,
    ops: AtomicU64,
    done: AtomicBool,
}

impl ThreadProgress {
    /// Publishes the operation about to run (relaxed: only the watchdog reads it).
    pub fn enter(&self, op: OpCode) {
        self.op.store(op as u32, Ordering::Relaxed);
        self.ops.fetch_add(1, Ordering::Relaxed);
    }
    /// Publishes the current iteration.
    pub fn iteration(&self, i: u64) {
        self.iteration.store(i, Ordering::Relaxed);
    }
    /// Marks the thread finished.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Release);
    }
    /// Whether the thread finished.
    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }
    /// Operations started so far.
    pub fn ops(&self) -> u64 {
        self.ops.load(Ordering::Relaxed)
    }
    fn op_name(&self) -> &'static str {
        OP_NAMES
            .get(self.op.load(Ordering::Relaxed) as usize)
            .copied()
            .unwrap_or("?")
    }
}

/// A readable dump of every unfinished thread, grouped by the operation it is in.
pub fn stuck_dump(progress: &[ThreadProgress], labels: &[String]) -> String {
    let mut by_op: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut lines = Vec::new();
    for (t, p) in progress.iter().enumerate() {
        if p.is_done() {
            continue;
        }
        let label = labels.get(t).map(String::as_str).unwrap_or("worker");
        lines.push(format!(
            "  thread {t:>3} ({label}): iteration {}, last operation {} ({} ops started)",
            p.iteration.load(Ordering::Relaxed),
            p.op_name(),
            p.ops()
        ));
        by_op.entry(p.op_name()).or_default().push(t.to_string());
    }
    let summary: Vec<String> = by_op
        .iter()
        .map(|(op, ts)| format!("{} in {op} [{}]", ts.len(), ts.join(",")))
        .collect();
    format!(
        "{} thread(s) unfinished: {}\n{}",
        lines.len(),
        summary.join("; "),
        lines.join("\n")
    )
}
