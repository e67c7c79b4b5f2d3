//! Unit tests of the filesystem operations as a whole (the broad integration tests live in
//! the crate's `tests/`): check orders, accounting after each operation, fork and fingerprint.
//! The helpers are here; the tests are grouped by operation in the submodules.

use crate::sync::Arc;
use crate::{
    BlockReason, ErrorKind, FsBuilder, LockWait, ManualClock, MemoryFileSystem, MfsError, OpenMode,
    OpenOptions, StorageKind,
};
use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

mod copy_transfer;
mod namespace;
mod open_handle;
mod whole_fs;

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
