//! Injectable host-memory probe for the memory guard, so tests can simulate a nearly full host.

/// Reports how many bytes of memory the host can still give this process.
pub trait MemoryProbe: Send + Sync + std::fmt::Debug {
    /// Available bytes, or `None` when unknown (the guard then lets everything through).
    fn available_bytes(&self) -> Option<u64>;
}

/// Reads cgroup v2 (`memory.max - memory.current`), then cgroup v1, then `/proc/meminfo`.
#[derive(Debug, Default, Clone, Copy)]
pub struct HostMemoryProbe;

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
        cgroup_v2().or_else(cgroup_v1).or_else(|| {
            std::fs::read_to_string("/proc/meminfo")
                .ok()
                .and_then(|s| parse_meminfo(&s))
        })
    }
}

fn read_u64(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// `memory.max - memory.current`; `None` if unlimited (`max`) or absent.
fn cgroup_v2() -> Option<u64> {
    let max = read_u64("/sys/fs/cgroup/memory.max")?;
    let cur = read_u64("/sys/fs/cgroup/memory.current")?;
    Some(max.saturating_sub(cur))
}

/// `limit_in_bytes - usage_in_bytes`; `None` if absent or effectively unlimited (v1 reports
/// a value near `i64::MAX` then).
fn cgroup_v1() -> Option<u64> {
    let limit = read_u64("/sys/fs/cgroup/memory/memory.limit_in_bytes")?;
    if limit >= 1 << 60 {
        return None;
    }
    let usage = read_u64("/sys/fs/cgroup/memory/memory.usage_in_bytes")?;
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

    // spec: §8
    #[test]
    fn meminfo_parsing() {
        let s = "MemTotal:       16000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n";
        assert_eq!(parse_meminfo(s), Some(2048 * 1024));
        assert_eq!(parse_meminfo("MemTotal: 1 kB\n"), None);
        assert_eq!(FixedMemoryProbe(Some(5)).available_bytes(), Some(5));
    }

    // spec: §8
    #[test]
    fn host_probe_answers_on_linux() {
        // /proc/meminfo exists on every Linux host this crate is tested on.
        if std::path::Path::new("/proc/meminfo").exists() {
            assert!(HostMemoryProbe.available_bytes().is_some_and(|b| b > 0));
        }
    }
}
