//! harness: model-based conformance and stress testing of filesystem implementations against
//! YAML specs.
//!
//! Map (each top-level module knows only the ones above it in this list):
//! - [`results`]: result files (run, stress, latency) and their reading, writing and merging;
//! - [`junit`]: JUnit XML for CI, from results;
//! - [`engine`]: the generic explorer: `System` and `Driver` traits, sequences, dedup,
//!   shrinking, regression files, replay; no filesystem knowledge;
//! - [`linearize`]: the generic Wing-Gong-Lowe linearizability checker;
//! - [`trace`], [`report`]: the traceability gate and the coverage and timing reports;
//! - [`fs`]: the filesystem vocabulary (calls, observations, configuration, model, spec
//!   loader, naive oracle, executors, drivers, subjects, the spec as a `System`, the
//!   linearizability recorder);
//! - [`scenario`], [`stress`]: the use-case scenarios and the stress suites;
//! - [`cli`]: the command line, the one exit path.

pub mod cli;
pub mod engine;
pub mod fs;
pub mod junit;
pub mod linearize;
pub mod report;
pub mod results;
pub mod scenario;
pub mod stress;
pub mod trace;
pub mod walk;
