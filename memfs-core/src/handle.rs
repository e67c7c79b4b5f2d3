//! Open file handles: `Read + Write + Seek` plus `tell`, `truncate` and `close`.
//! API CONTRACT (pinned).

use crate::types::OpenMode;
use crate::Result;
use std::io::{self, SeekFrom};

/// An open file. Holds the file's reader or writer lock from open until close or drop.
#[derive(Debug)]
pub struct FileHandle {
    _todo: (),
}

impl FileHandle {
    /// Reads up to `max` bytes (all remaining if `None`) from the cursor.
    pub fn read_data(&mut self, _max: Option<usize>) -> Result<Vec<u8>> {
        todo!()
    }
    /// Writes `data` at the cursor (at EOF for `ab`), returning the bytes written.
    pub fn write_data(&mut self, _data: &[u8]) -> Result<usize> {
        todo!()
    }
    /// Moves the cursor; negative targets and positive offsets from the end are `InvalidInput`.
    pub fn seek_to(&mut self, _pos: SeekFrom) -> Result<u64> {
        todo!()
    }
    /// The cursor position.
    pub fn tell(&self) -> Result<u64> {
        todo!()
    }
    /// Cuts or zero-extends the file to `size` (the cursor if `None`); returns the new size.
    pub fn truncate(&mut self, _size: Option<u64>) -> Result<u64> {
        todo!()
    }
    /// Releases the lock; closing twice is fine.
    pub fn close(&mut self) {
        todo!()
    }
    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        todo!()
    }
    /// The mode the handle was opened with.
    pub fn mode(&self) -> OpenMode {
        todo!()
    }
    /// The normalized path the handle was opened at.
    pub fn path(&self) -> &str {
        todo!()
    }
}

impl io::Read for FileHandle {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        todo!()
    }
}

impl io::Write for FileHandle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(self.write_data(buf)?)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Seek for FileHandle {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        Ok(self.seek_to(pos)?)
    }
}
