//! Criterion benchmarks (placeholder until the bench helper fills it).
fn main() {}
