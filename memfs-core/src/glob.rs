//! `glob` (semantics §6): the walk of the tree along a pattern's parts, and the matching of one
//! path component: `*`, `?`, `[...]`, `[!...]`. Always case-sensitive; a leading dot is not
//! special.

use crate::error::Result;
use crate::fs::MemoryFileSystem;
use crate::namespace::{DirNode, Node};
use crate::path;
use std::collections::BTreeSet;

impl MemoryFileSystem {
    /// Paths matching `pattern`, sorted, without duplicates. The pattern is split, not
    /// normalized: `\` becomes `/`, empty parts are dropped, `.`/`..` are literal parts (they
    /// match no name), and a relative pattern starts at the root; the root itself is never a match
    /// (as the oracle and D-MemFS). `**` is zero or more directories; a trailing `**` matches every
    /// file and directory below its base. Runs in exclusive mode.
    pub fn glob(&self, pattern: &str) -> Result<Vec<String>> {
        let pats: Vec<&str> = pattern
            .split(['/', '\\'])
            .filter(|s| !s.is_empty())
            .collect();
        if pats.is_empty() {
            return Ok(Vec::new());
        }
        let tree = self.inner.ns_write();
        let mut out = BTreeSet::new();
        glob_rec(&tree.root, "/", &pats, &mut out);
        Ok(out.into_iter().collect())
    }
}

/// Adds to `out` the paths below `dir` (at `base`) that match the pattern parts `pats`.
fn glob_rec(dir: &DirNode, base: &str, pats: &[&str], out: &mut BTreeSet<String>) {
    let Some((first, rest)) = pats.split_first() else {
        return;
    };
    if *first == "**" {
        if rest.is_empty() {
            all_below(dir, base, out);
            return;
        }
        glob_rec(dir, base, rest, out);
        for (name, node) in dir.kids().iter() {
            if let Node::Dir(sub) = node {
                glob_rec(sub, &path::join(base, name), pats, out);
            }
        }
        return;
    }
    let mut visit = |name: &str, node: &Node| {
        if rest.is_empty() {
            out.insert(path::join(base, name));
        } else if let Node::Dir(sub) = node {
            glob_rec(sub, &path::join(base, name), rest, out);
        }
    };
    let kids = dir.kids();
    if has_magic(first) {
        for (name, node) in kids.iter() {
            if match_component(first, name) {
                visit(name, node);
            }
        }
    } else if let Some(node) = kids.get(*first) {
        visit(first, node);
    }
}

/// Adds to `out` every file and directory below `dir` (at `base`): a trailing `**`.
fn all_below(dir: &DirNode, base: &str, out: &mut BTreeSet<String>) {
    for (name, node) in dir.kids().iter() {
        let p = path::join(base, name);
        if let Node::Dir(sub) = node {
            all_below(sub, &p, out);
        }
        out.insert(p);
    }
}

/// Whether `name` matches the one-component pattern `pat`.
fn match_component(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

/// Whether a component pattern uses any wildcard (else it is a literal name).
fn has_magic(pat: &str) -> bool {
    pat.contains(['*', '?', '['])
}

/// Iterative wildcard matching with backtracking to the last `*` (linear in practice).
fn match_from(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = match_class(p, pi, n[ni]) {
                        if matched {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        // An unclosed `[` is a literal character.
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                c => {
                    if c == n[ni] {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches `c` against the class starting at `p[start] == '['`. Returns whether it matched and
/// the index after the class, or `None` when the class is not closed (then `[` is literal).
/// A `]` right after `[` or `[!` is a member; `a-z` is a range.
fn match_class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = i < p.len() && p[i] == '!';
    if negate {
        i += 1;
    }
    let first = i;
    let mut matched = false;
    loop {
        if i >= p.len() {
            return None;
        }
        if p[i] == ']' && i > first {
            return Some((matched != negate, i + 1));
        }
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // spec: GLOB-1, GLOB-2, GLOB-3, GLOB-6
    #[test]
    fn component_matching_table() {
        let cases = [
            ("*", "abc", true),
            ("*", "", true),
            ("*", ".hidden", true),
            ("a*", "abc", true),
            ("a*", "bac", false),
            ("*.txt", "x.txt", true),
            ("*.txt", "x.txtx", false),
            ("?", "a", true),
            ("?", "ab", false),
            ("a?c", "abc", true),
            ("[abc]", "b", true),
            ("[abc]", "d", false),
            ("[!abc]", "d", true),
            ("[!abc]", "a", false),
            ("[a-c]x", "bx", true),
            ("[a-c]x", "dx", false),
            ("[]]", "]", true),
            ("[!]]", "a", true),
            ("[a-]", "-", true),
            ("[ab", "[ab", true),
            ("[ab", "a", false),
            ("A*", "abc", false),
            ("*a*b*", "xxaxxbxx", true),
            ("*a*b", "xxaxxbxx", false),
            ("a**b", "ab", true),
        ];
        for (p, n, want) in cases {
            assert_eq!(match_component(p, n), want, "{p:?} vs {n:?}");
        }
        assert!(has_magic("a*"));
        assert!(!has_magic("abc"));
    }
}
