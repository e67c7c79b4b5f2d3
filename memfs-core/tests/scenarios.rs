//! Use-case scenarios of the D-MemFS test design (seed 004 §5): archive-like bulk writes,
//! ETL staging, a binary snapshot roundtrip and multi-tenant isolation.

mod common;
use common::*;
use memfs_core::{ErrorKind, MemoryFileSystem, OpenMode};
use std::collections::BTreeMap;
use std::io::{Read, Write};

// ------------------------------------------------------------------ 5.1 archive-like

#[test]
fn test_write_100_files_and_export_all() {
    // spec: EXPORT-1, OPEN-5, MKDIR-1
    let fs = fs();
    fs.mkdir("/archive", false).unwrap();
    let mut expected = BTreeMap::new();
    for i in 0..100 {
        let path = format!("/archive/file_{i:04}.bin");
        let data = format!("content_{i}").into_bytes();
        put(&fs, &path, &data);
        expected.insert(path, data);
    }
    assert_eq!(fs.export_tree("/archive", false).unwrap(), expected);
}

#[test]
fn test_iter_export_matches_export_tree_on_large_fs() {
    // spec: EXPORT-4
    let fs = fs();
    for i in 0..100 {
        fs.mkdir(&format!("/d{}", i % 7), true).unwrap();
        put(&fs, &format!("/d{}/f{i}", i % 7), &vec![i as u8; i]);
    }
    let lazy: BTreeMap<_, _> = fs
        .iter_export_tree("/", false)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(lazy, fs.export_tree("/", false).unwrap());
    assert_eq!(lazy.len(), 100);
}

#[test]
fn test_quota_prevents_oversized_archive() {
    // spec: QUOTA-9, QUOTA-11
    let fs = build(MemoryFileSystem::builder().quota(128));
    let mut result = Ok(());
    for i in 0..10 {
        let mut h = fs.open(&format!("/f{i}.bin"), OpenMode::Write).unwrap();
        result = h.write_data(&[b'x'; 20]).map(|_| ());
        if result.is_err() {
            break;
        }
    }
    assert_eq!(kind(result), ErrorKind::QuotaExceeded);
    assert!(fs.stats().used_bytes <= 128);
    check_invariants(&fs);
}

#[test]
fn test_listdir_returns_correct_count_for_many_files() {
    // spec: LIST-1
    let fs = fs();
    fs.mkdir("/many", false).unwrap();
    for i in 0..1000 {
        fs.open(&format!("/many/{i}"), OpenMode::Write)
            .unwrap()
            .close();
    }
    let names = fs.listdir("/many").unwrap();
    assert_eq!(names.len(), 1000);
    assert_eq!(names[0], "0");
    assert_eq!(names[999], "999", "insertion order, not lexical");
}

#[test]
fn test_rmtree_cleans_up_all_quota() {
    // spec: RMTREE-5, TREE-5
    let fs = fs();
    for i in 0..1000 {
        let d = format!("/big/{}", i % 10);
        fs.mkdir(&d, true).unwrap();
        put(&fs, &format!("{d}/{i}"), b"payload");
    }
    assert!(fs.stats().used_bytes > 0);
    fs.rmtree("/big").unwrap();
    let s = fs.stats();
    assert_eq!(
        (s.used_bytes, s.file_count, s.dir_count, s.chunk_count),
        (0, 0, 1, 0)
    );
}

// ------------------------------------------------------------------ 5.2 ETL staging

#[test]
fn test_stage_then_commit_via_rename() {
    // spec: RENAME-8
    let fs = fs();
    fs.mkdir("/staging", false).unwrap();
    put(&fs, "/staging/result.csv", b"a,b,c\n1,2,3\n");
    fs.rename("/staging", "/output").unwrap();
    assert!(!fs.exists("/staging"));
    assert!(fs.exists("/output/result.csv"));
    let data = get(&fs, "/output/result.csv");
    assert!(data.windows(5).any(|w| w == b"1,2,3"));
}

#[test]
fn test_failed_import_leaves_output_unchanged() {
    // spec: IMPORT-5, IMPORT-6
    let fs = exact(1_000);
    fs.import_tree([("/output/part-0", vec![1u8; 400])])
        .unwrap();
    let before = full(&fs);
    let batch: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| (format!("/output/part-{i}"), vec![2u8; 300]))
        .collect();
    assert_eq!(kind(fs.import_tree(batch)), ErrorKind::QuotaExceeded);
    assert_eq!(full(&fs), before);
}

#[test]
fn test_quota_rejects_oversized_batch_then_smaller_batch_fits() {
    // spec: IMPORT-5, QUOTA-10
    let fs = exact(1_000);
    let batch = |n: usize| -> Vec<(String, Vec<u8>)> {
        (0..n)
            .map(|i| (format!("/b/{i}"), vec![0u8; 250]))
            .collect()
    };
    assert_eq!(kind(fs.import_tree(batch(5))), ErrorKind::QuotaExceeded);
    fs.import_tree(batch(4)).unwrap();
    assert_eq!(fs.stats().free_bytes, 0);
}

#[test]
fn test_export_on_failure_flow() {
    // spec: EXPORT-3, IMPORT-9, GEN-3
    // seed 001: work in memory, and on failure export what changed for inspection.
    let fs = fs();
    fs.import_tree([("/in/a.csv", &b"1"[..]), ("/in/b.csv", &b"2"[..])])
        .unwrap();
    fs.mkdir("/work", false).unwrap();
    for name in ["a", "b"] {
        let data = fs
            .export_as_bytesio(&format!("/in/{name}.csv"), None)
            .unwrap()
            .into_inner();
        let mut h = fs
            .open(&format!("/work/{name}.out"), OpenMode::Write)
            .unwrap();
        h.write_all(&data).unwrap();
        h.write_all(b"!").unwrap();
    }
    let dirty = fs.export_tree("/", true).unwrap();
    assert_eq!(
        dirty.keys().cloned().collect::<Vec<_>>(),
        vec!["/work/a.out".to_string(), "/work/b.out".to_string()]
    );
    assert_eq!(dirty["/work/a.out"], b"1!");
}

// ------------------------------------------------------------------ 5.3 snapshot roundtrip

#[test]
fn test_binary_snapshot_roundtrip() {
    // spec: HANDLE-4, STORE-11
    // stands in for the SQLite serialize/deserialize example: a 64 KiB binary image with every
    // byte value, written in uneven pieces and read back through std::io.
    let fs = fs();
    let image: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs.mkdir("/db", false).unwrap();
    let mut h = fs.open("/db/snapshot.db", OpenMode::Write).unwrap();
    for piece in image.chunks(1_000) {
        h.write_all(piece).unwrap();
    }
    h.close();
    let mut raw = Vec::new();
    fs.open("/db/snapshot.db", OpenMode::Read)
        .unwrap()
        .read_to_end(&mut raw)
        .unwrap();
    assert_eq!(raw, image);
    let quota = exact(60_000);
    quota.mkdir("/db", false).unwrap();
    let mut h = quota.open("/db/snapshot.db", OpenMode::Write).unwrap();
    assert_eq!(
        kind(h.write_data(&image)),
        ErrorKind::QuotaExceeded,
        "the quota limits the db size"
    );
}

// ------------------------------------------------------------------ 5.4 restricted env

#[test]
fn test_multitenant_quota_isolation() {
    // spec: TREE-9, QUOTA-9
    let tenant_a = exact(256);
    let tenant_b = exact(256);
    let mut h = tenant_a.open("/f.bin", OpenMode::Write).unwrap();
    assert_eq!(kind(h.write_data(&[b'x'; 300])), ErrorKind::QuotaExceeded);
    h.close();
    put(&tenant_b, "/g.bin", &[b'y'; 200]);
    assert!(tenant_b.exists("/g.bin"));
    assert_eq!(tenant_a.stats().used_bytes, 0);
    assert_eq!(tenant_b.stats().used_bytes, 200);
}

#[test]
fn test_no_real_filesystem_touched() {
    // spec: TREE-9
    let cwd = std::env::current_dir().unwrap();
    let before: Vec<_> = std::fs::read_dir(&cwd)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let fs = fs();
    fs.mkdir("/a/b/c", false).unwrap();
    put(&fs, "/a/b/c/file.bin", b"data");
    put(&fs, "Cargo.toml.mfs-test", b"x");
    fs.export_tree("/", false).unwrap();
    let after: Vec<_> = std::fs::read_dir(&cwd)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(!after.iter().any(|n| n == "a" && !before.contains(n)));
    assert!(!after.iter().any(|n| n == "Cargo.toml.mfs-test"));
}
