//! The naive oracle: a second, independent, obviously-correct implementation of
//! `memfs-semantics.md`, used by the explorer as the reference for return values and complete
//! observable state. Sequential and deterministic; shares no code with memfs-core.
//!
//! Shape: a flat `BTreeMap` of nodes keyed by normalized path ([`tree`]), `Vec<u8>` contents,
//! the quota formula evaluated from scratch on every check ([`accounting`]), and lock state
//! derived from the open handles ([`handles`]): no counter can drift because there is none.
//!
//! Choices where the semantics document is silent or ambiguous (each also commented in place):
//! - `rb` with preallocate > 0 is `InvalidInput` right after the mode check, before the path.
//! - A failing preallocation undoes the whole open, `wb`'s truncation included (PREALLOC-5).
//! - An `ab` cursor starts at the size when open returns (after preallocation).
//! - A zero-length write leaves even an `ab` cursor where it was (D-MemFS moves it to EOF).
//! - Promotion: `size` free for the copy, then the write is charged its growth against the
//!   usage after promotion (size, chunk overhead released); the core computes the same.
//! - copy: namespace checks, then the source's lock, node limit, quota (D-MemFS order).
//! - copy_tree and import_tree: quota before node limit (D-MemFS pre-checks quota).
//! - export_tree(only_dirty) filters clean files before locking (D-MemFS): a write-locked
//!   clean file does not block it.
//! - import_tree: a path the import needs as a directory is `IsADirectory`; a repeated path
//!   keeps its last bytes at its first position; a replaced file keeps its listing position.
//! - rename/move with dst below src compare paths, so `/f` -> `/f/x` for a file is InvalidInput.
//! - glob never fails (the pattern is not normalized); final `**` matches one or more levels.
//! - memory guard ([`guard`]): the bytes an allocation path brings in are what it writes: the
//!   data of a write, the zeros of a truncate or preallocation (after `wb`'s truncation), the
//!   source's bytes for copy and copy_tree, the import's bytes (a repeated path counted once,
//!   with its last data). Its place among the checks: after the handle's mode checks for a
//!   write, truncate or zero-length test; after the lock (and, creating, the node limit) for an
//!   open; after the source's lock for copies; right after the paths are validated for an
//!   import. Always before the quota. A warning stays when a later check fails the call.

pub mod accounting;
mod content;
pub mod error;
pub mod fingerprint;
pub mod glob;
pub mod guard;
pub mod handles;
pub mod namespace;
pub mod observe;
pub mod path;
pub mod transfer;
pub mod tree;

#[cfg(test)]
mod tests;

pub use accounting::{FileLayout, StorageMode};
pub use error::{Kind, OracleError, Reason, Result};
pub use guard::{GuardDoes, GuardWhen, MemoryGuard};
pub use handles::{HandleId, Whence};
pub use namespace::OStat;

use error::err;
use handles::Handle;
use std::sync::Arc;
use tree::{Node, Tree};

/// Settings of a [`NaiveFs`]; the explorer builds the core with the same values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OracleConfig {
    /// Hard byte quota.
    pub quota: u64,
    /// Overhead charged per sequential chunk.
    pub chunk_overhead: u64,
    /// FileLayout kind of new files.
    pub storage: StorageMode,
    /// Largest size a sequential file may have and still be promoted (equality allowed).
    pub promotion_hard_limit: u64,
    /// Maximum number of nodes, the root included.
    pub max_nodes: Option<u64>,
    /// The memory guard and the simulated host's available memory.
    pub guard: MemoryGuard,
}

impl Default for OracleConfig {
    /// D-MemFS's defaults: 256 MiB quota, 128 bytes per chunk, auto storage, 512 MiB limit.
    fn default() -> Self {
        OracleConfig {
            quota: 256 * 1024 * 1024,
            chunk_overhead: 128,
            storage: StorageMode::Auto,
            promotion_hard_limit: 512 * 1024 * 1024,
            max_nodes: None,
            guard: MemoryGuard::default(),
        }
    }
}

/// The oracle filesystem. `Clone` is a deep copy (the explorer clones it at every node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaiveFs {
    cfg: OracleConfig,
    now: u64,
    tree: Tree,
    /// Behind an `Arc` like the tree's nodes (copied on the first write) so a clone is cheap.
    handles: Arc<Vec<Handle>>,
    /// Memory-guard warnings recorded since the build.
    warnings: u64,
}

impl NaiveFs {
    /// An empty filesystem (only the root, created at time 0), with the warning its `init`
    /// guard records if the quota does not fit the host. A guard that would refuse to build
    /// ([`NaiveFs::build`]) is not consulted here: callers that may meet one use `build`.
    pub fn new(cfg: OracleConfig) -> Self {
        Self::new_at(cfg, 0)
    }

    /// An empty filesystem whose root is created at `now` (see [`NaiveFs::new`]).
    pub fn new_at(cfg: OracleConfig, now: u64) -> Self {
        NaiveFs {
            cfg,
            now,
            tree: Tree::new(now),
            handles: Arc::new(Vec::new()),
            warnings: cfg.guard.at_build(cfg.quota).unwrap_or(0),
        }
    }

    /// [`NaiveFs::new`], or `OutOfMemory` when the `init` guard with action `error` refuses the
    /// quota (semantics §8).
    pub fn build(cfg: OracleConfig) -> Result<Self> {
        cfg.guard.at_build(cfg.quota)?;
        Ok(Self::new(cfg))
    }

    /// Whether this filesystem is in the same state as `other` (the stamp time aside): same
    /// configuration, tree, handles and warnings, so every observation and every future call agree.
    /// Exact; free when `other` is a clone neither has written to since.
    pub fn same_state(&self, other: &NaiveFs) -> bool {
        self.cfg == other.cfg
            && self.warnings == other.warnings
            && (self.tree.shares_with(&other.tree) || self.tree == other.tree)
            && (Arc::ptr_eq(&self.handles, &other.handles) || self.handles == other.handles)
    }

    /// The handle list for writing (copied first if a clone shares it).
    fn handles_mut(&mut self) -> &mut Vec<Handle> {
        Arc::make_mut(&mut self.handles)
    }

    /// Sets the time every following operation stamps (the core's ManualClock gets the same).
    pub fn set_now(&mut self, t: u64) {
        self.now = t;
    }

    /// The current stamp time.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The configuration.
    pub fn config(&self) -> &OracleConfig {
        &self.cfg
    }

    /// Bytes charged by every file, recomputed from scratch (obviously equal to the tree).
    pub fn used(&self) -> u64 {
        self.tree
            .nodes()
            .values()
            .map(|n| match n {
                Node::File(f) => f.usage(self.cfg.chunk_overhead),
                Node::Dir(_) => 0,
            })
            .sum()
    }

    /// Free bytes: quota - used, never negative.
    pub fn free(&self) -> u64 {
        self.cfg.quota.saturating_sub(self.used())
    }

    /// `QuotaExceeded` unless `requested` bytes fit into `available`.
    fn need(path: &str, requested: u64, available: u64) -> Result<()> {
        if requested > available {
            return err(
                Kind::QuotaExceeded {
                    requested,
                    available,
                },
                path,
            );
        }
        Ok(())
    }

    /// `NodeLimitExceeded` unless `new` more nodes fit under `max_nodes`.
    fn node_room(&self, path: &str, new: u64) -> Result<()> {
        if let Some(limit) = self.cfg.max_nodes {
            let current = self.tree.node_count();
            if current + new > limit {
                return err(Kind::NodeLimitExceeded { current, limit }, path);
            }
        }
        Ok(())
    }

    /// Creates the missing directories among `dirs` (outermost first) at `now`. Fails before
    /// creating anything: `AlreadyExists` if one is a file, `NodeLimitExceeded` if they do not
    /// all fit. `err_path` names the path the caller was asked about.
    fn make_dirs(&mut self, dirs: &[String], err_path: &str) -> Result<()> {
        let mut missing = Vec::new();
        for d in dirs {
            match self.tree.get(d) {
                Some(Node::File(_)) => return err(Kind::AlreadyExists, err_path),
                Some(Node::Dir(_)) => {}
                None => missing.push(d.clone()),
            }
        }
        self.node_room(err_path, missing.len() as u64)?;
        for d in missing {
            self.tree.insert(
                &d,
                Node::Dir(tree::DirNode {
                    children: Vec::new(),
                    created: self.now,
                }),
            );
        }
        Ok(())
    }
}
