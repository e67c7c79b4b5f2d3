//! The quota formula of semantics §3, kept apart so it can be read in one place: per file a
//! storage kind and (for sequential files) the size of each chunk, as §3 lays them out (one per
//! append, one for a truncation's pad, one after a shrink). No chunk bytes are kept: the
//! contents live in one `Vec<u8>`, the chunk list only says how they would be cut.

/// FileLayout kind of new files (the filesystem's `storage` setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StorageMode {
    /// Sequential, promoted to random access on the first non-append write.
    #[default]
    Auto,
    /// Sequential only: a non-append write is `Unsupported`.
    Sequential,
    /// Random access from the start.
    RandomAccess,
}

/// How one file is laid out now (what its accounting and its observed layout depend on).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileLayout {
    /// Append-only chunks: the size of each, in order (never 0: an empty write adds none).
    Sequential { chunks: Vec<u64> },
    /// One buffer; usage is the size.
    RandomAccess,
}

impl FileLayout {
    /// FileLayout of a brand-new empty file under `mode`.
    pub fn empty(mode: StorageMode) -> FileLayout {
        match mode {
            StorageMode::RandomAccess => FileLayout::RandomAccess,
            _ => FileLayout::Sequential { chunks: Vec::new() },
        }
    }

    /// FileLayout of a new file loaded in one piece with `len` bytes (copy, copy_tree, import):
    /// one chunk of `len` if non-empty, none if empty.
    pub fn loaded(mode: StorageMode, len: u64) -> FileLayout {
        match mode {
            StorageMode::RandomAccess => FileLayout::RandomAccess,
            _ => FileLayout::Sequential {
                chunks: if len > 0 { vec![len] } else { Vec::new() },
            },
        }
    }

    /// Chunks counted by `stats().chunk_count` (random-access files have none).
    pub fn chunks(&self) -> u64 {
        match self {
            FileLayout::Sequential { chunks } => chunks.len() as u64,
            FileLayout::RandomAccess => 0,
        }
    }
}

/// Bytes a file of `size` bytes charges: sequential `size + overhead x chunks`, random `size`.
pub fn usage(size: u64, storage: &FileLayout, overhead: u64) -> u64 {
    size + overhead * storage.chunks()
}
