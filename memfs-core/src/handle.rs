//! Open file handles: `Read + Write + Seek` plus `tell`, `truncate` and `close`.
//! API CONTRACT (pinned).

use crate::context::FsContext;
use crate::error::{MfsError, Result};
use crate::file_lock::Access;
use crate::file_node::FileNode;
use crate::sync::{Arc, lock};
use crate::types::OpenMode;
use smol_str::SmolStr;
use std::io::{self, SeekFrom};

/// `path` as a handle keeps it. `new_inline` copies a short path in a plain loop; the general
/// `SmolStr::new` (an unsized copy, then special cases for whitespace) costs about 13 ns more
/// per open here. Built before the open takes its locks: the copy's byte stores have then
/// retired when the handle is assembled, instead of stalling its wide loads.
pub(crate) fn handle_path(path: &str) -> SmolStr {
    if path.len() <= 23 {
        SmolStr::new_inline(path)
    } else {
        SmolStr::new(path)
    }
}

/// An open file. Holds the file's reader or writer lock from open until close or drop.
#[derive(Debug)]
pub struct FileHandle {
    /// The file; it also leads to the filesystem's context: accounting and settings
    /// (`node.context`).
    node: Arc<FileNode>,
    /// Inline up to 23 bytes (most paths), so an open neither allocates nor re-checks UTF-8.
    path: SmolStr,
    mode: OpenMode,
    cursor: u64,
    closed: bool,
}

impl FileHandle {
    /// A handle that already holds `node`'s lock for `mode`.
    pub(crate) fn new(node: Arc<FileNode>, path: SmolStr, mode: OpenMode) -> Self {
        FileHandle {
            node,
            path,
            mode,
            cursor: 0,
            closed: false,
        }
    }
    /// A handle copied by `fork`: same path, mode, cursor and closed flag.
    pub(crate) fn forked(node: Arc<FileNode>, from: &FileHandle) -> Self {
        FileHandle {
            node,
            path: from.path.clone(),
            mode: from.mode,
            cursor: from.cursor,
            closed: false,
        }
    }
    pub(crate) fn node(&self) -> &Arc<FileNode> {
        &self.node
    }
    /// The accounting of the filesystem this handle's file belongs to (its identity).
    pub(crate) fn context(&self) -> &Arc<FsContext> {
        &self.node.context
    }
    /// Marks a forked copy of a closed handle closed without touching any lock.
    pub(crate) fn mark_closed(&mut self) {
        self.closed = true;
    }
    pub(crate) fn set_cursor(&mut self, c: u64) {
        self.cursor = c;
    }
    fn access(&self) -> Access {
        if self.mode == OpenMode::Read {
            Access::Read
        } else {
            Access::Write
        }
    }
    fn check_open(&self) -> Result<()> {
        if self.closed {
            Err(MfsError::closed_handle(&self.path))
        } else {
            Ok(())
        }
    }
    fn check_readable(&self) -> Result<()> {
        self.check_open()?;
        if self.mode.readable() {
            Ok(())
        } else {
            Err(MfsError::unsupported(
                &self.path,
                format!(
                    "handle opened `{}` is not readable; open with rb or r+b",
                    self.mode
                ),
            ))
        }
    }
    fn check_writable(&self) -> Result<()> {
        self.check_open()?;
        if self.mode.writable() {
            Ok(())
        } else {
            Err(MfsError::unsupported(
                &self.path,
                "handle opened `rb` is not writable; open with wb, ab, r+b or xb",
            ))
        }
    }

    /// Reads up to `max` bytes (all remaining if `None`) from the cursor.
    pub fn read_data(&mut self, max: Option<usize>) -> Result<Vec<u8>> {
        self.check_readable()?;
        let v = lock(&self.node.data).read_vec(self.cursor, max);
        self.cursor += v.len() as u64;
        Ok(v)
    }
    /// Writes `data` at the cursor (at EOF for `ab`), returning the bytes written.
    pub fn write_data(&mut self, data: &[u8]) -> Result<usize> {
        self.check_writable()?;
        if data.is_empty() {
            return Ok(0);
        }
        let sh = &*self.node.context;
        let path = &self.path;
        sh.guard_write(path, data.len() as u64)?;
        let now = sh.now();
        let mut d = lock(&self.node.data);
        let pos = if self.mode == OpenMode::Append {
            d.size()
        } else {
            self.cursor
        };
        d.write_at(&sh.write_ctx(path), pos, data, now)?;
        drop(d);
        self.cursor = pos + data.len() as u64;
        Ok(data.len())
    }
    /// Moves the cursor; negative targets and positive offsets from the end are `InvalidInput`.
    pub fn seek_to(&mut self, pos: SeekFrom) -> Result<u64> {
        self.check_open()?;
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.cursor.checked_add_signed(d),
            SeekFrom::End(d) => {
                if d > 0 {
                    return Err(MfsError::invalid_input(
                        &self.path,
                        "seek past the end with a positive offset from SEEK_END is not allowed; seek from the start instead",
                    ));
                }
                lock(&self.node.data).size().checked_add_signed(d)
            }
        };
        match target {
            Some(t) => {
                self.cursor = t;
                Ok(t)
            }
            None => Err(MfsError::invalid_input(
                &self.path,
                "seek to a negative position",
            )),
        }
    }
    /// The cursor position.
    pub fn tell(&self) -> Result<u64> {
        self.check_open()?;
        Ok(self.cursor)
    }
    /// Cuts or zero-extends the file to `size` (the cursor if `None`); returns the new size.
    pub fn truncate(&mut self, size: Option<u64>) -> Result<u64> {
        self.check_writable()?;
        let size = size.unwrap_or(self.cursor);
        let sh = &*self.node.context;
        let mut d = lock(&self.node.data);
        if size > d.size() {
            sh.guard_write(&self.path, size - d.size())?;
        }
        let now = sh.now();
        d.truncate(&sh.write_ctx(&self.path), size, now)?;
        drop(d);
        self.cursor = self.cursor.min(size);
        Ok(size)
    }
    /// Releases the lock; closing twice is fine.
    pub fn close(&mut self) {
        if !self.closed {
            self.closed = true;
            self.node.lock.release(self.access());
        }
    }
    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        self.closed
    }
    /// The mode the handle was opened with.
    pub fn mode(&self) -> OpenMode {
        self.mode
    }
    /// The normalized path the handle was opened at.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl Drop for FileHandle {
    fn drop(&mut self) {
        self.close();
    }
}

impl io::Read for FileHandle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.check_readable()?;
        let n = lock(&self.node.data).read_into(self.cursor, buf);
        self.cursor += n as u64;
        Ok(n)
    }

    /// Everything from the cursor in one step: the size is known, so the room is reserved
    /// once and the bytes copied straight from the chunks, where the default would probe
    /// with small reads, grow `buf` and zero-fill it (valgrind: 224 instead of 456 instructions
    /// for a small file).
    fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        self.check_readable()?;
        let n = lock(&self.node.data).append_to(self.cursor, None, buf);
        self.cursor += n as u64;
        Ok(n)
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
