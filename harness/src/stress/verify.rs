//! End-of-run verification: the tree as walked must agree with `stats()` (file and directory
//! counts, chunk count, used bytes recomputed from every file's charged bytes, free bytes),
//! no lock may be left held, and every file's content is returned for the suite to check.

use memfs_core::{LockWait, MemoryFileSystem, OpenMode, OpenOptions};
use std::collections::BTreeMap;
use std::time::Duration;

/// The walked tree: every file's content (read under a try-once writer lock, which also
/// proves no handle was leaked) and the recomputed totals.
#[derive(Debug, Default)]
pub struct TreeSummary {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Files the walk found (readable or not).
    pub file_count: u64,
    pub dirs: u64,
    pub charged: u64,
    pub chunks: u64,
}

/// Walks the whole tree, checks it against `stats()` and returns it; problems go to `fail`.
pub fn verify_tree(fs: &MemoryFileSystem, fail: &mut Vec<String>) -> TreeSummary {
    let mut sum = TreeSummary::default();
    let walk = match fs.walk("/") {
        Ok(w) => w,
        Err(e) => {
            fail.push(format!("final walk(\"/\") failed: {e}"));
            return sum;
        }
    };
    let try_once = OpenOptions::new().lock_timeout(LockWait::For(Duration::ZERO));
    for entry in &walk {
        sum.dirs += 1;
        for name in &entry.files {
            sum.file_count += 1;
            let path = if entry.dir.ends_with('/') {
                format!("{}{name}", entry.dir)
            } else {
                format!("{}/{name}", entry.dir)
            };
            match fs.file_layout(&path) {
                Ok(l) => {
                    sum.charged += l.charged;
                    sum.chunks += l.chunks.len() as u64;
                }
                Err(e) => fail.push(format!("file_layout({path}) failed: {e}")),
            }
            // r+b takes the writer lock without truncating: it fails if any handle is left open.
            match fs.open_with(&path, OpenMode::ReadWrite, &try_once) {
                Ok(mut h) => {
                    match h.read_data(None) {
                        Ok(data) => {
                            sum.files.insert(path.clone(), data);
                        }
                        Err(e) => fail.push(format!("final read of {path} failed: {e}")),
                    }
                    h.close();
                }
                Err(e) => fail.push(format!(
                    "{path}: cannot take its writer lock at the end (leaked lock?): {e}"
                )),
            }
        }
    }
    let s = fs.stats();
    let mut expect = |what: &str, stats: u64, tree: u64| {
        if stats != tree {
            fail.push(format!(
                "stats().{what} = {stats} but the walked tree gives {tree}"
            ));
        }
    };
    expect("file_count", s.file_count, sum.file_count);
    expect("dir_count", s.dir_count, sum.dirs);
    expect("used_bytes", s.used_bytes, sum.charged);
    expect("chunk_count", s.chunk_count, sum.chunks);
    expect(
        "free_bytes",
        s.free_bytes,
        s.quota_bytes.saturating_sub(s.used_bytes),
    );
    if s.used_bytes > s.quota_bytes {
        fail.push(format!(
            "used {} exceeds quota {}",
            s.used_bytes, s.quota_bytes
        ));
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaked_handle_and_the_tree_totals_are_reported() {
        let fs = MemoryFileSystem::new();
        fs.mkdir("/d/e", true).expect("mkdir");
        let mut a = fs.open("/d/a", OpenMode::Write).expect("open");
        a.write_data(b"abc").expect("write");
        a.close();
        let leaked = fs.open("/d/e/b", OpenMode::Read);
        assert!(leaked.is_err(), "b does not exist yet");
        let mut b = fs.open("/d/e/b", OpenMode::Write).expect("open b");
        b.write_data(b"12345").expect("write b");
        let mut fail = Vec::new();
        let sum = verify_tree(&fs, &mut fail);
        assert_eq!(fail.len(), 1, "{fail:?}");
        assert!(
            fail[0].contains("/d/e/b") && fail[0].contains("leaked"),
            "{fail:?}"
        );
        assert_eq!(sum.files.get("/d/a").map(Vec::as_slice), Some(&b"abc"[..]));
        assert_eq!(sum.dirs, 3);
        b.close();
        let mut fail = Vec::new();
        let sum = verify_tree(&fs, &mut fail);
        assert!(fail.is_empty(), "{fail:?}");
        assert_eq!(sum.files.len(), 2);
        assert_eq!(sum.charged, fs.stats().used_bytes);
    }
}
