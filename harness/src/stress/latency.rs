//! An instrumented runner: replays a deterministic workload of memfs-core calls, timing each
//! call with `Instant`, and summarizes latency per operation kind. It measures; it asserts
//! nothing about speed.

use crate::fs::call::{Call, CallOutcome, OPS, Whence};
use crate::fs::config::FsConfig;
use crate::fs::exec::core::{self as exec, CoreExec};
use crate::results::latency::{LatencyReport, OpLatency};
use crate::stress::StressError;
use std::collections::BTreeMap;
use std::time::Instant;

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

const DIRS: [&str; 4] = ["/a", "/b", "/a/x", "/c"];
const SLOTS: u8 = 4;
const MODES: [&str; 5] = ["rb", "wb", "ab", "r+b", "xb"];

fn file(r: &mut Rng) -> String {
    format!("{}/f{}", DIRS[r.below(DIRS.len())], r.below(6))
}

/// One call of kind `op` with arguments drawn from `r` (paths over a few directories so
/// calls hit existing and missing nodes alike, payloads up to 4 KiB).
fn call_of(op: &str, r: &mut Rng, payload: &[u8]) -> Call {
    let slot = r.below(usize::from(SLOTS)) as u8;
    let (p, q) = (file(r), file(r));
    let d = DIRS[r.below(DIRS.len())].to_string();
    let n = 1 + r.below(payload.len());
    match op {
        "open" => Call::Open {
            slot,
            path: p,
            mode: MODES[r.below(MODES.len())].into(),
            preallocate: 0,
            lock_timeout_ms: None,
        },
        "write" => Call::Write {
            slot,
            data: payload[..n].to_vec(),
        },
        "read" => Call::Read {
            slot,
            max: Some(n as u64),
        },
        "read_into" => Call::ReadInto {
            slot,
            size: n as u64,
        },
        "seek" => Call::Seek {
            slot,
            whence: Whence::Start,
            offset: n as i64,
        },
        "tell" => Call::Tell { slot },
        "truncate" => Call::Truncate {
            slot,
            size: Some(n as u64),
        },
        "close" => Call::Close { slot },
        "mkdir" => Call::Mkdir {
            path: format!("{d}/d{}", r.below(3)),
            exist_ok: true,
        },
        "listdir" => Call::Listdir { path: d },
        "exists" => Call::Exists { path: p },
        "is_dir" => Call::IsDir { path: d },
        "is_file" => Call::IsFile { path: p },
        "stat" => Call::Stat { path: p },
        "get_size" => Call::GetSize { path: p },
        "rename" => Call::Rename { src: p, dst: q },
        "move" => Call::Move {
            src: p,
            dst: format!("/m{}{q}", r.below(2)),
        },
        "remove" => Call::Remove { path: p },
        "rmtree" => Call::Rmtree {
            path: format!("{d}/d{}", r.below(3)),
        },
        "copy" => Call::Copy { src: p, dst: q },
        "copy_tree" => Call::CopyTree {
            src: d,
            dst: format!("/t{}", r.below(4)),
        },
        "walk" => Call::Walk { path: "/".into() },
        "glob" => Call::Glob {
            pattern: "/**/f*".into(),
        },
        "export_tree" => Call::ExportTree {
            prefix: d,
            only_dirty: false,
        },
        "iter_export_tree" => Call::IterExportTree {
            prefix: d,
            only_dirty: false,
        },
        "export_as_bytes" => Call::ExportAsBytes {
            path: p,
            max_size: None,
        },
        "import_tree" => Call::ImportTree {
            entries: vec![(p, payload[..n].to_vec()), (q, payload[..1].to_vec())],
        },
        _ => Call::Stats,
    }
}

/// Runs `ops` timed core calls chosen by `seed`, through the core's executor (the same path
/// every harness layer takes); every op kind of the call vocabulary occurs. The filesystem
/// uses a zero default lock timeout so a contended lock fails at once instead of waiting, and
/// is reset (untimed) every 2000 calls so trees stay small. A handle call on an empty or
/// closed slot is not timed (it would time the executor's refusal, not the core).
pub fn run_workload(ops: u64, seed: u64) -> Result<LatencyReport, StressError> {
    let cfg = FsConfig {
        quota: 16 * 1024 * 1024,
        slots: SLOTS,
        ..FsConfig::default()
    };
    let build = || -> Result<CoreExec, StressError> {
        let fs = exec::builder(&cfg).build()?;
        for d in DIRS {
            let _ = fs.mkdir(d, true);
        }
        Ok(CoreExec::new(fs, cfg.slots))
    };
    let mut core = build()?;
    let mut r = Rng(seed.max(1));
    let mut samples: BTreeMap<&'static str, Vec<(u64, bool)>> = BTreeMap::new();
    let payload: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    for i in 0..ops {
        if i % 2000 == 0 && i > 0 {
            core = build()?;
        }
        // Cycle through every kind first, then pick at random.
        let op = if (i as usize) < OPS.len() {
            OPS[i as usize]
        } else {
            OPS[r.below(OPS.len())]
        };
        let call = call_of(op, &mut r, &payload);
        if let Some(slot) = call.slot().filter(|_| !matches!(call, Call::Open { .. })) {
            let live = core
                .slots()
                .get(usize::from(slot))
                .and_then(Option::as_ref)
                .is_some_and(|s| !s.handle.is_closed());
            if !live {
                continue;
            }
        }
        let t = Instant::now();
        let out = core.run(&call);
        let elapsed = t.elapsed();
        let failed = !matches!(out, Ok(CallOutcome::Ok(_)));
        samples
            .entry(call.op())
            .or_default()
            .push((elapsed.as_nanos() as u64, failed));
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
