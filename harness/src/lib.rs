//! harness: model-based conformance and stress testing of memfs-core against YAML specs.

pub mod call;
pub mod cli;
pub mod junit;
pub mod observation;
pub mod oracle;
pub mod outcome;
pub mod report;
pub mod scenario;
pub mod trace;
