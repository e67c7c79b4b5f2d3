//! harness: model-based conformance and stress testing of memfs-core against YAML specs.

pub mod call;
pub mod linearize;
pub mod model;
pub mod observation;
pub mod oracle;
pub mod outcome;
pub mod spec;
pub mod stress;
