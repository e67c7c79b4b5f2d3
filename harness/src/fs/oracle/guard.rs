//! The oracle's memory guard (semantics §8), written from the semantics: `none` never looks at
//! the host; `init` compares the quota with the host's available memory once, when the
//! filesystem is built; `per_write` compares the bytes every allocation path is about to bring
//! in (written data, zero fill, copied or imported bytes) just before it allocates them. Too
//! little memory: `warn` counts a warning and goes on, `error` fails with `OutOfMemory`. A host
//! that cannot tell its available memory lets everything through. The available bytes are a
//! number the configuration gives (the simulated host): the oracle never reads the machine.

use super::NaiveFs;
use super::error::{Kind, Result, err};

/// When the guard looks at the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GuardWhen {
    /// Never.
    #[default]
    Never,
    /// Once, when the filesystem is built (the quota against the available memory).
    AtBuild,
    /// Before every allocation path (the bytes it brings in against the available memory).
    BeforeEachAllocation,
}

/// What the guard does when the host has too little.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GuardDoes {
    /// Counts a warning; the operation goes on.
    #[default]
    Warn,
    /// Fails the operation with `OutOfMemory` before anything changes.
    Fail,
}

/// The guard's settings and the simulated host it asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MemoryGuard {
    pub when: GuardWhen,
    pub does: GuardDoes,
    /// What the host says it has available; `None` = it cannot tell.
    pub host_available: Option<u64>,
}

impl MemoryGuard {
    /// Whether `bytes` exceed what the host has (never when the host cannot tell).
    fn short_for(&self, bytes: u64) -> bool {
        match self.host_available {
            Some(have) => bytes > have,
            None => false,
        }
    }

    /// What building a filesystem with a quota of `quota` bytes under this guard does: the
    /// number of warnings it records (0 or 1), or `OutOfMemory`.
    pub fn at_build(&self, quota: u64) -> Result<u64> {
        if self.when != GuardWhen::AtBuild || !self.short_for(quota) {
            return Ok(0);
        }
        match self.does {
            GuardDoes::Warn => Ok(1),
            GuardDoes::Fail => err(Kind::OutOfMemory, "/"),
        }
    }
}

impl NaiveFs {
    /// The guard before an allocation of `bytes` for `path`: `Ok` (maybe after counting a
    /// warning) or `OutOfMemory`. Nothing to allocate, nothing to check.
    pub(crate) fn guard_allocation(&mut self, path: &str, bytes: u64) -> Result<()> {
        let g = self.cfg.guard;
        if bytes == 0 || g.when != GuardWhen::BeforeEachAllocation || !g.short_for(bytes) {
            return Ok(());
        }
        match g.does {
            GuardDoes::Warn => {
                self.warnings += 1;
                Ok(())
            }
            GuardDoes::Fail => err(Kind::OutOfMemory, path),
        }
    }

    /// Memory-guard warnings recorded since this filesystem was built.
    pub fn warnings(&self) -> u64 {
        self.warnings
    }

    /// What building another filesystem like this one, with `quota` and the guard `guard`
    /// (same host), does: its warnings, or `OutOfMemory`. This filesystem is not touched.
    pub fn try_build(&self, quota: u64, when: GuardWhen, does: GuardDoes) -> Result<u64> {
        MemoryGuard {
            when,
            does,
            host_available: self.cfg.guard.host_available,
        }
        .at_build(quota)
    }
}
