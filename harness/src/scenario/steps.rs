//! Compiling one scenario step into calls (a composite such as `write_file` into open + write
//! + close on the scratch slot) and running them on the step's filesystem.

use super::format::Step;
use super::runner::{Fs, SCRATCH, State, StepErr, payload, write_tree};
use crate::engine::system::Driver;
use crate::fs::call::{Call, CallOutcome, Slot, Whence};
use crate::fs::observation::StepValue;
use std::collections::BTreeMap;

/// Runs `calls` in order on `fs` at the scenario's clock, stopping at the first error; the
/// outcome is the last call's (or the error's). `cleanup` runs after, whatever happened, and
/// its outcome is not reported (a composite's close).
fn run_calls(
    fs: &mut Fs,
    time: u64,
    calls: &[Call],
    cleanup: Option<Call>,
) -> Result<CallOutcome, StepErr> {
    let mut last = CallOutcome::Ok(StepValue::Unit);
    for c in calls {
        fs.driver.set_time(time);
        last = fs.driver.apply(c)?;
        if matches!(last, CallOutcome::Err { .. }) {
            break;
        }
    }
    if let Some(c) = cleanup {
        fs.driver.set_time(time);
        fs.driver.apply(&c)?;
    }
    Ok(last)
}

/// The slot bound to handle `name`, for a handle op: the scenario's mistake if it names a
/// handle it never opened successfully.
fn bound(fs: &Fs, fs_name: &str, step: &Step) -> Result<Slot, StepErr> {
    let name = step.handle.clone().unwrap_or_default();
    match fs.slots.get(&name) {
        Some(s) if fs.open.contains(&name) => Ok(*s),
        _ => Err(StepErr::Scenario(format!(
            "no open handle `{name}` on `{fs_name}` (open it first)"
        ))),
    }
}

/// Compiles one step into calls and runs them on its filesystem.
pub(super) fn exec(st: &mut State, step: &Step) -> Result<CallOutcome, StepErr> {
    let fs_name = step.fs.clone().unwrap_or_else(|| st.default_fs.clone());
    let time = st.steps_run * 1_000;
    let path = step.path.clone().unwrap_or_default();
    let src = step.src.clone().unwrap_or_default();
    let dst = step.dst.clone().unwrap_or_default();
    let op = step.op.value.as_str();
    // Values the step takes from earlier steps, before the filesystem is borrowed.
    let data = match op {
        "write" | "write_file" | "append_file" => Some(payload(step, &st.vars)?),
        _ => None,
    };
    let entries: Option<Vec<(String, Vec<u8>)>> = if op == "import_tree" {
        Some(match (&step.from, &step.entries) {
            (Some(v), _) => match st.vars.get(v) {
                Some(StepValue::Files(m)) => {
                    m.iter().map(|(k, x)| (k.clone(), x.clone())).collect()
                }
                other => {
                    return Err(StepErr::Scenario(format!(
                        "`from: {v}` holds {other:?}, not a file map"
                    )));
                }
            },
            (None, Some(e)) => e
                .iter()
                .map(|(k, x)| (k.clone(), x.as_bytes().to_vec()))
                .collect(),
            (None, None) => Vec::new(),
        })
    } else {
        None
    };
    let fs = st
        .fss
        .get_mut(&fs_name)
        .ok_or_else(|| StepErr::Scenario(format!("no filesystem `{fs_name}`")))?;
    let one = |fs: &mut Fs, call: Call| run_calls(fs, time, &[call], None);
    let prefix = step.prefix.clone().unwrap_or_else(|| "/".into());
    let only_dirty = step.only_dirty.unwrap_or(false);
    match op {
        "open" => {
            let name = step.handle.clone().unwrap_or_default();
            let next = fs.slots.len() as u64 + 1;
            let slot = *fs
                .slots
                .entry(name.clone())
                .or_insert(Slot::try_from(next).unwrap_or(Slot::MAX));
            let out = one(
                fs,
                Call::Open {
                    slot,
                    path,
                    mode: step.mode.clone().unwrap_or_default(),
                    preallocate: step.preallocate.unwrap_or(0),
                    lock_timeout_ms: step.lock_timeout_ms,
                },
            )?;
            if matches!(out, CallOutcome::Ok(_)) {
                fs.open.insert(name);
            }
            Ok(out)
        }
        "write" => {
            let slot = bound(fs, &fs_name, step)?;
            let data = data.unwrap_or_default();
            one(fs, Call::Write { slot, data })
        }
        "read" => {
            let slot = bound(fs, &fs_name, step)?;
            one(
                fs,
                Call::Read {
                    slot,
                    max: step.max,
                },
            )
        }
        "seek" => {
            let slot = bound(fs, &fs_name, step)?;
            let whence = match step.whence.as_deref().unwrap_or("start") {
                "current" => Whence::Current,
                "end" => Whence::End,
                _ => Whence::Start,
            };
            let offset = step.offset.unwrap_or(0);
            one(
                fs,
                Call::Seek {
                    slot,
                    whence,
                    offset,
                },
            )
        }
        "tell" => {
            let slot = bound(fs, &fs_name, step)?;
            one(fs, Call::Tell { slot })
        }
        "truncate" => {
            let slot = bound(fs, &fs_name, step)?;
            one(
                fs,
                Call::Truncate {
                    slot,
                    size: step.size,
                },
            )
        }
        "close" => {
            let slot = bound(fs, &fs_name, step)?;
            one(fs, Call::Close { slot })
        }
        "write_file" | "append_file" => {
            let mode = if op == "append_file" { "ab" } else { "wb" };
            let open = Call::Open {
                slot: SCRATCH,
                path,
                mode: mode.into(),
                preallocate: 0,
                lock_timeout_ms: None,
            };
            let write = Call::Write {
                slot: SCRATCH,
                data: data.unwrap_or_default(),
            };
            run_calls(
                fs,
                time,
                &[open, write],
                Some(Call::Close { slot: SCRATCH }),
            )
        }
        "read_file" => {
            let open = Call::Open {
                slot: SCRATCH,
                path,
                mode: "rb".into(),
                preallocate: 0,
                lock_timeout_ms: None,
            };
            let read = Call::Read {
                slot: SCRATCH,
                max: None,
            };
            run_calls(fs, time, &[open, read], Some(Call::Close { slot: SCRATCH }))
        }
        "mkdir" => one(
            fs,
            Call::Mkdir {
                path,
                exist_ok: step.exist_ok.unwrap_or(false),
            },
        ),
        "listdir" => one(fs, Call::Listdir { path }),
        "exists" => one(fs, Call::Exists { path }),
        "is_dir" => one(fs, Call::IsDir { path }),
        "is_file" => one(fs, Call::IsFile { path }),
        "stat" => one(fs, Call::Stat { path }),
        "stats" => one(fs, Call::Stats),
        "get_size" => one(fs, Call::GetSize { path }),
        "rename" => one(fs, Call::Rename { src, dst }),
        "move" => one(fs, Call::Move { src, dst }),
        "remove" => one(fs, Call::Remove { path }),
        "rmtree" => one(fs, Call::Rmtree { path }),
        "copy" => one(fs, Call::Copy { src, dst }),
        "copy_tree" => one(fs, Call::CopyTree { src, dst }),
        "walk" => one(fs, Call::Walk { path }),
        "glob" => one(
            fs,
            Call::Glob {
                pattern: step.pattern.clone().unwrap_or_default(),
            },
        ),
        "export_tree" => one(fs, Call::ExportTree { prefix, only_dirty }),
        "iter_export_tree" => one(fs, Call::IterExportTree { prefix, only_dirty }),
        "export_as_bytesio" => one(
            fs,
            Call::ExportAsBytes {
                path,
                max_size: step.max_size,
            },
        ),
        "import_tree" => one(
            fs,
            Call::ImportTree {
                entries: entries.unwrap_or_default(),
            },
        ),
        "export_to_disk" => {
            let out = one(
                fs,
                Call::ExportTree {
                    prefix,
                    only_dirty: false,
                },
            )?;
            match out {
                CallOutcome::Ok(StepValue::Files(files)) => {
                    let dir = step.dir.as_deref().unwrap_or("dump");
                    let names = export_to_disk(dir, &files).map_err(StepErr::Scenario)?;
                    Ok(CallOutcome::Ok(StepValue::Names(names)))
                }
                CallOutcome::Ok(other) => Err(StepErr::Scenario(format!(
                    "export_tree answered {other:?}, not a file map"
                ))),
                err => Ok(err),
            }
        }
        other => Err(StepErr::Scenario(format!("op `{other}` cannot run here"))),
    }
}

/// Seed 001's flow: writes the exported files under a fresh directory in the temp dir, reads
/// them back and compares, removes the directory, and returns the relative paths written.
fn export_to_disk(name: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<String>, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let root = std::env::temp_dir()
        .join(format!("memfs-scenario-{}-{nanos}", std::process::id()))
        .join(name);
    let result = (|| {
        let written = write_tree(&root, files)?;
        let mut rel = Vec::new();
        for (vpath, data) in files {
            let real = root.join(vpath.trim_start_matches('/'));
            let back = std::fs::read(&real).map_err(|e| format!("{}: {e}", real.display()))?;
            if &back != data {
                return Err(format!(
                    "{} differs from the exported {vpath}",
                    real.display()
                ));
            }
            rel.push(vpath.trim_start_matches('/').to_string());
        }
        if written.len() != files.len() {
            return Err(format!(
                "wrote {} files for {} exported",
                written.len(),
                files.len()
            ));
        }
        Ok(rel)
    })();
    if let Some(top) = root.parent() {
        let _ = std::fs::remove_dir_all(top);
    }
    result
}
