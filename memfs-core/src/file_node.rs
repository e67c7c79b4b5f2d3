//! A file as the namespace links it and handles hold it: its reader/writer lock, its contents,
//! and the context of the filesystem it belongs to. Shared (`Arc`), so a handle owns its file
//! without borrowing the filesystem, and an unlinked file lives on while a handle is open.

use crate::context::FsContext;
use crate::file_lock::FileLock;
use crate::storage::FileData;
use crate::sync::{Arc, Mutex};

/// One file: its reader/writer lock (held by handles), its contents, and the context
/// (accounting and settings) of the filesystem it belongs to.
#[derive(Debug)]
pub(crate) struct FileNode {
    pub lock: FileLock,
    pub data: Mutex<FileData>,
    pub context: Arc<FsContext>,
}

impl FileNode {
    /// A new shared file node charging `context`.
    pub(crate) fn new(lock: FileLock, data: FileData, context: &Arc<FsContext>) -> Arc<Self> {
        Arc::new(FileNode {
            lock,
            data: Mutex::new(data),
            context: Arc::clone(context),
        })
    }
}
#[cfg(all(test, not(loom)))]
mod tests {
    use super::FileNode;

    /// One node per file: with the `Arc`'s two counts it fills a 128-byte block exactly
    /// (mimalloc's next class is 160 bytes). `auto` moved into the sequential store for
    /// this; a field added here costs every file a larger block.
    #[test]
    fn a_file_node_with_its_counts_fits_in_128_bytes() {
        let with_counts = std::mem::size_of::<FileNode>() + 2 * std::mem::size_of::<usize>();
        assert!(with_counts <= 128, "{with_counts} bytes");
    }
}
