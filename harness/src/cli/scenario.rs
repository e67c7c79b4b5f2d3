//! `harness scenario`: run numbered use-case scenarios on a subject, list them, select them by
//! number (`2` runs 2.1, 2.2, ...).

use super::{CliError, Exit, SubjectArgs, out};
use crate::scenario::{Runner, Scenario, load_dir, selected};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `harness scenario`.
#[derive(Debug, Clone, clap::Args)]
pub struct ScenarioArgs {
    /// Scenario numbers to run (`2.1`; `2` runs 2.1, 2.2, ...). None: run all.
    pub numbers: Vec<String>,
    /// List the scenarios (number, title, clauses) instead of running them.
    #[arg(long)]
    pub list: bool,
    /// Scenario directory.
    #[arg(long, default_value = "scenarios")]
    pub dir: PathBuf,
    /// After a failure, export the failing scenario's filesystems under this directory.
    #[arg(long)]
    pub dump_on_failure: Option<PathBuf>,
    /// Scenarios the subject is known to fail (another implementation's recorded findings,
    /// e.g. `--expect-fail 2.3,5.2`): such a failure is reported as KNOWN and does not fail
    /// the run, while a listed scenario that passes does (STALE: the subject changed).
    #[arg(long, value_name = "N,...", value_delimiter = ',')]
    pub expect_fail: Vec<String>,
    #[command(flatten)]
    pub subject: SubjectArgs,
}

/// `harness scenario`: 0 all passed, 1 a scenario failed, 2 bad usage or a malformed file.
pub fn scenario(args: &ScenarioArgs) -> Result<Exit, CliError> {
    let all = load_dir(&args.dir).map_err(|e| CliError::Usage(e.to_string()))?;
    let chosen: Vec<&Scenario> = if args.numbers.is_empty() {
        all.iter().collect()
    } else {
        let mut v = Vec::new();
        for sel in &args.numbers {
            let hits: Vec<&Scenario> = all.iter().filter(|s| selected(&s.number, sel)).collect();
            if hits.is_empty() {
                let have: Vec<&str> = all.iter().map(|s| s.number.as_str()).collect();
                return Err(CliError::Usage(format!(
                    "no scenario {sel}; have {} (see --list)",
                    have.join(", ")
                )));
            }
            v.extend(hits);
        }
        v
    };
    if args.list {
        for s in chosen {
            out!(
                "{:<5} {}  [{}]  {}",
                s.number,
                s.title,
                s.clauses.join(", "),
                s.file.display()
            );
        }
        return Ok(Exit::Conform);
    }
    let runner = Runner {
        subject: args.subject.subject.clone(),
        options: args.subject.options()?,
        dump_on_failure: args.dump_on_failure.clone(),
    };
    for n in &args.expect_fail {
        if !chosen.iter().any(|s| &s.number == n) {
            return Err(CliError::Usage(format!(
                "--expect-fail {n}: no such scenario among those run (see --list)"
            )));
        }
    }
    let (mut failed, mut known, mut stale) = (0, 0, 0);
    for s in &chosen {
        let expected_to_fail = args.expect_fail.contains(&s.number);
        let t = Instant::now();
        let out = runner.run(s);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        match &out.failure {
            None if expected_to_fail => {
                stale += 1;
                out!(
                    "STALE {:<5} {}: passes, but --expect-fail lists it (the subject changed: drop it from the list)",
                    s.number,
                    s.title
                );
            }
            Some(f) if expected_to_fail => {
                known += 1;
                out!("KNOWN {:<5} {}: {f}", s.number, s.title);
            }
            None => out!(
                "ok   {:<5} {} ({} steps, {ms:.1} ms)",
                s.number,
                s.title,
                out.steps_run
            ),
            Some(f) => {
                failed += 1;
                out!(
                    "FAIL {:<5} {}: {}: {f}",
                    s.number,
                    s.title,
                    s.file.display()
                );
                if let Some(d) = &out.dumped_to {
                    out!("     filesystems exported to {}", d.display());
                }
            }
        }
    }
    let extra = if args.expect_fail.is_empty() {
        String::new()
    } else {
        format!(", {known} known failures, {stale} stale")
    };
    out!(
        "{} scenarios, {} passed, {failed} failed{extra}",
        chosen.len(),
        chosen.len() - failed - known - stale
    );
    Ok(Exit::conform_if(failed + stale == 0))
}
