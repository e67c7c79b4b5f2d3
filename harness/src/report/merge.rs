//! Reading run results and merging the shards of one sharded exploration into one result.

use crate::outcome::{DepthTiming, RunResult};
use std::collections::BTreeSet;
use std::path::Path;

/// Reads one `explore --json` result; the error says which file and why.
pub fn load_run(path: &Path) -> Result<RunResult, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read run result: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a run result ({e}); produce one with `harness explore --depth N --json FILE`",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// Merges shard results: counts, steps, sequences, distinct states and seconds are summed
/// (seconds are then CPU-seconds over all shards), per-depth timings are summed level by
/// level, failures are concatenated, coverage is merged. All shards must share depth and
/// alphabet, and a sharded set must be complete (`1/n` .. `n/n`, or `0/n` .. `n-1/n`).
pub fn merge_runs(runs: &[RunResult]) -> Result<RunResult, String> {
    let Some(first) = runs.first() else {
        return Err("nothing to merge: give at least one run result".into());
    };
    if runs.len() == 1 {
        return Ok(first.clone());
    }
    let mut out = RunResult {
        depth: first.depth,
        alphabet: first.alphabet,
        shard: None,
        ..Default::default()
    };
    let mut shards = BTreeSet::new();
    let mut total = None;
    for (i, r) in runs.iter().enumerate() {
        if r.depth != first.depth || r.alphabet != first.alphabet {
            return Err(format!(
                "run {} has depth {} and alphabet {}, run 1 has depth {} and alphabet {}: merge only shards of one exploration",
                i + 1,
                r.depth,
                r.alphabet,
                first.depth,
                first.alphabet
            ));
        }
        match r.shard {
            Some((k, n)) => {
                if *total.get_or_insert(n) != n {
                    return Err(format!(
                        "run {} is shard {k}/{n} but an earlier run was out of {}",
                        i + 1,
                        total.unwrap_or(n)
                    ));
                }
                if !shards.insert(k) {
                    return Err(format!("shard {k}/{n} given twice"));
                }
            }
            None => {
                return Err(format!(
                    "run {} is not a shard (no `shard`): merge only `--shard i/n` results",
                    i + 1
                ));
            }
        }
        out.sequences += r.sequences;
        out.steps += r.steps;
        out.distinct_states += r.distinct_states;
        out.seconds += r.seconds;
        for d in &r.per_depth {
            match out.per_depth.iter_mut().find(|x| x.depth == d.depth) {
                Some(x) => {
                    x.steps += d.steps;
                    x.seconds += d.seconds;
                }
                None => out.per_depth.push(DepthTiming { ..*d }),
            }
        }
        out.failures.extend(r.failures.iter().cloned());
        out.coverage.merge(&r.coverage);
    }
    out.per_depth.sort_by_key(|d| d.depth);
    if let Some(n) = total {
        let complete = shards.len() as u32 == n
            && (shards.iter().copied().eq(1..=n) || shards.iter().copied().eq(0..n));
        if !complete {
            return Err(format!(
                "incomplete shard set: have {:?} of {n}; every shard's result is needed",
                shards
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::ClauseCount;

    fn shard(k: u32, n: u32, held: u64) -> RunResult {
        let mut r = RunResult {
            depth: 2,
            alphabet: 3,
            shard: Some((k, n)),
            steps: 10,
            seconds: 1.0,
            ..Default::default()
        };
        r.per_depth = vec![
            DepthTiming {
                depth: 1,
                steps: 3,
                seconds: 0.1,
            },
            DepthTiming {
                depth: 2,
                steps: 7,
                seconds: 0.9,
            },
        ];
        r.coverage.clauses.insert(
            "A-1".into(),
            ClauseCount {
                held,
                failed: 1,
                checked: 0,
            },
        );
        r.coverage
            .actions
            .entry("mkdir".into())
            .or_default()
            .insert("ok".into(), 2);
        r
    }

    #[test]
    fn sums_shards() {
        let m = merge_runs(&[shard(1, 2, 4), shard(2, 2, 5)]).unwrap();
        assert_eq!(m.steps, 20);
        assert_eq!(m.shard, None);
        assert_eq!(m.per_depth[1].steps, 14);
        assert_eq!(
            m.coverage.clauses["A-1"],
            ClauseCount {
                held: 9,
                failed: 2,
                checked: 0
            }
        );
        assert_eq!(m.coverage.actions["mkdir"]["ok"], 4);
    }

    #[test]
    fn rejects_bad_sets() {
        assert!(
            merge_runs(&[shard(1, 3, 1), shard(2, 3, 1)])
                .unwrap_err()
                .contains("incomplete")
        );
        assert!(
            merge_runs(&[shard(1, 2, 1), shard(1, 2, 1)])
                .unwrap_err()
                .contains("twice")
        );
        let mut other = shard(2, 2, 1);
        other.depth = 3;
        assert!(
            merge_runs(&[shard(1, 2, 1), other])
                .unwrap_err()
                .contains("depth")
        );
        assert!(merge_runs(&[]).is_err());
    }
}
