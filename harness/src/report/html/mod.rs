//! The HTML report (`reports/index.html`): one self-contained page (inline CSS, JS and SVG;
//! nothing fetched at view time) of everything the Markdown reports hold, for a person judging
//! a run: summary, failure groups with their witnesses, the action x outcome heat map, clause
//! coverage with the trace gate's verdict, exploration speed, latency, stress and other
//! subjects. [`sections`] renders each part, [`charts`] draws the charts. It measures nothing.

pub mod charts;
mod sections;

use crate::engine::regression::RegressionFile;
use crate::report::coverage::CoverageReport;
use crate::report::known::KnownReport;
use crate::report::timing::TimingReport;
use crate::results::{FailureSummary, RunResult};
use crate::trace::gate::Verdict;
use std::fmt::Write as _;

/// One failure group: its summary in the run and, when its regression file could be read,
/// the whole witness (expected, observed, reference, state diff).
#[derive(Debug, Clone)]
pub struct FailureView {
    pub summary: FailureSummary,
    pub file: Option<RegressionFile<serde_json::Value>>,
}

/// Everything the page shows; every part is optional, and an absent part is said to be absent.
#[derive(Debug, Clone, Default)]
pub struct HtmlInputs<'a> {
    /// What produced the inputs, in words (the page names its sources).
    pub sources: Vec<String>,
    pub run: Option<&'a RunResult>,
    pub coverage: Option<&'a CoverageReport>,
    /// The trace gate over the same run (and any further runs it was given).
    pub gate: Option<&'a Verdict>,
    pub failures: Vec<FailureView>,
    pub timing: Option<&'a TimingReport>,
    /// Other implementations' recorded disagreements (`harness report --known`).
    pub known: Vec<&'a KnownReport>,
}

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// `12345678` as `12 345 678` (thin spaces), for display; exact values go in `data-value`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            o.push('\u{2009}');
        }
        o.push(c);
    }
    o
}

/// The numbers of the summary, as `(key, label, exact value, display)`: the page shows them in
/// `<dd data-key=KEY data-value=VALUE>`, which is what the browser test compares with the JSON.
pub fn summary_items(i: &HtmlInputs<'_>) -> Vec<(&'static str, &'static str, String, String)> {
    let mut v = Vec::new();
    let int = |n: u64| (n.to_string(), group_digits(n));
    if let Some(r) = i.run {
        let (a, b) = int(u64::from(r.depth));
        v.push(("depth", "depth", a, b));
        let (a, b) = int(r.alphabet);
        v.push(("alphabet", "concrete actions", a, b));
        let (a, b) = int(r.sequences);
        v.push(("sequences", "sequences covered", a, b));
        let (a, b) = int(r.steps);
        v.push(("steps", "steps executed", a, b));
        let (a, b) = int(r.distinct_states);
        v.push(("distinct_states", "distinct states", a, b));
        v.push((
            "seconds",
            "seconds",
            format!("{}", r.seconds),
            format!("{:.3}", r.seconds),
        ));
        let rate = if r.seconds > 0.0 {
            r.steps as f64 / r.seconds
        } else {
            0.0
        };
        v.push((
            "steps_per_sec",
            "steps/s",
            format!("{rate}"),
            group_digits(rate as u64),
        ));
        let (a, b) = int(r.failures.len() as u64);
        v.push(("failure_groups", "failure groups", a, b));
        let (a, b) = int(r.failures.iter().map(|f| f.prefixes).sum());
        v.push(("failing_prefixes", "failing prefixes", a, b));
    }
    if let Some(c) = i.coverage {
        let (a, b) = int(c.clauses.len() as u64);
        v.push(("clauses", "clauses", a, b));
        let (a, b) = int(c.under_exercised_clauses.len() as u64);
        v.push(("under_exercised", "clauses under-exercised", a, b));
        let (a, b) = int(c.never_run_actions.len() as u64);
        v.push(("never_run_actions", "actions never run", a, b));
    }
    if let Some(g) = i.gate {
        let (a, b) = int(g.gaps.len() as u64);
        v.push(("gate_gaps", "trace gate gaps", a, b));
    }
    v
}

/// Renders the page.
pub fn render(i: &HtmlInputs<'_>) -> String {
    let mut s =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<title>memfs harness: conformance report</title>\n");
    // First, so an error in anything after it is recorded on the page for the browser test.
    s.push_str("<script>window.addEventListener(\"error\",function(e){var d=document.documentElement;d.setAttribute(\"data-js-errors\",(d.getAttribute(\"data-js-errors\")||\"\")+String(e.message)+\";\");});</script>\n");
    let _ = writeln!(
        s,
        "<style>\n{}</style>\n</head>\n<body>",
        include_str!("page.css")
    );
    s.push_str("<h1>Conformance report</h1>\n");
    let _ = writeln!(
        s,
        "<p class=\"muted\" id=\"sources\">Generated by <code>harness report</code> from: {}.</p>",
        if i.sources.is_empty() {
            "no inputs".to_string()
        } else {
            i.sources
                .iter()
                .map(|x| esc(x))
                .collect::<Vec<_>>()
                .join("; ")
        }
    );
    s.push_str("<nav><a href=\"#summary-section\">summary</a><a href=\"#failures\">failures</a><a href=\"#heatmap\">actions</a><a href=\"#clauses\">clauses</a><a href=\"#timing\">timing</a><a href=\"#stress\">stress</a><a href=\"#subjects\">other subjects</a></nav>\n");
    sections::summary(&mut s, i);
    sections::failures(&mut s, i);
    sections::heatmap(&mut s, i.coverage);
    sections::clauses(&mut s, i.coverage, i.gate);
    sections::timing(&mut s, i.timing);
    sections::stress(&mut s, i.timing.and_then(|t| t.stress.as_ref()));
    sections::subjects(&mut s, i.timing, &i.known);
    let _ = writeln!(s, "<script>\n{}</script>", include_str!("page.js"));
    s.push_str("</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_groups_digits() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1\u{2009}000");
        assert_eq!(group_digits(12_345_678), "12\u{2009}345\u{2009}678");
    }

    #[test]
    fn an_empty_report_says_what_is_absent() {
        let page = render(&HtmlInputs::default());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("no run result was given"), "{page}");
        assert!(page.contains("no stress result was given"));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }
}
