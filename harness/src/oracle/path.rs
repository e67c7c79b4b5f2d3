//! Path normalization (semantics §1) and small helpers over normalized paths. Written from the
//! rules, not shared with memfs-core.

use super::error::{Kind, OracleError, Result};

/// Normalizes `raw`: `\` -> `/`, relative -> absolute, `.` and empty parts dropped, `..` resolved.
/// The traversal check runs on the raw parts, left to right: a name +1, `..` -1, below 0 is
/// `InvalidInput` (so `/a/..` is `/` but `..`, `../x`, `a/../..` are rejected).
pub fn normalize(raw: &str) -> Result<String> {
    let converted = raw.replace('\\', "/");
    let mut stack: Vec<&str> = Vec::new();
    for part in converted.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if stack.pop().is_none() {
                    return Err(OracleError::new(Kind::InvalidInput, raw));
                }
            }
            name => stack.push(name),
        }
    }
    Ok(format!("/{}", stack.join("/")))
}

/// Whether `raw` passes [`normalize`].
pub fn is_valid(raw: &str) -> bool {
    normalize(raw).is_ok()
}

/// The parent of a normalized path; `None` for the root.
pub fn parent(p: &str) -> Option<String> {
    if p == "/" {
        return None;
    }
    match p.rfind('/') {
        Some(0) => Some("/".to_string()),
        Some(i) => Some(p[..i].to_string()),
        None => None,
    }
}

/// The last component of a normalized path (`""` for the root).
pub fn name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or("")
}

/// `dir` + `/` + `child`, without doubling the root's slash.
pub fn join(dir: &str, child: &str) -> String {
    if dir == "/" {
        format!("/{child}")
    } else {
        format!("{dir}/{child}")
    }
}

/// Whether `p` lies strictly below `ancestor` (both normalized).
pub fn is_strictly_inside(p: &str, ancestor: &str) -> bool {
    if ancestor == "/" {
        return p != "/";
    }
    p.len() > ancestor.len() && p.starts_with(ancestor) && p.as_bytes()[ancestor.len()] == b'/'
}

/// Whether `p` is `ancestor` or lies below it.
pub fn is_at_or_inside(p: &str, ancestor: &str) -> bool {
    p == ancestor || is_strictly_inside(p, ancestor)
}

/// The components of a normalized path (empty for the root).
pub fn components(p: &str) -> Vec<&str> {
    p.split('/').filter(|s| !s.is_empty()).collect()
}

/// The proper ancestors of `p` below the root, outermost first (`/a/b/c` -> `/a`, `/a/b`).
pub fn ancestors_below_root(p: &str) -> Vec<String> {
    let comps = components(p);
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in comps.iter().take(comps.len().saturating_sub(1)) {
        cur.push('/');
        cur.push_str(c);
        out.push(cur.clone());
    }
    out
}

/// Replaces the prefix `from` of `p` (which is at or inside `from`) by `to`.
pub fn rebase(p: &str, from: &str, to: &str) -> String {
    if p == from {
        return to.to_string();
    }
    let rest = if from == "/" {
        &p[1..]
    } else {
        &p[from.len() + 1..]
    };
    join(to, rest)
}
