//! Glob matching within one path component: `*`, `?`, `[...]`, `[!...]` (semantics §6).
//! Always case-sensitive; a leading dot is not special.

/// Whether `name` matches the one-component pattern `pat`.
pub(crate) fn match_component(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

/// Whether a component pattern uses any wildcard (else it is a literal name).
pub(crate) fn has_magic(pat: &str) -> bool {
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

    // spec: §6
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
