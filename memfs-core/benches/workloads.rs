//! Criterion benchmarks of memfs-core beside the `vfs` crate's `MemoryFS` on the same
//! workloads (the seed stress workload, a small-file cycle, a 64 MiB stream, a large listdir
//! and a recursive glob). Run: `cargo bench -p memfs-core --bench workloads`.

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use memfs_core::{MemoryFileSystem, OpenMode};
use std::hint::black_box;
use std::io::{Read, Write};
use std::sync::Arc;
use std::thread;
use std::time::Duration;
use vfs::{MemoryFS, VfsPath};

const SEED_THREADS: usize = 50;
const SEED_ITERS: usize = 1000;
const STREAM_TOTAL: usize = 64 * 1024 * 1024;
const STREAM_PIECE: usize = 64 * 1024;

fn quick<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    g
}

/// Seed 000: 50 threads x 1000 iterations of mkdir (exist_ok), write, read back and compare.
/// Both peers are timed from the threads' spawn to their join; tearing down the 50 000-file
/// filesystem afterwards is not part of the workload, so both return it to criterion's
/// `iter_with_large_drop`, which drops it outside the timing.
fn seed_workload(c: &mut Criterion) {
    let mut g = c.benchmark_group("seed_50x1000");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements((SEED_THREADS * SEED_ITERS) as u64));
    g.bench_function("memfs", |b| {
        b.iter_with_large_drop(|| {
            let fs = Arc::new(MemoryFileSystem::new());
            let threads: Vec<_> = (0..SEED_THREADS)
                .map(|t| {
                    let fs = fs.clone();
                    thread::spawn(move || {
                        for i in 0..SEED_ITERS {
                            let dir = format!("/thread_{t}");
                            fs.mkdir(&dir, true).expect("mkdir");
                            let path = format!("{dir}/file_{i}.txt");
                            let data = format!("data-{t}-{i}");
                            let mut h = fs.open(&path, OpenMode::Write).expect("open wb");
                            h.write_all(data.as_bytes()).expect("write");
                            h.close();
                            let mut h = fs.open(&path, OpenMode::Read).expect("open rb");
                            let got = h.read_data(None).expect("read");
                            assert_eq!(got, data.as_bytes());
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("worker");
            }
            fs
        })
    });
    g.bench_function("vfs_memoryfs", |b| {
        b.iter_with_large_drop(|| {
            let root = VfsPath::new(MemoryFS::new());
            let threads: Vec<_> = (0..SEED_THREADS)
                .map(|t| {
                    let root = root.clone();
                    thread::spawn(move || {
                        for i in 0..SEED_ITERS {
                            let dir = root.join(format!("thread_{t}")).expect("join");
                            dir.create_dir_all().expect("mkdir");
                            let path = dir.join(format!("file_{i}.txt")).expect("join");
                            let data = format!("data-{t}-{i}");
                            let mut w = path.create_file().expect("create");
                            w.write_all(data.as_bytes()).expect("write");
                            drop(w);
                            let mut got = Vec::new();
                            path.open_file()
                                .expect("open")
                                .read_to_end(&mut got)
                                .expect("read");
                            assert_eq!(got, data.as_bytes());
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("worker");
            }
            root
        })
    });
    g.finish();
}

/// One thread: open wb, write 64 B, close, open rb, read, close.
fn small_file_cycle(c: &mut Criterion) {
    let payload = [0x5au8; 64];
    let mut g = quick(c, "small_file_cycle_64B");
    let fs = MemoryFileSystem::new();
    g.bench_function("memfs", |b| {
        b.iter(|| {
            let mut h = fs.open("/small.bin", OpenMode::Write).expect("open wb");
            h.write_all(&payload).expect("write");
            h.close();
            let mut h = fs.open("/small.bin", OpenMode::Read).expect("open rb");
            let got = h.read_data(None).expect("read");
            h.close();
            black_box(got)
        })
    });
    let root = VfsPath::new(MemoryFS::new());
    let path = root.join("small.bin").expect("join");
    g.bench_function("vfs_memoryfs", |b| {
        b.iter(|| {
            let mut w = path.create_file().expect("create");
            w.write_all(&payload).expect("write");
            drop(w);
            let mut got = Vec::new();
            path.open_file()
                .expect("open")
                .read_to_end(&mut got)
                .expect("read");
            black_box(got)
        })
    });
    g.finish();
}

/// 64 MiB written in 64 KiB pieces, then read back in 64 KiB pieces. As in the seed workload,
/// freeing the 64 MiB afterwards is not part of the workload: both peers hand their filesystem
/// to `iter_with_large_drop`, which drops it outside the timing.
fn stream_64mib(c: &mut Criterion) {
    let piece = vec![0xa5u8; STREAM_PIECE];
    let mut g = c.benchmark_group("stream_64MiB_in_64KiB");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Bytes(2 * STREAM_TOTAL as u64));
    g.bench_function("memfs", |b| {
        b.iter_with_large_drop(|| {
            let fs = MemoryFileSystem::new();
            let mut h = fs.open("/stream.bin", OpenMode::Write).expect("open wb");
            for _ in 0..STREAM_TOTAL / STREAM_PIECE {
                h.write_all(&piece).expect("write");
            }
            h.close();
            let mut h = fs.open("/stream.bin", OpenMode::Read).expect("open rb");
            let mut buf = vec![0u8; STREAM_PIECE];
            let mut total = 0;
            loop {
                let n = h.read(&mut buf).expect("read");
                if n == 0 {
                    break;
                }
                total += n;
            }
            assert_eq!(total, STREAM_TOTAL);
            fs
        })
    });
    g.bench_function("vfs_memoryfs", |b| {
        b.iter_with_large_drop(|| {
            let root = VfsPath::new(MemoryFS::new());
            let path = root.join("stream.bin").expect("join");
            let mut w = path.create_file().expect("create");
            for _ in 0..STREAM_TOTAL / STREAM_PIECE {
                w.write_all(&piece).expect("write");
            }
            drop(w);
            let mut r = path.open_file().expect("open");
            let mut buf = vec![0u8; STREAM_PIECE];
            let mut total = 0;
            loop {
                let n = r.read(&mut buf).expect("read");
                if n == 0 {
                    break;
                }
                total += n;
            }
            assert_eq!(total, STREAM_TOTAL);
            root
        })
    });
    // The floor for anything that keeps 64 MiB in fresh memory: 1024 new 64 KiB buffers filled
    // by one copy each (the page faults of first touch included), then one copy out of each.
    // No filesystem work at all; memfs's distance to it is its own overhead.
    g.bench_function("floor_fresh_memory", |b| {
        b.iter_with_large_drop(|| {
            let chunks: Vec<Box<[u8]>> = (0..STREAM_TOTAL / STREAM_PIECE)
                .map(|_| Box::from(&piece[..]))
                .collect();
            let mut buf = vec![0u8; STREAM_PIECE];
            let mut total = 0;
            for c in &chunks {
                buf.copy_from_slice(c);
                total += black_box(&buf).len();
            }
            assert_eq!(total, STREAM_TOTAL);
            chunks
        })
    });
    g.finish();
}

/// listdir of a directory holding 1000 files.
fn listdir_1000(c: &mut Criterion) {
    let mut g = quick(c, "listdir_1000");
    let fs = MemoryFileSystem::new();
    fs.mkdir("/big", false).expect("mkdir");
    for i in 0..1000 {
        fs.open(&format!("/big/f{i}.txt"), OpenMode::Write)
            .expect("create")
            .close();
    }
    g.bench_function("memfs", |b| {
        b.iter(|| black_box(fs.listdir("/big").expect("listdir")))
    });
    let root = VfsPath::new(MemoryFS::new());
    let big = root.join("big").expect("join");
    big.create_dir().expect("mkdir");
    for i in 0..1000 {
        drop(
            big.join(format!("f{i}.txt"))
                .expect("join")
                .create_file()
                .expect("create"),
        );
    }
    g.bench_function("vfs_memoryfs", |b| {
        b.iter(|| {
            black_box(
                big.read_dir()
                    .expect("read_dir")
                    .map(|p| p.filename())
                    .collect::<Vec<_>>(),
            )
        })
    });
    g.finish();
}

/// glob `/**/*.txt` over 1000 files in a 3-level tree (vfs has no glob: memfs only).
fn glob_1000(c: &mut Criterion) {
    let mut g = quick(c, "glob_doublestar_1000");
    let fs = MemoryFileSystem::new();
    for i in 0..1000 {
        let dir = format!("/d{}/e{}", i % 10, i % 7);
        fs.mkdir(&dir, true).expect("mkdir");
        let ext = if i % 2 == 0 { "txt" } else { "bin" };
        fs.open(&format!("{dir}/f{i}.{ext}"), OpenMode::Write)
            .expect("create")
            .close();
    }
    assert_eq!(fs.glob("/**/*.txt").expect("glob").len(), 500);
    g.bench_function("memfs", |b| {
        b.iter(|| black_box(fs.glob("/**/*.txt").expect("glob")))
    });
    g.finish();
}

criterion_group!(
    benches,
    seed_workload,
    small_file_cycle,
    stream_64mib,
    listdir_1000,
    glob_1000
);
criterion_main!(benches);
