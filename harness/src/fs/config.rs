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

/// When the memory guard checks the host's available memory (semantics §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardMode {
    /// Never: the probe is not consulted.
    #[default]
    None,
    /// Once, when the filesystem is built: the quota must fit in the available memory.
    Init,
    /// Before every allocation path (a write, a zero-fill, a copy, an import).
    PerWrite,
}

impl GuardMode {
    /// Every mode with its spelling in specs, scenarios and the protocol.
    pub const ALL: [(GuardMode, &'static str); 3] = [
        (GuardMode::None, "none"),
        (GuardMode::Init, "init"),
        (GuardMode::PerWrite, "per_write"),
    ];

    /// The mode's spelling.
    pub fn name(self) -> &'static str {
        match self {
            GuardMode::None => "none",
            GuardMode::Init => "init",
            GuardMode::PerWrite => "per_write",
        }
    }

    /// Parses a spelling; `None` if it names no mode.
    pub fn parse(s: &str) -> Option<GuardMode> {
        GuardMode::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(k, _)| *k)
    }
}

/// What the memory guard does when the host has too little memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardAction {
    /// Record a warning and go on (memfs-core's and D-MemFS's default).
    #[default]
    Warn,
    /// Fail with `OutOfMemory`.
    Error,
}

impl GuardAction {
    /// Every action with its spelling.
    pub const ALL: [(GuardAction, &'static str); 2] =
        [(GuardAction::Warn, "warn"), (GuardAction::Error, "error")];

    /// The action's spelling.
    pub fn name(self) -> &'static str {
        match self {
            GuardAction::Warn => "warn",
            GuardAction::Error => "error",
        }
    }

    /// Parses a spelling; `None` if it names no action.
    pub fn parse(s: &str) -> Option<GuardAction> {
        GuardAction::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(k, _)| *k)
    }
}

/// Settings of one filesystem. Missing fields in YAML or JSON take D-MemFS's defaults (256 MiB
/// quota, 128 bytes per chunk, auto storage, 512 MiB promotion limit, no node limit, no memory
/// guard), two handle slots and a lock timeout of 0: the harness drives one thread per
/// filesystem, so a lock conflict can never resolve by waiting and must fail at once.
///
/// The simulated host: `available_memory` is what its memory probe answers (`None` = it cannot
/// tell), so every run is the same on every machine. With `host_root` the implementations read
/// the host's memory files under that directory instead of being told the number (memfs-core's
/// `HostMemoryProbe::at`); the spec loader checks that the files there say `available_memory`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// When the memory guard checks (default `none`).
    pub memory_guard: GuardMode,
    /// What the memory guard does when memory is short (default `warn`).
    pub memory_guard_action: GuardAction,
    /// Bytes the simulated host has available; `None` = unknown (the guard lets all through).
    pub available_memory: Option<u64>,
    /// A directory laid out like a host's `/` (`sys/fs/cgroup/...`, `proc/meminfo`) whose
    /// memory files the implementations read instead of being given `available_memory`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_root: Option<String>,
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
            memory_guard: GuardMode::None,
            memory_guard_action: GuardAction::Warn,
            available_memory: None,
            host_root: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_configs_read_as_no_guard_on_an_unknown_host() {
        // A scenario's `filesystems:` entry and a handshake written before the guard existed.
        let c: FsConfig = serde_json::from_str(r#"{"quota": 400, "storage": "sequential"}"#)
            .expect("old JSON config");
        assert_eq!((c.quota, c.storage), (400, Storage::Sequential));
        assert_eq!(
            (
                c.memory_guard,
                c.memory_guard_action,
                c.available_memory,
                c.host_root
            ),
            (GuardMode::None, GuardAction::Warn, None, None)
        );
        let g: FsConfig = serde_json::from_str(
            r#"{"memory_guard": "per_write", "memory_guard_action": "error", "available_memory": 9}"#,
        )
        .expect("guarded config");
        assert_eq!(
            (g.memory_guard, g.memory_guard_action, g.available_memory),
            (GuardMode::PerWrite, GuardAction::Error, Some(9))
        );
        assert!(serde_json::from_str::<FsConfig>(r#"{"memory_gaurd": "init"}"#).is_err());
        assert!(serde_json::from_str::<FsConfig>(r#"{"memory_guard": "always"}"#).is_err());
        // The handshake carries every key; `host_root` only when there is one.
        let j = serde_json::to_value(FsConfig::default()).expect("json");
        assert_eq!(j["memory_guard"], "none");
        assert_eq!(j["memory_guard_action"], "warn");
        assert!(j["available_memory"].is_null());
        assert!(j.get("host_root").is_none());
    }

    #[test]
    fn names_round_trip() {
        for (m, n) in GuardMode::ALL {
            assert_eq!((m.name(), GuardMode::parse(n)), (n, Some(m)));
        }
        for (a, n) in GuardAction::ALL {
            assert_eq!((a.name(), GuardAction::parse(n)), (n, Some(a)));
        }
        assert_eq!(GuardMode::parse("perwrite"), None);
    }
}
