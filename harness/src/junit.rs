//! JUnit XML output, so CI systems show gate gaps and conformance failures as test cases.
//! Used by `trace --junit` (one case per clause) and by the engine's `explore`/`replay`
//! (one case per failure or per replayed file) through [`from_run`] and [`from_replays`].

use crate::results::RunResult;
use std::fmt::Write as _;
use std::path::Path;

/// One JUnit test case; `failure` is `Some((message, details))` when it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub classname: String,
    pub name: String,
    pub seconds: f64,
    pub failure: Option<(String, String)>,
}

impl Case {
    /// A passing case.
    pub fn pass(classname: &str, name: &str) -> Self {
        Case {
            classname: classname.to_string(),
            name: name.to_string(),
            seconds: 0.0,
            failure: None,
        }
    }

    /// A failing case with a one-line message and free-form details.
    pub fn fail(classname: &str, name: &str, message: &str, details: &str) -> Self {
        Case {
            classname: classname.to_string(),
            name: name.to_string(),
            seconds: 0.0,
            failure: Some((message.to_string(), details.to_string())),
        }
    }
}

/// A JUnit test suite: a name and its cases.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Suite {
    pub name: String,
    pub seconds: f64,
    pub cases: Vec<Case>,
}

impl Suite {
    /// Number of failing cases.
    pub fn failures(&self) -> usize {
        self.cases.iter().filter(|c| c.failure.is_some()).count()
    }

    /// The suite as a JUnit XML document (`<testsuites>` with one `<testsuite>`).
    pub fn to_xml(&self) -> String {
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            "<testsuites tests=\"{}\" failures=\"{}\" time=\"{:.3}\">",
            self.cases.len(),
            self.failures(),
            self.seconds
        );
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\">",
            esc(&self.name),
            self.cases.len(),
            self.failures(),
            self.seconds
        );
        for c in &self.cases {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                esc(&c.classname),
                esc(&c.name),
                c.seconds
            );
            match &c.failure {
                None => {
                    let _ = writeln!(s, "{open}/>");
                }
                Some((msg, details)) => {
                    let _ = writeln!(s, "{open}>");
                    let _ = writeln!(
                        s,
                        "      <failure message=\"{}\" type=\"failure\">{}</failure>",
                        esc(msg),
                        esc(details)
                    );
                    let _ = writeln!(s, "    </testcase>");
                }
            }
        }
        s.push_str("  </testsuite>\n</testsuites>\n");
        s
    }

    /// Writes the XML to `path`, creating parent directories.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, self.to_xml())
    }
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// One case per conformance failure of an `explore` run; a run without failures gives one
/// passing case, so the report always says what was run.
pub fn from_run(run: &RunResult) -> Suite {
    let shard = run
        .shard
        .map(|(i, n)| format!(" shard {i}/{n}"))
        .unwrap_or_default();
    let class = format!("explore.depth{}", run.depth);
    let mut cases: Vec<Case> = run
        .failures
        .iter()
        .map(|f| {
            let mut details = String::new();
            for (i, st) in f.steps.iter().enumerate() {
                let _ = writeln!(details, "{}. {st}", i + 1);
            }
            let _ = writeln!(details, "clauses: {}", f.clauses.join(", "));
            if let Some(file) = &f.file {
                let _ = writeln!(details, "regression file: {file}");
            }
            Case::fail(&class, &f.id, &f.message, &details)
        })
        .collect();
    if cases.is_empty() {
        let mut c = Case::pass(
            &class,
            &format!(
                "explore depth {}{shard}: {} sequences conform",
                run.depth, run.sequences
            ),
        );
        c.seconds = run.seconds;
        cases.push(c);
    }
    Suite {
        name: format!("harness explore --depth {}{shard}", run.depth),
        seconds: run.seconds,
        cases,
    }
}

/// The result of replaying one regression file, as the engine's `replay` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayOutcome {
    /// The regression file replayed.
    pub file: String,
    /// `None` if it conforms now; otherwise what went wrong.
    pub failure: Option<String>,
    pub seconds: f64,
}

/// One case per replayed file.
pub fn from_replays(results: &[ReplayOutcome]) -> Suite {
    let cases = results
        .iter()
        .map(|r| {
            let mut c = match &r.failure {
                None => Case::pass("replay", &r.file),
                Some(msg) => {
                    let first = msg.lines().next().unwrap_or("replay failed");
                    Case::fail("replay", &r.file, first, msg)
                }
            };
            c.seconds = r.seconds;
            c
        })
        .collect();
    Suite {
        name: "harness replay".into(),
        seconds: results.iter().map(|r| r.seconds).sum(),
        cases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::FailureSummary;

    #[test]
    fn escapes_markup_and_counts_failures() {
        let s = Suite {
            name: "s<1>".into(),
            seconds: 0.5,
            cases: vec![
                Case::pass("c", "a&b"),
                Case::fail("c", "x", "bad \"quote\"", "line\n<tag>"),
            ],
        };
        let xml = s.to_xml();
        assert!(xml.contains("name=\"s&lt;1&gt;\""));
        assert!(xml.contains("name=\"a&amp;b\""));
        assert!(xml.contains("message=\"bad &quot;quote&quot;\""));
        assert!(xml.contains("line\n&lt;tag&gt;</failure>"));
        assert!(xml.contains("tests=\"2\" failures=\"1\""));
    }

    #[test]
    fn run_without_failures_has_one_passing_case() {
        let run = RunResult {
            depth: 3,
            sequences: 10,
            ..Default::default()
        };
        let s = from_run(&run);
        assert_eq!(s.cases.len(), 1);
        assert_eq!(s.failures(), 0);
        let mut run2 = run.clone();
        run2.failures.push(FailureSummary {
            id: "f1".into(),
            steps: vec!["mkdir(/a)".into()],
            message: "core Ok, model NotFound".into(),
            clauses: vec!["MKDIR-1".into()],
            file: Some("scenarios/regressions/f1.yaml".into()),
            ..Default::default()
        });
        let s2 = from_run(&run2);
        assert_eq!(s2.failures(), 1);
        assert!(
            s2.to_xml()
                .contains("regression file: scenarios/regressions/f1.yaml")
        );
    }
}
