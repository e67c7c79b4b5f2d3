//! File handles: read, write, seek, tell, truncate, close and the std io traits
//! (semantics §5; seed 004 §3.4-§3.6).

mod common;
use common::*;
use memfs_core::{ErrorKind, MemoryFileSystem, MfsError, OpenMode, StorageKind, Timestamp};
use std::io::{self, Read, Seek, SeekFrom, Write};

fn with_file(data: &[u8]) -> MemoryFileSystem {
    let fs = fs();
    put(&fs, "/f.bin", data);
    fs
}

#[test]
fn test_read_returns_all_content() {
    // spec: HANDLE-1
    let fs = with_file(b"0123456789");
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    assert_eq!(h.read_data(None).unwrap(), b"0123456789");
    assert_eq!(h.tell().unwrap(), 10);
}

#[test]
fn test_read_size_parameter() {
    // spec: HANDLE-1
    let fs = with_file(b"0123456789");
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    assert_eq!(h.read_data(Some(3)).unwrap(), b"012");
    assert_eq!(h.tell().unwrap(), 3);
    assert_eq!(h.read_data(Some(4)).unwrap(), b"3456");
    assert_eq!(h.read_data(Some(100)).unwrap(), b"789");
    assert_eq!(h.read_data(Some(0)).unwrap(), b"");
    // std Read behaves the same
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(h.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf, b"0123");
    let mut rest = Vec::new();
    h.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"456789");
}

#[test]
fn test_read_to_end_appends_from_the_cursor() {
    // spec: HANDLE-1, HANDLE-2
    // `read_to_end` is the handle's own (one reserve, copies from the chunks): it appends to
    // what `buf` holds, starts at the cursor, moves it to EOF, and reads across chunks and
    // both storage kinds like `read_data(None)`.
    for kind in [StorageKind::Sequential, StorageKind::RandomAccess] {
        let fs = build(MemoryFileSystem::builder().storage(kind));
        for part in [&b"0123"[..], b"4567890123456789012345678", b"9"] {
            append(&fs, "/f.bin", part);
        }
        let whole = get(&fs, "/f.bin");
        assert_eq!(whole.len(), 30, "{kind:?}");
        let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
        h.seek_to(SeekFrom::Start(2)).unwrap();
        let mut buf = b"kept:".to_vec();
        assert_eq!(h.read_to_end(&mut buf).unwrap(), 28, "{kind:?}");
        assert_eq!(&buf[..5], b"kept:");
        assert_eq!(&buf[5..], &whole[2..], "{kind:?}");
        assert_eq!(h.tell().unwrap(), 30);
        // At EOF (and past it) nothing is appended.
        assert_eq!(h.read_to_end(&mut buf).unwrap(), 0);
        h.seek_to(SeekFrom::Start(99)).unwrap();
        assert_eq!(h.read_to_end(&mut buf).unwrap(), 0);
        assert_eq!(buf.len(), 33);
        h.close();
        // A closed or write-only handle reads nothing and says why.
        let e = h.read_to_end(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let mut w = fs.open("/f.bin", OpenMode::Append).unwrap();
        let e = w.read_to_end(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::Unsupported);
        assert_eq!(buf.len(), 33);
    }
}

#[test]
fn test_read_at_eof_returns_empty() {
    // spec: HANDLE-2
    let fs = with_file(b"abc");
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    h.read_data(None).unwrap();
    assert_eq!(h.read_data(None).unwrap(), b"");
    assert_eq!(h.read_data(Some(5)).unwrap(), b"");
    h.seek_to(SeekFrom::Start(100)).unwrap();
    assert_eq!(h.read_data(None).unwrap(), b"");
    let mut buf = [0u8; 8];
    assert_eq!(h.read(&mut buf).unwrap(), 0);
}

#[test]
fn test_write_advances_cursor() {
    // spec: HANDLE-3
    let fs = fs();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    assert_eq!(h.write_data(b"hello").unwrap(), 5);
    assert_eq!(h.tell().unwrap(), 5);
    assert_eq!(h.write_data(b"!!").unwrap(), 2);
    assert_eq!(h.tell().unwrap(), 7);
    assert_eq!(h.write(b"?").unwrap(), 1);
    assert_eq!(h.stream_position().unwrap(), 8);
    h.flush().unwrap();
    h.close();
    assert_eq!(get(&fs, "/f"), b"hello!!?");
}

#[test]
fn test_overwrite_in_place() {
    // spec: HANDLE-4
    let fs = with_file(b"aaaaaaaaaa");
    let mut h = fs.open("/f.bin", OpenMode::ReadWrite).unwrap();
    h.seek_to(SeekFrom::Start(3)).unwrap();
    h.write_all(b"BBB").unwrap();
    h.close();
    assert_eq!(get(&fs, "/f.bin"), b"aaaBBBaaaa");
    assert_eq!(fs.get_size("/f.bin").unwrap(), 10);
    check_invariants(&fs);
}

#[test]
fn test_read_on_write_only_mode_raises() {
    // spec: HANDLE-5
    let fs = with_file(b"abc");
    for m in [OpenMode::Write, OpenMode::Append] {
        let mut h = fs.open("/f.bin", m).unwrap();
        assert_eq!(kind(h.read_data(None)), ErrorKind::Unsupported, "{m}");
        h.close();
    }
    fs.remove("/f.bin").unwrap();
    let mut h = fs.open("/f.bin", OpenMode::Exclusive).unwrap();
    assert_eq!(kind(h.read_data(Some(1))), ErrorKind::Unsupported);
}

#[test]
fn test_write_on_read_only_mode_raises() {
    // spec: HANDLE-6
    let fs = with_file(b"abc");
    let before = full(&fs);
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    assert_eq!(kind(h.write_data(b"x")), ErrorKind::Unsupported);
    assert_eq!(kind(h.truncate(Some(1))), ErrorKind::Unsupported);
    assert_eq!(kind(h.truncate(None)), ErrorKind::Unsupported);
    assert_eq!(h.tell().unwrap(), 0);
    h.close();
    assert_eq!(full(&fs), before);
}

#[test]
fn test_seek_set_cur_end() {
    // spec: HANDLE-7
    let fs = with_file(b"0123456789");
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    // seed004 test_seek_set
    assert_eq!(h.seek_to(SeekFrom::Start(4)).unwrap(), 4);
    assert_eq!(h.tell().unwrap(), 4);
    assert_eq!(h.read_data(Some(1)).unwrap(), b"4");
    // seed004 test_seek_cur_relative
    assert_eq!(h.seek_to(SeekFrom::Current(2)).unwrap(), 7);
    assert_eq!(h.seek_to(SeekFrom::Current(-3)).unwrap(), 4);
    // seed004 test_seek_end_negative / test_seek_end_zero
    assert_eq!(h.seek_to(SeekFrom::End(-3)).unwrap(), 7);
    assert_eq!(h.read_data(None).unwrap(), b"789");
    assert_eq!(h.seek_to(SeekFrom::End(0)).unwrap(), 10);
    assert_eq!(h.seek(SeekFrom::Start(1)).unwrap(), 1);
}

#[test]
fn test_seek_negative_result_raises() {
    // spec: HANDLE-8
    let fs = with_file(b"0123456789");
    let mut h = fs.open("/f.bin", OpenMode::Read).unwrap();
    h.seek_to(SeekFrom::Start(5)).unwrap();
    assert_eq!(
        kind(h.seek_to(SeekFrom::Current(-6))),
        ErrorKind::InvalidInput
    );
    assert_eq!(h.tell().unwrap(), 5);
    assert_eq!(kind(h.seek_to(SeekFrom::End(-11))), ErrorKind::InvalidInput);
    assert_eq!(h.tell().unwrap(), 5);
    assert_eq!(
        kind(h.seek_to(SeekFrom::Current(-999))),
        ErrorKind::InvalidInput
    );
    assert_eq!(h.seek_to(SeekFrom::Current(-5)).unwrap(), 0);
}

#[test]
fn test_seek_end_positive_raises() {
    // spec: HANDLE-9
    let fs = with_file(b"abc");
    let mut h = fs.open("/f.bin", OpenMode::ReadWrite).unwrap();
    h.seek_to(SeekFrom::Start(1)).unwrap();
    assert_eq!(kind(h.seek_to(SeekFrom::End(1))), ErrorKind::InvalidInput);
    assert_eq!(h.tell().unwrap(), 1);
}

#[test]
fn test_write_gap_zero_filled() {
    // spec: HANDLE-10, QUOTA-7
    let fs = with_file(b"abc");
    let mut h = fs.open("/f.bin", OpenMode::ReadWrite).unwrap();
    assert_eq!(h.seek_to(SeekFrom::Start(6)).unwrap(), 6);
    assert_eq!(
        fs.get_size("/f.bin").unwrap(),
        3,
        "seeking does not grow the file"
    );
    h.write_all(b"X").unwrap();
    h.seek_to(SeekFrom::Current(2)).unwrap();
    h.write_all(b"Y").unwrap();
    h.close();
    assert_eq!(get(&fs, "/f.bin"), b"abc\0\0\0X\0\0Y");
    check_invariants(&fs);
}

#[test]
fn test_ab_write_always_appends_to_eof() {
    // spec: HANDLE-11
    let fs = with_file(b"hello");
    let mut h = fs.open("/f.bin", OpenMode::Append).unwrap();
    h.seek_to(SeekFrom::Start(0)).unwrap();
    h.write_all(b" world").unwrap();
    h.seek_to(SeekFrom::Start(2)).unwrap();
    h.write_all(b"!").unwrap();
    h.close();
    assert_eq!(get(&fs, "/f.bin"), b"hello world!");
    assert_eq!(
        fs.file_layout("/f.bin").unwrap().kind,
        StorageKind::Sequential,
        "ab never promotes"
    );
}

#[test]
fn test_truncate_shrinks_grows_and_returns_size() {
    // spec: HANDLE-12, QUOTA-4, QUOTA-5
    let fs = with_file(b"0123456789");
    let mut h = fs.open("/f.bin", OpenMode::ReadWrite).unwrap();
    assert_eq!(h.truncate(Some(4)).unwrap(), 4);
    assert_eq!(fs.get_size("/f.bin").unwrap(), 4);
    check_invariants(&fs);
    assert_eq!(h.truncate(Some(7)).unwrap(), 7);
    check_invariants(&fs);
    h.seek_to(SeekFrom::Start(0)).unwrap();
    assert_eq!(h.read_data(None).unwrap(), b"0123\0\0\0");
    // without size: cut at the cursor
    h.seek_to(SeekFrom::Start(2)).unwrap();
    assert_eq!(h.truncate(None).unwrap(), 2);
    h.close();
    assert_eq!(get(&fs, "/f.bin"), b"01");
    check_invariants(&fs);
}

#[test]
fn test_truncate_clamps_cursor() {
    // spec: HANDLE-13
    let fs = fs();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    h.write_all(b"0123456789").unwrap();
    assert_eq!(h.tell().unwrap(), 10);
    h.truncate(Some(4)).unwrap();
    assert_eq!(h.tell().unwrap(), 4);
    h.truncate(Some(8)).unwrap();
    assert_eq!(h.tell().unwrap(), 4, "growing does not move the cursor");
    h.write_all(b"X").unwrap();
    h.close();
    assert_eq!(get(&fs, "/f"), b"0123X\0\0\0");
}

#[test]
fn test_closed_handle_raises_value_error() {
    // spec: HANDLE-14, HANDLE-15
    let fs = with_file(b"x");
    for m in [OpenMode::Read, OpenMode::ReadWrite, OpenMode::Write] {
        let mut h = fs.open("/f.bin", m).unwrap();
        h.close();
        assert!(h.is_closed());
        assert_eq!(kind(h.read_data(None)), ErrorKind::InvalidInput, "{m} read");
        assert_eq!(
            kind(h.seek_to(SeekFrom::Start(0))),
            ErrorKind::InvalidInput,
            "{m} seek"
        );
        // seed004 test_tell_on_closed_handle_raises
        assert_eq!(kind(h.tell()), ErrorKind::InvalidInput, "{m} tell");
        if m.writable() {
            assert_eq!(
                kind(h.write_data(b"y")),
                ErrorKind::InvalidInput,
                "{m} write"
            );
            assert_eq!(
                kind(h.truncate(Some(0))),
                ErrorKind::InvalidInput,
                "{m} truncate"
            );
        }
        // seed004 test_close_twice_is_idempotent
        h.close();
        assert!(h.is_closed());
    }
    assert_eq!(
        get(&fs, "/f.bin"),
        b"",
        "the wb open truncated, the closed writes did nothing"
    );
}

#[test]
fn test_open_handle_is_not_closed() {
    // spec: HANDLE-15
    let fs = with_file(b"x");
    let h = fs.open("/f.bin", OpenMode::Read).unwrap();
    assert!(!h.is_closed());
}

#[test]
fn test_io_trait_errors_carry_kind() {
    // spec: HANDLE-17
    let fs = with_file(b"abc");
    let mut w = fs.open("/f.bin", OpenMode::Append).unwrap();
    let mut buf = [0u8; 2];
    let e = w.read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::Unsupported);
    assert_eq!(
        MfsError::from_io(&e).map(MfsError::kind),
        Some(ErrorKind::Unsupported)
    );
    let e = w.seek(SeekFrom::End(1)).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        MfsError::from_io(&e).map(MfsError::kind),
        Some(ErrorKind::InvalidInput)
    );
    w.close();
    let mut r = fs.open("/f.bin", OpenMode::Read).unwrap();
    let e = r.write(b"x").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::Unsupported);
    r.close();
    let e = r.read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    let quota = exact(4);
    let mut q = quota.open("/q", OpenMode::Write).unwrap();
    let e = q.write_all(b"12345").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::StorageFull);
    assert_eq!(
        MfsError::from_io(&e).map(MfsError::kind),
        Some(ErrorKind::QuotaExceeded)
    );
}

#[test]
fn test_error_kind_to_io_kind_mapping() {
    // spec: HANDLE-17, QUOTA-14
    let p = || "/p".to_string();
    let cases = [
        (MfsError::NotFound { path: p() }, io::ErrorKind::NotFound),
        (
            MfsError::AlreadyExists { path: p() },
            io::ErrorKind::AlreadyExists,
        ),
        (
            MfsError::IsADirectory { path: p() },
            io::ErrorKind::IsADirectory,
        ),
        (
            MfsError::NotADirectory { path: p() },
            io::ErrorKind::NotADirectory,
        ),
        (
            MfsError::WouldBlock {
                path: p(),
                reason: memfs_core::BlockReason::FileOpen,
            },
            io::ErrorKind::WouldBlock,
        ),
        (
            MfsError::InvalidInput {
                path: p(),
                reason: "r".into(),
            },
            io::ErrorKind::InvalidInput,
        ),
        (
            MfsError::Unsupported {
                path: p(),
                reason: "r".into(),
            },
            io::ErrorKind::Unsupported,
        ),
        (
            MfsError::QuotaExceeded {
                path: p(),
                requested: 2,
                available: 1,
            },
            io::ErrorKind::StorageFull,
        ),
        (
            MfsError::NodeLimitExceeded {
                path: p(),
                current: 2,
                limit: 2,
            },
            io::ErrorKind::StorageFull,
        ),
        (
            MfsError::OutOfMemory {
                path: p(),
                requested: 2,
                available: 1,
            },
            io::ErrorKind::OutOfMemory,
        ),
    ];
    for (e, want) in cases {
        let k = e.kind();
        assert_eq!(k.io_kind(), want);
        assert_eq!(k.name().parse::<ErrorKind>(), Ok(k));
        let io_err: io::Error = e.clone().into();
        assert_eq!(io_err.kind(), want);
        assert_eq!(MfsError::from_io(&io_err), Some(&e));
        assert!(e.to_string().contains("/p"), "message names the path: {e}");
    }
}

#[test]
fn test_write_updates_generation_and_modified_at() {
    // spec: GEN-2, TIME-3, HANDLE-3
    let (fs, clock) = clocked(100);
    put(&fs, "/f", b"abc");
    let st0 = fs.stat("/f").unwrap();
    assert_eq!(st0.generation, 1);
    clock.set(200);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.write_all(b"X").unwrap();
    h.write_all(b"Y").unwrap();
    h.close();
    let st1 = fs.stat("/f").unwrap();
    assert_eq!(st1.generation, 3, "one per write call of n > 0 bytes");
    assert_eq!(st1.modified_at, Timestamp(200));
    assert_eq!(st1.created_at, Timestamp(100));
}

#[test]
fn test_truncate_updates_generation_only_on_size_change() {
    // spec: GEN-2, TIME-4
    let (fs, clock) = clocked(100);
    put(&fs, "/f", b"abcdef");
    let st0 = fs.stat("/f").unwrap();
    clock.set(200);
    let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
    h.truncate(Some(6)).unwrap();
    assert_eq!(fs.stat("/f").unwrap(), st0, "same size: nothing changes");
    h.truncate(Some(3)).unwrap();
    let st1 = fs.stat("/f").unwrap();
    assert_eq!(
        (st1.generation, st1.modified_at),
        (st0.generation + 1, Timestamp(200))
    );
    clock.set(300);
    h.truncate(Some(5)).unwrap();
    let st2 = fs.stat("/f").unwrap();
    assert_eq!(
        (st2.generation, st2.modified_at, st2.size),
        (st1.generation + 1, Timestamp(300), 5)
    );
    h.close();
}
