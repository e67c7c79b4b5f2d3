//! Namespace operations with the check orders of semantics §6: mkdir, rename/move, remove,
//! rmtree, walk, glob.

use crate::Result;
use crate::error::MfsError;
use crate::fs::Shared;
use crate::glob::{has_magic, match_component};
use crate::namespace::{DirNode, Kind, Node, count, first_open, for_each_file};
use crate::path::{self, is_within, normalize, split_parent};
use crate::sync::atomic::Ordering;
use crate::sync::lock;
use crate::types::WalkEntry;
use std::collections::BTreeSet;

/// `mkdir(p, exist_ok)`: always creates parents; nothing is made when it fails.
pub(crate) fn mkdir(sh: &Shared, raw: &str, exist_ok: bool) -> Result<()> {
    let norm = normalize(raw)?;
    let p: &str = &norm;
    if exist_ok {
        // The common case (the directory is there) needs only shared mode.
        let tree = sh.ns_read();
        if tree.with_kind(p, |k| matches!(k, Some(Kind::Dir(_)))) {
            return Ok(());
        }
    }
    let mut tree = sh.ns_write();
    let missing = tree
        .missing_dirs(p)
        .map_err(|()| MfsError::already_exists(p))?;
    if missing == 0 {
        return if exist_ok {
            Ok(())
        } else {
            Err(MfsError::already_exists(p))
        };
    }
    sh.check_nodes(&tree, missing, p)?;
    let now = sh.now();
    tree.dirs += missing;
    tree.make_dirs(p, now);
    Ok(())
}

/// `rename` (`create_parents` false) and `move` (true) with the check order of §6.
pub(crate) fn rename(sh: &Shared, src: &str, dst: &str, create_parents: bool) -> Result<()> {
    let s_norm = normalize(src)?;
    let d_norm = normalize(dst)?;
    let (s, d): (&str, &str) = (&s_norm, &d_norm);
    let mut tree = sh.ns_write();
    if s == "/" {
        return Err(MfsError::invalid_input(
            s,
            "the root cannot be renamed or moved",
        ));
    }
    // The error names the open file (the oracle names the first open handle's path).
    let open = match tree.kind_at(s) {
        None => return Err(MfsError::not_found(s)),
        Some(Kind::File(f)) => f.lock.is_held().then(|| s.to_string()),
        Some(Kind::Dir(dir)) => first_open(dir, s),
    };
    if tree.kind_at(d).is_some() {
        return Err(MfsError::already_exists(d));
    }
    if is_within(d, s) {
        return Err(MfsError::invalid_input(
            d,
            format!("cannot move `{s}` inside itself"),
        ));
    }
    let (d_parent, d_name) = split_parent(d);
    if !create_parents && !tree.is_dir(d_parent) {
        return Err(MfsError::not_found(d));
    }
    if let Some(o) = open {
        return Err(MfsError::file_open(&o));
    }
    if create_parents {
        let missing = tree
            .missing_dirs(d_parent)
            .map_err(|()| MfsError::already_exists(d))?;
        sh.check_nodes(&tree, missing, d)?;
        if missing > 0 {
            let now = sh.now();
            tree.dirs += missing;
            tree.make_dirs(d_parent, now);
        }
    }
    let Some(node) = tree.detach(s) else {
        return Err(MfsError::not_found(s));
    };
    match tree.get_dir_mut(d_parent) {
        Some(dir) => {
            dir.kids_mut().insert(d_name.into(), node);
            Ok(())
        }
        None => {
            // Unreachable after the checks above; put the node back rather than lose it.
            let (sp, sn) = split_parent(s);
            if let Some(dir) = tree.get_dir_mut(sp) {
                dir.kids_mut().insert(sn.into(), node);
            }
            Err(MfsError::not_found(d))
        }
    }
}

/// `remove(p)`: a closed file only. Shared mode: only the parent directory is write-locked,
/// which excludes every open of a file in it between its lookup and its lock. Files directly
/// in `/` are removed in exclusive mode (the root's children change only there).
pub(crate) fn remove(sh: &Shared, raw: &str) -> Result<()> {
    let norm = normalize(raw)?;
    let p: &str = &norm;
    if p == "/" {
        return Err(MfsError::is_a_directory(p));
    }
    let tree = sh.ns_read();
    let (parent, name) = split_parent(p);
    let shared = tree.with_dir(parent, |d| {
        let Some(d) = d else {
            return Some(Err(MfsError::not_found(p)));
        };
        let mut kids = d.kids_write()?;
        Some(check_removable(kids.get(name), p).map(|()| {
            if let Some(Node::File(f)) = kids.shift_remove(name) {
                let d = lock(&f.data);
                // Count and usage move as one for `stats` (see `seqlock`).
                tree.stats_seqlock.write(|| {
                    tree.files.fetch_sub(1, Ordering::Relaxed);
                    sh.quota.release(d.charged(sh.settings.overhead));
                    sh.chunks.fetch_sub(d.chunk_count(), Ordering::Relaxed);
                });
            }
        }))
    });
    drop(tree);
    if let Some(done) = shared {
        return done;
    }
    let mut tree = sh.ns_write();
    check_removable(tree.node(p), p)?;
    if let Some(Node::File(f)) = tree.detach(p) {
        tree.files.fetch_sub(1, Ordering::Relaxed);
        let d = lock(&f.data);
        sh.quota.release(d.charged(sh.settings.overhead));
        sh.chunks.fetch_sub(d.chunk_count(), Ordering::Relaxed);
    }
    Ok(())
}

/// Why the node at `p` cannot be removed (missing, a directory, open), if so.
fn check_removable(node: Option<&Node>, p: &str) -> Result<()> {
    match node {
        None => Err(MfsError::not_found(p)),
        Some(Node::Dir(_)) => Err(MfsError::is_a_directory(p)),
        Some(Node::File(f)) if f.lock.is_held() => Err(MfsError::file_open(p)),
        Some(Node::File(_)) => Ok(()),
    }
}

/// `rmtree(p)`: a directory and everything below, when nothing inside is open.
pub(crate) fn rmtree(sh: &Shared, raw: &str) -> Result<()> {
    let norm = normalize(raw)?;
    let p: &str = &norm;
    let mut tree = sh.ns_write();
    if p == "/" {
        return Err(MfsError::invalid_input(
            p,
            "the root cannot be removed; rmtree its children instead",
        ));
    }
    match tree.kind_at(p) {
        None => return Err(MfsError::not_found(p)),
        Some(Kind::File(_)) => return Err(MfsError::not_a_directory(p)),
        Some(Kind::Dir(d)) => {
            if let Some(o) = first_open(d, p) {
                return Err(MfsError::file_open(&o));
            }
        }
    }
    if let Some(Node::Dir(dir)) = tree.detach(p) {
        let (files, dirs) = count(&dir);
        tree.files.fetch_sub(files, Ordering::Relaxed);
        tree.dirs -= dirs + 1;
        let (mut bytes, mut chunks) = (0, 0);
        for_each_file(&dir, p, &mut |_, f| {
            let d = lock(&f.data);
            bytes += d.charged(sh.settings.overhead);
            chunks += d.chunk_count();
        });
        sh.quota.release(bytes);
        sh.chunks.fetch_sub(chunks, Ordering::Relaxed);
    }
    Ok(())
}

/// `walk(p)`: top-down, insertion order. A file at `p` is `NotADirectory` (like `listdir`).
pub(crate) fn walk(sh: &Shared, raw: &str) -> Result<Vec<WalkEntry>> {
    let norm = normalize(raw)?;
    let p: &str = &norm;
    let mut tree = sh.ns_write();
    let dir = match tree.kind_at(p) {
        None => return Err(MfsError::not_found(p)),
        Some(Kind::File(_)) => return Err(MfsError::not_a_directory(p)),
        Some(Kind::Dir(d)) => d,
    };
    let mut out = Vec::new();
    walk_rec(dir, p, &mut out);
    Ok(out)
}

fn walk_rec(dir: &DirNode, p: &str, out: &mut Vec<WalkEntry>) {
    let mut entry = WalkEntry {
        dir: p.to_string(),
        dirs: Vec::new(),
        files: Vec::new(),
    };
    let kids = dir.kids();
    for (name, node) in kids.iter() {
        match node {
            Node::Dir(_) => entry.dirs.push(name.to_string()),
            Node::File(_) => entry.files.push(name.to_string()),
        }
    }
    out.push(entry);
    for (name, node) in kids.iter() {
        if let Node::Dir(sub) = node {
            walk_rec(sub, &path::join(p, name), out);
        }
    }
}

/// `glob(pattern)`: sorted, without duplicates. The pattern is split, not normalized: `\`
/// becomes `/`, empty parts are dropped, `.`/`..` are literal parts (they match no name), and
/// a relative pattern starts at the root; the root itself is never a match (as the oracle and
/// D-MemFS). `**` is zero or more directories; a trailing `**` matches every file and
/// directory below its base.
pub(crate) fn glob(sh: &Shared, pattern: &str) -> Result<Vec<String>> {
    let pats: Vec<&str> = pattern
        .split(['/', '\\'])
        .filter(|s| !s.is_empty())
        .collect();
    if pats.is_empty() {
        return Ok(Vec::new());
    }
    let tree = sh.ns_write();
    let mut out = BTreeSet::new();
    glob_rec(&tree.root, "/", &pats, &mut out);
    Ok(out.into_iter().collect())
}

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

fn all_below(dir: &DirNode, base: &str, out: &mut BTreeSet<String>) {
    for (name, node) in dir.kids().iter() {
        let p = path::join(base, name);
        if let Node::Dir(sub) = node {
            all_below(sub, &p, out);
        }
        out.insert(p);
    }
}
