//! `harness walk`: random walks over the spec's wider `walk:` alphabet (see `crate::walk`),
//! failures grouped, shrunk and saved as regression files `harness replay` reads.

use super::explore::parse_duration;
use super::{CliError, Exit, SpecArgs, out};
use crate::engine::regression;
use crate::engine::system::System;
use crate::fs::subject::FsRun;
use crate::walk::{WalkConfig, walk as run_walk};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

/// The longest sequence `--steps` accepts.
pub const MAX_STEPS: usize = 1000;

/// `walk` arguments.
#[derive(Debug, Clone, Args)]
pub struct WalkArgs {
    /// Seed of every random choice (default: from the clock); printed on every run, pass it
    /// again to reproduce the run exactly.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Random sequences to generate and check.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub cases: u32,
    /// Longest sequence, in steps (1 to 1000).
    #[arg(long, value_name = "N", default_value_t = 24)]
    pub steps: usize,
    /// Stop cleanly (between sequences) once this much time is spent (`60s`, `2m`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time: Option<std::time::Duration>,
    /// Stop after N failing sequences (each is shrunk, which costs).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_failures: usize,
    /// Write a JSON summary (seed, cases, steps, groups, files) to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Where shrunk failures are saved.
    #[arg(long, value_name = "DIR", default_value = "scenarios/regressions")]
    pub regressions: PathBuf,
    /// Do not save regression files.
    #[arg(long)]
    pub no_save: bool,
    /// Only the summary lines.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub spec: SpecArgs,
}

/// `harness walk`.
pub fn walk(a: &WalkArgs) -> Result<Exit, CliError> {
    if a.cases == 0 {
        return Err(CliError::Usage(
            "--cases 0 checks nothing; give at least 1 (default 256)".into(),
        ));
    }
    if a.steps == 0 || a.steps > MAX_STEPS {
        return Err(CliError::Usage(format!(
            "--steps {}: choose 1 to {MAX_STEPS}",
            a.steps
        )));
    }
    if a.max_failures == 0 {
        return Err(CliError::Usage(
            "--max-failures 0 would stop before any failure; give at least 1".into(),
        ));
    }
    if a.spec.toy.is_some() {
        return Err(CliError::Usage(
            "walk runs the filesystem specs only; drop --toy".into(),
        ));
    }
    let seed = a.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let run = FsRun::load_walk(
        &a.spec.specs,
        &a.spec.subject.subject,
        a.spec.subject.options()?,
        true,
    )?;
    for n in &run.notes {
        out!("note: {n}");
    }
    let FsRun {
        system,
        subject,
        reference,
        ..
    } = run;
    let system = Arc::new(system);
    out!(
        "walk: seed {seed}, {} cases of 1..{} steps over {} steps of {} actions ({})",
        a.cases,
        a.steps,
        system.steps().len(),
        system.action_names().len(),
        a.spec.specs.display()
    );
    let cfg = WalkConfig {
        seed,
        cases: a.cases,
        steps: a.steps,
        time: a.time,
        max_failures: a.max_failures,
    };
    let o = run_walk(Arc::clone(&system), &subject, &reference, &cfg).map_err(CliError::Usage)?;
    let secs = o.elapsed.as_secs_f64();
    let mut files = Vec::new();
    for (key, s) in &o.shrunk {
        let mut file = regression::regression_file(system.as_ref(), s);
        file.prefixes = o
            .groups
            .iter()
            .find(|g| g.key == *key)
            .map_or(0, |g| g.prefixes);
        let saved = if a.no_save {
            None
        } else {
            Some(regression::write(&a.regressions, &file)?)
        };
        out!(
            "FAIL {key}: {} steps, {}",
            s.steps.len(),
            s.failure.message()
        );
        if !a.quiet {
            for st in &file.steps {
                out!("       {}", st.label);
            }
        }
        if let Some(p) = &saved {
            out!("       saved {}", p.display());
        }
        files.push(saved.map(|p| p.display().to_string()));
    }
    let rate = if secs > 0.0 {
        o.steps as f64 / secs
    } else {
        0.0
    };
    out!(
        "walk: seed {seed}: {} cases, {} steps in {secs:.2} s ({rate:.0} steps/s){}; {} failure group(s)",
        o.cases,
        o.steps,
        if o.stopped_by_time {
            ", stopped by --time"
        } else {
            ""
        },
        o.groups.len()
    );
    if let Some(path) = &a.json {
        let groups: Vec<serde_json::Value> = o
            .shrunk
            .iter()
            .zip(&files)
            .map(|((k, s), f)| {
                serde_json::json!({
                    "group": k.to_string(),
                    "steps": s.steps.iter().map(|x| system.label(*x).to_string()).collect::<Vec<_>>(),
                    "message": s.failure.message(),
                    "file": f,
                })
            })
            .collect();
        let v = serde_json::json!({
            "seed": seed,
            "specs": a.spec.specs.display().to_string(),
            "cases": o.cases,
            "steps": o.steps,
            "seconds": secs,
            "stopped_by_time": o.stopped_by_time,
            "groups": groups,
        });
        let text = serde_json::to_string_pretty(&v)
            .map_err(|e| CliError::Usage(format!("cannot serialize the walk summary: {e}")))?;
        std::fs::write(path, text)
            .map_err(|e| CliError::Usage(format!("{}: cannot write: {e}", path.display())))?;
    }
    Ok(Exit::conform_if(o.groups.is_empty()))
}
