//! copy, copy_tree, exports and import.

use super::*;

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
