//! An instrumented runner: replays a deterministic workload of memfs-core calls, timing each
//! call with `Instant`, and summarizes latency per operation kind. It measures; it asserts
//! nothing about speed.

use crate::results::latency::{LatencyReport, OpLatency};
use crate::stress::StressError;
use memfs_core::{FileHandle, LockWait, MemoryFileSystem, OpenMode, OpenOptions};
use std::collections::BTreeMap;
use std::io::SeekFrom;
use std::time::{Duration, Instant};

/// The `q` quantile (0..=1) of sorted samples, nearest-rank.
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Summarizes raw samples per op: `(op, nanoseconds, was_error)`.
pub fn summarize(
    samples: &BTreeMap<&'static str, Vec<(u64, bool)>>,
    ops: u64,
    seed: u64,
) -> LatencyReport {
    let per_op = samples
        .iter()
        .map(|(op, v)| {
            let mut ns: Vec<u64> = v.iter().map(|(n, _)| *n).collect();
            ns.sort_unstable();
            OpLatency {
                op: op.to_string(),
                count: ns.len() as u64,
                errors: v.iter().filter(|(_, e)| *e).count() as u64,
                p50_ns: quantile(&ns, 0.50),
                p95_ns: quantile(&ns, 0.95),
                p99_ns: quantile(&ns, 0.99),
                max_ns: ns.last().copied().unwrap_or(0),
            }
        })
        .collect();
    LatencyReport { ops, seed, per_op }
}

/// A small deterministic generator (xorshift64*), so the workload is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every operation kind the workload mixes.
pub const OPS: [&str; 26] = [
    "open",
    "write",
    "read",
    "seek",
    "tell",
    "truncate",
    "close",
    "mkdir",
    "listdir",
    "exists",
    "is_dir",
    "is_file",
    "stat",
    "stats",
    "get_size",
    "rename",
    "move",
    "remove",
    "rmtree",
    "copy",
    "copy_tree",
    "walk",
    "glob",
    "export_tree",
    "export_as_bytesio",
    "import_tree",
];

const DIRS: [&str; 4] = ["/a", "/b", "/a/x", "/c"];
const SLOTS: usize = 4;

fn file(r: &mut Rng) -> String {
    format!("{}/f{}", DIRS[r.below(DIRS.len())], r.below(6))
}

/// Keeps an infallible call's result alive (so it is not optimized away); it never errs.
fn infallible<T>(v: T) -> bool {
    std::hint::black_box(v);
    false
}

/// Runs `ops` timed core calls chosen by `seed`; every operation kind occurs. The filesystem
/// uses a zero default lock timeout so a contended lock fails at once instead of waiting, and
/// is reset (untimed) every 2000 calls so trees stay small.
pub fn run_workload(ops: u64, seed: u64) -> Result<LatencyReport, StressError> {
    let build = || {
        MemoryFileSystem::builder()
            .quota(16 * 1024 * 1024)
            .default_lock_timeout(LockWait::For(Duration::ZERO))
            .build()
            .map_err(StressError::Setup)
    };
    let mut fs = build()?;
    let mut handles: Vec<Option<FileHandle>> = (0..SLOTS).map(|_| None).collect();
    let mut r = Rng(seed.max(1));
    let mut samples: BTreeMap<&'static str, Vec<(u64, bool)>> = BTreeMap::new();
    let payload: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    for i in 0..ops {
        if i % 2000 == 0 {
            handles.iter_mut().for_each(|h| *h = None);
            fs = build()?;
            for d in DIRS {
                let _ = fs.mkdir(d, true);
            }
        }
        // Cycle through every kind first, then pick at random.
        let op = if (i as usize) < OPS.len() {
            OPS[i as usize]
        } else {
            OPS[r.below(OPS.len())]
        };
        let slot = r.below(SLOTS);
        let p = file(&mut r);
        let q = file(&mut r);
        let d = DIRS[r.below(DIRS.len())];
        let n = 1 + r.below(payload.len());
        let t = Instant::now();
        let err = match op {
            "open" => {
                let mode = OpenMode::ALL[r.below(OpenMode::ALL.len())];
                let res = fs.open_with(&p, mode, &OpenOptions::new());
                let e = res.is_err();
                let elapsed = t.elapsed();
                if let Ok(h) = res {
                    handles[slot] = Some(h); // drop (close) of the previous handle is not timed
                }
                samples
                    .entry(op)
                    .or_default()
                    .push((elapsed.as_nanos() as u64, e));
                continue;
            }
            "write" => handles[slot]
                .as_mut()
                .map(|h| h.write_data(&payload[..n]).is_err()),
            "read" => handles[slot]
                .as_mut()
                .map(|h| h.read_data(Some(n)).is_err()),
            "seek" => handles[slot]
                .as_mut()
                .map(|h| h.seek_to(SeekFrom::Start(n as u64)).is_err()),
            "tell" => handles[slot].as_ref().map(|h| h.tell().is_err()),
            "truncate" => handles[slot]
                .as_mut()
                .map(|h| h.truncate(Some(n as u64)).is_err()),
            // A closed handle leaves its slot, so later handle ops time real work, not errors.
            "close" => handles[slot].take().map(|mut h| {
                h.close();
                false
            }),
            "mkdir" => Some(fs.mkdir(&format!("{d}/d{}", r.below(3)), true).is_err()),
            "listdir" => Some(fs.listdir(d).is_err()),
            "exists" => Some(infallible(fs.exists(&p))),
            "is_dir" => Some(infallible(fs.is_dir(d))),
            "is_file" => Some(infallible(fs.is_file(&p))),
            "stat" => Some(fs.stat(&p).is_err()),
            "stats" => Some(infallible(fs.stats())),
            "get_size" => Some(fs.get_size(&p).is_err()),
            "rename" => Some(fs.rename(&p, &q).is_err()),
            "move" => Some(fs.move_path(&p, &format!("/m{}{q}", r.below(2))).is_err()),
            "remove" => Some(fs.remove(&p).is_err()),
            "rmtree" => Some(fs.rmtree(&format!("{d}/d{}", r.below(3))).is_err()),
            "copy" => Some(fs.copy(&p, &q).is_err()),
            "copy_tree" => Some(fs.copy_tree(d, &format!("/t{}", r.below(4))).is_err()),
            "walk" => Some(fs.walk("/").is_err()),
            "glob" => Some(fs.glob("/**/f*").is_err()),
            "export_tree" => Some(fs.export_tree(d, false).is_err()),
            "export_as_bytesio" => Some(fs.export_as_bytesio(&p, None).is_err()),
            "import_tree" => Some(
                fs.import_tree([(p.as_str(), &payload[..n]), (q.as_str(), &payload[..1])])
                    .is_err(),
            ),
            _ => None,
        };
        let elapsed = t.elapsed();
        // Handle ops on an empty slot make no core call: nothing to time.
        if let Some(e) = err {
            samples
                .entry(op)
                .or_default()
                .push((elapsed.as_nanos() as u64, e));
        }
    }
    Ok(summarize(&samples, ops, seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.5), 50);
        assert_eq!(quantile(&v, 0.95), 95);
        assert_eq!(quantile(&v, 0.99), 99);
        assert_eq!(quantile(&v, 1.0), 100);
        assert_eq!(quantile(&[7], 0.5), 7);
        assert_eq!(quantile(&[], 0.5), 0);
    }

    #[test]
    fn summary_counts_errors() {
        let mut m: BTreeMap<&'static str, Vec<(u64, bool)>> = BTreeMap::new();
        m.insert("open", vec![(10, false), (30, true), (20, false)]);
        let r = summarize(&m, 3, 1);
        assert_eq!(r.per_op[0].count, 3);
        assert_eq!(r.per_op[0].errors, 1);
        assert_eq!(r.per_op[0].p50_ns, 20);
        assert_eq!(r.per_op[0].max_ns, 30);
    }
}
