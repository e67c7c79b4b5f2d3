//! The quota formula of semantics §3, kept apart so it can be read in one place: per file a
//! storage kind and (for sequential files) a chunk count; no real chunks are kept.

/// Storage kind of new files (the filesystem's `storage` setting).
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

/// How one file is stored now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Storage {
    /// Append-only chunks; only their number matters for accounting.
    Sequential { chunks: u64 },
    /// One buffer; usage is the size.
    RandomAccess,
}

impl Storage {
    /// Storage of a brand-new empty file under `mode`.
    pub fn empty(mode: StorageMode) -> Storage {
        match mode {
            StorageMode::RandomAccess => Storage::RandomAccess,
            _ => Storage::Sequential { chunks: 0 },
        }
    }

    /// Storage of a new file loaded in one piece with `len` bytes (copy, copy_tree, import):
    /// one chunk if non-empty, none if empty.
    pub fn loaded(mode: StorageMode, len: u64) -> Storage {
        match mode {
            StorageMode::RandomAccess => Storage::RandomAccess,
            _ => Storage::Sequential {
                chunks: u64::from(len > 0),
            },
        }
    }

    /// Chunks counted by `stats().chunk_count` (random-access files have none).
    pub fn chunks(self) -> u64 {
        match self {
            Storage::Sequential { chunks } => chunks,
            Storage::RandomAccess => 0,
        }
    }
}

/// Bytes a file of `size` bytes charges: sequential `size + overhead x chunks`, random `size`.
pub fn usage(size: u64, storage: Storage, overhead: u64) -> u64 {
    size + overhead * storage.chunks()
}
