//! The one filesystem configuration of the harness: what a spec's `config:`, a scenario's
//! `filesystems:` entry and the process protocol's handshake all say, and what the model, the
//! core and the oracle are built with. The two implementations get it through `From`
//! conversions at their boundary (`fs::exec`), so each keeps its own types.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Storage kind of new files (semantics §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    /// Sequential until the first non-append write, then promoted to random access.
    #[default]
    Auto,
    /// Append-only chunks; a non-append write is `Unsupported`.
    Sequential,
    /// One contiguous buffer.
    RandomAccess,
}

impl Storage {
    /// Every kind with its spelling in specs, scenarios and the protocol.
    pub const ALL: [(Storage, &'static str); 3] = [
        (Storage::Auto, "auto"),
        (Storage::Sequential, "sequential"),
        (Storage::RandomAccess, "random_access"),
    ];

    /// The kind's spelling (`auto`, `sequential`, `random_access`).
    pub fn name(self) -> &'static str {
        match self {
            Storage::Auto => "auto",
            Storage::Sequential => "sequential",
            Storage::RandomAccess => "random_access",
        }
    }

    /// Parses a spelling; `None` if it names no kind.
    pub fn parse(s: &str) -> Option<Storage> {
        Storage::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }
}

impl fmt::Display for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Settings of one filesystem. Missing fields in YAML or JSON take D-MemFS's defaults (256 MiB
/// quota, 128 bytes per chunk, auto storage, 512 MiB promotion limit, no node limit), two handle
/// slots and a lock timeout of 0: the harness drives one thread per filesystem, so a lock
/// conflict can never resolve by waiting and must fail at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FsConfig {
    /// Hard byte quota.
    pub quota: u64,
    /// Bytes charged per sequential chunk (0 allowed).
    pub chunk_overhead: u64,
    /// Storage kind of new files.
    pub storage: Storage,
    /// Largest size a sequential file may have and still be promoted (equality allowed).
    pub promotion_hard_limit: u64,
    /// Node limit, the root included; `None` = unlimited.
    pub max_nodes: Option<u64>,
    /// Number of handle slots the steps may name.
    pub slots: u8,
    /// Default lock timeout of opens (and of exports and copies), in milliseconds.
    pub lock_timeout_ms: u64,
}

impl Default for FsConfig {
    fn default() -> Self {
        FsConfig {
            quota: 256 * 1024 * 1024,
            chunk_overhead: 128,
            storage: Storage::Auto,
            promotion_hard_limit: 512 * 1024 * 1024,
            max_nodes: None,
            slots: 2,
            lock_timeout_ms: 0,
        }
    }
}
