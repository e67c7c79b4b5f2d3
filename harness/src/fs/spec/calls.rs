//! The operations a spec action may call (the `call::Call` vocabulary) with their argument
//! names and kinds, and how bound arguments become a `Call`.

use crate::fs::call::{Call, Whence};
use crate::fs::model::args::{self, Arg, ArgKind};

/// One argument of an operation; optional ones default to `none` / `false` / 0.
pub struct FieldDef {
    pub name: &'static str,
    pub kind: ArgKind,
    pub optional: bool,
}

/// An operation: its spec name, arguments and how to build the call.
pub struct OpDef {
    pub name: &'static str,
    pub fields: &'static [FieldDef],
    pub build: fn(&[Arg]) -> Call,
}

const fn req(name: &'static str, kind: ArgKind) -> FieldDef {
    FieldDef {
        name,
        kind,
        optional: false,
    }
}
const fn opt(name: &'static str, kind: ArgKind) -> FieldDef {
    FieldDef {
        name,
        kind,
        optional: true,
    }
}

use ArgKind::{Bool, Bytes, Entries, Int, Mode, OptSize, Path, Slot};

fn raw(a: &[Arg], i: usize) -> String {
    match a.get(i) {
        Some(Arg::Path(p)) => p.raw.to_string(),
        Some(Arg::Mode(m)) => m.raw.to_string(),
        _ => String::new(),
    }
}

const PATH_ONLY: &[FieldDef] = &[req("path", Path)];
const SRC_DST: &[FieldDef] = &[req("src", Path), req("dst", Path)];
const SLOT_ONLY: &[FieldDef] = &[req("slot", Slot)];

/// Every operation, named as `Call`'s serde tags.
pub static OPS: &[OpDef] = &[
    OpDef {
        name: "open",
        fields: &[
            req("slot", Slot),
            req("path", Path),
            req("mode", Mode),
            opt("preallocate", OptSize),
        ],
        build: |a| Call::Open {
            slot: args::slot(a, 0),
            path: raw(a, 1),
            mode: raw(a, 2),
            preallocate: args::opt_size(a, 3).unwrap_or(0),
            lock_timeout_ms: None,
        },
    },
    OpDef {
        name: "read",
        fields: &[req("slot", Slot), opt("max", OptSize)],
        build: |a| Call::Read {
            slot: args::slot(a, 0),
            max: args::opt_size(a, 1),
        },
    },
    OpDef {
        name: "read_into",
        fields: &[req("slot", Slot), req("size", ArgKind::Size)],
        build: |a| Call::ReadInto {
            slot: args::slot(a, 0),
            size: args::size(a, 1),
        },
    },
    OpDef {
        name: "write",
        fields: &[req("slot", Slot), req("data", Bytes)],
        build: |a| Call::Write {
            slot: args::slot(a, 0),
            data: args::bytes(a, 1).to_vec(),
        },
    },
    OpDef {
        name: "seek",
        fields: &[
            req("slot", Slot),
            req("whence", ArgKind::Whence),
            req("offset", Int),
        ],
        build: |a| Call::Seek {
            slot: args::slot(a, 0),
            whence: args::whence(a, 1),
            offset: args::int(a, 2),
        },
    },
    OpDef {
        name: "tell",
        fields: SLOT_ONLY,
        build: |a| Call::Tell {
            slot: args::slot(a, 0),
        },
    },
    OpDef {
        name: "truncate",
        fields: &[req("slot", Slot), opt("size", OptSize)],
        build: |a| Call::Truncate {
            slot: args::slot(a, 0),
            size: args::opt_size(a, 1),
        },
    },
    OpDef {
        name: "close",
        fields: SLOT_ONLY,
        build: |a| Call::Close {
            slot: args::slot(a, 0),
        },
    },
    OpDef {
        name: "mkdir",
        fields: &[req("path", Path), opt("exist_ok", Bool)],
        build: |a| Call::Mkdir {
            path: raw(a, 0),
            exist_ok: args::boolean(a, 1),
        },
    },
    OpDef {
        name: "listdir",
        fields: PATH_ONLY,
        build: |a| Call::Listdir { path: raw(a, 0) },
    },
    OpDef {
        name: "exists",
        fields: PATH_ONLY,
        build: |a| Call::Exists { path: raw(a, 0) },
    },
    OpDef {
        name: "is_dir",
        fields: PATH_ONLY,
        build: |a| Call::IsDir { path: raw(a, 0) },
    },
    OpDef {
        name: "is_file",
        fields: PATH_ONLY,
        build: |a| Call::IsFile { path: raw(a, 0) },
    },
    OpDef {
        name: "stat",
        fields: PATH_ONLY,
        build: |a| Call::Stat { path: raw(a, 0) },
    },
    OpDef {
        name: "stats",
        fields: &[],
        build: |_| Call::Stats,
    },
    OpDef {
        name: "get_size",
        fields: PATH_ONLY,
        build: |a| Call::GetSize { path: raw(a, 0) },
    },
    OpDef {
        name: "rename",
        fields: SRC_DST,
        build: |a| Call::Rename {
            src: raw(a, 0),
            dst: raw(a, 1),
        },
    },
    OpDef {
        name: "move",
        fields: SRC_DST,
        build: |a| Call::Move {
            src: raw(a, 0),
            dst: raw(a, 1),
        },
    },
    OpDef {
        name: "remove",
        fields: PATH_ONLY,
        build: |a| Call::Remove { path: raw(a, 0) },
    },
    OpDef {
        name: "rmtree",
        fields: PATH_ONLY,
        build: |a| Call::Rmtree { path: raw(a, 0) },
    },
    OpDef {
        name: "copy",
        fields: SRC_DST,
        build: |a| Call::Copy {
            src: raw(a, 0),
            dst: raw(a, 1),
        },
    },
    OpDef {
        name: "copy_tree",
        fields: SRC_DST,
        build: |a| Call::CopyTree {
            src: raw(a, 0),
            dst: raw(a, 1),
        },
    },
    OpDef {
        name: "walk",
        fields: PATH_ONLY,
        build: |a| Call::Walk { path: raw(a, 0) },
    },
    OpDef {
        name: "glob",
        fields: &[req("pattern", Path)],
        build: |a| Call::Glob { pattern: raw(a, 0) },
    },
    OpDef {
        name: "export_tree",
        fields: &[req("prefix", Path), opt("only_dirty", Bool)],
        build: |a| Call::ExportTree {
            prefix: raw(a, 0),
            only_dirty: args::boolean(a, 1),
        },
    },
    OpDef {
        name: "export_as_bytes",
        fields: &[req("path", Path), opt("max_size", OptSize)],
        build: |a| Call::ExportAsBytes {
            path: raw(a, 0),
            max_size: args::opt_size(a, 1),
        },
    },
    OpDef {
        name: "import_tree",
        fields: &[req("entries", Entries)],
        build: |a| Call::ImportTree {
            entries: args::entries(a, 0)
                .iter()
                .map(|(p, d)| (p.raw.to_string(), d.to_vec()))
                .collect(),
        },
    },
    OpDef {
        name: "build",
        fields: &[
            opt("quota", OptSize),
            req("memory_guard", ArgKind::GuardMode),
            req("memory_guard_action", ArgKind::GuardAction),
        ],
        build: |a| Call::Build {
            quota: args::opt_size(a, 0),
            memory_guard: args::guard_mode(a, 1),
            memory_guard_action: args::guard_action(a, 2),
        },
    },
];

/// Looks up an operation by name.
pub fn op(name: &str) -> Option<&'static OpDef> {
    OPS.iter().find(|o| o.name == name)
}

/// The default of an optional field.
pub fn default_arg(kind: ArgKind) -> Arg {
    match kind {
        ArgKind::Bool => Arg::Bool(false),
        ArgKind::Int => Arg::Int(0),
        ArgKind::Whence => Arg::Whence(Whence::Start),
        _ => Arg::OptSize(None),
    }
}
