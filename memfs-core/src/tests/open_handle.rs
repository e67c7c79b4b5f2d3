//! Opens (check order, `wb` truncation, preallocation) and handle rules.

use super::*;

// spec: OPEN-2, OPEN-3, OPEN-4, OPEN-5, OPEN-6, PREALLOC-4, PATH-9
#[test]
fn open_check_order() {
    let fs = MemoryFileSystem::new();
    fs.mkdir("/d", false).unwrap();
    write(&fs, "/f", b"x");
    assert_eq!(
        "rb+".parse::<OpenMode>().unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    for m in OpenMode::ALL {
        assert_eq!(kind(fs.open("../x", m)), ErrorKind::InvalidInput);
        assert_eq!(kind(fs.open("/d", m)), ErrorKind::IsADirectory);
        assert_eq!(kind(fs.open("/", m)), ErrorKind::IsADirectory);
    }
    assert_eq!(kind(fs.open("/nope", OpenMode::Read)), ErrorKind::NotFound);
    assert_eq!(
        kind(fs.open("/nope", OpenMode::ReadWrite)),
        ErrorKind::NotFound
    );
    assert_eq!(kind(fs.open("/f/x", OpenMode::Read)), ErrorKind::NotFound);
    assert_eq!(kind(fs.open("/m/x", OpenMode::Write)), ErrorKind::NotFound);
    assert_eq!(
        kind(fs.open("/f/x", OpenMode::Exclusive)),
        ErrorKind::NotFound
    );
    let _w = fs.open("/f", OpenMode::ReadWrite).unwrap();
    // xb of an existing file: AlreadyExists even though a writer holds the lock.
    assert_eq!(
        kind(fs.open("/f", OpenMode::Exclusive)),
        ErrorKind::AlreadyExists
    );
    let e = fs
        .open_with("/f", OpenMode::Read, &OpenOptions::new().preallocate(4))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(fs.stats().file_count, 1);
}

// spec: OPEN-9, OPEN-10, LOCK-3, LOCK-8, LOCK-9, GEN-2, TIME-3
#[test]
fn wb_truncates_only_with_the_lock() {
    let (fs, _c) = fs_with(FsBuilder::default());
    write(&fs, "/f", b"abc");
    let r = fs.open("/f", OpenMode::Read).unwrap();
    let e = fs
        .open_with("/f", OpenMode::Write, &OpenOptions::new().lock_timeout(TRY))
        .unwrap_err();
    assert_eq!(
        e,
        MfsError::WouldBlock {
            path: "/f".into(),
            reason: BlockReason::LockTimeout
        }
    );
    assert_eq!(read_with_open_reader(&fs), b"abc");
    drop(r);
    let before = fs.stat("/f").unwrap();
    let h = fs.open("/f", OpenMode::Write).unwrap();
    let after = fs.stat("/f").unwrap();
    assert_eq!((after.size, after.generation), (0, before.generation + 1));
    assert!(after.modified_at > before.modified_at);
    drop(h);
    // Already empty: still a new generation.
    drop(fs.open("/f", OpenMode::Write).unwrap());
    assert_eq!(fs.stat("/f").unwrap().generation, before.generation + 2);
    assert_eq!(fs.stats().used_bytes, 0);
}

fn read_with_open_reader(fs: &MemoryFileSystem) -> Vec<u8> {
    read(fs, "/f")
}

// spec: PREALLOC-1, PREALLOC-2, PREALLOC-3, PREALLOC-5
#[test]
fn preallocate_and_its_failure() {
    let (fs, _c) = fs_with(FsBuilder::default().quota(1000));
    let h = fs
        .open_with("/p", OpenMode::Write, &OpenOptions::new().preallocate(10))
        .unwrap();
    drop(h);
    assert_eq!(read(&fs, "/p"), vec![0u8; 10]);
    assert_eq!(fs.stat("/p").unwrap().generation, 1);
    assert_eq!(fs.stats().used_bytes, 10 + 128);
    let e = fs
        .open_with(
            "/big",
            OpenMode::Write,
            &OpenOptions::new().preallocate(5000),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::QuotaExceeded);
    assert!(!fs.exists("/big"));
    assert_eq!((fs.stats().file_count, fs.stats().used_bytes), (1, 138));
    drop(
        fs.open_with(
            "/p",
            OpenMode::ReadWrite,
            &OpenOptions::new().preallocate(4),
        )
        .unwrap(),
    );
    assert_eq!(fs.stat("/p").unwrap().generation, 1);
}

// spec: HANDLE-1, HANDLE-2, HANDLE-5, HANDLE-6, HANDLE-7, HANDLE-8, HANDLE-9, HANDLE-10, HANDLE-11, HANDLE-13, HANDLE-14, HANDLE-15, HANDLE-17
#[test]
fn handle_rules() {
    let fs = MemoryFileSystem::new();
    let mut w = fs.open("/f", OpenMode::Write).unwrap();
    assert_eq!(kind(w.read_data(None)), ErrorKind::Unsupported);
    w.write_all(b"hello").unwrap();
    assert_eq!(w.seek(SeekFrom::Start(8)).unwrap(), 8);
    w.write_all(b"!").unwrap();
    assert_eq!(kind(w.seek_to(SeekFrom::End(1))), ErrorKind::InvalidInput);
    assert_eq!(
        kind(w.seek_to(SeekFrom::Current(-100))),
        ErrorKind::InvalidInput
    );
    assert_eq!(w.tell().unwrap(), 9);
    assert_eq!(w.truncate(Some(2)).unwrap(), 2);
    assert_eq!(w.tell().unwrap(), 2);
    w.close();
    w.close();
    assert!(w.is_closed());
    assert_eq!(kind(w.tell()), ErrorKind::InvalidInput);
    let io = w.write(b"x").unwrap_err();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        MfsError::from_io(&io).unwrap().kind(),
        ErrorKind::InvalidInput
    );

    let mut a = fs.open("/f", OpenMode::Append).unwrap();
    assert_eq!(a.tell().unwrap(), 2);
    a.seek(SeekFrom::Start(0)).unwrap();
    a.write_all(b"XY").unwrap();
    drop(a);
    let mut r = fs.open("/f", OpenMode::Read).unwrap();
    assert_eq!(kind(r.write_data(b"z")), ErrorKind::Unsupported);
    assert_eq!(kind(r.truncate(Some(0))), ErrorKind::Unsupported);
    assert_eq!(r.read_data(Some(3)).unwrap(), b"heX");
    assert_eq!(r.read_data(None).unwrap(), b"Y");
    assert_eq!(r.read_data(None).unwrap(), b"");
    assert_eq!(r.seek(SeekFrom::End(-1)).unwrap(), 3);
    assert_eq!((r.mode(), r.path()), (OpenMode::Read, "/f"));
}

// spec: HANDLE-10, STORE-2, QUOTA-7
#[test]
fn write_past_eof_zero_fills_and_promotes() {
    let fs = MemoryFileSystem::new();
    let mut w = fs.open("/f", OpenMode::Write).unwrap();
    w.write_all(b"ab").unwrap();
    w.seek(SeekFrom::Start(5)).unwrap();
    w.write_all(b"c").unwrap();
    drop(w);
    assert_eq!(read(&fs, "/f"), b"ab\0\0\0c");
    let l = fs.file_layout("/f").unwrap();
    assert_eq!((l.kind, l.charged), (StorageKind::RandomAccess, 6));
    assert_eq!(fs.stats().used_bytes, 6);
    assert_eq!(fs.stats().chunk_count, 0);
}

// spec: PREALLOC-5, OPEN-9
#[test]
fn failed_wb_preallocate_leaves_existing_file_unchanged() {
    let (fs, _c) = fs_with(FsBuilder::default().quota(300));
    write(&fs, "/f", b"keep");
    let before = (fs.stat("/f").unwrap(), fs.stats(), fs.fingerprint());
    let opts = OpenOptions::new().preallocate(200);
    let e = fs.open_with("/f", OpenMode::Write, &opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::QuotaExceeded);
    assert_eq!(
        (fs.stat("/f").unwrap(), fs.stats(), fs.fingerprint()),
        before
    );
    assert_eq!(read(&fs, "/f"), b"keep");
    // A fitting one: truncation and preallocation, two generations, one zero chunk.
    let opts = OpenOptions::new().preallocate(100);
    drop(fs.open_with("/f", OpenMode::Write, &opts).unwrap());
    assert_eq!(fs.stat("/f").unwrap().generation, before.0.generation + 2);
    assert_eq!(fs.file_layout("/f").unwrap().chunks, vec![100]);
    assert_eq!(fs.stats().used_bytes, 100 + 128);
}

// spec: HANDLE-10, QUOTA-9, QUOTA-12
#[test]
fn writes_far_past_eof_are_quota_errors() {
    let fs = MemoryFileSystem::new();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    h.write_all(b"ab").unwrap();
    let used = fs.stats().used_bytes;
    for at in [u64::MAX, u64::MAX - 1, 1 << 40] {
        h.seek(SeekFrom::Start(at)).unwrap();
        assert_eq!(kind(h.write_data(b"xy")), ErrorKind::QuotaExceeded);
        assert_eq!(kind(h.truncate(Some(at))), ErrorKind::QuotaExceeded);
    }
    assert_eq!(fs.stats().used_bytes, used);
    assert_eq!(fs.file_layout("/f").unwrap().kind, StorageKind::Sequential);
}
