//! `harness scenario`: numbered use-case scenarios (`scenarios/*.yaml`) run directly on
//! memfs-core. `harness scenario 2.1` runs one, `--list` lists them, no number runs all.

pub mod format;
pub mod host;
pub mod runner;

pub use format::{FormatError, Scenario, load, load_dir};
pub use runner::{Outcome, Runner};

use std::path::PathBuf;
use std::process::ExitCode;
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
}

/// Whether scenario number `n` is selected by `sel` (`2` selects `2.1`, `2.1` selects `2.1` only).
pub fn selected(n: &str, sel: &str) -> bool {
    n == sel
        || n.strip_prefix(sel)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Runs `harness scenario`: 0 all passed, 1 a scenario failed, 2 bad usage or a malformed file.
pub fn status(args: &ScenarioArgs) -> u8 {
    let all = match load_dir(&args.dir) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("harness scenario: {e}");
            return 2;
        }
    };
    let chosen: Vec<&Scenario> = if args.numbers.is_empty() {
        all.iter().collect()
    } else {
        let mut v = Vec::new();
        for sel in &args.numbers {
            let hits: Vec<&Scenario> = all.iter().filter(|s| selected(&s.number, sel)).collect();
            if hits.is_empty() {
                let have: Vec<&str> = all.iter().map(|s| s.number.as_str()).collect();
                eprintln!(
                    "harness scenario: no scenario {sel}; have {} (see --list)",
                    have.join(", ")
                );
                return 2;
            }
            v.extend(hits);
        }
        v
    };
    if args.list {
        for s in chosen {
            println!(
                "{:<5} {}  [{}]  {}",
                s.number,
                s.title,
                s.clauses.join(", "),
                s.file.display()
            );
        }
        return 0;
    }
    let runner = Runner {
        dump_on_failure: args.dump_on_failure.clone(),
    };
    let mut failed = 0;
    for s in &chosen {
        let t = Instant::now();
        let out = runner.run(s);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        match &out.failure {
            None => println!(
                "ok   {:<5} {} ({} steps, {ms:.1} ms)",
                s.number, s.title, out.steps_run
            ),
            Some(f) => {
                failed += 1;
                println!(
                    "FAIL {:<5} {}: {}: {f}",
                    s.number,
                    s.title,
                    s.file.display()
                );
                if let Some(d) = &out.dumped_to {
                    println!("     filesystems exported to {}", d.display());
                }
            }
        }
    }
    println!(
        "{} scenarios, {} passed, {failed} failed",
        chosen.len(),
        chosen.len() - failed
    );
    if failed > 0 { 1 } else { 0 }
}

/// [`status`] as the process exit code (for a `main` that returns `ExitCode`).
pub fn run(args: &ScenarioArgs) -> ExitCode {
    ExitCode::from(status(args))
}
