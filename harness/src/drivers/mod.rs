//! Filesystem drivers: execute `call::Call`s on memfs-core or on the naive oracle and report
//! `call::CallOutcome`s and `observation::Observation`s, so the engine can compare them.
//! This is where the filesystem vocabulary meets the engine's `Driver` trait.

pub mod clock;
pub mod core;
pub mod fs_system;
pub mod oracle;

/// Filesystem settings every driver is built with (the spec's `config`), so the core and the
/// oracle start from the same configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FsConfig {
    pub quota: u64,
    pub chunk_overhead: u64,
    pub storage: StorageChoice,
    pub promotion_hard_limit: u64,
    /// Node limit, root included.
    pub max_nodes: Option<u64>,
    /// Number of handle slots.
    pub slots: u8,
    /// Default lock timeout in milliseconds (0 = try once: the explorer is single-threaded,
    /// so a conflict can never resolve by waiting).
    pub lock_timeout_ms: u64,
}

/// Storage kind of new files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StorageChoice {
    #[default]
    Auto,
    Sequential,
    RandomAccess,
}

impl Default for FsConfig {
    fn default() -> Self {
        FsConfig {
            quota: 256 * 1024 * 1024,
            chunk_overhead: 128,
            storage: StorageChoice::Auto,
            promotion_hard_limit: 512 * 1024 * 1024,
            max_nodes: None,
            slots: 2,
            lock_timeout_ms: 0,
        }
    }
}
