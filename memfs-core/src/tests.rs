//! Unit tests of the filesystem operations as a whole (the broad integration tests live in
//! `tests/`): check orders, accounting after each operation, fork and fingerprint.

use crate::sync::Arc;
use crate::{
    BlockReason, ErrorKind, FsBuilder, LockWait, ManualClock, MemoryFileSystem, MfsError, OpenMode,
    OpenOptions, StorageKind,
};
use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

const TRY: LockWait = LockWait::For(Duration::ZERO);

fn fs_with(b: FsBuilder) -> (MemoryFileSystem, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::ticking(1_000, 1));
    (b.clock(clock.clone()).build().unwrap(), clock)
}

fn write(fs: &MemoryFileSystem, p: &str, data: &[u8]) {
    let mut h = fs.open(p, OpenMode::Write).unwrap();
    h.write_all(data).unwrap();
}

fn read(fs: &MemoryFileSystem, p: &str) -> Vec<u8> {
    let mut v = Vec::new();
    fs.open(p, OpenMode::Read)
        .unwrap()
        .read_to_end(&mut v)
        .unwrap();
    v
}

fn kind<T: std::fmt::Debug>(r: crate::Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

// spec: CONC-9
#[test]
fn send_sync() {
    fn is_send_sync<T: Send + Sync>() {}
    fn is_send<T: Send>() {}
    is_send_sync::<MemoryFileSystem>();
    is_send::<crate::FileHandle>();
}

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

// spec: MKDIR-1, MKDIR-2, MKDIR-3, MKDIR-4, MKDIR-5, LIMIT-1, LIMIT-2, LIST-1
#[test]
fn mkdir_rules_and_node_limit() {
    let fs = MemoryFileSystem::builder().max_nodes(4).build().unwrap();
    fs.mkdir("/a/b", false).unwrap();
    assert_eq!(kind(fs.mkdir("/a/b", false)), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.mkdir("/", false)), ErrorKind::AlreadyExists);
    fs.mkdir("/a/b", true).unwrap();
    write(&fs, "/a/f", b"");
    assert_eq!(kind(fs.mkdir("/a/f", true)), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.mkdir("/a/f/g", true)), ErrorKind::AlreadyExists);
    let e = fs.mkdir("/x", false).unwrap_err();
    assert_eq!(
        e,
        MfsError::NodeLimitExceeded {
            path: "/x".into(),
            current: 4,
            limit: 4
        }
    );
    fs.remove("/a/f").unwrap();
    assert_eq!(kind(fs.mkdir("/x/y", false)), ErrorKind::NodeLimitExceeded);
    assert!(!fs.exists("/x"));
    fs.mkdir("/x", false).unwrap();
    assert_eq!(fs.listdir("/").unwrap(), ["a", "x"]);
    assert_eq!(fs.stats().dir_count, 4);
}

// spec: RENAME-1, RENAME-2, RENAME-3, RENAME-4, RENAME-5, RENAME-6, RENAME-7, RENAME-9, LIST-4
#[test]
fn rename_check_order() {
    let fs = MemoryFileSystem::new();
    fs.mkdir("/a/b", false).unwrap();
    write(&fs, "/a/b/f", b"data");
    write(&fs, "/g", b"");
    assert_eq!(kind(fs.rename("/", "/z")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rename("/nope", "/z")), ErrorKind::NotFound);
    assert_eq!(kind(fs.rename("/a", "/a")), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.rename("/a", "/")), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.rename("/a", "/a/b/c")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rename("/a", "/m/n")), ErrorKind::NotFound);
    assert_eq!(kind(fs.rename("/a", "/g/n")), ErrorKind::NotFound);
    let h = fs.open("/a/b/f", OpenMode::Read).unwrap();
    assert_eq!(
        fs.rename("/a", "/z").unwrap_err(),
        MfsError::WouldBlock {
            path: "/a/b/f".into(),
            reason: BlockReason::FileOpen
        }
    );
    drop(h);
    let st = fs.stat("/a/b/f").unwrap();
    write(&fs, "/k", b"");
    fs.rename("/a", "/z").unwrap();
    assert_eq!(fs.listdir("/").unwrap(), ["g", "k", "z"]);
    assert_eq!(fs.stat("/z/b/f").unwrap(), st);
    assert_eq!(read(&fs, "/z/b/f"), b"data");
}

// spec: MOVE-6, MOVE-7, LIMIT-4
#[test]
fn move_creates_parents() {
    let fs = MemoryFileSystem::new();
    write(&fs, "/f", b"1");
    write(&fs, "/file", b"");
    fs.move_path("/f", "/x/y/f").unwrap();
    assert_eq!(read(&fs, "/x/y/f"), b"1");
    assert_eq!(
        kind(fs.move_path("/x/y/f", "/file/q")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(fs.move_path("/x/y/f", "/file/q/r")),
        ErrorKind::AlreadyExists
    );
    assert_eq!(fs.stats().dir_count, 3);
    let lim = MemoryFileSystem::builder().max_nodes(2).build().unwrap();
    write(&lim, "/f", b"");
    assert_eq!(
        kind(lim.move_path("/f", "/d/f")),
        ErrorKind::NodeLimitExceeded
    );
    assert!(lim.exists("/f"));
}

// spec: REMOVE-1, REMOVE-2, REMOVE-3, REMOVE-4, RMTREE-1, RMTREE-2, RMTREE-3, RMTREE-4, RMTREE-5, TREE-4, TREE-5
#[test]
fn remove_and_rmtree() {
    let fs = MemoryFileSystem::new();
    fs.mkdir("/d/e", false).unwrap();
    write(&fs, "/d/e/f", b"12345");
    write(&fs, "/d/g", b"1");
    assert_eq!(kind(fs.remove("/nope")), ErrorKind::NotFound);
    assert_eq!(kind(fs.remove("/d")), ErrorKind::IsADirectory);
    assert_eq!(kind(fs.remove("/")), ErrorKind::IsADirectory);
    let h = fs.open("/d/g", OpenMode::Read).unwrap();
    assert_eq!(kind(fs.remove("/d/g")), ErrorKind::WouldBlock);
    assert_eq!(kind(fs.rmtree("/d")), ErrorKind::WouldBlock);
    drop(h);
    assert_eq!(kind(fs.rmtree("/")), ErrorKind::InvalidInput);
    assert_eq!(kind(fs.rmtree("/x")), ErrorKind::NotFound);
    assert_eq!(kind(fs.rmtree("/d/g")), ErrorKind::NotADirectory);
    fs.remove("/d/g").unwrap();
    assert_eq!(fs.stats().used_bytes, 5 + 128);
    fs.rmtree("/d").unwrap();
    let s = fs.stats();
    assert_eq!(
        (s.used_bytes, s.file_count, s.dir_count, s.chunk_count),
        (0, 0, 1, 0)
    );
}

// spec: COPY-1, COPY-2, COPY-3, COPY-4, COPY-5, COPY-7, QUOTA-13
#[test]
fn copy_rules() {
    let (fs, _c) = fs_with(FsBuilder::default().quota(400));
    fs.mkdir("/d", false).unwrap();
    {
        let mut h = fs.open("/f", OpenMode::Write).unwrap();
        h.write_all(b"ab").unwrap();
        h.write_all(b"cd").unwrap();
    }
    assert_eq!(kind(fs.copy("/x", "/y")), ErrorKind::NotFound);
    assert_eq!(kind(fs.copy("/d", "/y")), ErrorKind::IsADirectory);
    assert_eq!(kind(fs.copy("/f", "/d")), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.copy("/f", "/m/y")), ErrorKind::NotFound);
    fs.copy("/f", "/c").unwrap();
    assert_eq!(read(&fs, "/c"), b"abcd");
    let st = fs.stat("/c").unwrap();
    assert_eq!((st.generation, st.created_at), (1, st.modified_at));
    assert_eq!(fs.file_layout("/c").unwrap().chunks, vec![4]);
    assert_eq!(fs.stats().used_bytes, (4 + 2 * 128) + (4 + 128));
    assert_eq!(kind(fs.copy("/f", "/c2")), ErrorKind::QuotaExceeded);
    assert!(!fs.exists("/c2"));
}

// spec: COPYTREE-1, COPYTREE-2, COPYTREE-3, COPYTREE-4, COPYTREE-5, COPYTREE-6, COPYTREE-8, COPYTREE-9
#[test]
fn copy_tree_rules() {
    let fs = MemoryFileSystem::builder().quota(1000).build().unwrap();
    fs.mkdir("/s/e", false).unwrap();
    write(&fs, "/s/f", b"xyz");
    write(&fs, "/g", b"");
    assert_eq!(kind(fs.copy_tree("/n", "/t")), ErrorKind::NotFound);
    assert_eq!(kind(fs.copy_tree("/g", "/t")), ErrorKind::NotADirectory);
    assert_eq!(kind(fs.copy_tree("/s", "/g")), ErrorKind::AlreadyExists);
    assert_eq!(kind(fs.copy_tree("/s", "/m/t")), ErrorKind::NotFound);
    fs.copy_tree("/s", "/s/inner").unwrap();
    assert_eq!(fs.listdir("/s/inner").unwrap(), ["e", "f"]);
    assert!(!fs.exists("/s/inner/inner"));
    assert_eq!(fs.stat("/s/inner/f").unwrap().generation, 0);
    let s = fs.stats();
    assert_eq!(
        (s.file_count, s.dir_count, s.used_bytes),
        (3, 5, 2 * (3 + 128))
    );
    let before = fs.fingerprint();
    fs.mkdir("/big", false).unwrap();
    write(&fs, "/big/x", &[1u8; 500]);
    let before2 = fs.fingerprint();
    assert_ne!(before, before2);
    assert_eq!(
        kind(fs.copy_tree("/big", "/big2")),
        ErrorKind::QuotaExceeded
    );
    assert_eq!(fs.fingerprint(), before2);
}

// spec: WALK-1, GLOB-1, GLOB-2, GLOB-4, GLOB-5, GLOB-7, GLOB-8
#[test]
fn walk_and_glob() {
    let fs = MemoryFileSystem::new();
    fs.mkdir("/a/b", false).unwrap();
    write(&fs, "/a/x.txt", b"");
    write(&fs, "/a/b/y.txt", b"");
    write(&fs, "/z.txt", b"");
    let w = fs.walk("/").unwrap();
    assert_eq!(w.len(), 3);
    assert_eq!(
        (w[0].dir.as_str(), w[0].dirs.clone(), w[0].files.clone()),
        ("/", vec!["a".to_string()], vec!["z.txt".to_string()])
    );
    assert_eq!(w[2].dir, "/a/b");
    assert_eq!(
        fs.glob("/**/*.txt").unwrap(),
        ["/a/b/y.txt", "/a/x.txt", "/z.txt"]
    );
    assert_eq!(
        fs.glob("/**/**/*.txt").unwrap(),
        ["/a/b/y.txt", "/a/x.txt", "/z.txt"]
    );
    assert_eq!(fs.glob("a//?.txt").unwrap(), ["/a/x.txt"]);
    assert_eq!(fs.glob("/a/*").unwrap(), ["/a/b", "/a/x.txt"]);
    assert_eq!(fs.glob("/*/b").unwrap(), ["/a/b"]);
    assert!(fs.glob("/").unwrap().is_empty());
    assert!(fs.glob("/./a").unwrap().is_empty());
    assert_eq!(
        fs.glob("\\a\\**").unwrap(),
        ["/a/b", "/a/b/y.txt", "/a/x.txt"]
    );
    assert_eq!(kind(fs.walk("/z.txt")), ErrorKind::NotADirectory);
    assert_eq!(kind(fs.walk("/q")), ErrorKind::NotFound);
}

// spec: EXPORT-1, EXPORT-2, EXPORT-3, EXPORT-5, EXPORT-7, EXPORT-8, EXPORT-9
#[test]
fn exports() {
    let fs = MemoryFileSystem::builder()
        .default_lock_timeout(TRY)
        .build()
        .unwrap();
    write(&fs, "/a", b"1");
    fs.import_tree([("/d/b", b"22")]).unwrap();
    let all = fs.export_tree("/", false).unwrap();
    assert_eq!(all.keys().collect::<Vec<_>>(), ["/a", "/d/b"]);
    assert_eq!(
        fs.export_tree("/", true)
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["/a"]
    );
    assert_eq!(fs.export_tree("/a", false).unwrap().len(), 1);
    assert!(fs.export_tree("/none", false).unwrap().is_empty());
    let mut it = fs.iter_export_tree("/", false).unwrap();
    fs.remove("/d/b").unwrap();
    assert_eq!(it.next().unwrap().unwrap().0, "/a");
    assert!(it.next().is_none());
    drop(it);
    assert_eq!(
        kind(fs.export_as_bytesio("/a", Some(0))),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(fs.export_as_bytesio("/", None)),
        ErrorKind::IsADirectory
    );
    assert_eq!(
        fs.export_as_bytesio("/a", Some(1)).unwrap().into_inner(),
        b"1"
    );
    let _w = fs.open("/a", OpenMode::Append).unwrap();
    assert_eq!(kind(fs.export_tree("/", false)), ErrorKind::WouldBlock);
}

// spec: IMPORT-1, IMPORT-2, IMPORT-3, IMPORT-4, IMPORT-5, IMPORT-7, IMPORT-8, IMPORT-9
#[test]
fn import_rules() {
    let fs = MemoryFileSystem::builder().quota(400).build().unwrap();
    fs.mkdir("/d", false).unwrap();
    write(&fs, "/f", b"old");
    let fp = fs.fingerprint();
    let e: Vec<(&str, &[u8])> = vec![("/ok", b"1"), ("../x", b"2")];
    assert_eq!(kind(fs.import_tree(e)), ErrorKind::InvalidInput);
    assert_eq!(
        kind(fs.import_tree([("/ok", b"1"), ("/d", b"2")])),
        ErrorKind::IsADirectory
    );
    assert_eq!(kind(fs.import_tree([("/", b"1")])), ErrorKind::IsADirectory);
    assert_eq!(
        kind(fs.import_tree([("/p", b"1"), ("/p/q", b"2")])),
        ErrorKind::IsADirectory
    );
    assert_eq!(
        kind(fs.import_tree([("/f/q", b"1")])),
        ErrorKind::AlreadyExists
    );
    let h = fs.open("/f", OpenMode::Read).unwrap();
    assert_eq!(kind(fs.import_tree([("/f", b"1")])), ErrorKind::WouldBlock);
    drop(h);
    assert_eq!(
        kind(fs.import_tree([("/n1", [0u8; 100]), ("/n2", [0u8; 100])])),
        ErrorKind::QuotaExceeded
    );
    assert_eq!(fs.fingerprint(), fp);
    fs.import_tree(Vec::<(&str, &[u8])>::new()).unwrap();
    assert_eq!(fs.fingerprint(), fp);
    fs.import_tree([("/f", &b"new!"[..]), ("/x/y/z", &b"z"[..])])
        .unwrap();
    assert_eq!(read(&fs, "/f"), b"new!");
    assert_eq!(fs.stat("/f").unwrap().generation, 0);
    let s = fs.stats();
    assert_eq!(
        (s.file_count, s.dir_count, s.used_bytes),
        (2, 4, 4 + 128 + 1 + 128)
    );
}

// spec: GUARD-2, GUARD-3, GUARD-4, GUARD-5, GUARD-6
#[test]
fn memory_guard() {
    use crate::{FixedMemoryProbe, GuardAction, GuardMode};
    let probe = |n| Arc::new(FixedMemoryProbe(n));
    let e = MemoryFileSystem::builder()
        .memory_guard(GuardMode::Init, GuardAction::Error)
        .memory_probe(probe(Some(10)))
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutOfMemory);
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::Init, GuardAction::Warn)
        .memory_probe(probe(Some(10)))
        .build()
        .unwrap();
    assert_eq!(fs.take_warnings().len(), 1);
    assert!(fs.take_warnings().is_empty());
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::PerWrite, GuardAction::Error)
        .memory_probe(probe(Some(4)))
        .build()
        .unwrap();
    let mut h = fs.open("/f", OpenMode::Write).unwrap();
    h.write_all(b"1234").unwrap();
    assert_eq!(kind(h.write_data(b"12345")), ErrorKind::OutOfMemory);
    assert_eq!(fs.stats().used_bytes, 4 + 128);
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::PerWrite, GuardAction::Warn)
        .memory_probe(probe(Some(4)))
        .build()
        .unwrap();
    fs.open("/f", OpenMode::Write)
        .unwrap()
        .write_all(b"12345")
        .unwrap();
    assert_eq!(fs.take_warnings().len(), 1);
    let fs = MemoryFileSystem::builder()
        .memory_guard(GuardMode::PerWrite, GuardAction::Error)
        .memory_probe(probe(None))
        .build()
        .unwrap();
    fs.open("/f", OpenMode::Write)
        .unwrap()
        .write_all(b"12345")
        .unwrap();
}

// spec: LOCK-5, LOCK-7, LOCK-10, CONC-2
#[test]
fn waiting_on_one_file_does_not_stall_others() {
    let fs = Arc::new(MemoryFileSystem::new());
    let w = fs.open("/busy", OpenMode::Write).unwrap();
    let fs2 = Arc::clone(&fs);
    let t = std::thread::spawn(move || {
        let h = fs2.open_with(
            "/busy",
            OpenMode::Read,
            &OpenOptions::new().lock_timeout(LockWait::Forever),
        );
        h.map(|mut h| h.read_data(None).unwrap())
    });
    // While that reader waits, other files stay usable.
    write(&fs, "/other", b"ok");
    assert_eq!(read(&fs, "/other"), b"ok");
    drop(w);
    assert_eq!(t.join().unwrap().unwrap(), b"");
}

// spec: CONC-10, CONC-11, CONC-12, CONC-13
#[test]
fn seed_workload_small() {
    let fs = Arc::new(MemoryFileSystem::new());
    let ts: Vec<_> = (0..8)
        .map(|t| {
            let fs = Arc::clone(&fs);
            std::thread::spawn(move || {
                fs.mkdir(&format!("/thread_{t}"), true).unwrap();
                for i in 0..200 {
                    let p = format!("/thread_{t}/file_{i}");
                    let data = format!("data-{t}-{i}");
                    fs.open(&p, OpenMode::Write)
                        .unwrap()
                        .write_all(data.as_bytes())
                        .unwrap();
                    assert_eq!(read(&fs, &p), data.as_bytes());
                }
            })
        })
        .collect();
    for t in ts {
        t.join().unwrap();
    }
    let s = fs.stats();
    assert_eq!((s.file_count, s.dir_count), (1600, 9));
}

// spec: GEN-1, TIME-2, TIME-5
#[test]
fn fork_and_fingerprints() {
    let (fs, clock) = fs_with(FsBuilder::default());
    write(&fs, "/f", b"abc");
    let r = fs.open("/f", OpenMode::Read).unwrap();
    let mut w = fs.open("/g", OpenMode::Write).unwrap();
    w.write_all(b"x").unwrap();
    let mut closed = fs.open("/h", OpenMode::Write).unwrap();
    closed.close();
    let (copy, hs) = fs.fork(&[Some(&r), Some(&w), None, Some(&closed)]).unwrap();
    assert_eq!(copy.fingerprint(), fs.fingerprint());
    assert_eq!(copy.stats(), fs.stats());
    assert!(hs[2].is_none());
    let mut hw = hs.into_iter().nth(1).unwrap().unwrap();
    assert_eq!(hw.tell().unwrap(), 1);
    // The copy's writer lock is held by the forked handle and released with it.
    assert_eq!(kind(copy.remove("/g")), ErrorKind::WouldBlock);
    hw.write_all(b"y").unwrap();
    assert_ne!(copy.fingerprint(), fs.fingerprint());
    drop(hw);
    copy.remove("/g").unwrap();
    // The original is untouched.
    assert_eq!(kind(fs.remove("/g")), ErrorKind::WouldBlock);
    let other = MemoryFileSystem::new();
    assert_eq!(kind(other.fork(&[Some(&r)])), ErrorKind::InvalidInput);
    drop((r, w));
    // Relative time: the same operations later in time hash equal.
    let a = fs.snapshot();
    clock.advance(1_000_000);
    assert_eq!(
        a.fingerprint_relative_time(),
        fs.snapshot().fingerprint_relative_time()
    );
    assert_eq!(
        fs.stat("/g").unwrap().created_at,
        a.stat("/g").unwrap().created_at
    );
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

// spec: EXPORT-10, EXPORT-3
#[test]
fn only_dirty_skips_clean_locked_files_without_waiting() {
    let fs = MemoryFileSystem::builder()
        .default_lock_timeout(TRY)
        .build()
        .unwrap();
    fs.import_tree([("/clean", b"c")]).unwrap();
    write(&fs, "/dirty", b"d");
    let _w = fs.open("/clean", OpenMode::Append).unwrap();
    let out = fs.export_tree("/", true).unwrap();
    assert_eq!(out.keys().collect::<Vec<_>>(), ["/dirty"]);
    assert_eq!(kind(fs.export_tree("/", false)), ErrorKind::WouldBlock);
}
