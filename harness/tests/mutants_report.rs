//! Keeps reports/mutants.md from rotting without needing cargo-mutants: every mutant the report
//! lists (lines `- `file:line` `function`: ...`, the missed and the equivalent ones) must still
//! point at an existing line of memfs-core whose file still defines that function.

use std::path::Path;

#[test]
fn listed_mutants_still_point_at_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let report = std::fs::read_to_string(root.join("reports/mutants.md")).expect("report");
    let mut checked = 0;
    for line in report.lines().filter(|l| l.starts_with("- `memfs-core/")) {
        let mut ticks = line.split('`').skip(1).step_by(2);
        let (Some(loc), Some(func)) = (ticks.next(), ticks.next()) else {
            panic!("unparsable report line: {line}");
        };
        let (file, rest) = loc.split_once(':').expect("file:line");
        let n: usize = rest
            .split(':')
            .next()
            .and_then(|s| s.parse().ok())
            .expect("line no");
        let src =
            std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            n >= 1 && n <= src.lines().count(),
            "{file}:{n} is past the end"
        );
        let name = func.rsplit("::").next().unwrap_or(func);
        // cargo-mutants names a mutant outside any function (a `const` item) `None`: only
        // its line can be checked.
        if name == "None" {
            checked += 1;
            continue;
        }
        assert!(
            src.contains(&format!("fn {name}")),
            "{file} no longer defines fn {name}"
        );
        checked += 1;
    }
    assert!(report.contains("| TOTAL |"), "report has no TOTAL row");
    let _ = checked;
}
