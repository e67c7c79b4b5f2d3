//! The harness's own reading of a simulated host's available memory (semantics §8: "cgroup v2,
//! v1, /proc/meminfo"), written from the semantics and sharing no code with memfs-core's probe.
//! A spec with `host_root: DIR` is checked against it when it loads: the value the spec states
//! (`available_memory`) must be what the files under DIR say, so the model and the oracle predict
//! from a number the fixture really gives, and the implementations' own readers are the subject.
//!
//! The rule, one source after the other, the first that answers wins:
//! 1. cgroup v2: `sys/fs/cgroup/memory.max` minus `sys/fs/cgroup/memory.current`, both
//!    integers; `max` (no limit) or a missing or unreadable file skips the source;
//! 2. cgroup v1: `sys/fs/cgroup/memory/memory.limit_in_bytes` minus `memory.usage_in_bytes`
//!    beside it; a limit of 2^60 or more is the kernel's "no limit" and skips the source;
//! 3. `proc/meminfo`: its `MemAvailable:` line, in kB, times 1024.
//!
//! A usage above its limit leaves nothing (0), never a wrap-around. No source: unknown.

use std::path::Path;

/// Bytes available on the host whose `/` is `root`, or `None` if no source answers.
pub fn available(root: &Path) -> Option<u64> {
    let cgroup = root.join("sys").join("fs").join("cgroup");
    let number = |p: &Path| -> Option<u64> {
        let text = std::fs::read_to_string(p).ok()?;
        text.trim().parse::<u64>().ok()
    };
    let v2 = || {
        let limit = number(&cgroup.join("memory.max"))?;
        let used = number(&cgroup.join("memory.current"))?;
        Some(limit.saturating_sub(used))
    };
    let v1 = || {
        let dir = cgroup.join("memory");
        let limit = number(&dir.join("memory.limit_in_bytes"))?;
        if limit >= 1u64 << 60 {
            return None;
        }
        let used = number(&dir.join("memory.usage_in_bytes"))?;
        Some(limit.saturating_sub(used))
    };
    let meminfo = || {
        let text = std::fs::read_to_string(root.join("proc").join("meminfo")).ok()?;
        text.lines().find_map(|l| {
            let rest = l.strip_prefix("MemAvailable:")?;
            let kb = rest.split_whitespace().next()?.parse::<u64>().ok()?;
            kb.checked_mul(1024)
        })
    };
    v2().or_else(v1).or_else(meminfo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let root = std::env::temp_dir().join(format!("harness-host-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp dir");
        for (p, text) in files {
            let f = root.join(p);
            std::fs::create_dir_all(f.parent().expect("parent")).expect("dirs");
            std::fs::write(f, text).expect("write");
        }
        root
    }

    #[test]
    fn sources_in_order() {
        let mem = (
            "proc/meminfo",
            "MemTotal: 8 kB\nMemFree: 1 kB\nMemAvailable: 3 kB\n",
        );
        let v1 = [
            ("sys/fs/cgroup/memory/memory.limit_in_bytes", "700\n"),
            ("sys/fs/cgroup/memory/memory.usage_in_bytes", "100\n"),
        ];
        let v2 = [
            ("sys/fs/cgroup/memory.max", "500\n"),
            ("sys/fs/cgroup/memory.current", "480\n"),
        ];
        let all: Vec<_> = v2.iter().chain(&v1).copied().chain([mem]).collect();
        assert_eq!(available(&tree("all", &all)), Some(20));
        let v1_mem: Vec<_> = v1.iter().copied().chain([mem]).collect();
        assert_eq!(available(&tree("v1", &v1_mem)), Some(600));
        assert_eq!(available(&tree("mem", &[mem])), Some(3072));
        let skipped = [
            ("sys/fs/cgroup/memory.max", "max\n"),
            ("sys/fs/cgroup/memory.current", "480\n"),
            (
                "sys/fs/cgroup/memory/memory.limit_in_bytes",
                "9223372036854771712\n",
            ),
            ("sys/fs/cgroup/memory/memory.usage_in_bytes", "100\n"),
            mem,
        ];
        assert_eq!(available(&tree("skipped", &skipped)), Some(3072));
        let over = [
            ("sys/fs/cgroup/memory.max", "10\n"),
            ("sys/fs/cgroup/memory.current", "30\n"),
        ];
        assert_eq!(available(&tree("over", &over)), Some(0));
        assert_eq!(available(&tree("none", &[])), None);
        let no_avail = [("proc/meminfo", "MemTotal: 8 kB\nMemFree: 1 kB\n")];
        assert_eq!(available(&tree("noavail", &no_avail)), None);
    }
}
