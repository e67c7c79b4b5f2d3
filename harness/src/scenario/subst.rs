//! `repeat` loops: substituting the loop variable (`{i}`, `{i:04}`) into a step's fields.

use super::format::Step;
use serde_json::Value as J;

/// Replaces `{var}` and `{var:0N}` (zero-padded to N digits) in `s`.
pub fn substitute(s: &str, var: &str, value: u64) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let open = format!("{{{var}");
    while let Some(i) = rest.find(&open) {
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len()..];
        if let Some(tail) = after.strip_prefix('}') {
            out.push_str(&value.to_string());
            rest = tail;
        } else if let Some(end) = after
            .strip_prefix(":0")
            .and_then(|a| a.find('}').map(|e| (a, e)))
        {
            let (a, e) = end;
            match a[..e].parse::<usize>() {
                Ok(w) => out.push_str(&format!("{value:0w$}")),
                Err(_) => out.push_str(&rest[i..i + open.len() + 2 + e + 1]),
            }
            rest = &a[e + 1..];
        } else {
            out.push_str(&open);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

pub fn subst_step(st: &Step, var: &str, v: u64) -> Step {
    let f = |o: &Option<String>| o.as_ref().map(|s| substitute(s, var, v));
    let mut s = st.clone();
    s.path = f(&st.path);
    s.src = f(&st.src);
    s.dst = f(&st.dst);
    s.handle = f(&st.handle);
    s.data = f(&st.data);
    s.prefix = f(&st.prefix);
    s.pattern = f(&st.pattern);
    s.save_as = f(&st.save_as);
    s.equals = f(&st.equals);
    s.from = f(&st.from);
    s.contains = f(&st.contains);
    s.error_contains = f(&st.error_contains);
    s.dir = f(&st.dir);
    s.entries = st.entries.as_ref().map(|m| {
        m.iter()
            .map(|(k, x)| (substitute(k, var, v), substitute(x, var, v)))
            .collect()
    });
    s.steps = st
        .steps
        .as_ref()
        .map(|b| b.iter().map(|x| subst_step(x, var, v)).collect());
    s.returns = st.returns.as_ref().map(|r| subst_json(r, var, v));
    s
}

fn subst_json(j: &J, var: &str, v: u64) -> J {
    match j {
        J::String(s) => J::String(substitute(s, var, v)),
        J::Array(a) => J::Array(a.iter().map(|x| subst_json(x, var, v)).collect()),
        J::Object(m) => J::Object(
            m.iter()
                .map(|(k, x)| (substitute(k, var, v), subst_json(x, var, v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
