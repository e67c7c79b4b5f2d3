//! Glob matching (semantics §6), written from the rules: `*`, `?`, `[...]`, `[!...]` within one
//! component (Python `fnmatch` syntax, case-sensitive, leading dots not special); `**` as a
//! whole part matches zero or more directories, and as the final part everything below.

/// The pattern's parts: `\` -> `/`, split on `/`, empty parts dropped (fixed).
pub fn pattern_parts(pattern: &str) -> Vec<String> {
    pattern
        .replace('\\', "/")
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a node with path components `comps` matches the pattern `parts`.
/// A non-final `**` consumes any number (0..) of leading components (all of them directories,
/// since only the last component of a path can be a file); a final `**` needs at least one
/// component, so `/a/**` lists everything below `/a` but not `/a` itself (as D-MemFS).
pub fn matches_path(parts: &[String], comps: &[&str]) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return comps.is_empty();
    };
    if first == "**" {
        if rest.is_empty() {
            return !comps.is_empty();
        }
        return (0..=comps.len()).any(|k| matches_path(rest, &comps[k..]));
    }
    match comps.split_first() {
        Some((c, more)) => fnmatch(c, first) && matches_path(rest, more),
        None => false,
    }
}

/// One element of a compiled component pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Any,
    Star,
    /// A bracket set: (negated, single chars and inclusive ranges).
    Set(bool, Vec<(char, char)>),
}

/// Compiles a component pattern. An unclosed `[` is a literal `[` (as Python's fnmatch); in a
/// set a leading `!` negates, a `]` right after `[` or `[!` is literal, `a-z` is a range, a
/// reversed range matches nothing, and `-` first or last is literal.
fn compile(pat: &str) -> Vec<Tok> {
    let cs: Vec<char> = pat.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        match cs[i] {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::Any),
            '[' => {
                let mut j = i + 1;
                let negate = j < cs.len() && cs[j] == '!';
                if negate {
                    j += 1;
                }
                if j < cs.len() && cs[j] == ']' {
                    j += 1;
                }
                match (j..cs.len()).find(|&k| cs[k] == ']') {
                    None => out.push(Tok::Lit('[')),
                    Some(close) => {
                        let start = i + 1 + usize::from(negate);
                        out.push(Tok::Set(negate, ranges(&cs[start..close])));
                        i = close;
                    }
                }
            }
            c => out.push(Tok::Lit(c)),
        }
        i += 1;
    }
    out
}

/// The ranges of a bracket set's body.
fn ranges(body: &[char]) -> Vec<(char, char)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < body.len() {
        if k + 2 < body.len() && body[k + 1] == '-' {
            out.push((body[k], body[k + 2]));
            k += 3;
        } else {
            out.push((body[k], body[k]));
            k += 1;
        }
    }
    out
}

/// Whether the single component `name` matches the component pattern `pat`.
pub fn fnmatch(name: &str, pat: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    match_toks(&name, &compile(pat))
}

fn match_toks(name: &[char], toks: &[Tok]) -> bool {
    let Some((t, rest)) = toks.split_first() else {
        return name.is_empty();
    };
    match t {
        Tok::Star => (0..=name.len()).any(|k| match_toks(&name[k..], rest)),
        _ => match name.split_first() {
            None => false,
            Some((c, more)) => {
                let ok = match t {
                    Tok::Lit(l) => c == l,
                    Tok::Any => true,
                    Tok::Set(neg, rs) => rs.iter().any(|(lo, hi)| lo <= c && c <= hi) != *neg,
                    Tok::Star => false,
                };
                ok && match_toks(more, rest)
            }
        },
    }
}
