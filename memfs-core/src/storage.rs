//! File contents and their quota accounting (semantics §3): sequential chunk lists, contiguous
//! random-access buffers, promotion between them, truncation, and what each charges.

pub(crate) use crate::chunk::{Bytes, Chunk, Chunks};
use crate::clock::Timestamp;
use crate::error::MfsError;
use crate::quota::Quota;
use crate::sync::Arc;
use crate::sync::atomic::{AtomicU64, Ordering};
use crate::types::StorageKind;

/// How a file holds its bytes now.
#[derive(Debug, Clone)]
pub(crate) enum Store {
    /// Append-only chunks with their end offsets (for binary search). Chunk bytes never
    /// change once written, so they are shared (`fork` copies refcounts, not bytes). `auto`:
    /// a non-append write may promote the file (`StorageKind::Auto`); kept here, where it
    /// matters, it fits in the enum's own room, so a file node is 128 bytes with its
    /// reference counts instead of 136 (a 128-byte block instead of 160 in mimalloc).
    Seq { chunks: Chunks, auto: bool },
    /// One contiguous buffer, copied on write after a `fork`.
    Random(Arc<Vec<u8>>),
}

/// Contents and metadata of one file (guarded by the file node's data mutex).
#[derive(Debug, Clone)]
pub(crate) struct FileData {
    pub store: Store,
    pub created_at: Timestamp,
    pub modified_at: Timestamp,
    pub generation: u64,
}

/// Everything a mutation needs from the filesystem.
pub(crate) struct WriteCtx<'a> {
    pub quota: &'a Quota,
    pub chunks: &'a AtomicU64,
    pub overhead: u64,
    pub hard_limit: u64,
    pub path: &'a str,
}

impl WriteCtx<'_> {
    fn reserve(&self, n: u64) -> Result<(), MfsError> {
        self.quota
            .reserve(n)
            .map_err(|r| self.quota_err(r.requested, r.available))
    }
    fn quota_err(&self, requested: u64, available: u64) -> MfsError {
        MfsError::quota_exceeded(self.path, requested, available)
    }
}

impl FileData {
    /// An empty file of the configured kind, created at `now`.
    pub(crate) fn new(kind: StorageKind, now: Timestamp) -> Self {
        let store = match kind {
            StorageKind::RandomAccess => Store::Random(Arc::new(Vec::new())),
            StorageKind::Auto | StorageKind::Sequential => Store::Seq {
                chunks: Chunks::new(),
                auto: kind == StorageKind::Auto,
            },
        };
        FileData {
            store,
            created_at: now,
            modified_at: now,
            generation: 0,
        }
    }

    /// A file of the configured kind holding `bytes` written in one call (what copy and import
    /// create: one chunk when sequential), with generation `generation`.
    pub(crate) fn with_bytes(
        kind: StorageKind,
        bytes: Vec<u8>,
        now: Timestamp,
        generation: u64,
    ) -> Self {
        let mut d = FileData::new(kind, now);
        if !bytes.is_empty() {
            match &mut d.store {
                Store::Random(b) => *b = Arc::new(bytes),
                Store::Seq { chunks, .. } => {
                    let end = bytes.len() as u64;
                    chunks.push(Chunk {
                        end,
                        data: Bytes::from_vec(bytes),
                    });
                }
            }
        }
        d.generation = generation;
        d
    }

    /// Size in bytes.
    pub(crate) fn size(&self) -> u64 {
        match &self.store {
            Store::Seq { chunks, .. } => chunks.last().map_or(0, |c| c.end),
            Store::Random(b) => b.len() as u64,
        }
    }

    /// Number of sequential chunks (0 for random access).
    pub(crate) fn chunk_count(&self) -> u64 {
        match &self.store {
            Store::Seq { chunks, .. } => chunks.len() as u64,
            Store::Random(_) => 0,
        }
    }

    /// Bytes this file charges against the quota.
    pub(crate) fn charged(&self, overhead: u64) -> u64 {
        self.size() + overhead * self.chunk_count()
    }

    /// The storage kind this file has now (never `Auto`).
    pub(crate) fn kind(&self) -> StorageKind {
        match self.store {
            Store::Seq { .. } => StorageKind::Sequential,
            Store::Random(_) => StorageKind::RandomAccess,
        }
    }

    /// Chunk sizes in order (one entry, the size, for random access).
    pub(crate) fn chunk_sizes(&self) -> Vec<u64> {
        match &self.store {
            Store::Seq { chunks, .. } => chunks.iter().map(|c| c.data.len() as u64).collect(),
            Store::Random(b) => vec![b.len() as u64],
        }
    }

    /// Copies bytes from `pos` into `buf`; returns how many (0 at or after EOF).
    pub(crate) fn read_into(&self, pos: u64, buf: &mut [u8]) -> usize {
        let size = self.size();
        if pos >= size || buf.is_empty() {
            return 0;
        }
        let n = usize::try_from((size - pos).min(buf.len() as u64)).unwrap_or(buf.len());
        match &self.store {
            Store::Random(b) => {
                let p = pos as usize;
                buf[..n].copy_from_slice(&b[p..p + n]);
            }
            Store::Seq { chunks, .. } => {
                // First chunk whose end is past `pos`.
                let mut i = chunks.partition_point(|c| c.end <= pos);
                let mut done = 0;
                let mut off = pos;
                while done < n {
                    let c = &chunks[i].data;
                    let start = chunks[i].end - c.len() as u64;
                    let within = (off - start) as usize;
                    let take = (c.len() - within).min(n - done);
                    buf[done..done + take].copy_from_slice(&c[within..within + take]);
                    done += take;
                    off += take as u64;
                    i += 1;
                }
            }
        }
        n
    }

    /// Reads up to `max` bytes (all remaining if `None`) from `pos`.
    pub(crate) fn read_vec(&self, pos: u64, max: Option<usize>) -> Vec<u8> {
        let mut v = Vec::new();
        self.append_to(pos, max, &mut v);
        v
    }

    /// Appends up to `max` bytes (all remaining if `None`) from `pos` to `out`, reserving
    /// their room once and copying straight from the chunks (no zero-fill first); returns how
    /// many were appended.
    pub(crate) fn append_to(&self, pos: u64, max: Option<usize>, out: &mut Vec<u8>) -> usize {
        let remaining = self.size().saturating_sub(pos);
        let n = match max {
            Some(m) => (m as u64).min(remaining),
            None => remaining,
        };
        let n = usize::try_from(n).unwrap_or(0);
        if n == 0 {
            return 0;
        }
        out.reserve_exact(n);
        match &self.store {
            Store::Random(b) => {
                let p = pos as usize;
                out.extend_from_slice(&b[p..p + n]);
            }
            Store::Seq { chunks, .. } => {
                let first = chunks.partition_point(|c| c.end <= pos);
                let mut left = n;
                for c in &chunks[first..] {
                    let start = c.end - c.data.len() as u64;
                    let within = pos.saturating_sub(start) as usize;
                    let take = (c.data.len() - within).min(left);
                    out.extend_from_slice(&c.data[within..within + take]);
                    left -= take;
                    if left == 0 {
                        break;
                    }
                }
            }
        }
        n
    }

    /// The whole contents.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        match &self.store {
            Store::Random(b) => b.to_vec(),
            Store::Seq { chunks, .. } => {
                let mut v = Vec::with_capacity(self.size() as usize);
                for c in chunks {
                    v.extend_from_slice(&c.data);
                }
                v
            }
        }
    }

    fn touch(&mut self, now: Timestamp) {
        self.generation += 1;
        self.modified_at = now;
    }

    /// Writes `data` at `pos`, charging the quota as §3 says. A zero-length write changes
    /// nothing. On error nothing changes (usage included).
    pub(crate) fn write_at(
        &mut self,
        ctx: &WriteCtx<'_>,
        pos: u64,
        data: &[u8],
        now: Timestamp,
    ) -> Result<(), MfsError> {
        if data.is_empty() {
            return Ok(());
        }
        let n = data.len() as u64;
        let size = self.size();
        // A write ending past u64::MAX can never fit: a quota error, as the oracle's saturating
        // arithmetic gives.
        let end = pos
            .checked_add(n)
            .ok_or_else(|| ctx.quota_err(u64::MAX, ctx.quota.free_now()))?;
        match &mut self.store {
            Store::Seq { chunks, .. } if pos == size => {
                ctx.reserve(n.saturating_add(ctx.overhead))?;
                chunks.push(Chunk {
                    end,
                    data: Bytes::copy_from(data),
                });
                ctx.chunks.fetch_add(1, Ordering::Relaxed);
            }
            Store::Seq { .. } => {
                self.promote_and_write(ctx, pos, data)?;
            }
            Store::Random(b) => {
                let growth = end.saturating_sub(size);
                ctx.reserve(growth)?;
                let (p, e) = (pos as usize, end as usize);
                let b = Arc::make_mut(b);
                if e > b.len() {
                    b.resize(e, 0);
                }
                b[p..e].copy_from_slice(data);
            }
        }
        self.touch(now);
        Ok(())
    }

    /// A non-append write to a sequential file: promote (needs `size` free for the copy, then
    /// usage = size), then write. On failure the file stays sequential and usage is restored
    /// exactly ([fixed]; D-MemFS could leave usage changed).
    fn promote_and_write(
        &mut self,
        ctx: &WriteCtx<'_>,
        pos: u64,
        data: &[u8],
    ) -> Result<(), MfsError> {
        let size = self.size();
        if !matches!(self.store, Store::Seq { auto: true, .. }) {
            return Err(MfsError::Unsupported {
                path: ctx.path.to_string(),
                reason: "a sequential file only accepts appends; build the filesystem with StorageKind::Auto or RandomAccess to write elsewhere".to_string(),
            });
        }
        if size > ctx.hard_limit {
            return Err(MfsError::Unsupported {
                path: ctx.path.to_string(),
                reason: format!(
                    "file of {size} bytes is above the promotion hard limit of {} bytes; only appends are possible",
                    ctx.hard_limit
                ),
            });
        }
        let old = self.charged(ctx.overhead);
        // The copy needs `size` free for a moment.
        ctx.reserve(size)?;
        let end = pos + data.len() as u64;
        let growth = end.saturating_sub(size);
        // From used+size to the final used-old+size+growth.
        if growth > old {
            if let Err(r) = ctx.quota.reserve(growth - old) {
                ctx.quota.release(size);
                // What D-MemFS would report: the write's growth against the space left after
                // promotion (which released `old` and kept `size`).
                return Err(ctx.quota_err(growth, r.available + old));
            }
        } else {
            ctx.quota.release(old - growth);
        }
        let mut buf = Vec::with_capacity(end.max(size) as usize);
        if let Store::Seq { chunks, .. } = &self.store {
            for c in chunks {
                buf.extend_from_slice(&c.data);
            }
        }
        if (end as usize) > buf.len() {
            buf.resize(end as usize, 0);
        }
        buf[pos as usize..end as usize].copy_from_slice(data);
        ctx.chunks.fetch_sub(self.chunk_count(), Ordering::Relaxed);
        self.store = Store::Random(Arc::new(buf));
        Ok(())
    }

    /// Cuts or zero-extends to `new_size` (§3: sequential shrink joins to one chunk, growth adds
    /// one zero chunk). No change at all when the size stays. On error nothing changes.
    pub(crate) fn truncate(
        &mut self,
        ctx: &WriteCtx<'_>,
        new_size: u64,
        now: Timestamp,
    ) -> Result<(), MfsError> {
        let size = self.size();
        if new_size == size {
            return Ok(());
        }
        match &mut self.store {
            Store::Seq { chunks, .. } => {
                let old_chunks = chunks.len() as u64;
                if new_size < size {
                    let old = size + ctx.overhead * old_chunks;
                    let mut joined = Vec::with_capacity(new_size as usize);
                    for c in chunks.iter() {
                        let take = (new_size as usize - joined.len()).min(c.data.len());
                        joined.extend_from_slice(&c.data[..take]);
                        if joined.len() as u64 == new_size {
                            break;
                        }
                    }
                    chunks.clear();
                    if new_size > 0 {
                        chunks.push(Chunk {
                            end: new_size,
                            data: Bytes::from_vec(joined),
                        });
                    }
                    let new_chunks = chunks.len() as u64;
                    ctx.quota
                        .release(old - (new_size + ctx.overhead * new_chunks));
                    ctx.chunks
                        .fetch_sub(old_chunks - new_chunks, Ordering::Relaxed);
                } else {
                    let pad = new_size - size;
                    ctx.reserve(pad.saturating_add(ctx.overhead))?;
                    chunks.push(Chunk {
                        end: new_size,
                        data: Bytes::zeroed(pad as usize),
                    });
                    ctx.chunks.fetch_add(1, Ordering::Relaxed);
                }
            }
            Store::Random(b) => {
                let b = Arc::make_mut(b);
                if new_size < size {
                    b.truncate(new_size as usize);
                    // Give memory back when the buffer shrank to a quarter or less (D-MemFS v11).
                    if new_size <= size / 4 {
                        b.shrink_to_fit();
                    }
                    ctx.quota.release(size - new_size);
                } else {
                    ctx.reserve(new_size - size)?;
                    b.resize(new_size as usize, 0);
                }
            }
        }
        self.touch(now);
        Ok(())
    }

    /// `wb` on an existing file, with its preallocation: empty it (generation +1, modified_at =
    /// now, even if already empty), then zero-fill to `prealloc` if > 0 (a write: generation
    /// +1 again), keeping the storage kind (D-MemFS truncates in place). The net quota change is
    /// reserved in one step; if it does not fit nothing changes (integrator decision 1).
    pub(crate) fn reset(
        &mut self,
        ctx: &WriteCtx<'_>,
        now: Timestamp,
        prealloc: u64,
    ) -> Result<(), MfsError> {
        let old = self.charged(ctx.overhead);
        let old_chunks = self.chunk_count();
        let (new, new_chunks): (u64, u64) = match self.store {
            Store::Seq { .. } if prealloc > 0 => (prealloc.saturating_add(ctx.overhead), 1),
            Store::Seq { .. } => (0, 0),
            Store::Random(_) => (prealloc, 0),
        };
        if new > old {
            ctx.quota
                .reserve(new - old)
                .map_err(|r| ctx.quota_err(new, r.available + old))?;
        } else {
            ctx.quota.release(old - new);
        }
        // One update of the shared counter, not two (wrapping: the net change may be negative).
        ctx.chunks
            .fetch_add(new_chunks.wrapping_sub(old_chunks), Ordering::Relaxed);
        match &mut self.store {
            Store::Seq { chunks, .. } => {
                chunks.clear();
                if prealloc > 0 {
                    chunks.push(Chunk {
                        end: prealloc,
                        data: Bytes::zeroed(prealloc as usize),
                    });
                }
            }
            Store::Random(b) => *b = Arc::new(vec![0u8; prealloc as usize]),
        }
        self.touch(now);
        if prealloc > 0 {
            self.touch(now);
        }
        Ok(())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    struct Env {
        quota: Quota,
        chunks: AtomicU64,
    }
    impl Env {
        fn new(limit: u64) -> Self {
            Env {
                quota: Quota::new(limit, 0),
                chunks: AtomicU64::new(0),
            }
        }
        fn write_ctx(&self) -> WriteCtx<'_> {
            WriteCtx {
                quota: &self.quota,
                chunks: &self.chunks,
                overhead: 128,
                hard_limit: 1000,
                path: "/f",
            }
        }
    }
    const T: Timestamp = Timestamp(7);

    // spec: QUOTA-1, QUOTA-2, STORE-1, STORE-3, STORE-10, STORE-11
    #[test]
    fn sequential_appends_charge_size_plus_overhead_per_chunk() {
        let env = Env::new(10_000);
        let mut f = FileData::new(StorageKind::Auto, T);
        f.write_at(&env.write_ctx(), 0, b"hello", T).unwrap();
        f.write_at(&env.write_ctx(), 5, b" world", T).unwrap();
        assert_eq!(env.quota.used(), 11 + 2 * 128);
        assert_eq!(f.chunk_sizes(), vec![5, 6]);
        assert_eq!(env.chunks.load(Ordering::Relaxed), 2);
        assert_eq!(f.generation, 2);
        assert_eq!(f.to_vec(), b"hello world");
        assert_eq!(f.read_vec(3, Some(4)), b"lo w");
        assert_eq!(f.read_vec(11, None), b"");
        // Zero-length write: nothing changes.
        f.write_at(&env.write_ctx(), 2, b"", T).unwrap();
        assert_eq!(
            (f.generation, f.kind(), env.quota.used()),
            (2, StorageKind::Sequential, 267)
        );
    }

    // spec: STORE-2, STORE-6, STORE-7, STORE-9
    #[test]
    fn promotion_charges_size_and_failure_restores_usage() {
        let env = Env::new(11 + 2 * 128 + 11);
        let mut f = FileData::new(StorageKind::Auto, T);
        f.write_at(&env.write_ctx(), 0, b"hello", T).unwrap();
        f.write_at(&env.write_ctx(), 5, b" world", T).unwrap();
        // Promotion needs 11 free: exactly available.
        f.write_at(&env.write_ctx(), 0, b"J", T).unwrap();
        assert_eq!(f.kind(), StorageKind::RandomAccess);
        assert_eq!(env.quota.used(), 11);
        assert_eq!(env.chunks.load(Ordering::Relaxed), 0);
        assert_eq!(f.to_vec(), b"Jello world");

        // Not enough for the copy: unchanged.
        let env = Env::new(2 * 128 + 11 + 10);
        let mut g = FileData::new(StorageKind::Auto, T);
        g.write_at(&env.write_ctx(), 0, b"hello", T).unwrap();
        g.write_at(&env.write_ctx(), 5, b" world", T).unwrap();
        let e = g.write_at(&env.write_ctx(), 0, b"J", T).unwrap_err();
        assert_eq!(
            e,
            MfsError::QuotaExceeded {
                path: "/f".into(),
                requested: 11,
                available: 10
            }
        );
        assert_eq!(
            (env.quota.used(), g.kind(), g.generation),
            (267, StorageKind::Sequential, 2)
        );
    }

    // spec: STORE-4, STORE-8
    #[test]
    fn sequential_only_and_hard_limit_are_unsupported() {
        let env = Env::new(1 << 20);
        let mut f = FileData::new(StorageKind::Sequential, T);
        f.write_at(&env.write_ctx(), 0, b"ab", T).unwrap();
        assert_eq!(
            f.write_at(&env.write_ctx(), 0, b"x", T).unwrap_err().kind(),
            crate::ErrorKind::Unsupported
        );
        let mut g = FileData::new(StorageKind::Auto, T);
        g.write_at(&env.write_ctx(), 0, &[1u8; 1001], T).unwrap();
        assert_eq!(
            g.write_at(&env.write_ctx(), 0, b"x", T).unwrap_err().kind(),
            crate::ErrorKind::Unsupported
        );
        let mut h = FileData::new(StorageKind::Auto, T);
        h.write_at(&env.write_ctx(), 0, &[1u8; 1000], T).unwrap();
        h.write_at(&env.write_ctx(), 0, b"x", T).unwrap();
        assert_eq!(h.kind(), StorageKind::RandomAccess);
    }

    // spec: QUOTA-4, QUOTA-5, QUOTA-6, QUOTA-7, QUOTA-8
    #[test]
    fn truncation_rules() {
        let env = Env::new(1 << 20);
        let mut f = FileData::new(StorageKind::Auto, T);
        for _ in 0..3 {
            let s = f.size();
            f.write_at(&env.write_ctx(), s, b"abcd", T).unwrap();
        }
        f.truncate(&env.write_ctx(), 6, T).unwrap();
        assert_eq!((f.chunk_sizes(), env.quota.used()), (vec![6], 6 + 128));
        f.truncate(&env.write_ctx(), 9, T).unwrap();
        assert_eq!((f.chunk_sizes(), env.quota.used()), (vec![6, 3], 9 + 256));
        assert_eq!(f.to_vec(), b"abcdab\0\0\0");
        let g0 = f.generation;
        f.truncate(&env.write_ctx(), 9, T).unwrap();
        assert_eq!(f.generation, g0);
        f.truncate(&env.write_ctx(), 0, T).unwrap();
        assert_eq!((f.chunk_sizes(), env.quota.used()), (vec![], 0));
        assert_eq!(env.chunks.load(Ordering::Relaxed), 0);

        let mut r = FileData::new(StorageKind::RandomAccess, T);
        r.write_at(&env.write_ctx(), 4, b"xy", T).unwrap();
        assert_eq!((r.to_vec(), env.quota.used()), (b"\0\0\0\0xy".to_vec(), 6));
        r.write_at(&env.write_ctx(), 0, b"ab", T).unwrap();
        assert_eq!(env.quota.used(), 6);
        r.truncate(&env.write_ctx(), 2, T).unwrap();
        assert_eq!((r.to_vec(), env.quota.used()), (b"ab".to_vec(), 2));
        r.truncate(&env.write_ctx(), 5, T).unwrap();
        assert_eq!((r.to_vec(), env.quota.used()), (b"ab\0\0\0".to_vec(), 5));
    }
}
