//! Injectable host-memory probe for the memory guard, so tests can simulate a nearly full host.

use std::path::{Path, PathBuf};

/// Reports how many bytes of memory the host can still give this process.
pub trait MemoryProbe: Send + Sync + std::fmt::Debug {
    /// Available bytes, or `None` when unknown (the guard then lets everything through).
    fn available_bytes(&self) -> Option<u64>;
}

/// Reads cgroup v2 (`memory.max - memory.current`), then cgroup v1, then `/proc/meminfo`, from
/// the host's filesystem (`/`), or from a directory laid out like it (`HostMemoryProbe::at`).
///
/// API note: this was a unit struct reading `/` only; it now carries the root it reads under
/// (private), and the constant [`HostMemoryProbe`](constant@HostMemoryProbe) keeps the old
/// spelling `HostMemoryProbe` naming the probe of this host. It is no longer `Copy`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HostMemoryProbe {
    /// Where `sys/` and `proc/` are read; `None` = `/`.
    root: Option<PathBuf>,
}

/// The probe of this host (reads under `/`): what `HostMemoryProbe` named as a unit struct.
#[allow(non_upper_case_globals)]
pub const HostMemoryProbe: HostMemoryProbe = HostMemoryProbe { root: None };

impl HostMemoryProbe {
    /// A probe reading exactly the files this host's probe reads, in the same order, but under
    /// `root` (`root/sys/fs/cgroup/memory.max`, ..., `root/proc/meminfo`): a simulated host
    /// (a fixture tree), so the reading code itself can be tested.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        HostMemoryProbe {
            root: Some(root.into()),
        }
    }

    /// The directory the probe reads under.
    pub fn root(&self) -> &Path {
        self.root.as_deref().unwrap_or(Path::new("/"))
    }
}

/// A probe that always answers the same number (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedMemoryProbe(pub Option<u64>);

impl MemoryProbe for FixedMemoryProbe {
    fn available_bytes(&self) -> Option<u64> {
        self.0
    }
}

impl MemoryProbe for HostMemoryProbe {
    fn available_bytes(&self) -> Option<u64> {
        let root = self.root();
        cgroup_v2(root).or_else(|| cgroup_v1(root)).or_else(|| {
            std::fs::read_to_string(root.join("proc/meminfo"))
                .ok()
                .and_then(|s| parse_meminfo(&s))
        })
    }
}

fn read_u64(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// `memory.max - memory.current`; `None` if unlimited (`max`) or absent.
fn cgroup_v2(root: &Path) -> Option<u64> {
    let max = read_u64(&root.join("sys/fs/cgroup/memory.max"))?;
    let cur = read_u64(&root.join("sys/fs/cgroup/memory.current"))?;
    Some(max.saturating_sub(cur))
}

/// `limit_in_bytes - usage_in_bytes`; `None` if absent or effectively unlimited (v1 reports
/// a value near `i64::MAX` then).
fn cgroup_v1(root: &Path) -> Option<u64> {
    let limit = read_u64(&root.join("sys/fs/cgroup/memory/memory.limit_in_bytes"))?;
    if limit >= 1 << 60 {
        return None;
    }
    let usage = read_u64(&root.join("sys/fs/cgroup/memory/memory.usage_in_bytes"))?;
    Some(limit.saturating_sub(usage))
}

/// `MemAvailable` of a `/proc/meminfo` text, in bytes.
fn parse_meminfo(s: &str) -> Option<u64> {
    let line = s.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    // spec: GUARD-2, GUARD-6
    #[test]
    fn meminfo_parsing() {
        let s = "MemTotal:       16000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n";
        assert_eq!(parse_meminfo(s), Some(2048 * 1024));
        assert_eq!(parse_meminfo("MemTotal: 1 kB\n"), None);
        assert_eq!(FixedMemoryProbe(Some(5)).available_bytes(), Some(5));
    }

    // spec: GUARD-2
    #[test]
    fn host_probe_answers_on_linux() {
        // /proc/meminfo exists on every Linux host this crate is tested on.
        if std::path::Path::new("/proc/meminfo").exists() {
            assert!(HostMemoryProbe.available_bytes().is_some_and(|b| b > 0));
        }
    }

    /// A fresh fixture directory holding `files` (path relative to the root, contents).
    fn host(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("memfs-probe-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (p, text) in files {
            let f = root.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, text).unwrap();
        }
        std::fs::create_dir_all(&root).unwrap();
        root
    }

    // spec: GUARD-15
    #[test]
    fn a_host_under_a_root_is_read_in_order() {
        let meminfo = ("proc/meminfo", "MemTotal: 64 kB\nMemAvailable:   4 kB\n");
        let v1 = [
            ("sys/fs/cgroup/memory/memory.limit_in_bytes", "3000\n"),
            ("sys/fs/cgroup/memory/memory.usage_in_bytes", "1000\n"),
        ];
        let v2 = [
            ("sys/fs/cgroup/memory.max", "900\n"),
            ("sys/fs/cgroup/memory.current", "850\n"),
        ];
        let all: Vec<_> = v2.iter().chain(&v1).copied().chain([meminfo]).collect();
        let probe = |name, files: &[(&str, &str)]| HostMemoryProbe::at(host(name, files));
        assert_eq!(probe("v2", &all).available_bytes(), Some(50));
        let no_v2: Vec<_> = v1.iter().copied().chain([meminfo]).collect();
        assert_eq!(probe("v1", &no_v2).available_bytes(), Some(2000));
        assert_eq!(probe("mem", &[meminfo]).available_bytes(), Some(4096));
        // `max` (no limit) and a v1 limit near i64::MAX fall through to the next source.
        let unlimited = [
            ("sys/fs/cgroup/memory.max", "max\n"),
            (
                "sys/fs/cgroup/memory/memory.limit_in_bytes",
                "9223372036854771712\n",
            ),
            ("sys/fs/cgroup/memory/memory.usage_in_bytes", "1000\n"),
            meminfo,
        ];
        assert_eq!(probe("unlimited", &unlimited).available_bytes(), Some(4096));
        // usage above the limit: nothing left, not a wrap-around.
        let over = [
            ("sys/fs/cgroup/memory.max", "100\n"),
            ("sys/fs/cgroup/memory.current", "150\n"),
        ];
        assert_eq!(probe("over", &over).available_bytes(), Some(0));
        assert_eq!(probe("empty", &[]).available_bytes(), None);
        assert_eq!(HostMemoryProbe.root(), Path::new("/"));
        assert_eq!(HostMemoryProbe::default(), HostMemoryProbe);
    }
}
