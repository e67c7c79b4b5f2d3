//! File-level arithmetic of the model: where a handle write lands, whether it promotes the
//! file, what a write, truncate or preallocation leaves behind and what it costs in quota.
//! Preconditions and effects share these functions, so "allowed" and "done" cannot disagree.

use super::state::{FileState, HandleState, Mode, ModelState};
use crate::fs::call::Whence;
use crate::fs::config::{FsConfig, Storage};
use std::sync::Arc;

/// How a handle write of `n` bytes lands on its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WritePlan {
    /// Byte offset the data goes to (EOF for `ab`).
    pub offset: u64,
    /// Size of the file before the write.
    pub size: u64,
    /// Whether the write changes anything (`n > 0`).
    pub effective: bool,
    /// A sequential file written somewhere other than its end.
    pub non_append_on_sequential: bool,
}

impl WritePlan {
    /// Whether this write promotes the file (auto storage, non-append).
    pub fn promotes(&self, cfg: &FsConfig) -> bool {
        self.effective && self.non_append_on_sequential && cfg.storage != Storage::Sequential
    }
}

/// The open handle in `slot` and its file, if both exist.
pub fn handle_file(st: &ModelState, slot: u8) -> Option<(&HandleState, &FileState)> {
    let h = st.open_handle(slot)?;
    let f = st.file(&h.path)?;
    Some((h, f))
}

/// Plans a write of `n` bytes through the handle in `slot`.
pub fn plan_write(st: &ModelState, slot: u8, n: u64) -> Option<WritePlan> {
    let (h, f) = handle_file(st, slot)?;
    let offset = if h.mode == Mode::Ab { f.size() } else { h.pos };
    Some(WritePlan {
        offset,
        size: f.size(),
        effective: n > 0,
        non_append_on_sequential: !f.random && offset != f.size(),
    })
}

/// The file after writing `data` at `offset` (promoting first if needed).
pub fn apply_write(f: &FileState, cfg: &FsConfig, offset: u64, data: &[u8]) -> FileState {
    if data.is_empty() {
        return f.clone();
    }
    let size = f.size();
    let mut out = f.clone();
    if !f.random && offset == size {
        let mut v = Vec::with_capacity(f.data.len() + data.len());
        v.extend_from_slice(&f.data);
        v.extend_from_slice(data);
        out.data = Arc::from(v);
        out.chunks += 1;
    } else {
        if !f.random && cfg.storage == Storage::Sequential {
            return f.clone();
        }
        let start = usize::try_from(offset).unwrap_or(usize::MAX / 2);
        let end = start.saturating_add(data.len());
        let mut v = f.data.to_vec();
        if v.len() < end {
            v.resize(end, 0);
        }
        v[start..end].copy_from_slice(data);
        out.data = Arc::from(v);
        out.random = true;
        out.chunks = 0;
    }
    out.generation += 1;
    out
}

/// The file after `truncate(target)` (or a preallocation when `grow_only`).
pub fn apply_resize(f: &FileState, target: u64) -> FileState {
    let size = f.size();
    let mut out = f.clone();
    if target == size {
        return out;
    }
    let t = usize::try_from(target).unwrap_or(usize::MAX / 2);
    let mut v = f.data.to_vec();
    if target < size {
        v.truncate(t);
        if !f.random {
            out.chunks = u32::from(target > 0);
        }
    } else {
        v.resize(t, 0);
        if !f.random {
            out.chunks += 1;
        }
    }
    out.data = Arc::from(v);
    out.generation += 1;
    out
}

/// The file `wb` leaves after truncating an existing file `f`, before any preallocation:
/// empty, no chunks, generation +1. It keeps its storage kind: a file promoted to random
/// access stays random access (semantics §3 promotes once and never demotes; §4 `wb`
/// truncates the existing file, it does not recreate it), so a preallocation after it is
/// charged as random-access growth, without chunk overhead.
pub fn wb_truncate(f: &FileState) -> FileState {
    let mut out = f.clone();
    out.data = Arc::from(Vec::new());
    out.chunks = 0;
    out.generation += 1;
    out
}

/// Quota used after replacing file `old` (or nothing) by `new`.
pub fn used_after(
    st: &ModelState,
    cfg: &FsConfig,
    old: Option<&FileState>,
    new: &FileState,
) -> u64 {
    (st.used(cfg) + new.usage(cfg)).saturating_sub(old.map_or(0, |f| f.usage(cfg)))
}

/// The cursor a seek would set, or `None` if the seek is invalid (negative target, or a
/// positive offset from the end).
pub fn seek_target(st: &ModelState, slot: u8, whence: Whence, offset: i64) -> Option<u64> {
    let (h, f) = handle_file(st, slot)?;
    let base: i128 = match whence {
        Whence::Start => 0,
        Whence::Current => i128::from(h.pos),
        Whence::End => {
            if offset > 0 {
                return None;
            }
            i128::from(f.size())
        }
    };
    let t = base + i128::from(offset);
    u64::try_from(t).ok()
}

/// Bytes a read of at most `max` would return (and so how far the cursor moves).
pub fn read_len(st: &ModelState, slot: u8, max: Option<u64>) -> u64 {
    match handle_file(st, slot) {
        Some((h, f)) => {
            let avail = f.size().saturating_sub(h.pos);
            max.map_or(avail, |m| m.min(avail))
        }
        None => 0,
    }
}

/// `walk(p)`: top-down (dir, dirnames, filenames) in insertion order.
pub fn walk(st: &ModelState, p: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    walk_into(st, p, &mut out);
    out
}

fn walk_into(st: &ModelState, p: &str, out: &mut Vec<(String, Vec<String>, Vec<String>)>) {
    let Some(children) = st.children(p) else {
        return;
    };
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for c in children {
        if st.is_dir(&super::path::join(p, c)) {
            dirs.push(c.to_string());
        } else {
            files.push(c.to_string());
        }
    }
    out.push((p.to_string(), dirs.clone(), files));
    for d in dirs {
        walk_into(st, &super::path::join(p, &d), out);
    }
}

/// `glob(pattern)`: sorted, unique normalized paths matching the pattern (semantics §6).
pub fn glob(st: &ModelState, pattern: &str) -> Vec<String> {
    // A `\` separates parts, as it does in a path (GLOB-9).
    let pattern = pattern.replace('\\', "/");
    let parts: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let mut out: Vec<String> = st
        .nodes()
        .iter()
        .filter(|(p, _)| &**p != "/")
        .filter(|(p, _)| {
            let comps: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
            match_parts(&parts, &comps)
        })
        .map(|(p, _)| p.to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn match_parts(pat: &[&str], comps: &[&str]) -> bool {
    match pat.first() {
        None => comps.is_empty(),
        // A final `**` matches one or more levels; elsewhere zero or more.
        Some(&"**") if pat.len() == 1 => !comps.is_empty(),
        Some(&"**") => (0..=comps.len()).any(|k| match_parts(&pat[1..], &comps[k..])),
        Some(p) => {
            !comps.is_empty()
                && match_name(p.as_bytes(), comps[0].as_bytes())
                && match_parts(&pat[1..], &comps[1..])
        }
    }
}

/// Matches one component against `*`, `?`, `[...]`, `[!...]`.
fn match_name(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') => (0..=s.len()).any(|k| match_name(&p[1..], &s[k..])),
        Some(b'?') => !s.is_empty() && match_name(&p[1..], &s[1..]),
        Some(b'[') => {
            // A `]` right after `[` or `[!` is a member, not the end (as fnmatch reads it; the
            // walk found `[!]a]` read as an empty negated class).
            let first = if p.get(1) == Some(&b'!') { 2 } else { 1 };
            let Some(close) = p
                .iter()
                .skip(first + 1)
                .position(|&c| c == b']')
                .map(|i| i + first + 1)
            else {
                return !s.is_empty() && s[0] == b'[' && match_name(&p[1..], &s[1..]);
            };
            if s.is_empty() {
                return false;
            }
            let (neg, set) = if p[1] == b'!' {
                (true, &p[2..close])
            } else {
                (false, &p[1..close])
            };
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    hit |= set[i] <= s[0] && s[0] <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == s[0];
                    i += 1;
                }
            }
            hit != neg && match_name(&p[close + 1..], &s[1..])
        }
        Some(c) => !s.is_empty() && s[0] == *c && match_name(&p[1..], &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_names() {
        assert!(match_name(b"*", b"abc"));
        assert!(match_name(b"a?c", b"abc"));
        assert!(
            match_name(b"[!]a]", b"b"),
            "`]` first in a negated class is a member"
        );
        assert!(!match_name(b"[!]a]", b"]"));
        assert!(match_name(b"[]a]", b"]"));
        assert!(!match_name(b"[!]", b"x"), "unclosed: `[!]` is literal");
        assert!(match_name(b"[ab", b"[ab"));
        assert!(match_name(b"[ab]c", b"bc"));
        assert!(!match_name(b"[!ab]c", b"bc"));
        assert!(match_name(b"[a-c]", b"b"));
        assert!(match_parts(&["**", "b"], &["a", "b"]));
        assert!(match_parts(&["**", "b"], &["b"]));
        assert!(!match_parts(&["*"], &["a", "b"]));
    }
}
