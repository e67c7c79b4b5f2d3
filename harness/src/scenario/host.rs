//! The no-real-filesystem-touched check: snapshots of what the process could have changed on the
//! host (its working directory tree, the temp directory, and on Linux the calling thread's
//! write counters) taken before and after a scenario.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Entries under the working directory visited at most (a bound for huge trees).
const MAX_ENTRIES: usize = 20_000;

/// What the host looked like at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct HostSnapshot {
    /// Working directory tree (without `target` and hidden directories): path -> (size, mtime).
    cwd: BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
    /// Temp directory, top level only.
    temp: std::collections::BTreeSet<PathBuf>,
    /// This thread's write syscalls and bytes (`/proc/thread-self/io`), where available.
    thread_writes: Option<(u64, u64)>,
}

fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, (u64, Option<SystemTime>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        if out.len() >= MAX_ENTRIES {
            return;
        }
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Ok(meta) = e.metadata() else { continue };
        let p = e.path();
        if meta.is_dir() {
            if name == "target" || name.starts_with('.') {
                continue;
            }
            out.insert(p.clone(), (0, None));
            walk(&p, out);
        } else {
            out.insert(p, (meta.len(), meta.modified().ok()));
        }
    }
}

fn thread_writes() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/thread-self/io").ok()?;
    let field = |k: &str| {
        text.lines().find_map(|l| {
            l.strip_prefix(k)
                .and_then(|v| v.trim_start_matches(':').trim().parse().ok())
        })
    };
    Some((field("syscw")?, field("wchar")?))
}

impl HostSnapshot {
    /// Takes a snapshot now.
    pub fn take() -> Self {
        Self::take_with(true)
    }

    /// A snapshot; `thread_writes` false leaves out the calling thread's write counters (a
    /// subject in another process: the thread's pipe writes to it are not host writes, and
    /// the child's own writes are not this thread's).
    pub fn take_with(thread_writes_too: bool) -> Self {
        let mut cwd = BTreeMap::new();
        if let Ok(dir) = std::env::current_dir() {
            walk(&dir, &mut cwd);
        }
        let temp = std::fs::read_dir(std::env::temp_dir())
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        // Read the counters last, so the listing above is not counted as the scenario's I/O.
        HostSnapshot {
            cwd,
            temp,
            thread_writes: if thread_writes_too {
                thread_writes()
            } else {
                None
            },
        }
    }

    /// What changed from `self` to `later`, one line per change (empty if nothing).
    pub fn changes(&self, later: &HostSnapshot) -> Vec<String> {
        let mut out = Vec::new();
        if let (Some((c0, b0)), Some((c1, b1))) = (self.thread_writes, later.thread_writes) {
            // Reading /proc itself is not a write; any write syscall in between is the scenario's.
            if c1 > c0 {
                out.push(format!(
                    "{} write calls ({} bytes) made by the scenario thread",
                    c1 - c0,
                    b1 - b0
                ));
            }
        }
        for (p, v) in &later.cwd {
            match self.cwd.get(p) {
                None => out.push(format!("created {}", p.display())),
                Some(old) if old != v => out.push(format!("modified {}", p.display())),
                Some(_) => {}
            }
        }
        for p in self.cwd.keys().filter(|p| !later.cwd.contains_key(*p)) {
            out.push(format!("removed {}", p.display()));
        }
        // The temp dir is shared with every other process of the machine: only new entries
        // count, and not `.tmp*` ones (the `tempfile` crate's, made by other test processes).
        for p in later.temp.iter().filter(|p| !self.temp.contains(*p)) {
            let from_tempfile = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".tmp"));
            if !from_tempfile {
                out.push(format!("created {}", p.display()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_a_file_created_in_the_temp_dir() {
        let before = HostSnapshot::take();
        let p = std::env::temp_dir().join(format!("memfs-host-check-{}", std::process::id()));
        std::fs::write(&p, b"x").unwrap();
        let after = HostSnapshot::take();
        std::fs::remove_file(&p).unwrap();
        let changes = before.changes(&after);
        assert!(
            changes.iter().any(|c| c.contains("memfs-host-check")),
            "{changes:?}"
        );
        if before.thread_writes.is_some() {
            assert!(
                changes.iter().any(|c| c.contains("write calls")),
                "{changes:?}"
            );
        }
    }

    #[test]
    fn nothing_changes_without_io() {
        let a = HostSnapshot::take();
        let b = HostSnapshot::take();
        // Other processes may touch the temp dir meanwhile: only this thread's counters are exact.
        assert!(!a.changes(&b).iter().any(|c| c.contains("write calls")));
    }
}
