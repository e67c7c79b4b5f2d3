//! Changing a file's bytes with quota accounting (semantics §3, §5): the one place where writes,
//! promotion and truncation are charged. Every check happens before any change, so a failed
//! call leaves the filesystem exactly as it was.

use super::NaiveFs;

/// What a write puts into the file.
#[derive(Debug, Clone, Copy)]
enum Src<'a> {
    Bytes(&'a [u8]),
    Zeros(u64),
}

impl Src<'_> {
    fn len(&self) -> u64 {
        match self {
            Src::Bytes(d) => d.len() as u64,
            Src::Zeros(n) => *n,
        }
    }
}
use super::accounting::{FileLayout, StorageMode};
use super::error::{Kind, Result, err};

impl NaiveFs {
    /// Writes `data` at `offset` of the file at `p` (a normalized file path). Appends (offset ==
    /// size) to a sequential file add one chunk; any other write to a sequential file promotes
    /// it first. Success: generation +1, modified = now. Empty `data` changes nothing (fixed).
    pub(crate) fn write_at(&mut self, p: &str, offset: u64, data: &[u8]) -> Result<()> {
        self.write_src(p, offset, Src::Bytes(data))
    }

    /// Zero-fills the file at `p` up to `target` bytes as one write at its end (preallocation).
    /// The zeros are only materialized once the charge is accepted, so a huge request fails
    /// with `QuotaExceeded` instead of exhausting memory.
    pub(crate) fn fill_to(&mut self, p: &str, target: u64) -> Result<()> {
        let size = self.tree.file(p).map_or(0, |f| f.size());
        self.write_src(p, size, Src::Zeros(target.saturating_sub(size)))
    }

    /// `write_at` for either real bytes or a run of zeros.
    fn write_src(&mut self, p: &str, offset: u64, src: Src<'_>) -> Result<()> {
        let n = src.len();
        if n == 0 {
            return Ok(());
        }
        // The guard sees the bytes this write brings in, before any other check of the write.
        self.guard_allocation(p, n)?;
        let free = self.free();
        let overhead = self.cfg.chunk_overhead;
        let Some(f) = self.tree.file(p) else {
            return err(Kind::NotFound, p);
        };
        let size = f.size();
        let end = offset.saturating_add(n);
        let grow = end.saturating_sub(size);
        let storage = match &f.storage {
            FileLayout::Sequential { chunks } if offset == size => {
                Self::need(p, n.saturating_add(overhead), free)?;
                // One append, one chunk holding exactly what it wrote.
                FileLayout::Sequential {
                    chunks: chunks.iter().copied().chain([n]).collect(),
                }
            }
            FileLayout::Sequential { chunks } => {
                if self.cfg.storage == StorageMode::Sequential {
                    return err(Kind::Unsupported, p);
                }
                if size > self.cfg.promotion_hard_limit {
                    return err(Kind::Unsupported, p);
                }
                // The copy needs `size` free while both representations exist.
                Self::need(p, size, free)?;
                // Ambiguity: "size free for the moment of the copy" read literally: the copy's
                // reservation ends with the copy, so the write sees usage = size (chunks'
                // overhead released) and is then charged only its growth.
                Self::need(p, grow, free + overhead * chunks.len() as u64)?;
                FileLayout::RandomAccess
            }
            FileLayout::RandomAccess => {
                Self::need(p, grow, free)?;
                FileLayout::RandomAccess
            }
        };
        let now = self.now;
        let Some(f) = self.tree.file_mut(p) else {
            return err(Kind::NotFound, p);
        };
        let (start, stop) = (offset as usize, end as usize);
        if f.data.len() < stop {
            f.data.resize(stop, 0);
        }
        match src {
            Src::Bytes(data) => f.data[start..stop].copy_from_slice(data),
            Src::Zeros(_) => f.data[start..stop].fill(0),
        }
        f.storage = storage;
        f.generation += 1;
        f.modified = now;
        Ok(())
    }

    /// Cuts or zero-extends the file at `p` to `target`. Same size: nothing changes. Sequential
    /// growth adds one zero chunk (pad + overhead); sequential shrink joins to one chunk (none
    /// at size 0); random access charges growth only. A size change: generation +1, modified.
    pub(crate) fn resize(&mut self, p: &str, target: u64) -> Result<()> {
        let overhead = self.cfg.chunk_overhead;
        let size = match self.tree.file(p) {
            Some(f) => f.size(),
            None => return err(Kind::NotFound, p),
        };
        if target == size {
            return Ok(());
        }
        if target > size {
            // The zeros a growing truncate brings in, before its quota.
            self.guard_allocation(p, target - size)?;
        }
        let free = self.free();
        let Some(f) = self.tree.file(p) else {
            return err(Kind::NotFound, p);
        };
        let storage = match &f.storage {
            FileLayout::Sequential { chunks } if target > size => {
                Self::need(p, (target - size).saturating_add(overhead), free)?;
                // The zero pad is one chunk of its own.
                FileLayout::Sequential {
                    chunks: chunks.iter().copied().chain([target - size]).collect(),
                }
            }
            // A shrink joins what is left into one chunk (none at size 0).
            FileLayout::Sequential { .. } => FileLayout::Sequential {
                chunks: if target > 0 { vec![target] } else { Vec::new() },
            },
            FileLayout::RandomAccess => {
                Self::need(p, target.saturating_sub(size), free)?;
                FileLayout::RandomAccess
            }
        };
        let now = self.now;
        let Some(f) = self.tree.file_mut(p) else {
            return err(Kind::NotFound, p);
        };
        f.data.resize(target as usize, 0);
        f.storage = storage;
        f.generation += 1;
        f.modified = now;
        Ok(())
    }
}
