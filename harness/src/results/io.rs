//! Reading and writing result files (run results, reports, any JSON or text the harness
//! writes), and merging the shards of one sharded exploration. Used by `report`, `trace` and
//! the CLI alike, so every result file is read and written one way.

use crate::results::{DepthTiming, RunResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A result file could not be read, parsed or written.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The file could not be read.
    #[error("{}: cannot read {what}: {source}", path.display())]
    Read {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    /// The file is not what it should be; `hint` says how to produce a good one.
    #[error("{}:{line}:{col}: not {what} ({message}); {hint}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        what: &'static str,
        message: String,
        hint: &'static str,
    },
    /// The file (or its directory) could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The value could not be serialized.
    #[error("cannot serialize {}: {message}", path.display())]
    Serialize { path: PathBuf, message: String },
}

/// Reads a JSON file of type `T`; `what` names it in errors (`a run result`) and `hint` says
/// how to produce one.
pub fn read_json<T: DeserializeOwned>(
    path: &Path,
    what: &'static str,
    hint: &'static str,
) -> Result<T, IoError> {
    let text = std::fs::read_to_string(path).map_err(|source| IoError::Read {
        path: path.to_path_buf(),
        what,
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| IoError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        col: e.column(),
        what,
        message: e.to_string(),
        hint,
    })
}

/// Reads one `explore --json` result.
pub fn load_run(path: &Path) -> Result<RunResult, IoError> {
    read_json(
        path,
        "a run result",
        "produce one with `harness explore --depth N --json FILE`",
    )
}

/// Writes `text` to `path`, creating its directory.
pub fn write_text(path: &Path, text: &str) -> Result<(), IoError> {
    let write = |p: &Path, source| IoError::Write {
        path: p.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| write(dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| write(path, e))
}

/// Writes `v` as pretty JSON (with a final newline) to `path`, creating its directory.
pub fn write_json<T: Serialize + ?Sized>(path: &Path, v: &T) -> Result<(), IoError> {
    let text = serde_json::to_string_pretty(v).map_err(|e| IoError::Serialize {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_text(path, &(text + "\n"))
}

/// Shard results that do not form one complete sharded exploration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge: give at least one run result")]
    Empty,
    #[error(
        "run {index} has depth {depth} and alphabet {alphabet}, run 1 has depth {first_depth} and alphabet {first_alphabet}: merge only shards of one exploration"
    )]
    Mismatch {
        index: usize,
        depth: u32,
        alphabet: u64,
        first_depth: u32,
        first_alphabet: u64,
    },
    #[error("run {index} is shard {k}/{n} but an earlier run was out of {total}")]
    MixedTotals {
        index: usize,
        k: u32,
        n: u32,
        total: u32,
    },
    #[error("shard {k}/{n} given twice")]
    Duplicate { k: u32, n: u32 },
    #[error("run {index} is not a shard (no `shard`): merge only `--shard i/n` results")]
    NotShard { index: usize },
    #[error("incomplete shard set: have {have:?} of {n}; every shard's result is needed")]
    Incomplete { have: Vec<u32>, n: u32 },
}

/// Merges shard results: counts, steps, sequences, distinct states and seconds are summed
/// (seconds are then CPU-seconds over all shards), per-depth timings are summed level by
/// level, failures are concatenated, coverage is merged. All shards must share depth and
/// alphabet, and a sharded set must be complete (`1/n` .. `n/n`, or `0/n` .. `n-1/n`).
pub fn merge_runs(runs: &[RunResult]) -> Result<RunResult, MergeError> {
    let Some(first) = runs.first() else {
        return Err(MergeError::Empty);
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
            return Err(MergeError::Mismatch {
                index: i + 1,
                depth: r.depth,
                alphabet: r.alphabet,
                first_depth: first.depth,
                first_alphabet: first.alphabet,
            });
        }
        match r.shard {
            Some((k, n)) => {
                if *total.get_or_insert(n) != n {
                    return Err(MergeError::MixedTotals {
                        index: i + 1,
                        k,
                        n,
                        total: total.unwrap_or(n),
                    });
                }
                if !shards.insert(k) {
                    return Err(MergeError::Duplicate { k, n });
                }
            }
            None => {
                return Err(MergeError::NotShard { index: i + 1 });
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
            return Err(MergeError::Incomplete {
                have: shards.into_iter().collect(),
                n,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::ClauseCount;

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
                .to_string()
                .contains("incomplete")
        );
        assert!(
            merge_runs(&[shard(1, 2, 1), shard(1, 2, 1)])
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let mut other = shard(2, 2, 1);
        other.depth = 3;
        assert!(
            merge_runs(&[shard(1, 2, 1), other])
                .unwrap_err()
                .to_string()
                .contains("depth")
        );
        assert!(merge_runs(&[]).is_err());
    }
}
