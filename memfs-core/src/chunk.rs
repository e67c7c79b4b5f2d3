//! Sequential chunks and the bytes they hold. A short write (up to 22 bytes) keeps its bytes
//! inline in the chunk: no allocation when it is written, no free when the file is truncated,
//! no reference count when a fork copies it. Longer chunks are shared between forks behind an
//! `Arc`, since their bytes never change once written.

use crate::sync::Arc;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// A sequential file's chunks; the first lives inline (most files are one write).
pub(crate) type Chunks = smallvec::SmallVec<[Chunk; 1]>;

/// One sequential chunk: its bytes and the file offset where it ends.
#[derive(Debug, Clone, Hash)]
pub(crate) struct Chunk {
    pub end: u64,
    pub data: Bytes,
}

/// Immutable chunk bytes, inline up to [`Bytes::INLINE`] bytes, shared above.
/// Equality and hashing see only the bytes, never where they live.
#[derive(Clone)]
pub(crate) struct Bytes(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, buf: [u8; Bytes::INLINE] },
    Shared(Arc<[u8]>),
}

impl Bytes {
    /// The longest chunk kept inline: as many bytes as fit beside the tag and length in the
    /// space the shared form needs anyway (a fat pointer), so inlining costs no memory. Every
    /// file node carries one chunk inline; a 64-byte buffer made each node 48 bytes larger
    /// (192 instead of 144 bytes with its allocation header) for no measured gain: the
    /// 64-byte small-file cycle ran 233-242 ns either way, while the seed workload's median
    /// fell from 19.8 to 18.1 ms with the smaller node (10 interleaved runs each).
    pub(crate) const INLINE: usize = 22;

    /// A copy of `data`.
    pub(crate) fn copy_from(data: &[u8]) -> Self {
        match u8::try_from(data.len()) {
            Ok(len) if data.len() <= Self::INLINE => {
                let mut buf = [0u8; Self::INLINE];
                buf[..data.len()].copy_from_slice(data);
                Bytes(Repr::Inline { len, buf })
            }
            _ => Bytes(Repr::Shared(Arc::from(data))),
        }
    }

    /// `v`'s bytes, moved into a shared buffer when too long to keep inline.
    pub(crate) fn from_vec(v: Vec<u8>) -> Self {
        if v.len() <= Self::INLINE {
            Self::copy_from(&v)
        } else {
            Bytes(Repr::Shared(Arc::from(v)))
        }
    }

    /// `n` zero bytes.
    pub(crate) fn zeroed(n: usize) -> Self {
        if n <= Self::INLINE {
            Self::copy_from(&[0u8; Self::INLINE][..n])
        } else {
            Bytes(Repr::Shared(Arc::from(vec![0u8; n])))
        }
    }

    /// Whether both hold the same bytes (without reading them when they share a buffer).
    pub(crate) fn same(&self, other: &Bytes) -> bool {
        match (&self.0, &other.0) {
            (Repr::Shared(a), Repr::Shared(b)) if Arc::ptr_eq(a, b) => true,
            _ => **self == **other,
        }
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, buf } => &buf[..usize::from(*len)],
            Repr::Shared(b) => b,
        }
    }
}

impl Hash for Bytes {
    fn hash<H: Hasher>(&self, h: &mut H) {
        // As `Arc<[u8]>` hashed before: fingerprints do not depend on the representation.
        (**self).hash(h);
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::hash::DefaultHasher;

    fn hash_of<T: Hash + ?Sized>(x: &T) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    // The inline form must cost no space over the shared one (see `Bytes::INLINE`): every
    // file node holds one chunk inline, so a byte here is a byte per file.
    #[test]
    fn inline_bytes_take_no_more_room_than_a_shared_buffer() {
        let shared = std::mem::size_of::<Arc<[u8]>>();
        assert_eq!(
            std::mem::size_of::<Bytes>(),
            shared + 8,
            "tag and length beside the pointer"
        );
        assert_eq!(std::mem::size_of::<Chunk>(), shared + 16);
    }

    // spec: STORE-1
    #[test]
    fn bytes_keep_content_on_both_sides_of_the_inline_limit() {
        for n in [0, 1, 21, 22, 23, 63, 64, 65, 1000] {
            let data: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let a = Bytes::copy_from(&data);
            let b = Bytes::from_vec(data.clone());
            assert_eq!(&*a, &data[..], "copy_from {n}");
            assert_eq!(&*b, &data[..], "from_vec {n}");
            assert!(a.same(&b) && b.same(&a), "{n}");
            // The hash is the content's, as with the shared buffer it replaces.
            let arc: Arc<[u8]> = Arc::from(&data[..]);
            assert_eq!(hash_of(&a), hash_of(&arc), "{n}");
            assert_eq!(format!("{a:?}"), format!("{arc:?}"));
            assert_eq!(&*Bytes::zeroed(n), &vec![0u8; n][..], "zeroed {n}");
        }
        assert!(!Bytes::copy_from(b"abc").same(&Bytes::copy_from(b"abd")));
        let long = Bytes::zeroed(100);
        assert!(long.same(&long.clone()));
        assert!(!long.same(&Bytes::zeroed(101)));
    }
}
