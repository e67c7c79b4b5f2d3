//! Step values as scenarios see them: the JSON form `returns:` compares against, `len`,
//! `contains`, and the matching rule (maps match on the expected keys).

use crate::fs::observation::StepValue;
use serde_json::{Value as J, json};

fn bytes_json(b: &[u8]) -> J {
    match std::str::from_utf8(b) {
        Ok(s) => J::String(s.to_string()),
        Err(_) => J::Array(b.iter().map(|x| json!(x)).collect()),
    }
}

/// A step's value as JSON, the form `returns:` is compared against (bytes as text when UTF-8;
/// `stat` and `stats` with the library's field names).
pub fn to_json(v: &StepValue) -> J {
    match v {
        StepValue::Unit => J::Null,
        StepValue::Bool(b) => json!(b),
        StepValue::U64(n) => json!(n),
        StepValue::Bytes(b) => bytes_json(b),
        StepValue::Names(v) => json!(v),
        StepValue::Stat {
            size,
            created,
            modified,
            generation,
            is_dir,
        } => json!({
            "size": size, "created_at": created, "modified_at": modified,
            "generation": generation, "is_dir": is_dir,
        }),
        StepValue::Stats(s) => json!({
            "used_bytes": s.used_bytes, "quota_bytes": s.quota_bytes, "free_bytes": s.free_bytes,
            "file_count": s.file_count, "dir_count": s.dir_count, "chunk_count": s.chunk_count,
            "overhead_per_chunk_estimate": s.overhead_per_chunk_estimate,
        }),
        StepValue::Files(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), bytes_json(v))).collect())
        }
        StepValue::Walk(w) => J::Array(w.iter().map(|(d, ds, fs)| json!([d, ds, fs])).collect()),
    }
}

pub fn value_len(v: &StepValue) -> Option<u64> {
    Some(match v {
        StepValue::Bytes(b) => b.len() as u64,
        StepValue::Names(v) => v.len() as u64,
        StepValue::Files(m) => m.len() as u64,
        StepValue::Walk(w) => w.len() as u64,
        _ => return None,
    })
}

pub fn value_contains(v: &StepValue, needle: &str) -> Option<bool> {
    Some(match v {
        StepValue::Bytes(b) => {
            needle.is_empty() || b.windows(needle.len()).any(|w| w == needle.as_bytes())
        }
        StepValue::Names(v) => v.iter().any(|n| n == needle),
        StepValue::Files(m) => m.contains_key(needle),
        _ => return None,
    })
}

/// Whether `actual` matches `expected`: maps match on the expected keys, everything else exactly
/// (numbers compare by value).
pub fn matches(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        (J::Object(e), J::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| matches(v, av))),
        (J::Array(e), J::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y))
        }
        (J::Number(e), J::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}
