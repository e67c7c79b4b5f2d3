use super::*;

#[test]
fn read_write_permissions_per_mode() {
    // spec: HANDLE-4, HANDLE-5, HANDLE-6, OPEN-7, OPEN-12
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    for mode in ["wb", "ab"] {
        let h = f.open("/f", mode, 0).expect("open");
        assert_eq!(kind(f.read(h, None)), "Unsupported", "read on {mode}");
        f.close(h);
    }
    let h = f.open("/x", "xb", 0).expect("xb");
    assert_eq!(kind(f.read(h, Some(1))), "Unsupported");
    f.close(h);
    put(&mut f, "/f", b"abc");
    let h = f.open("/f", "rb", 0).expect("rb");
    assert_eq!(kind(f.write(h, b"z")), "Unsupported");
    assert_eq!(kind(f.truncate(h, Some(0))), "Unsupported");
    assert_eq!(f.read(h, None), Ok(b"abc".to_vec()));
    f.close(h);
    let h = f.open("/f", "r+b", 0).expect("r+b");
    assert_eq!(f.read(h, Some(1)), Ok(b"a".to_vec()));
    assert_eq!(f.write(h, b"Z"), Ok(1));
    f.close(h);
    assert_eq!(get(&mut f, "/f"), b"aZc");
}

#[test]
fn closed_handle_is_invalid_input_and_close_is_idempotent() {
    // spec: HANDLE-14, HANDLE-15
    let mut f = fs();
    let h = f.open("/f", "wb", 0).expect("wb");
    f.close(h);
    f.close(h);
    assert!(f.is_closed(h));
    assert_eq!(kind(f.write(h, b"x")), "InvalidInput");
    assert_eq!(kind(f.read(h, None)), "InvalidInput");
    assert_eq!(kind(f.seek(h, Whence::Start, 0)), "InvalidInput");
    assert_eq!(kind(f.tell(h)), "InvalidInput");
    assert_eq!(kind(f.truncate(h, None)), "InvalidInput");
    assert_eq!(
        kind(f.read(HandleId(99), None)),
        "InvalidInput",
        "unknown id"
    );
}

#[test]
fn reads_stop_at_eof() {
    // spec: HANDLE-1, HANDLE-2
    let mut f = fs();
    put(&mut f, "/f", b"hello");
    let h = f.open("/f", "rb", 0).expect("rb");
    assert_eq!(f.read(h, Some(2)), Ok(b"he".to_vec()));
    assert_eq!(f.read(h, Some(100)), Ok(b"llo".to_vec()));
    assert_eq!(f.read(h, None), Ok(Vec::new()));
    assert_eq!(f.seek(h, Whence::Start, 50), Ok(50));
    assert_eq!(f.read(h, None), Ok(Vec::new()));
    assert_eq!(
        f.tell(h),
        Ok(50),
        "reading past EOF does not move the cursor"
    );
}

#[test]
fn seek_table() {
    // spec: HANDLE-7, HANDLE-8, HANDLE-9, HANDLE-10
    let mut f = fs();
    put(&mut f, "/f", b"0123456789");
    let h = f.open("/f", "rb", 0).expect("rb");
    let cases: &[(Whence, i64, Option<u64>)] = &[
        (Whence::Start, 3, Some(3)),
        (Whence::Current, 2, Some(5)),
        (Whence::Current, -5, Some(0)),
        (Whence::Current, -1, None),
        (Whence::Start, -1, None),
        (Whence::End, 0, Some(10)),
        (Whence::End, -4, Some(6)),
        (Whence::End, 1, None),
        (Whence::End, -11, None),
        (Whence::Start, 25, Some(25)),
        (Whence::Current, 5, Some(30)),
        (Whence::Current, i64::MIN, None),
    ];
    for (w, off, want) in cases {
        let before = f.tell(h).expect("tell");
        match want {
            Some(p) => assert_eq!(f.seek(h, *w, *off), Ok(*p), "{w:?} {off}"),
            None => {
                assert_eq!(kind(f.seek(h, *w, *off)), "InvalidInput", "{w:?} {off}");
                assert_eq!(f.tell(h), Ok(before), "a failed seek keeps the cursor");
            }
        }
    }
}

#[test]
fn write_past_eof_zero_fills_the_gap() {
    // spec: HANDLE-3, HANDLE-10, QUOTA-7, STORE-2
    let mut f = fs();
    put(&mut f, "/f", b"ab");
    let h = f.open("/f", "r+b", 0).expect("r+b");
    f.seek(h, Whence::Start, 5).expect("seek");
    assert_eq!(f.write(h, b"z"), Ok(1));
    assert_eq!(f.tell(h), Ok(6));
    f.close(h);
    assert_eq!(get(&mut f, "/f"), b"ab\0\0\0z");
    assert_eq!(f.stats().used_bytes, 6, "promoted: usage = size");
}

#[test]
fn ab_writes_go_to_eof_whatever_the_cursor() {
    // spec: HANDLE-11, STORE-3, STORE-11
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    let h = f.open("/f", "ab", 0).expect("ab");
    f.seek(h, Whence::Start, 0).expect("seek");
    assert_eq!(f.write(h, b"de"), Ok(2));
    assert_eq!(f.tell(h), Ok(5));
    f.close(h);
    assert_eq!(get(&mut f, "/f"), b"abcde");
    assert_eq!(f.stats().chunk_count, 2, "appends stay sequential");
}

#[test]
fn write_bumps_generation_and_modified() {
    // spec: TIME-3, GEN-2
    let mut f = fs();
    f.set_now(2);
    let h = f.open("/f", "wb", 0).expect("wb");
    f.set_now(9);
    f.write(h, b"x").expect("write");
    f.write(h, b"y").expect("write");
    let s = f.stat("/f").expect("stat");
    assert_eq!((s.generation, s.created, s.modified), (2, 2, 9));
}

#[test]
fn zero_length_write_changes_nothing() {
    // spec: STORE-10
    let mut f = fs();
    put(&mut f, "/f", b"abc");
    for mode in ["r+b", "ab", "wb"] {
        let h = f.open("/f", mode, 0).expect("open");
        f.seek(h, Whence::Start, 1).expect("seek");
        f.set_now(100);
        let before = f.observe(&[Some(h)]);
        assert_eq!(f.write(h, b""), Ok(0), "{mode}");
        assert_eq!(
            f.observe(&[Some(h)]),
            before,
            "{mode}: no promotion, chunk, generation or cursor move"
        );
        f.close(h);
    }
}

#[test]
fn truncate_rules() {
    // spec: HANDLE-12, HANDLE-13, TIME-4, GEN-2
    let mut f = fs();
    put(&mut f, "/f", b"0123456789");
    let h = f.open("/f", "r+b", 0).expect("r+b");
    f.seek(h, Whence::Start, 8).expect("seek");
    f.set_now(4);
    assert_eq!(f.truncate(h, Some(4)), Ok(4));
    assert_eq!(f.tell(h), Ok(4), "cursor clamped");
    let s = f.stat("/f").expect("stat");
    assert_eq!((s.size, s.generation, s.modified), (4, 2, 4));
    f.set_now(5);
    assert_eq!(f.truncate(h, Some(4)), Ok(4), "same size");
    assert_eq!(
        f.stat("/f").expect("stat").generation,
        2,
        "no size change, no generation"
    );
    assert_eq!(f.truncate(h, Some(7)), Ok(7));
    assert_eq!(f.tell(h), Ok(4), "growing keeps the cursor");
    f.seek(h, Whence::Start, 2).expect("seek");
    assert_eq!(f.truncate(h, None), Ok(2), "None = at the cursor");
    f.close(h);
    assert_eq!(get(&mut f, "/f"), b"01");
    let h = f.open("/f", "ab", 0).expect("ab may truncate");
    assert_eq!(f.truncate(h, Some(5)), Ok(5));
    f.close(h);
    assert_eq!(get(&mut f, "/f"), b"01\0\0\0");
}

#[test]
fn read_into_fills_at_most_the_buffer_and_moves_past_it() {
    // spec: HANDLE-18, HANDLE-19, HANDLE-2
    let mut f = fs();
    put(&mut f, "/f", b"hello");
    let h = f.open("/f", "r+b", 0).expect("r+b");
    assert_eq!(f.read_into(h, 0), Ok(Vec::new()), "an empty buffer");
    assert_eq!(f.tell(h), Ok(0));
    assert_eq!(f.read_into(h, 2), Ok(b"he".to_vec()));
    assert_eq!(f.read_into(h, 7), Ok(b"llo".to_vec()), "short at EOF");
    assert_eq!(f.tell(h), Ok(5));
    assert_eq!(f.read_into(h, 7), Ok(Vec::new()));
    assert_eq!(f.seek(h, Whence::Start, 9), Ok(9));
    assert_eq!(f.read_into(h, u64::MAX), Ok(Vec::new()), "past EOF");
    assert_eq!(f.tell(h), Ok(9));
    f.close(h);
    assert_eq!(kind(f.read_into(h, 1)), "InvalidInput");
    let w = f.open("/f", "ab", 0).expect("ab");
    assert_eq!(
        kind(f.read_into(w, 0)),
        "Unsupported",
        "even into an empty buffer"
    );
}
