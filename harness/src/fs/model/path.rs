//! Path normalization as the semantics document states it (§1), so the model can name nodes
//! exactly as the filesystem does and reject the same invalid paths.

/// Normalizes a raw path: `\` becomes `/`, empty and `.` parts vanish, `..` pops, relative
/// paths become absolute. Returns `None` when a `..` climbs above the root (checked on the raw
/// parts, left to right), which every filesystem call must reject with `InvalidInput`.
pub fn normalize(raw: &str) -> Option<String> {
    let replaced;
    let s = if raw.contains('\\') {
        replaced = raw.replace('\\', "/");
        replaced.as_str()
    } else {
        raw
    };
    let mut parts: Vec<&str> = Vec::new();
    let mut depth: i64 = 0;
    for part in s.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return None;
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
        Some("/".to_string())
    } else {
        let mut out = String::with_capacity(s.len() + 1);
        for p in parts {
            out.push('/');
            out.push_str(p);
        }
        Some(out)
    }
}

/// The parent of a normalized path (`/` is its own parent).
pub fn parent(norm: &str) -> &str {
    match norm.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &norm[..i],
    }
}

/// The last component of a normalized path (empty for the root).
pub fn name(norm: &str) -> &str {
    match norm.rfind('/') {
        Some(i) => &norm[i + 1..],
        None => norm,
    }
}

/// Whether normalized `p` is `q` itself or lies below it.
pub fn is_within(p: &str, q: &str) -> bool {
    if q == "/" {
        return true;
    }
    p == q || (p.len() > q.len() && p.starts_with(q) && p.as_bytes()[q.len()] == b'/')
}

/// Joins a normalized directory path and a child name.
pub fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The proper ancestors of a normalized path, outermost first, root excluded.
pub fn ancestors(norm: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 1;
    while let Some(j) = norm[i..].find('/') {
        out.push(&norm[..i + j]);
        i += j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_the_semantics() {
        // spec: PATH-1
        assert_eq!(normalize("").as_deref(), Some("/"));
        assert_eq!(normalize("a\\b").as_deref(), Some("/a/b"));
        assert_eq!(normalize("//a//./b/").as_deref(), Some("/a/b"));
        assert_eq!(normalize("/a/..").as_deref(), Some("/"));
        assert_eq!(normalize("a/../.."), None);
        assert_eq!(normalize("../x"), None);
        assert_eq!(normalize(".."), None);
    }

    #[test]
    fn helpers() {
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(name("/a/b"), "b");
        assert!(is_within("/a/b", "/a"));
        assert!(!is_within("/ab", "/a"));
        assert!(is_within("/a", "/"));
        assert_eq!(ancestors("/a/b/c"), vec!["/a", "/a/b"]);
        assert!(ancestors("/a").is_empty());
    }
}
