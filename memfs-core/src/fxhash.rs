//! A small fast hasher (the FxHash mix used by rustc) for child-name maps: names are short and
//! not attacker-chosen in this in-memory tool, so SipHash's DoS resistance is not worth its cost.

use std::hash::{BuildHasherDefault, Hasher};

/// The rustc FxHash: one rotate, xor and multiply per word.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    /// The state through murmur3's 64-bit finalizer. FxHash's low bits depend only on the
    /// input's low bits, and hashbrown picks the bucket from the low bits: the names
    /// `file_0`..`file_999` share their first eight bytes and landed in 32 of 1,024 buckets, so
    /// every lookup in a large directory walked long probe chains. Mixed, they spread like
    /// random numbers (789 distinct of 1,000 in the low 11 bits; random: about 790).
    #[inline]
    fn finish(&self) -> u64 {
        let mut k = self.hash;
        k ^= k >> 33;
        k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
        k ^= k >> 33;
        k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        k ^ (k >> 33)
    }
}

/// `BuildHasher` for [`FxHasher`].
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

/// The hash a child-name map gives `name` (what its own lookups compute): the open path
/// computes it once and uses it for the lookup and, when the file is missing, for the link.
pub(crate) fn hash_name(name: &str) -> u64 {
    use std::hash::BuildHasher;
    FxBuild::default().hash_one(name)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    /// A name's precomputed hash finds what the map's own hashing linked, and links what its
    /// own lookups find: a mismatch would make every created file invisible.
    #[test]
    fn precomputed_name_hashes_match_the_maps_own() {
        use indexmap::map::RawEntryApiV1 as _;
        let mut m: indexmap::IndexMap<smol_str::SmolStr, u32, FxBuild> = Default::default();
        m.insert("file_1.txt".into(), 1);
        let h = hash_name("file_1.txt");
        assert_eq!(
            m.raw_entry_v1()
                .from_key_hashed_nocheck(h, "file_1.txt")
                .map(|e| *e.1),
            Some(1)
        );
        let h2 = hash_name("a-much-longer-name-than-twenty-three-bytes");
        if let indexmap::map::raw_entry_v1::RawEntryMut::Vacant(v) = m
            .raw_entry_mut_v1()
            .from_key_hashed_nocheck(h2, "a-much-longer-name-than-twenty-three-bytes")
        {
            v.insert_hashed_nocheck(h2, "a-much-longer-name-than-twenty-three-bytes".into(), 2);
        }
        assert_eq!(
            m.get("a-much-longer-name-than-twenty-three-bytes"),
            Some(&2)
        );
    }

    /// Names that differ only after their first eight bytes must still spread over the buckets
    /// hashbrown picks by the low bits (unmixed FxHash put 1,000 of them in 32 of 1,024).
    #[test]
    fn names_sharing_a_prefix_spread_over_the_low_bits() {
        let b = FxBuild::default();
        for fmt in [|i| format!("file_{i}"), |i| format!("file_{i}.txt")] {
            let low: std::collections::HashSet<u64> = (0..1000)
                .map(|i: u32| b.hash_one(fmt(i).as_str()) & 1023)
                .collect();
            // 1,000 random values take about 640 of 1,024 slots.
            assert!(low.len() > 550, "{} distinct bucket indexes", low.len());
        }
    }
}
