//! The single-threaded small-file cycle alone, for profiling:
//! `cargo run -p memfs-core --release --example small_cycle -- 1000000`.

use memfs_core::{MemoryFileSystem, OpenMode};
use std::io::{Read, Write};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let fs = MemoryFileSystem::new();
    let data = [7u8; 64];
    let mut buf = [0u8; 128];
    for _ in 0..n {
        let mut h = fs.open("/small.bin", OpenMode::Write).expect("open wb");
        h.write_all(&data).expect("write");
        h.close();
        let mut r = fs.open("/small.bin", OpenMode::Read).expect("open rb");
        assert_eq!(r.read(&mut buf).expect("read"), 64);
        r.close();
    }
}
