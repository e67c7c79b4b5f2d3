//! Shared helpers of the integration tests: building filesystems, writing and reading whole
//! files, observable state snapshots (to prove "nothing changed") and the stats invariants.
#![allow(dead_code)]

use memfs_core::{
    BlockReason, ErrorKind, FsBuilder, LockWait, ManualClock, MemoryFileSystem, MfsError, OpenMode,
    OpenOptions, Result, Stat, Stats, WalkEntry,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// A filesystem with every default setting.
pub fn fs() -> MemoryFileSystem {
    MemoryFileSystem::new()
}

/// Builds from a builder, failing the test with the error if the build fails.
pub fn build(b: FsBuilder) -> MemoryFileSystem {
    b.build().expect("build")
}

/// A filesystem on a manual clock frozen at `start`, plus the clock to move it.
pub fn clocked(start: u64) -> (MemoryFileSystem, Arc<ManualClock>) {
    clocked_with(MemoryFileSystem::builder(), start)
}

/// Like [`clocked`] with other settings.
pub fn clocked_with(b: FsBuilder, start: u64) -> (MemoryFileSystem, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(start));
    let fs = build(b.clock(clock.clone()));
    (fs, clock)
}

/// A filesystem with quota `quota` and chunk overhead 0, so usage equals the stored bytes.
pub fn exact(quota: u64) -> MemoryFileSystem {
    build(MemoryFileSystem::builder().quota(quota).chunk_overhead(0))
}

/// Options that try a lock exactly once.
pub fn try_once() -> OpenOptions {
    OpenOptions::new().lock_timeout(LockWait::For(Duration::ZERO))
}

/// A default lock timeout short enough for tests that hit a held writer lock.
pub fn short_default() -> FsBuilder {
    MemoryFileSystem::builder().default_lock_timeout(LockWait::For(Duration::from_millis(50)))
}

/// Creates (or truncates) `path` and writes `data` in one write call.
pub fn put(fs: &MemoryFileSystem, path: &str, data: &[u8]) {
    let mut h = fs.open(path, OpenMode::Write).expect("open wb");
    if !data.is_empty() {
        assert_eq!(h.write_data(data).expect("write"), data.len());
    }
    h.close();
}

/// Appends `data` to `path` in one write call (creating it).
pub fn append(fs: &MemoryFileSystem, path: &str, data: &[u8]) {
    let mut h = fs.open(path, OpenMode::Append).expect("open ab");
    h.write_all(data).expect("write");
    h.close();
}

/// The whole content of `path`.
pub fn get(fs: &MemoryFileSystem, path: &str) -> Vec<u8> {
    let mut h = fs.open(path, OpenMode::Read).expect("open rb");
    let data = h.read_data(None).expect("read");
    h.close();
    data
}

/// The error of `r`, failing the test if it succeeded.
pub fn err<T: std::fmt::Debug>(r: Result<T>) -> MfsError {
    match r {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e,
    }
}

/// The error kind of `r`, failing the test if it succeeded.
pub fn kind<T: std::fmt::Debug>(r: Result<T>) -> ErrorKind {
    err(r).kind()
}

/// Asserts `r` failed with `WouldBlock(reason)`.
pub fn assert_blocked<T: std::fmt::Debug>(r: Result<T>, reason: BlockReason) {
    match err(r) {
        MfsError::WouldBlock { reason: got, .. } => assert_eq!(got, reason),
        other => panic!("expected WouldBlock({reason:?}), got {other:?}"),
    }
}

/// Every file path of the tree (from `walk("/")`), in walk order.
pub fn all_files(fs: &MemoryFileSystem) -> Vec<String> {
    let mut out = Vec::new();
    for e in fs.walk("/").expect("walk") {
        for f in &e.files {
            out.push(join(&e.dir, f));
        }
    }
    out
}

/// Every directory path of the tree (root included), in walk order.
pub fn all_dirs(fs: &MemoryFileSystem) -> Vec<String> {
    fs.walk("/")
        .expect("walk")
        .into_iter()
        .map(|e| e.dir)
        .collect()
}

/// `dir` + `/` + `name` without doubling the root slash.
pub fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Everything observable without taking a file lock: the walk, every node's stat, every
/// file's layout and the stats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snap {
    pub walk: Vec<WalkEntry>,
    pub stats: Stats,
    pub nodes: BTreeMap<String, Stat>,
    pub layouts: BTreeMap<String, memfs_core::FileLayout>,
}

/// Takes a [`Snap`].
pub fn snap(fs: &MemoryFileSystem) -> Snap {
    let walk = fs.walk("/").expect("walk");
    let mut nodes = BTreeMap::new();
    let mut layouts = BTreeMap::new();
    for e in &walk {
        nodes.insert(e.dir.clone(), fs.stat(&e.dir).expect("stat dir"));
        for f in &e.files {
            let p = join(&e.dir, f);
            nodes.insert(p.clone(), fs.stat(&p).expect("stat file"));
            layouts.insert(p.clone(), fs.file_layout(&p).expect("layout"));
        }
    }
    Snap {
        walk,
        stats: fs.stats(),
        nodes,
        layouts,
    }
}

/// Snapshot plus every file's content (takes reader locks: no writer may be open).
pub fn full(fs: &MemoryFileSystem) -> (Snap, BTreeMap<String, Vec<u8>>) {
    (snap(fs), fs.export_tree("/", false).expect("export"))
}

/// The invariants of semantics §2/§3 that must hold after every operation: used <= quota,
/// free = quota - used, counts and chunks equal the reachable tree, usage equals the sum of
/// what the reachable files charge.
pub fn check_invariants(fs: &MemoryFileSystem) {
    let s = snap(fs);
    let st = s.stats;
    assert!(
        st.used_bytes <= st.quota_bytes,
        "used {} > quota {}",
        st.used_bytes,
        st.quota_bytes
    );
    assert_eq!(
        st.free_bytes,
        st.quota_bytes - st.used_bytes,
        "free != quota - used"
    );
    let files = s.layouts.len() as u64;
    assert_eq!(st.file_count, files, "file_count != reachable files");
    assert_eq!(
        st.dir_count,
        s.walk.len() as u64,
        "dir_count != reachable dirs (root included)"
    );
    let charged: u64 = s.layouts.values().map(|l| l.charged).sum();
    assert_eq!(
        st.used_bytes, charged,
        "used_bytes != sum of charged bytes of reachable files"
    );
    // Only sequential files are made of chunks (D-MemFS counts their chunk lists).
    let chunks: u64 = s
        .layouts
        .values()
        .filter(|l| l.kind == memfs_core::StorageKind::Sequential)
        .map(|l| l.chunks.len() as u64)
        .sum();
    assert_eq!(
        st.chunk_count, chunks,
        "chunk_count != chunks of reachable sequential files"
    );
    for (p, l) in &s.layouts {
        let size: u64 = l.chunks.iter().sum();
        assert_eq!(s.nodes[p].size, size, "{p}: size != sum of chunk sizes");
    }
}
