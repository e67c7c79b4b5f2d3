//! Property tests (seed 004 §6): path normalization against a model normalizer, write/read
//! and import/export roundtrips, the quota invariant under random operation sequences, and a
//! random seek/write/read/truncate sequence on one handle against a `Vec<u8>` model.

mod common;
use common::*;
use memfs_core::{ErrorKind, MemoryFileSystem, OpenMode, StorageKind};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::{SeekFrom, Write};

/// The normalization rule of semantics §1 written independently: `\` is `/`, empty and `.`
/// parts vanish, `..` pops, popping the root is invalid.
fn model_normalize(p: &str) -> Option<String> {
    let p = p.replace('\\', "/");
    let mut stack: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                stack.pop()?;
            }
            name => stack.push(name),
        }
    }
    Some(format!("/{}", stack.join("/")))
}

fn raw_path() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        4 => Just("a"), 3 => Just("b"), 2 => Just("c"), 2 => Just("."), 3 => Just(".."), 1 => Just(""),
    ];
    let sep = prop_oneof![4 => Just("/"), 1 => Just("\\"), 1 => Just("//")];
    (
        prop_oneof![Just(""), Just("/"), Just("//"), Just("\\")],
        prop::collection::vec((part, sep), 0..6),
    )
        .prop_map(|(lead, parts)| {
            let mut s = lead.to_string();
            for (i, (p, sep)) in parts.iter().enumerate() {
                if i > 0 {
                    s.push_str(sep);
                }
                s.push_str(p);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn path_normalization_matches_model_and_is_idempotent(p in raw_path()) {
        // spec: PATH-1, PATH-2, PATH-3, PATH-4, PATH-5, PATH-6, PATH-7, PATH-8, OPEN-13
        let fs = fs();
        let file = format!("{p}/f");
        match model_normalize(&file) {
            None => {
                prop_assert_eq!(kind(fs.mkdir(&p, true)), ErrorKind::InvalidInput);
                prop_assert_eq!(kind(fs.open(&file, OpenMode::Write)), ErrorKind::InvalidInput);
                prop_assert!(!fs.exists(&p));
                prop_assert!(!fs.exists(&file));
            }
            Some(n) => {
                fs.mkdir(&p, true).unwrap();
                prop_assert!(fs.is_dir(&p));
                let mut h = fs.open(&file, OpenMode::Write).unwrap();
                prop_assert_eq!(h.path(), n.as_str());
                h.close();
                prop_assert!(n.starts_with('/'));
                prop_assert!(!n.contains("//"));
                prop_assert!(n.split('/').all(|part| part != ".." && part != "."));
                let mut again = fs.open(&n, OpenMode::Read).unwrap();
                prop_assert_eq!(again.path(), n.as_str());
                again.close();
                prop_assert_eq!(model_normalize(&n), Some(n.clone()));
                prop_assert!(fs.is_file(&n));
                prop_assert_eq!(all_files(&fs), vec![n]);
            }
        }
    }

    #[test]
    fn write_read_roundtrip(
        data in prop::collection::vec(any::<u8>(), 0..2048),
        splits in prop::collection::vec(1usize..300, 1..8),
        kind_ix in 0usize..3,
    ) {
        // spec: HANDLE-4, HANDLE-3, STORE-11
        let storage = [StorageKind::Auto, StorageKind::Sequential, StorageKind::RandomAccess][kind_ix];
        // Quota for the worst case: 2047 one-byte sequential writes at 1 + 128 bytes each.
        let fs = build(MemoryFileSystem::builder().storage(storage).quota(1024 * 1024));
        let mut h = fs.open("/f.bin", OpenMode::Write).unwrap();
        let mut rest = &data[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = splits[i % splits.len()].min(rest.len());
            prop_assert_eq!(h.write_data(&rest[..n]).unwrap(), n);
            rest = &rest[n..];
            i += 1;
        }
        h.close();
        prop_assert_eq!(get(&fs, "/f.bin"), data.clone());
        prop_assert_eq!(fs.get_size("/f.bin").unwrap(), data.len() as u64);
        check_invariants(&fs);
    }

    #[test]
    fn import_export_roundtrip(
        entries in prop::collection::btree_map(
            prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("cc")], 1..4),
            prop::collection::vec(any::<u8>(), 0..100),
            0..8,
        )
    ) {
        // spec: IMPORT-8, IMPORT-9, EXPORT-1, QUOTA-13
        // drop entries that would sit below another entry's file
        let keys: Vec<Vec<&str>> = entries.keys().cloned().collect();
        let tree: BTreeMap<String, Vec<u8>> = entries
            .into_iter()
            .filter(|(k, _)| !keys.iter().any(|o| o.len() < k.len() && k.starts_with(o)))
            .filter(|(k, _)| !keys.iter().any(|o| o.len() > k.len() && o.starts_with(k)))
            .map(|(k, v)| (format!("/{}", k.join("/")), v))
            .collect();
        let fs = fs();
        fs.import_tree(tree.clone()).unwrap();
        prop_assert_eq!(fs.export_tree("/", false).unwrap(), tree.clone());
        prop_assert!(fs.export_tree("/", true).unwrap().is_empty());
        prop_assert_eq!(fs.stats().file_count, tree.len() as u64);
        check_invariants(&fs);
    }
}

#[derive(Debug, Clone)]
enum Op {
    Write {
        file: usize,
        mode: usize,
        seek: Option<u64>,
        len: usize,
    },
    Truncate {
        file: usize,
        size: u64,
    },
    Remove {
        file: usize,
    },
    Copy {
        from: usize,
        to: usize,
    },
    Import {
        file: usize,
        len: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..3usize, prop::option::of(0..400u64), 0..300usize)
            .prop_map(|(file, mode, seek, len)| Op::Write { file, mode, seek, len }),
        1 => (0..3usize, 0..500u64).prop_map(|(file, size)| Op::Truncate { file, size }),
        1 => (0..3usize).prop_map(|file| Op::Remove { file }),
        1 => (0..3usize, 0..3usize).prop_map(|(from, to)| Op::Copy { from, to }),
        1 => (0..3usize, 0..400usize).prop_map(|(file, len)| Op::Import { file, len }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn used_never_exceeds_quota(
        quota in 100u64..3000,
        overhead_ix in 0usize..3,
        kind_ix in 0usize..3,
        ops in prop::collection::vec(op(), 1..30),
    ) {
        // spec: QUOTA-11, QUOTA-12, TREE-3, TREE-4, TREE-5, TREE-6
        let overhead = [0u64, 16, 128][overhead_ix];
        let storage = [StorageKind::Auto, StorageKind::Sequential, StorageKind::RandomAccess][kind_ix];
        let fs = build(MemoryFileSystem::builder().quota(quota).chunk_overhead(overhead).storage(storage));
        let path = |i: usize| format!("/f{i}");
        for op in ops {
            let r: memfs_core::Result<()> = match &op {
                Op::Write { file, mode, seek, len } => {
                    let m = [OpenMode::Write, OpenMode::Append, OpenMode::ReadWrite][*mode];
                    fs.open(&path(*file), m).and_then(|mut h| {
                        if let Some(s) = seek {
                            h.seek_to(SeekFrom::Start(*s))?;
                        }
                        h.write_data(&vec![7u8; *len]).map(|_| ())
                    })
                }
                Op::Truncate { file, size } => {
                    fs.open(&path(*file), OpenMode::ReadWrite).and_then(|mut h| h.truncate(Some(*size)).map(|_| ()))
                }
                Op::Remove { file } => fs.remove(&path(*file)),
                Op::Copy { from, to } => fs.copy(&path(*from), &path(*to)),
                Op::Import { file, len } => fs.import_tree([(path(*file), vec![3u8; *len])]),
            };
            if let Err(e) = r {
                let allowed = [ErrorKind::QuotaExceeded, ErrorKind::NotFound, ErrorKind::AlreadyExists, ErrorKind::Unsupported];
                prop_assert!(allowed.contains(&e.kind()), "{:?} -> {:?}", op, e);
                if e.kind() == ErrorKind::Unsupported {
                    prop_assert_eq!(storage, StorageKind::Sequential);
                }
            }
            let s = fs.stats();
            prop_assert!(s.used_bytes <= s.quota_bytes);
            check_invariants(&fs);
        }
    }
}

#[derive(Debug, Clone)]
enum HOp {
    SeekStart(u64),
    SeekCur(i64),
    SeekEnd(i64),
    Write(Vec<u8>),
    Read(Option<usize>),
    Truncate(Option<u64>),
}

fn hop() -> impl Strategy<Value = HOp> {
    prop_oneof![
        2 => (0..80u64).prop_map(HOp::SeekStart),
        2 => (-60..60i64).prop_map(HOp::SeekCur),
        2 => (-60..5i64).prop_map(HOp::SeekEnd),
        4 => prop::collection::vec(any::<u8>(), 0..20).prop_map(HOp::Write),
        2 => prop::option::of(0..40usize).prop_map(HOp::Read),
        1 => prop::option::of(0..80u64).prop_map(HOp::Truncate),
    ]
}

/// The handle semantics of §5 over a plain vector.
struct Model {
    data: Vec<u8>,
    pos: u64,
    sequential: bool,
}

impl Model {
    fn seek(&mut self, base: i128, off: i64, from_end: bool) -> Result<u64, ErrorKind> {
        if from_end && off > 0 {
            return Err(ErrorKind::InvalidInput);
        }
        let target = base + off as i128;
        if target < 0 {
            return Err(ErrorKind::InvalidInput);
        }
        self.pos = target as u64;
        Ok(self.pos)
    }
    fn write(&mut self, d: &[u8]) -> Result<usize, ErrorKind> {
        if d.is_empty() {
            return Ok(0);
        }
        if self.sequential && self.pos != self.data.len() as u64 {
            return Err(ErrorKind::Unsupported);
        }
        let p = self.pos as usize;
        if self.data.len() < p + d.len() {
            self.data.resize(p + d.len(), 0);
        }
        self.data[p..p + d.len()].copy_from_slice(d);
        self.pos += d.len() as u64;
        Ok(d.len())
    }
    fn read(&mut self, n: Option<usize>) -> Vec<u8> {
        let p = (self.pos as usize).min(self.data.len());
        let end = n.map_or(self.data.len(), |n| (p + n).min(self.data.len()));
        let out = self.data[p..end].to_vec();
        self.pos += out.len() as u64;
        out
    }
    fn truncate(&mut self, size: Option<u64>) -> u64 {
        let s = size.unwrap_or(self.pos);
        self.data.resize(s as usize, 0);
        self.pos = self.pos.min(s);
        s
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn handle_matches_vec_model(
        initial in prop::collection::vec(any::<u8>(), 0..40),
        kind_ix in 0usize..3,
        ops in prop::collection::vec(hop(), 1..40),
    ) {
        // spec: HANDLE-1, HANDLE-2, HANDLE-3, HANDLE-7, HANDLE-8, HANDLE-9, HANDLE-10, HANDLE-12, HANDLE-13, STORE-4, STORE-10
        let storage = [StorageKind::Auto, StorageKind::Sequential, StorageKind::RandomAccess][kind_ix];
        let fs = build(MemoryFileSystem::builder().storage(storage));
        let mut w = fs.open("/f", OpenMode::Write).unwrap();
        w.write_all(&initial).unwrap();
        w.close();
        let mut h = fs.open("/f", OpenMode::ReadWrite).unwrap();
        let mut m = Model { data: initial.clone(), pos: 0, sequential: storage == StorageKind::Sequential };
        for op in ops {
            match &op {
                HOp::SeekStart(n) => {
                    let want = m.seek(0, *n as i64, false);
                    prop_assert_eq!(h.seek_to(SeekFrom::Start(*n)).map_err(|e| e.kind()), want, "{:?}", op);
                }
                HOp::SeekCur(d) => {
                    let want = m.seek(m.pos as i128, *d, false);
                    prop_assert_eq!(h.seek_to(SeekFrom::Current(*d)).map_err(|e| e.kind()), want, "{:?}", op);
                }
                HOp::SeekEnd(d) => {
                    let want = m.seek(m.data.len() as i128, *d, true);
                    prop_assert_eq!(h.seek_to(SeekFrom::End(*d)).map_err(|e| e.kind()), want, "{:?}", op);
                }
                HOp::Write(d) => {
                    let want = m.write(d);
                    prop_assert_eq!(h.write_data(d).map_err(|e| e.kind()), want, "{:?}", op);
                }
                HOp::Read(n) => {
                    let want = m.read(*n);
                    prop_assert_eq!(h.read_data(*n).unwrap(), want, "{:?}", op);
                }
                HOp::Truncate(s) => {
                    let want = m.truncate(*s);
                    prop_assert_eq!(h.truncate(*s).unwrap(), want, "{:?}", op);
                }
            }
            prop_assert_eq!(h.tell().unwrap(), m.pos, "cursor after {:?}", op);
            prop_assert_eq!(fs.get_size("/f").unwrap(), m.data.len() as u64, "size after {:?}", op);
        }
        h.close();
        prop_assert_eq!(get(&fs, "/f"), m.data);
        check_invariants(&fs);
    }
}
