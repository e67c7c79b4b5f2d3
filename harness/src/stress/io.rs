//! Small instrumented I/O helpers shared by the suites: whole-file writes and reads that
//! publish their progress, and self-describing payloads whose integrity can be checked from
//! the bytes alone (a torn or mixed write does not parse).

use super::progress::OpCode;
use super::runner::Ctx;
use memfs_core::{LockWait, MemoryFileSystem, MfsError, OpenMode, OpenOptions};

/// Where a whole-file write failed: at the open, or at write number `k` (0-based).
#[derive(Debug)]
pub enum WriteFail {
    Open(MfsError),
    Write(usize, MfsError),
}

impl WriteFail {
    /// The underlying error.
    pub fn error(&self) -> &MfsError {
        match self {
            WriteFail::Open(e) | WriteFail::Write(_, e) => e,
        }
    }
}

fn options(wait: Option<LockWait>) -> OpenOptions {
    match wait {
        Some(w) => OpenOptions::new().lock_timeout(w),
        None => OpenOptions::new(),
    }
}

fn open_code(mode: OpenMode) -> OpCode {
    match mode {
        OpenMode::Read => OpCode::OpenRead,
        OpenMode::Append => OpCode::OpenAppend,
        OpenMode::ReadWrite => OpCode::OpenReadWrite,
        OpenMode::Write | OpenMode::Exclusive => OpCode::OpenWrite,
    }
}

/// Opens `path` in a writing `mode` and writes `parts` one call each, then closes.
pub fn write_parts(
    fs: &MemoryFileSystem,
    ctx: &Ctx<'_>,
    path: &str,
    mode: OpenMode,
    wait: Option<LockWait>,
    parts: &[&[u8]],
) -> Result<(), WriteFail> {
    ctx.op(open_code(mode));
    let mut h = fs
        .open_with(path, mode, &options(wait))
        .map_err(WriteFail::Open)?;
    for (k, p) in parts.iter().enumerate() {
        ctx.op(OpCode::Write);
        h.write_data(p).map_err(|e| WriteFail::Write(k, e))?;
    }
    ctx.op(OpCode::Close);
    h.close();
    Ok(())
}

/// Opens `path` for reading and reads it whole, then closes.
pub fn read_all(
    fs: &MemoryFileSystem,
    ctx: &Ctx<'_>,
    path: &str,
    wait: Option<LockWait>,
) -> Result<Vec<u8>, MfsError> {
    ctx.op(OpCode::OpenRead);
    let mut h = fs.open_with(path, OpenMode::Read, &options(wait))?;
    ctx.op(OpCode::Read);
    let data = h.read_data(None)?;
    ctx.op(OpCode::Close);
    h.close();
    Ok(data)
}

/// A payload `tag-t-i|` padded to `len` bytes with a filler derived from `(t, i)`.
pub fn payload(tag: &str, t: usize, i: u64, len: usize) -> Vec<u8> {
    use std::io::Write;
    // One allocation of the final size: this runs once per operation of every suite, and its
    // cost is part of what the suites' timings measure.
    let mut v = Vec::with_capacity(len.max(tag.len() + 42));
    // Writing into a `Vec` cannot fail.
    let _ = write!(v, "{tag}-{t}-{i}|");
    let seed = seed_of(t, i);
    let fill = len.saturating_sub(v.len());
    v.extend((0..fill).map(|k| filler(seed, k)));
    v
}

fn seed_of(t: usize, i: u64) -> u64 {
    crate::linearize::wgl::splitmix(((t as u64) << 40) ^ i)
}

/// Filler byte `k` of a payload: position-dependent, so bytes spliced in from another
/// payload (or shifted) are detected.
fn filler(seed: u64, k: usize) -> u8 {
    // Multiply-shift maps the low 32 bits onto 0..26 without a division per byte.
    let x = seed.rotate_left((k as u32 * 7) % 64) & 0xffff_ffff;
    b'a' + ((x * 26) >> 32) as u8
}

/// Parses a payload made by [`payload`] with this `tag` and length `len`: `Some((t, i))` if
/// it is whole and consistent, `None` if torn, mixed or foreign.
pub fn parse_payload(tag: &str, data: &[u8], len: usize) -> Option<(usize, u64)> {
    if data.len() != len {
        return None;
    }
    let bar = data.iter().position(|b| *b == b'|')?;
    let head = std::str::from_utf8(&data[..bar]).ok()?;
    let mut parts = head.rsplitn(3, '-');
    let i: u64 = parts.next()?.parse().ok()?;
    let t: usize = parts.next()?.parse().ok()?;
    if parts.next()? != tag {
        return None;
    }
    let seed = seed_of(t, i);
    data[bar + 1..]
        .iter()
        .enumerate()
        .all(|(k, b)| *b == filler(seed, k))
        .then_some((t, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_torn_ones_are_rejected() {
        let p = payload("st03", 7, 42, 256);
        assert_eq!(parse_payload("st03", &p, 256), Some((7, 42)));
        let q = payload("st03", 8, 42, 256);
        let mut torn = p[..128].to_vec();
        torn.extend_from_slice(&q[128..]);
        assert_eq!(parse_payload("st03", &torn, 256), None);
        assert_eq!(parse_payload("st03", &p[..200], 256), None);
        assert_eq!(parse_payload("st02", &p, 256), None);
    }
}
