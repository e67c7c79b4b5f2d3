//! Path normalization (semantics §1) and small helpers over normalized paths. Written from the
//! rules, not shared with memfs-core.

use super::error::{Kind, OracleError, Result};

/// Normalizes `raw`: `\` -> `/`, relative -> absolute, `.` and empty parts dropped, `..` resolved.
/// The traversal check runs on the raw parts, left to right: a name +1, `..` -1, below 0 is
/// `InvalidInput` (so `/a/..` is `/` but `..`, `../x`, `a/../..` are rejected).
pub fn normalize(raw: &str) -> Result<String> {
    if is_normalized(raw) {
        return Ok(raw.to_string());
    }
    rebuild(raw)
}

/// [`normalize`] by the rules, part by part.
fn rebuild(raw: &str) -> Result<String> {
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

/// Whether `raw` is already normalized (so [`normalize`] returns it unchanged): `/` alone,
/// or `/` followed by names separated by single `/`, none of them `.` or `..`, no backslash.
/// The explorer's paths are mostly normalized already; this skips the rebuild for them.
fn is_normalized(raw: &str) -> bool {
    if raw == "/" {
        return true;
    }
    let Some(rest) = raw.strip_prefix('/') else {
        return false;
    };
    !raw.contains('\\') && rest.split('/').all(|c| !matches!(c, "" | "." | ".."))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_the_rules() {
        let parts = ["", "/", "a", "b", ".", "..", "\\", "//", "a/", "/a", "x.y"];
        let mut checked = 0;
        for x in parts {
            for y in parts {
                for z in parts {
                    let raw = format!("{x}{y}{z}");
                    if is_normalized(&raw) {
                        assert_eq!(rebuild(&raw).ok().as_deref(), Some(raw.as_str()), "{raw:?}");
                        checked += 1;
                    }
                    assert_eq!(normalize(&raw).ok(), rebuild(&raw).ok(), "{raw:?}");
                }
            }
        }
        assert!(checked > 10, "only {checked} inputs took the fast path");
    }
}
