//! harness: model-based conformance and stress testing of memfs-core against YAML specs.

pub mod call;
pub mod cli;
pub mod drivers;
pub mod engine;
pub mod junit;
pub mod linearize;
pub mod model;
pub mod observation;
pub mod oracle;
pub mod outcome;
pub mod report;
pub mod scenario;
pub mod spec;
pub mod stress;
pub mod trace;
