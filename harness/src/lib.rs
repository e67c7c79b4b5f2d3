//! harness: model-based conformance and stress testing of memfs-core against YAML specs.

pub mod observation;
pub mod oracle;
pub mod outcome;
