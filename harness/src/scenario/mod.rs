//! Numbered use-case scenarios (`scenarios/*.yaml`): the file format ([`format`]) and the
//! runner that executes them on any subject ([`runner`]). `harness scenario 2.1` runs one
//! (`crate::cli::scenario`).

pub mod format;
pub mod host;
pub mod runner;
mod steps;
pub mod subst;
pub mod values;

pub use format::{FormatError, Scenario, load, load_dir};
pub use runner::{Outcome, Runner};

/// Whether scenario number `n` is selected by `sel` (`2` selects `2.1`, `2.1` selects `2.1` only).
pub fn selected(n: &str, sel: &str) -> bool {
    n == sel
        || n.strip_prefix(sel)
            .is_some_and(|rest| rest.starts_with('.'))
}
