//! The oracle's observable state in the shared [`crate::fs::observation`] types: every node by
//! path, `stats()`, and the handle slots the explorer asks about.

use super::NaiveFs;
use super::accounting::FileLayout;
use super::handles::HandleId;
use super::tree::Node;
use crate::fs::observation::{HandleObs, LayoutObs, NodeObs, Observation, StatsObs};

impl NaiveFs {
    /// Filesystem-wide counters, computed from the tree (dirs include the root).
    pub fn stats(&self) -> StatsObs {
        let mut s = StatsObs {
            quota_bytes: self.cfg.quota,
            overhead_per_chunk_estimate: self.cfg.chunk_overhead,
            ..StatsObs::default()
        };
        for n in self.tree.nodes().values() {
            match n {
                Node::Dir(_) => s.dir_count += 1,
                Node::File(f) => {
                    s.file_count += 1;
                    s.chunk_count += f.storage.chunks();
                    s.used_bytes += f.usage(self.cfg.chunk_overhead);
                }
            }
        }
        s.free_bytes = s.quota_bytes.saturating_sub(s.used_bytes);
        s
    }

    /// `stats().overhead_per_chunk_estimate` of the core: the configured chunk overhead.
    pub fn overhead_per_chunk_estimate(&self) -> u64 {
        self.cfg.chunk_overhead
    }

    /// Complete observable state; `slots[i]` names the handle in explorer slot `i`.
    pub fn observe(&self, slots: &[Option<HandleId>]) -> Observation {
        let nodes = self
            .tree
            .nodes()
            .iter()
            .map(|(p, n)| {
                let obs = match n {
                    Node::Dir(d) => NodeObs::Dir {
                        children: d.children.clone(),
                        created: d.created,
                        modified: d.created,
                    },
                    Node::File(f) => NodeObs::File {
                        data: f.data.clone(),
                        generation: f.generation,
                        created: f.created,
                        modified: f.modified,
                    },
                };
                (p.clone(), obs)
            })
            .collect();
        let layouts = self
            .tree
            .nodes()
            .iter()
            .filter_map(|(p, n)| match n {
                Node::File(f) => Some((
                    p.clone(),
                    match &f.storage {
                        FileLayout::Sequential { chunks } => LayoutObs::Sequential(chunks.clone()),
                        FileLayout::RandomAccess => LayoutObs::RandomAccess,
                    },
                )),
                Node::Dir(_) => None,
            })
            .collect();
        let list = self.handle_list();
        let handles = slots
            .iter()
            .map(|s| {
                s.and_then(|h| list.get(h.0)).map(|hd| HandleObs {
                    path: hd.path.clone(),
                    mode: hd.mode.as_str().to_string(),
                    pos: hd.pos,
                    closed: hd.closed,
                })
            })
            .collect();
        Observation {
            nodes,
            stats: self.stats(),
            handles,
            warnings: Some(self.warnings),
            layouts: Some(layouts),
        }
    }

    /// The storage kind and chunk count of the file at normalized `p` (for layout comparisons).
    pub fn storage_of(&self, p: &str) -> Option<FileLayout> {
        self.tree.file(p).map(|f| f.storage.clone())
    }
}
