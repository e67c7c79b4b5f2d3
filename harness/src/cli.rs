//! Minimal CLI (scen branch only, for testing `trace`, `report` and `scenario`); the engine
//! branch owns the real one and adds these three subcommands to it.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The `harness` command line.
#[derive(Debug, Parser)]
#[command(
    name = "harness",
    about = "Model-based conformance harness for memfs-core"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Traceability gate: clauses referenced, ids defined, clauses exercised.
    Trace(crate::trace::TraceArgs),
    /// Coverage and timing reports from run results.
    Report(crate::report::ReportArgs),
    /// Run numbered use-case scenarios.
    Scenario(crate::scenario::ScenarioArgs),
}

/// Parses the arguments and runs the subcommand (bad usage exits 2, as clap does).
pub fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Trace(a) => crate::trace::run(&a),
        Command::Report(a) => crate::report::run(&a),
        Command::Scenario(a) => crate::scenario::run(&a),
    }
}
