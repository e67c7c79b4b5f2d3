//! The sections of the HTML report, each appended to the page by one function. A section
//! whose input is absent says so in one line instead of vanishing: a reader must be able to
//! tell "nothing failed" from "no run was given".

use super::{FailureView, HtmlInputs, charts, esc, group_digits, summary_items};
use crate::report::coverage::CoverageReport;
use crate::report::known::KnownReport;
use crate::report::timing::TimingReport;
use crate::results::stress::StressResult;
use crate::trace::gate::Verdict;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn absent(s: &mut String, what: &str) {
    let _ = writeln!(s, "<p class=\"muted absent\">{}</p>", esc(what));
}

fn num(n: u64) -> String {
    format!(
        "<td class=\"n\" data-value=\"{n}\">{}</td>",
        group_digits(n)
    )
}

fn float(v: f64, digits: usize) -> String {
    format!("<td class=\"n\" data-value=\"{v}\">{v:.digits$}</td>")
}

fn chart(s: &mut String, id: &str, svg: Option<String>) {
    if let Some(svg) = svg {
        let _ = writeln!(s, "<figure class=\"chart\" id=\"{id}\">{svg}</figure>");
    }
}

/// Run summary: the headline numbers and the gate's verdict.
pub fn summary(s: &mut String, i: &HtmlInputs<'_>) {
    s.push_str("<section id=\"summary-section\">\n<h2>Summary</h2>\n");
    if i.run.is_none() {
        absent(s, "no run result was given (harness report --run FILE)");
    }
    if let Some(g) = i.gate {
        let (class, text) = if g.gaps.is_empty() {
            ("verdict-pass", "trace gate: PASS".to_string())
        } else {
            ("verdict-fail", format!("trace gate: {} gaps", g.gaps.len()))
        };
        let _ = writeln!(s, "<p id=\"gate-verdict\" class=\"{class}\">{text}</p>");
    }
    let items = summary_items(i);
    if !items.is_empty() {
        s.push_str("<dl id=\"summary\">\n");
        for (key, label, value, display) in items {
            let _ = writeln!(
                s,
                "<div><dt>{}</dt><dd data-key=\"{key}\" data-value=\"{}\">{}</dd></div>",
                esc(label),
                esc(&value),
                esc(&display)
            );
        }
        s.push_str("</dl>\n");
    }
    if let Some(r) = i.run {
        for n in &r.notes {
            let _ = writeln!(s, "<p class=\"muted note\">Note: {}</p>", esc(n));
        }
    }
    s.push_str("</section>\n");
}

fn failure(s: &mut String, f: &FailureView) {
    let sum = &f.summary;
    let group = if sum.group.is_empty() {
        String::new()
    } else {
        format!(" <code>{}</code>", esc(&sum.group))
    };
    let _ = writeln!(
        s,
        "<details class=\"group\" open><summary>{}{group}: {} failing prefixes</summary>",
        esc(&sum.id),
        sum.prefixes
    );
    let _ = writeln!(s, "<p>{}</p>", esc(&sum.message));
    if !sum.clauses.is_empty() {
        let _ = writeln!(s, "<p>clauses: {}</p>", esc(&sum.clauses.join(", ")));
    }
    let failing = f.file.as_ref().map_or(sum.steps.len(), |r| r.failing_step);
    s.push_str("<table class=\"witness\"><thead><tr><th class=\"n\">#</th><th>step</th><th>expected</th><th>observed</th><th>reference</th></tr></thead><tbody>\n");
    for (k, step) in sum.steps.iter().enumerate() {
        let last = k + 1 == failing;
        let (e, o, r) = match (&f.file, last) {
            (Some(file), true) => (
                esc(&file.expected),
                esc(&file.observed),
                esc(&file.reference),
            ),
            _ => Default::default(),
        };
        let _ = writeln!(
            s,
            "<tr{}><td class=\"n\">{}</td><td><code>{}</code></td><td>{e}</td><td>{o}</td><td>{r}</td></tr>",
            if last { " class=\"failing\"" } else { "" },
            k + 1,
            esc(step)
        );
    }
    s.push_str("</tbody></table>\n");
    match &f.file {
        Some(file) if !file.diff.is_empty() => {
            s.push_str(
                "<p>State after the failing step, subject against oracle:</p><pre class=\"diff\">",
            );
            for d in &file.diff {
                let _ = writeln!(s, "{}", esc(d));
            }
            s.push_str("</pre>\n");
        }
        Some(_) => {}
        None => absent(s, "regression file not found: no state diff to show"),
    }
    if let Some(path) = &sum.file {
        let _ = writeln!(
            s,
            "<p class=\"muted\">replay: <code>harness replay {}</code></p>",
            esc(path)
        );
    }
    s.push_str("</details>\n");
}

/// Every failure group with its minimal witness as a step table and the state diff.
pub fn failures(s: &mut String, i: &HtmlInputs<'_>) {
    s.push_str("<section id=\"failures\">\n<h2>Failure groups</h2>\n");
    match i.run {
        None => absent(s, "no run result was given"),
        Some(_) if i.failures.is_empty() => {
            s.push_str("<p id=\"no-failures\" class=\"verdict-pass\">No failures: the subject agreed with the model and the oracle on every step.</p>\n");
        }
        Some(_) => i.failures.iter().for_each(|f| failure(s, f)),
    }
    s.push_str("</section>\n");
}

/// The action x outcome heat map: colour by count on a log scale, never-run actions first.
pub fn heatmap(s: &mut String, cov: Option<&CoverageReport>) {
    s.push_str("<section id=\"heatmap\">\n<h2>Actions x outcomes</h2>\n");
    let Some(c) = cov else {
        absent(s, "no run result was given");
        s.push_str("</section>\n");
        return;
    };
    let max = c
        .actions
        .iter()
        .flat_map(|a| a.outcomes.values())
        .copied()
        .max()
        .unwrap_or(0);
    let scale = ((max as f64) + 1.0).ln().max(1e-9);
    s.push_str("<p class=\"muted\">How often each action ended in each outcome over the run; darker is more (log scale), grey cells never happened.</p>\n");
    s.push_str("<table class=\"heat sortable\" id=\"heat-table\"><thead><tr><th>action</th><th class=\"n\">total</th>");
    for k in &c.outcome_keys {
        let _ = write!(s, "<th class=\"n\">{}</th>", esc(k));
    }
    s.push_str("</tr></thead><tbody>\n");
    for a in &c.actions {
        let _ = write!(
            s,
            "<tr{}><td>{}</td>{}",
            if a.total == 0 { " class=\"gap\"" } else { "" },
            esc(&a.action),
            num(a.total)
        );
        for k in &c.outcome_keys {
            let n = a.outcomes.get(k).copied().unwrap_or(0);
            if n == 0 {
                s.push_str("<td class=\"n zero\" data-value=\"0\">·</td>");
                continue;
            }
            let t = ((n as f64) + 1.0).ln() / scale;
            let light = 95.0 - 50.0 * t;
            let hue = if k == "ok" { 210 } else { 28 };
            let fg = if light < 60.0 { "#fff" } else { "#1d2330" };
            let _ = write!(
                s,
                "<td class=\"n\" data-value=\"{n}\" style=\"background:hsl({hue},65%,{light:.0}%);color:{fg}\">{}</td>",
                group_digits(n)
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n</section>\n");
}

/// Clause coverage with the trace gate's verdict per clause, the clauses lacking exercise
/// first (the coverage report's order).
pub fn clauses(s: &mut String, cov: Option<&CoverageReport>, gate: Option<&Verdict>) {
    s.push_str("<section id=\"clauses\">\n<h2>Clauses</h2>\n");
    let Some(c) = cov else {
        absent(s, "no run result was given");
        s.push_str("</section>\n");
        return;
    };
    let mut gaps: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    if let Some(g) = gate {
        for gap in &g.gaps {
            if let Some(id) = gap.clause() {
                gaps.entry(id).or_default().push(gap.to_string());
            }
        }
    }
    s.push_str("<p class=\"muted\">Held and failed count precondition evaluations, checked counts postcondition and invariant checks. The gate's verdict is the trace gate over this run");
    if gate.is_none() {
        s.push_str(" (not computed: no spec directory)");
    }
    s.push_str(
        ".</p>\n<label><input type=\"checkbox\" id=\"only-gaps\"> only clauses with gaps</label>\n",
    );
    s.push_str("<table class=\"sortable\" id=\"clause-table\"><thead><tr><th>clause</th><th class=\"n\">held</th><th class=\"n\">failed</th><th class=\"n\">checked</th><th>gate verdict</th></tr></thead><tbody>\n");
    for r in &c.clauses {
        let g = gaps.get(r.clause.as_str());
        // The gate judges over every run it was given; this run's own lack is said beside it.
        let judged = gate.is_some_and(|v| v.rows.iter().any(|x| x.def.id == r.clause));
        let (class, verdict) = match (&r.unreachable, g, r.missing.is_empty(), judged) {
            (_, Some(g), _, _) => ("gap", g.join("; ")),
            (Some(why), None, _, _) => ("unreachable", format!("unreachable: {why}")),
            (None, None, false, false) => ("gap", r.missing.clone()),
            (None, None, false, true) => (
                "ok",
                format!("ok over the gate's runs (this run alone: {})", r.missing),
            ),
            (None, None, true, _) => ("ok", "ok".to_string()),
        };
        let _ = writeln!(
            s,
            "<tr class=\"{class}\"><td>{}</td>{}{}{}<td>{}</td></tr>",
            esc(&r.clause),
            num(r.held),
            num(r.failed),
            num(r.checked),
            esc(&verdict)
        );
    }
    s.push_str("</tbody></table>\n");
    if let Some(g) = gate {
        let other: Vec<String> = g
            .gaps
            .iter()
            .filter(|x| x.clause().is_none())
            .map(|x| x.to_string())
            .collect();
        if !other.is_empty() {
            s.push_str("<p>Gaps of no single clause:</p><ul>");
            for o in other {
                let _ = write!(s, "<li>{}</li>", esc(&o));
            }
            s.push_str("</ul>\n");
        }
    }
    s.push_str("</section>\n");
}

/// Exploration speed per depth and the core's latency percentiles, as charts and tables.
pub fn timing(s: &mut String, t: Option<&TimingReport>) {
    s.push_str("<section id=\"timing\">\n<h2>Timing</h2>\n<p class=\"muted\">Measured, never asserted: numbers depend on the machine and its load.</p>\n");
    match t.and_then(|t| t.exploration.as_ref()) {
        None => absent(s, "no exploration timing (no run result was given)"),
        Some(e) => {
            chart(s, "chart-depth", charts::steps_per_depth(&e.per_depth));
            s.push_str("<table id=\"depth-table\"><thead><tr><th class=\"n\">depth</th><th class=\"n\">steps</th><th class=\"n\">seconds</th><th class=\"n\">steps/s</th></tr></thead><tbody>\n");
            for d in &e.per_depth {
                let _ = writeln!(
                    s,
                    "<tr>{}{}{}{}</tr>",
                    num(u64::from(d.depth)),
                    num(d.steps),
                    float(d.seconds, 3),
                    float(d.steps_per_sec, 0)
                );
            }
            s.push_str("</tbody></table>\n");
        }
    }
    match t.and_then(|t| t.latency.as_ref()) {
        None => absent(
            s,
            "no latency run (harness report --no-latency, or no --latency FILE)",
        ),
        Some(l) => {
            let _ = writeln!(
                s,
                "<h3>Core latency</h3><p class=\"muted\">Instrumented run: {} timed calls, workload seed {}.</p>",
                l.ops, l.seed
            );
            chart(s, "chart-latency", charts::latency(&l.per_op));
            s.push_str("<table class=\"sortable\" id=\"latency-table\"><thead><tr><th>op</th><th class=\"n\">calls</th><th class=\"n\">errors</th><th class=\"n\">p50 µs</th><th class=\"n\">p95 µs</th><th class=\"n\">p99 µs</th><th class=\"n\">max µs</th></tr></thead><tbody>\n");
            for o in &l.per_op {
                let us = |ns: u64| float(ns as f64 / 1000.0, 1);
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td>{}{}{}{}{}{}</tr>",
                    esc(&o.op),
                    num(o.count),
                    num(o.errors),
                    us(o.p50_ns),
                    us(o.p95_ns),
                    us(o.p99_ns),
                    us(o.max_ns)
                );
            }
            s.push_str("</tbody></table>\n");
        }
    }
    s.push_str("</section>\n");
}

/// Stress suite times, the linearizability verdict and the seed workload comparison.
pub fn stress(s: &mut String, st: Option<&StressResult>) {
    s.push_str("<section id=\"stress\">\n<h2>Stress</h2>\n");
    let Some(st) = st else {
        absent(
            s,
            "no stress result was given (harness report --stress FILE)",
        );
        s.push_str("</section>\n");
        return;
    };
    chart(s, "chart-stress", charts::stress(&st.suites));
    s.push_str("<table class=\"sortable\" id=\"stress-table\"><thead><tr><th>suite</th><th class=\"n\">runs</th><th class=\"n\">median ms</th><th class=\"n\">min ms</th><th class=\"n\">max ms</th><th class=\"n\">ops/s</th><th>errors</th><th class=\"n\">failed runs</th></tr></thead><tbody>\n");
    for x in &st.suites {
        let errors = x
            .errors
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            s,
            "<tr{}><td>{}</td>{}{}{}{}{}<td>{}</td>{}</tr>",
            if x.failed_runs > 0 {
                " class=\"gap\""
            } else {
                ""
            },
            esc(&x.name),
            num(x.runs as u64),
            float(x.median_seconds * 1e3, 2),
            float(x.min_seconds * 1e3, 2),
            float(x.max_seconds * 1e3, 2),
            float(x.ops_per_sec, 0),
            esc(&errors),
            num(x.failed_runs as u64)
        );
    }
    s.push_str("</tbody></table>\n");
    match &st.linearizability {
        None => absent(s, "no linearizability check in this stress result"),
        Some(l) => {
            let class = if l.linearizable {
                "verdict-pass"
            } else {
                "verdict-fail"
            };
            let _ = writeln!(
                s,
                "<p id=\"linearizability\" class=\"{class}\">{}</p>",
                esc(&l.to_string()).replace('\n', "<br>")
            );
        }
    }
    if let Some(c) = &st.seed_comparison {
        let _ = writeln!(
            s,
            "<p id=\"seed-comparison\">Seed workload (50 threads x 1000), best of {}: memfs-core {:.2} ms (CPU {:.2} ms, {} cores), D-MemFS {:.1} ms: {:.0}x.</p>",
            c.runs, c.core_best_ms, c.core_cpu_ms, c.cores, c.dmemfs_best_ms, c.ratio
        );
    }
    s.push_str("</section>\n");
}

/// Other subjects: their exploration speed beside the core's and their recorded
/// disagreements, by class.
pub fn subjects(s: &mut String, t: Option<&TimingReport>, known: &[&KnownReport]) {
    s.push_str("<section id=\"subjects\">\n<h2>Other subjects</h2>\n");
    let timed = t.map_or(&[][..], |t| &t.subjects[..]);
    if timed.is_empty() && known.is_empty() {
        absent(
            s,
            "no other subject was given (--subject-run LABEL=FILE, --known-report FILE)",
        );
    }
    if !timed.is_empty() {
        s.push_str("<table id=\"subject-timing\"><thead><tr><th>run</th><th class=\"n\">depth</th><th class=\"n\">steps</th><th class=\"n\">seconds</th><th class=\"n\">steps/s</th><th class=\"n\">core ÷ subject</th></tr></thead><tbody>\n");
        for x in timed {
            let ratio = x
                .core_ratio
                .map_or_else(|| "<td>-</td>".to_string(), |r| float(r, 0));
            let _ = writeln!(
                s,
                "<tr><td>{}</td>{}{}{}{}{ratio}</tr>",
                esc(&x.label),
                num(u64::from(x.depth)),
                num(x.steps),
                float(x.seconds, 1),
                float(x.steps_per_sec, 0)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    for k in known {
        let count = |c: &str| k.causes.iter().filter(|x| x.class == c).count();
        let _ = writeln!(
            s,
            "<h3>Disagreements of {}</h3><p data-subject=\"{}\">{} distinct: {} defects, {} deliberate differences, {} left open by the semantics; {} unclassified witness files.</p>",
            esc(&k.subject),
            esc(&k.subject),
            k.causes.len(),
            count("defect"),
            count("deliberate"),
            count("unspecified"),
            k.unclassified
        );
        s.push_str("<table class=\"sortable known\"><thead><tr><th class=\"n\">#</th><th>class</th><th>root cause</th><th>semantics</th><th class=\"n\">witnesses</th><th class=\"n\">failing prefixes</th><th>shortest witness</th></tr></thead><tbody>\n");
        for (n, c) in k.causes.iter().enumerate() {
            let shortest = c
                .witnesses
                .iter()
                .min_by_key(|w| w.steps.len())
                .map(|w| w.steps.join("; "))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}<td><code>{}</code></td></tr>",
                n + 1,
                esc(&c.class),
                esc(&c.cause),
                esc(&c.semantics),
                num(c.witnesses.len() as u64),
                num(c.prefixes),
                esc(&shortest)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
}
