//! Path normalization and the traversal check (semantics §1).
//!
//! Every operation normalizes its path argument first. Already-normalized paths (the common
//! case in hot loops) are returned borrowed, without allocating.

use crate::error::MfsError;
use std::borrow::Cow;

/// Normalizes `raw`: `\` becomes `/`, the result is absolute, `.` and empty parts vanish, and
/// `..` removes the previous part. A `..` that would climb above the root is `InvalidInput`
/// (checked on the raw parts, left to right).
pub(crate) fn normalize(raw: &str) -> Result<Cow<'_, str>, MfsError> {
    if is_normalized(raw) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut parts: Vec<&str> = Vec::new();
    let mut depth: i64 = 0;
    for part in raw.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return Err(MfsError::InvalidInput {
                        path: raw.to_string(),
                        reason:
                            "path traversal above the root (`..` past `/`): remove the extra `..`"
                                .to_string(),
                    });
                }
                parts.pop();
            }
            name => {
                depth += 1;
                parts.push(name);
            }
        }
    }
    if parts.is_empty() {
        return Ok(Cow::Borrowed("/"));
    }
    let mut out = String::with_capacity(raw.len() + 1);
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    Ok(Cow::Owned(out))
}

/// Whether `p` is already in normal form: `/`, or `/name(/name)*` with no empty, `.` or `..`
/// part and no backslash. One pass over the bytes (this runs on every call).
fn is_normalized(p: &str) -> bool {
    let b = p.as_bytes();
    if b.first() != Some(&b'/') {
        return false;
    }
    if b.len() == 1 {
        return true;
    }
    // A part is bad when empty or made of one or two dots only.
    let bad = |len: usize, dots: usize| len == 0 || (dots == len && len <= 2);
    let (mut len, mut dots) = (0usize, 0usize);
    for &c in &b[1..] {
        match c {
            b'/' => {
                if bad(len, dots) {
                    return false;
                }
                len = 0;
                dots = 0;
            }
            b'\\' => return false,
            b'.' => {
                len += 1;
                dots += 1;
            }
            _ => len += 1,
        }
    }
    !bad(len, dots)
}

/// The parts of a normalized path (none for the root).
pub(crate) fn parts(norm: &str) -> impl Iterator<Item = &str> {
    // A normalized path has no empty part, so only the root needs care.
    let rest = if norm.len() <= 1 {
        None
    } else {
        Some(&norm[1..])
    };
    rest.into_iter().flat_map(|r| r.split('/'))
}

/// Splits a normalized non-root path into its parent path and its last name.
pub(crate) fn split_parent(norm: &str) -> (&str, &str) {
    // A plain backward scan: paths are short, and `rfind`'s word-at-a-time search costs more
    // to set up than it saves on them.
    match norm.bytes().rposition(|c| c == b'/') {
        Some(0) => ("/", &norm[1..]),
        Some(i) => (&norm[..i], &norm[i + 1..]),
        None => ("/", norm),
    }
}

/// Joins a normalized directory path and a name.
pub(crate) fn join(dir: &str, name: &str) -> String {
    let mut s = String::with_capacity(dir.len() + name.len() + 1);
    s.push_str(dir);
    if !dir.ends_with('/') {
        s.push('/');
    }
    s.push_str(name);
    s
}

/// Whether normalized `p` is `anc` or lies below it.
pub(crate) fn is_within(p: &str, anc: &str) -> bool {
    if anc == "/" {
        return true;
    }
    p == anc || (p.len() > anc.len() && p.starts_with(anc) && p.as_bytes()[anc.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    // spec: PATH-1, PATH-2, PATH-3, PATH-4, PATH-5, PATH-6, PATH-7, PATH-10, PATH-11
    #[test]
    fn normalization_table() {
        let ok = [
            ("a/b", "/a/b"),
            ("\\a\\b", "/a/b"),
            ("/a/./b", "/a/b"),
            ("/a/b/..", "/a"),
            ("/a/..", "/"),
            ("/", "/"),
            ("", "/"),
            ("//a//b", "/a/b"),
            ("///a", "/a"),
            ("/a/b/", "/a/b"),
            (".", "/"),
            ("a/./../b", "/b"),
            ("/a b/c*d", "/a b/c*d"),
        ];
        for (raw, want) in ok {
            assert_eq!(normalize(raw).unwrap(), want, "normalize({raw:?})");
        }
        for bad in ["../x", "..", "a/../..", "/a/../../x", "..\\x", "/.."] {
            let e = normalize(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
            assert_eq!(e.path(), bad);
        }
    }

    // spec: PATH-4, PATH-5
    #[test]
    fn normalized_paths_are_borrowed() {
        for p in ["/", "/a", "/a/b.txt", "/x/y/z"] {
            assert!(matches!(normalize(p).unwrap(), Cow::Borrowed(_)), "{p}");
        }
        for p in ["a", "/a/", "//a", "/a/.", "/a/../b", "/a\\b"] {
            assert!(
                matches!(normalize(p).unwrap(), Cow::Owned(_)) || normalize(p).unwrap() == "/",
                "{p}"
            );
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(split_parent("/a"), ("/", "a"));
        assert_eq!(split_parent("/a/b/c"), ("/a/b", "c"));
        assert_eq!(join("/", "a"), "/a");
        assert_eq!(join("/a", "b"), "/a/b");
        assert!(is_within("/a/b", "/a"));
        assert!(is_within("/a", "/a"));
        assert!(!is_within("/ab", "/a"));
        assert!(is_within("/x", "/"));
        assert_eq!(parts("/").count(), 0);
        assert_eq!(parts("/a/b").collect::<Vec<_>>(), ["a", "b"]);
    }
}
