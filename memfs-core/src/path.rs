//! Path normalization and the traversal check (semantics §1).
//!
//! Every operation normalizes its path argument first. Already-normalized paths (the common
//! case in hot loops) are returned borrowed, without allocating.

use crate::error::MfsError;
use std::borrow::Cow;

/// A normalized path and the position of its last `/`, found by the pass that checked it: the
/// hot operations split off the last name without scanning the path again.
#[derive(Debug)]
pub(crate) struct NormPath<'a> {
    text: Cow<'a, str>,
    last_slash: usize,
}

impl NormPath<'_> {
    /// The parent path and the last name (`("/", "")` for the root), as [`split_parent`].
    #[inline]
    pub(crate) fn split_parent(&self) -> (&str, &str) {
        let p: &str = &self.text;
        match self.last_slash {
            0 => ("/", &p[1..]),
            i => (&p[..i], &p[i + 1..]),
        }
    }

    /// The path as an owned string.
    pub(crate) fn into_owned(self) -> String {
        self.text.into_owned()
    }

    /// Whether the path was already normal, so that nothing was allocated.
    #[cfg(test)]
    fn is_borrowed(&self) -> bool {
        matches!(self.text, Cow::Borrowed(_))
    }
}

impl std::ops::Deref for NormPath<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// Normalizes `raw`: `\` becomes `/`, the result is absolute, `.` and empty parts vanish, and
/// `..` removes the previous part. A `..` that would climb above the root is `InvalidInput`
/// (checked on the raw parts, left to right).
///
/// Inlined: returned through memory, the result was read back with wider loads than the
/// stores that wrote it, and each open stalled on that (store forwarding fails).
#[inline]
pub(crate) fn normalize(raw: &str) -> Result<NormPath<'_>, MfsError> {
    match normal_last_slash(raw) {
        Some(last_slash) => Ok(NormPath {
            text: Cow::Borrowed(raw),
            last_slash,
        }),
        None => normalize_rebuilt(raw),
    }
}

/// The slow path of [`normalize`], kept out of line.
#[inline(never)]
fn normalize_rebuilt(raw: &str) -> Result<NormPath<'_>, MfsError> {
    let text = rebuild(raw)?;
    // A rebuilt path starts with `/`: the search cannot fail.
    let last_slash = text.rfind('/').unwrap_or(0);
    Ok(NormPath {
        text: Cow::Owned(text),
        last_slash,
    })
}

/// The normal form of `raw`, built part by part (the slow path of [`normalize`]).
fn rebuild(raw: &str) -> Result<String, MfsError> {
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
        return Ok("/".to_string());
    }
    let mut out = String::with_capacity(raw.len() + 1);
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    Ok(out)
}

/// Whether `p` is already in normal form (the tests' name for [`normal_last_slash`]).
#[cfg(test)]
fn is_normalized(p: &str) -> bool {
    normal_last_slash(p).is_some()
}

/// Where the last `/` of `p` is, if `p` is already in normal form: `/`, or `/name(/name)*`
/// with no empty, `.` or `..` part and no backslash.
/// One pass over the bytes with two compares each (this runs on every call); the pass finds
/// the last `/` on the way, for [`NormPath::split_parent`].
fn normal_last_slash(p: &str) -> Option<usize> {
    let Some((&b'/', rest)) = p.as_bytes().split_first() else {
        return None;
    };
    if rest.is_empty() {
        return Some(0);
    }
    let mut start = 0;
    for (i, &c) in rest.iter().enumerate() {
        if c == b'/' {
            if !part_ok(&rest[start..i]) {
                return None;
            }
            start = i + 1;
        } else if c == b'\\' {
            return None;
        }
    }
    // `start` indexes `rest`: the `/` before the last part is at `start` in `p`.
    part_ok(&rest[start..]).then_some(start)
}

/// Whether one part of a path may stay as it is.
fn part_ok(part: &[u8]) -> bool {
    !matches!(part, b"" | b"." | b"..")
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
    match norm.rfind('/') {
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
            let n = normalize(raw).unwrap();
            assert_eq!(&*n, want, "normalize({raw:?})");
            // The split from the checking pass agrees with searching the result.
            if want != "/" {
                assert_eq!(n.split_parent(), split_parent(want), "{raw:?}");
            }
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
            assert!(normalize(p).unwrap().is_borrowed(), "{p}");
        }
        for p in ["a", "/a/", "//a", "/a/.", "/a/../b", "/a\\b"] {
            assert!(!normalize(p).unwrap().is_borrowed(), "{p}");
        }
    }

    proptest::proptest! {
        // spec: PATH-3, PATH-4, PATH-5, PATH-6
        /// The fast check agrees with the slow path: a path is left as it is exactly when
        /// rebuilding it part by part gives it back unchanged.
        #[test]
        fn fast_check_agrees_with_rebuilding(p in "[/\\\\.ab]{0,12}") {
            proptest::prop_assert_eq!(
                is_normalized(&p),
                rebuild(&p).is_ok_and(|s| s == p),
                "{:?}", p
            );
        }

        // spec: PATH-3, PATH-4, PATH-5, PATH-6
        /// The last `/` found while checking (or after rebuilding) splits every path as
        /// searching the normal form for it does.
        #[test]
        fn carried_split_agrees_with_searching(p in "[/\\\\.ab]{0,12}") {
            if let Ok(n) = normalize(&p)
                && &*n != "/"
            {
                proptest::prop_assert_eq!(n.split_parent(), split_parent(&n), "{:?}", p);
            }
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
