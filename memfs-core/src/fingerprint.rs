//! Fingerprints of the whole state for drivers: one hash of everything observable and internal
//! (tree order, names, kinds, storage layout, bytes, timestamps, generations, usage, lock
//! states), optionally with timestamps replaced by their rank.

use crate::clock::Timestamp;
use crate::fs::MemoryFileSystem;
use crate::namespace::{DirNode, Node};
use crate::storage::Store;
use crate::sync::atomic::Ordering;
use crate::sync::lock;
use std::hash::{DefaultHasher, Hash, Hasher};

impl MemoryFileSystem {
    /// Hash of the complete internal state: tree order, names, kinds, storage kinds, chunk
    /// layout, bytes, timestamps, generations, usage and lock states.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint_with(false)
    }

    /// `fingerprint` with every timestamp replaced by its rank among the distinct timestamps
    /// present, so two states that differ only by a monotone shift of time hash equal.
    pub fn fingerprint_relative_time(&self) -> u64 {
        self.fingerprint_with(true)
    }

    /// Hash of the complete state; with `relative`, timestamps are replaced by their rank.
    fn fingerprint_with(&self, relative: bool) -> u64 {
        let sh = &self.inner;
        let tree = sh.ns_write();
        let ranks = if relative {
            let mut ts = Vec::new();
            collect_times(&tree.root, &mut ts);
            ts.sort_unstable();
            ts.dedup();
            Some(ts)
        } else {
            None
        };
        let time = |t: Timestamp| -> u64 {
            match &ranks {
                Some(r) => r.binary_search(&t).unwrap_or(usize::MAX) as u64,
                None => t.0,
            }
        };
        let mut h = BufHasher::new();
        (
            sh.quota.used(),
            sh.quota.limit(),
            sh.chunks.load(Ordering::Relaxed),
            tree.files(),
            tree.dirs,
        )
            .hash(&mut h);
        (sh.settings.overhead, sh.settings.hard_limit).hash(&mut h);
        hash_dir(&tree.root, &mut h, &time);
        h.finish()
    }
}

/// Gathers the hashed bytes and feeds SipHash in large pieces: the many small `hash` calls of
/// a fingerprint cost far more one by one (SipHash's streaming result does not depend on how
/// the bytes are split, so this is the same hash as feeding them directly).
struct BufHasher {
    /// On the stack: a fingerprint allocates nothing.
    buf: [u8; BufHasher::FLUSH],
    len: usize,
    sip: DefaultHasher,
}

impl BufHasher {
    const FLUSH: usize = 1024;
    fn new() -> Self {
        BufHasher {
            buf: [0; Self::FLUSH],
            len: 0,
            sip: DefaultHasher::new(),
        }
    }
}

impl Hasher for BufHasher {
    fn write(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > Self::FLUSH {
            self.sip.write(&self.buf[..self.len]);
            self.len = 0;
            if bytes.len() > Self::FLUSH {
                self.sip.write(bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
    fn finish(&self) -> u64 {
        let mut sip = self.sip.clone();
        sip.write(&self.buf[..self.len]);
        sip.finish()
    }
}

/// Every timestamp below `d` (`d`'s included), for the ranks of the relative fingerprint.
fn collect_times(d: &DirNode, out: &mut Vec<Timestamp>) {
    out.push(d.created_at);
    for node in d.kids().values() {
        match node {
            Node::Dir(sub) => collect_times(sub, out),
            Node::File(f) => {
                let data = lock(&f.data);
                out.push(data.created_at);
                out.push(data.modified_at);
            }
        }
    }
}

/// Feeds `d` and everything below it to `h`, timestamps mapped through `time`.
fn hash_dir(d: &DirNode, h: &mut BufHasher, time: &dyn Fn(Timestamp) -> u64) {
    time(d.created_at).hash(h);
    let kids = d.kids();
    kids.len().hash(h);
    for (name, node) in kids.iter() {
        name.hash(h);
        match node {
            Node::Dir(sub) => {
                0u8.hash(h);
                hash_dir(sub, h, time);
            }
            Node::File(f) => {
                1u8.hash(h);
                let ls = f.lock.state();
                (ls.readers, ls.writer).hash(h);
                let data = lock(&f.data);
                (
                    data.generation,
                    time(data.created_at),
                    time(data.modified_at),
                )
                    .hash(h);
                match &data.store {
                    Store::Seq { chunks, auto } => {
                        2u8.hash(h);
                        auto.hash(h);
                        chunks.hash(h);
                    }
                    Store::Random(b) => {
                        3u8.hash(h);
                        b.hash(h);
                    }
                }
            }
        }
    }
}
