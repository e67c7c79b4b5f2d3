//! Injectable host-memory probe for the memory guard, so tests can simulate a nearly full host.

/// Reports how many bytes of memory the host can still give this process.
pub trait MemoryProbe: Send + Sync + std::fmt::Debug {
    /// Available bytes, or `None` when unknown (the guard then lets everything through).
    fn available_bytes(&self) -> Option<u64>;
}

/// Reads cgroup v2 (`memory.max - memory.current`), then cgroup v1, then `/proc/meminfo`.
#[derive(Debug, Default, Clone, Copy)]
pub struct HostMemoryProbe;

/// A probe that always answers the same number (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedMemoryProbe(pub Option<u64>);

impl MemoryProbe for FixedMemoryProbe {
    fn available_bytes(&self) -> Option<u64> {
        self.0
    }
}

impl MemoryProbe for HostMemoryProbe {
    fn available_bytes(&self) -> Option<u64> {
        todo!("memfs-core implementation")
    }
}
