use super::*;

fn layout(f: &NaiveFs, p: &str) -> FileLayout {
    f.storage_of(p).expect("a file")
}

#[test]
fn sequential_appends_charge_size_plus_overhead_per_chunk() {
    // spec: QUOTA-1, QUOTA-2, TREE-3, TREE-6, STORE-1, STORE-12
    let mut f = fs();
    let h = f.open("/f", "wb", 0).expect("wb");
    let sizes = [3u64, 5, 1];
    for (i, n) in sizes.iter().enumerate() {
        f.write(h, &vec![b'x'; *n as usize]).expect("append");
        f.write(h, b"").expect("an empty write adds no chunk");
        assert_eq!(
            layout(&f, "/f"),
            FileLayout::Sequential {
                chunks: sizes[..=i].to_vec()
            }
        );
    }
    let s = f.stats();
    assert_eq!(
        (s.used_bytes, s.chunk_count, s.free_bytes),
        (9 + 30, 3, 10_000 - 39)
    );
}

#[test]
fn sequential_truncation_joins_or_pads() {
    // spec: QUOTA-4, QUOTA-5, STORE-12
    let mut f = fs();
    let h = f.open("/f", "wb", 0).expect("wb");
    for _ in 0..3 {
        f.write(h, b"abcd").expect("append");
    }
    f.truncate(h, Some(6)).expect("shrink");
    assert_eq!(layout(&f, "/f"), FileLayout::Sequential { chunks: vec![6] });
    assert_eq!(f.stats().used_bytes, 6 + 10);
    f.truncate(h, Some(9)).expect("grow");
    assert_eq!(
        layout(&f, "/f"),
        FileLayout::Sequential { chunks: vec![6, 3] }
    );
    assert_eq!(f.stats().used_bytes, 9 + 20);
    f.truncate(h, Some(0)).expect("to zero");
    assert_eq!(layout(&f, "/f"), FileLayout::Sequential { chunks: vec![] });
    assert_eq!(f.stats().used_bytes, 0);
}

#[test]
fn promotion_on_first_non_append_write() {
    // spec: STORE-2, STORE-7, QUOTA-6, QUOTA-7, QUOTA-8
    let mut f = fs();
    let h = f.open("/f", "wb", 0).expect("wb");
    f.write(h, b"aaaa").expect("w");
    f.write(h, b"bbbb").expect("w");
    f.seek(h, Whence::Start, 2).expect("seek");
    f.write(h, b"XY").expect("overwrite");
    assert_eq!(layout(&f, "/f"), FileLayout::RandomAccess);
    let s = f.stats();
    assert_eq!((s.used_bytes, s.chunk_count), (8, 0));
    // Random access: overwriting inside costs nothing, growth costs its size.
    f.seek(h, Whence::Start, 0).expect("seek");
    f.write(h, b"zz").expect("w");
    assert_eq!(f.stats().used_bytes, 8);
    f.seek(h, Whence::End, -1).expect("seek");
    f.write(h, b"123").expect("w");
    assert_eq!(f.stats().used_bytes, 10);
    f.truncate(h, Some(3)).expect("shrink");
    assert_eq!(f.stats().used_bytes, 3);
    f.close(h);
    let h = f.open("/f", "wb", 0).expect("wb");
    f.write(h, b"q").expect("w");
    assert_eq!(
        layout(&f, "/f"),
        FileLayout::RandomAccess,
        "promotion is for good"
    );
}

#[test]
fn promotion_needs_size_free_and_a_failure_restores_everything() {
    // spec: STORE-6, STORE-9, QUOTA-10, QUOTA-12
    // quota 100, overhead 10: 40 bytes in 2 chunks use 60, so 40 are free.
    let mut f = NaiveFs::new(OracleConfig {
        quota: 100,
        ..cfg()
    });
    let h = f.open("/f", "wb", 0).expect("wb");
    f.write(h, &[1; 20]).expect("w");
    f.write(h, &[2; 20]).expect("w");
    f.seek(h, Whence::Start, 0).expect("seek");
    let before = f.observe(&[Some(h)]);
    put_other(&mut f, 1); // now 29 free < 40 = size
    let mid = f.observe(&[Some(h)]);
    assert_eq!(
        full(f.write(h, b"x")),
        Kind::QuotaExceeded {
            requested: 40,
            available: 29
        }
    );
    assert_eq!(f.observe(&[Some(h)]), mid, "nothing changed");
    assert_eq!(
        layout(&f, "/f"),
        FileLayout::Sequential {
            chunks: vec![20, 20]
        }
    );
    f.remove("/other").expect("remove");
    assert_eq!(f.observe(&[Some(h)]), before);
    // 40 free: the copy fits; after it usage = 40, free 60: growing by 61 fails and restores.
    f.seek(h, Whence::Start, 39).expect("seek");
    assert_eq!(
        full(f.write(h, &[9; 62])),
        Kind::QuotaExceeded {
            requested: 61,
            available: 60
        }
    );
    assert_eq!(f.observe(&[Some(h)]), {
        let mut b = before.clone();
        b.handles[0].as_mut().expect("slot").pos = 39;
        b
    });
    assert_eq!(f.stats().used_bytes, 60, "usage restored exactly");
    assert_eq!(f.write(h, &[9; 61]), Ok(61));
    assert_eq!(f.stats().used_bytes, 100);
    check_invariants(&f);
}

/// Adds a one-byte file `/other` (one chunk: 1 + 10 bytes).
fn put_other(f: &mut NaiveFs, n: usize) {
    put(f, "/other", &vec![0; n]);
}

#[test]
fn promotion_hard_limit_allows_equality() {
    // spec: STORE-8
    let mut f = NaiveFs::new(OracleConfig {
        promotion_hard_limit: 4,
        ..cfg()
    });
    put(&mut f, "/eq", b"abcd");
    put(&mut f, "/gt", b"abcde");
    let h = f.open("/eq", "r+b", 0).expect("r+b");
    assert_eq!(f.write(h, b"Z"), Ok(1));
    let h2 = f.open("/gt", "r+b", 0).expect("r+b");
    let before = obs(&f);
    assert_eq!(kind(f.write(h2, b"Z")), "Unsupported");
    assert_eq!(obs(&f), before);
}

#[test]
fn sequential_mode_refuses_non_append_writes() {
    // spec: STORE-3, STORE-4
    let mut f = NaiveFs::new(OracleConfig {
        storage: StorageMode::Sequential,
        ..cfg()
    });
    let h = f.open("/f", "wb", 0).expect("wb");
    f.write(h, b"abc").expect("append");
    f.seek(h, Whence::Start, 0).expect("seek");
    assert_eq!(kind(f.write(h, b"x")), "Unsupported");
    f.seek(h, Whence::End, 0).expect("seek");
    assert_eq!(f.write(h, b"d"), Ok(1), "writing at EOF is an append");
    f.truncate(h, Some(2)).expect("truncate is allowed");
    assert_eq!(layout(&f, "/f"), FileLayout::Sequential { chunks: vec![2] });
}

#[test]
fn random_access_mode_charges_size_only() {
    // spec: STORE-5, QUOTA-6, QUOTA-7
    let mut f = NaiveFs::new(OracleConfig {
        storage: StorageMode::RandomAccess,
        ..cfg()
    });
    let h = f.open("/f", "wb", 0).expect("wb");
    f.write(h, b"abc").expect("w");
    f.write(h, b"def").expect("w");
    assert_eq!((f.stats().used_bytes, f.stats().chunk_count), (6, 0));
    f.seek(h, Whence::Start, 10).expect("seek");
    f.write(h, b"g").expect("w");
    assert_eq!(f.stats().used_bytes, 11);
}

#[test]
fn append_over_quota_is_refused_with_the_charge() {
    // spec: QUOTA-9, QUOTA-12
    let mut f = NaiveFs::new(OracleConfig { quota: 50, ..cfg() });
    let h = f.open("/f", "wb", 0).expect("wb");
    assert_eq!(f.write(h, &[0; 40]), Ok(40));
    let before = f.observe(&[Some(h)]);
    assert_eq!(
        full(f.write(h, &[0; 1])),
        Kind::QuotaExceeded {
            requested: 11,
            available: 0
        }
    );
    assert_eq!(f.observe(&[Some(h)]), before);
    assert_eq!(
        full(f.truncate(h, Some(41))),
        Kind::QuotaExceeded {
            requested: 11,
            available: 0
        }
    );
    assert_eq!(f.observe(&[Some(h)]), before);
}

#[test]
fn zero_overhead_is_allowed() {
    // spec: QUOTA-3, TREE-7
    let mut f = NaiveFs::new(OracleConfig {
        chunk_overhead: 0,
        ..cfg()
    });
    put(&mut f, "/f", b"abc");
    assert_eq!((f.stats().used_bytes, f.stats().chunk_count), (3, 1));
    assert_eq!(f.overhead_per_chunk_estimate(), 0);
}

#[test]
fn huge_requests_fail_on_quota_without_allocating() {
    // spec: QUOTA-9, PREALLOC-5
    let mut f = fs();
    let before = obs(&f);
    assert_eq!(kind(f.open("/p", "wb", u64::MAX)), "QuotaExceeded");
    assert_eq!(obs(&f), before);
    let h = f.open("/p", "wb", 0).expect("wb");
    f.seek(h, Whence::Start, i64::MAX).expect("seek far");
    f.seek(h, Whence::Current, i64::MAX).expect("seek farther");
    assert_eq!(kind(f.write(h, b"x")), "QuotaExceeded");
    assert_eq!(kind(f.truncate(h, Some(u64::MAX))), "QuotaExceeded");
    assert_eq!(kind(f.truncate(h, None)), "QuotaExceeded");
    assert_eq!(f.get_size("/p"), Ok(0));
}

#[test]
fn layout_of_loaded_preallocated_and_promoted_files() {
    // spec: STORE-12, STORE-13, STORE-14
    let mut f = fs();
    f.import_tree(&[
        ("/i".to_string(), b"abc".to_vec()),
        ("/e".to_string(), Vec::new()),
    ])
    .expect("import");
    assert_eq!(layout(&f, "/i"), FileLayout::Sequential { chunks: vec![3] });
    assert_eq!(layout(&f, "/e"), FileLayout::Sequential { chunks: vec![] });
    f.copy("/i", "/c").expect("copy");
    assert_eq!(layout(&f, "/c"), FileLayout::Sequential { chunks: vec![3] });
    let h = f.open("/p", "wb", 4).expect("wb with preallocation");
    assert_eq!(layout(&f, "/p"), FileLayout::Sequential { chunks: vec![4] });
    f.write(h, b"xy").expect("at 0: promotes");
    assert_eq!(layout(&f, "/p"), FileLayout::RandomAccess);
    f.seek(h, Whence::End, 0).expect("seek");
    f.write(h, b"z").expect("append");
    f.truncate(h, Some(9)).expect("grow");
    assert_eq!(
        layout(&f, "/p"),
        FileLayout::RandomAccess,
        "stays random access"
    );
    f.close(h);
    let h = f.open("/i", "ab", 5).expect("ab with preallocation");
    assert_eq!(
        layout(&f, "/i"),
        FileLayout::Sequential { chunks: vec![3, 2] },
        "the zero fill is one appended chunk"
    );
    f.close(h);
    f.open("/i", "wb", 0).expect("wb empties");
    assert_eq!(layout(&f, "/i"), FileLayout::Sequential { chunks: vec![] });
}
