//! Text listings for `harness list actions` and `harness list clauses`.

use super::Spec;
use std::fmt::Write;

impl Spec {
    /// One block per action: op, step count, preconditions (in order), effects, checks.
    pub fn list_actions(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} actions, {} concrete steps (alphabet size)",
            self.actions.len(),
            self.steps.len()
        );
        for a in &self.actions {
            let params: Vec<String> = a.params.iter().map(|(n, k)| format!("{n}: {k}")).collect();
            let _ = writeln!(
                s,
                "\n{}({})  op={}  steps={}  [{}:{}]",
                a.name,
                params.join(", "),
                a.op,
                a.steps.len(),
                a.file,
                a.line
            );
            if let Some(d) = &a.doc {
                let _ = writeln!(s, "  {d}");
            }
            for (t, k, cs) in &a.pre {
                let _ = writeln!(s, "  pre  {t}  else {k}  [{}]", self.ids(cs));
            }
            for e in &a.effects {
                let _ = writeln!(s, "  eff  {e}");
            }
            for (t, cs) in &a.post {
                let _ = writeln!(s, "  post {t}  [{}]", self.ids(cs));
            }
        }
        s
    }

    /// One line per clause: id, how it is referenced (pre / post / none / unreachable), rule.
    pub fn list_clauses(&self) -> String {
        let refs = self.referenced_clauses();
        let mut s = String::new();
        let reachable = self
            .clauses
            .iter()
            .filter(|c| c.unreachable.is_none())
            .count();
        let _ = writeln!(
            s,
            "{} clauses ({} reachable, {} referenced by the spec)",
            self.clauses.len(),
            reachable,
            refs.len()
        );
        for (i, c) in self.clauses.iter().enumerate() {
            let how = match (
                refs.get(&u16::try_from(i).unwrap_or(u16::MAX)),
                &c.unreachable,
            ) {
                (Some(true), _) => "pre",
                (Some(false), _) => "post",
                (None, Some(_)) => "unreachable",
                (None, None) => "UNREFERENCED",
            };
            let _ = writeln!(s, "{:<12} {:<12} {}", c.id, how, c.rule);
        }
        s
    }

    fn ids(&self, cs: &[u16]) -> String {
        cs.iter()
            .filter_map(|c| self.clauses.get(usize::from(*c)))
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
