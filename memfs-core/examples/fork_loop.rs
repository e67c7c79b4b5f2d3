//! `fork` of a tiny tree in a loop, for profiling:
//! `cargo run -p memfs-core --release --example fork_loop -- 100000`.

use memfs_core::{MemoryFileSystem, OpenMode};
use std::io::Write;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let fs = MemoryFileSystem::new();
    fs.mkdir("/d", false).expect("mkdir");
    fs.open("/d/a", OpenMode::Write)
        .expect("open")
        .write_all(b"hello")
        .expect("write");
    fs.open("/b", OpenMode::Write)
        .expect("open")
        .write_all(b"x")
        .expect("write");
    let h = fs.open("/b", OpenMode::Read).expect("open");
    let mut acc = 0u64;
    for _ in 0..n {
        let (copy, hs) = fs.fork(&[Some(&h)]).expect("fork");
        acc ^= copy.fingerprint();
        drop(hs);
    }
    std::hint::black_box(acc);
}
