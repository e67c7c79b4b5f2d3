//! The reports: coverage ([`coverage`]: action x outcome, clause exercise, never-exercised
//! first) and timing ([`timing`]: exploration speed, core latency, stress times), rendered
//! from result files (`crate::results`), and another implementation's recorded disagreements
//! ([`known`]), and all of it on one self-contained page ([`html`]). They measure nothing
//! themselves; `harness report`
//! (`crate::cli::report`) gathers the results and writes them.

pub mod coverage;
pub mod html;
pub mod known;
pub mod timing;
