//! Validation and compilation of parsed spec files: names are resolved to the model's
//! registries (with "did you mean" suggestions), argument kinds and arities are checked,
//! and every action is expanded into concrete steps whose conditions hold function
//! pointers and pre-built arguments. All problems are collected, each with its position.

use super::calls::{self, OpDef};
use super::error::{SpecError, suggest};
use super::expr;
use super::raw::{RawAction, RawFile, RawParam, RawVal};
use super::resolve::{
    Errs, Param, Resolver, TArg, TCheck, TExpr, clause_refs, inst_args, inst_expr, parse_check,
};
use super::values::{convert, describe};
use super::{ActionInfo, CCheck, CPre, Clause, Spec, Step};
use crate::fs::call::ErrKind;
use crate::fs::model::FsConfig;
use crate::fs::model::args::{Arg, ArgKind};
use crate::fs::model::effects::{self, EffectFn};
use std::collections::HashMap;

/// A parsed file with its display name and text (for column fixes inside quoted strings).
pub struct Parsed {
    pub file: String,
    pub src: String,
    pub raw: RawFile,
}

/// Wider walk domains by kind (see `RawFile::walk`).
type WalkDomains = HashMap<ArgKind, Vec<Arg>>;

/// Validates every file's `walk:` section (known kinds, values of their kind, no kind twice,
/// no empty list); `mode` is refused since an action's mode is what the action is.
fn walk_domains(files: &[Parsed], slots: u8, errors: &mut Vec<SpecError>) -> WalkDomains {
    let mut out: WalkDomains = HashMap::new();
    for f in files {
        let mut e = Errs {
            file: &f.file,
            src: &f.src,
            out: errors,
        };
        for (name, vals) in &f.raw.walk {
            let kinds = ArgKind::ALL
                .iter()
                .filter(|(k, _)| *k != ArgKind::Mode)
                .map(|(_, n)| *n);
            let kind = match ArgKind::parse(&name.value) {
                Some(k) if k != ArgKind::Mode => k,
                Some(_) => {
                    e.at(&name.referenced, "`walk:` cannot widen `mode`: each open action is one mode; list another kind");
                    continue;
                }
                None => {
                    let s = suggest(&name.value, kinds);
                    e.at(
                        &name.referenced,
                        format!("unknown kind `{}` in `walk:`{s}", name.value),
                    );
                    continue;
                }
            };
            if out.contains_key(&kind) {
                e.at(
                    &name.referenced,
                    format!("`walk:` lists kind `{}` twice", name.value),
                );
                continue;
            }
            if vals.value.is_empty() {
                e.at(
                    &vals.referenced,
                    format!("`walk:` kind `{}` has no values", name.value),
                );
                continue;
            }
            let mut vs = Vec::new();
            for v in &vals.value {
                match convert(&v.value, kind, slots) {
                    Ok(a) => {
                        if !vs.contains(&a) {
                            vs.push(a);
                        }
                    }
                    Err(m) => e.at(&v.referenced, format!("walk `{}`: {m}", name.value)),
                }
            }
            out.insert(kind, vs);
        }
    }
    out
}

/// Compiles parsed files into a spec, or returns every problem found; with `walk`, every parameter whose kind has a `walk:` domain ranges over it
/// (the alphabet `harness walk` draws from). The section is validated either way.
pub fn compile_with(files: &[Parsed], errors: &mut Vec<SpecError>, walk: bool) -> Option<Spec> {
    let start = errors.len();
    // Clauses first: everything else refers to them.
    let mut clauses: Vec<Clause> = Vec::new();
    let mut index: HashMap<String, u16> = HashMap::new();
    let mut seen: HashMap<String, (String, u64, u64)> = HashMap::new();
    for f in files {
        let mut e = Errs {
            file: &f.file,
            src: &f.src,
            out: errors,
        };
        for c in &f.raw.clauses {
            let id = c.id.value.clone();
            if let Some((file, l, col)) = seen.get(&id) {
                e.at(&c.id.referenced, format!("duplicate clause id `{id}` (first defined at {file}:{l}:{col}); give it a new number"));
                continue;
            }
            if id.trim().is_empty() {
                e.at(&c.id.referenced, "empty clause id");
                continue;
            }
            seen.insert(
                id.clone(),
                (
                    f.file.clone(),
                    c.id.referenced.line(),
                    c.id.referenced.column(),
                ),
            );
            let Ok(i) = u16::try_from(clauses.len()) else {
                e.at(&c.id.referenced, "too many clauses (at most 65535)");
                continue;
            };
            index.insert(id.clone(), i);
            clauses.push(Clause {
                id,
                rule: c.rule.clone(),
                source: c.source.clone(),
                unreachable: c.unreachable.clone(),
                file: f.file.clone(),
                line: c.id.referenced.line(),
            });
        }
    }
    let ids: Vec<&str> = clauses.iter().map(|c| c.id.as_str()).collect();

    // Config: the base's, with the keys of files that `extends:` it on top; then checked.
    let cfg = super::config::merge(files, errors);

    // Domains.
    let mut domains: HashMap<String, (ArgKind, Vec<Arg>)> = HashMap::new();
    for f in files {
        let mut e = Errs {
            file: &f.file,
            src: &f.src,
            out: errors,
        };
        for (name, d) in &f.raw.domains {
            if domains.contains_key(&name.value) {
                e.at(
                    &name.referenced,
                    format!("duplicate domain `{}`", name.value),
                );
                continue;
            }
            let Some(kind) = ArgKind::parse(&d.value.kind.value) else {
                let s = suggest(&d.value.kind.value, ArgKind::ALL.iter().map(|(_, n)| *n));
                e.at(
                    &d.value.kind.referenced,
                    format!("unknown kind `{}`{s}", d.value.kind.value),
                );
                continue;
            };
            if d.value.values.is_empty() {
                e.at(
                    &d.referenced,
                    format!("domain `{}` has no values", name.value),
                );
            }
            let mut vals = Vec::new();
            for v in &d.value.values {
                match convert(&v.value, kind, cfg.slots) {
                    Ok(a) => vals.push(a),
                    Err(m) => e.at(&v.referenced, m),
                }
            }
            domains.insert(name.value.clone(), (kind, vals));
        }
    }
    let domain_names: Vec<String> = domains.keys().cloned().collect();
    let walk_doms = walk_domains(files, cfg.slots, errors);
    let walk_doms = if walk { Some(&walk_doms) } else { None };

    // Invariants.
    let mut invariants: Vec<CCheck> = Vec::new();
    for f in files {
        let mut e = Errs {
            file: &f.file,
            src: &f.src,
            out: errors,
        };
        let mut none = Vec::new();
        let mut r = Resolver {
            params: &mut none,
            slots: cfg.slots,
        };
        for c in &f.raw.invariants {
            if let Some(t) = parse_check(c, &mut r, &index, &ids, &mut e) {
                invariants.push(CCheck {
                    f: t.f,
                    args: inst_args(&t.args, &[]),
                    clauses: t.clauses.into(),
                    state_only: t.state_only,
                });
            }
        }
    }

    // Actions.
    let mut actions: Vec<ActionInfo> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut names: HashMap<String, (String, u64)> = HashMap::new();
    for f in files {
        for a in &f.raw.actions {
            let mut e = Errs {
                file: &f.file,
                src: &f.src,
                out: errors,
            };
            let name = &a.value.name;
            if let Some((file, line)) = names.get(&name.value) {
                e.at(
                    &name.referenced,
                    format!(
                        "duplicate action name `{}` (first at {file}:{line})",
                        name.value
                    ),
                );
                continue;
            }
            names.insert(name.value.clone(), (f.file.clone(), name.referenced.line()));
            let before = e.out.len();
            let Some((info, action_steps)) = action(
                &a.value,
                actions.len(),
                &cfg,
                &domains,
                &domain_names,
                walk_doms,
                &index,
                &ids,
                &mut e,
            ) else {
                continue;
            };
            if e.out.len() > before {
                continue;
            }
            let first = steps.len();
            steps.extend(action_steps);
            actions.push(ActionInfo {
                steps: first..steps.len(),
                file: f.file.clone(),
                line: name.referenced.line(),
                ..info
            });
        }
    }
    if errors.len() > start {
        return None;
    }
    Some(Spec::assemble(clauses, actions, steps, invariants, cfg))
}

#[allow(clippy::too_many_arguments)]
fn action(
    a: &RawAction,
    action_index: usize,
    cfg: &FsConfig,
    domains: &HashMap<String, (ArgKind, Vec<Arg>)>,
    domain_names: &[String],
    walk: Option<&WalkDomains>,
    index: &HashMap<String, u16>,
    ids: &[&str],
    e: &mut Errs,
) -> Option<(ActionInfo, Vec<Step>)> {
    // Parameters.
    let mut params: Vec<Param> = Vec::new();
    for (pname, p) in &a.params {
        if params.iter().any(|q| q.name == pname.value) {
            e.at(
                &pname.referenced,
                format!("duplicate parameter `{}`", pname.value),
            );
            continue;
        }
        let (kind, values) = match &p.value {
            RawParam::Domain(d) => match domains.get(d) {
                Some((k, v)) => (*k, Some(v.clone())),
                None => {
                    let s = suggest(d, domain_names.iter().map(String::as_str));
                    e.at(&p.referenced, format!("unknown domain `{d}`{s}"));
                    continue;
                }
            },
            RawParam::Inline(i) => {
                let Some(k) = ArgKind::parse(&i.kind) else {
                    let s = suggest(&i.kind, ArgKind::ALL.iter().map(|(_, n)| *n));
                    e.at(&p.referenced, format!("unknown kind `{}`{s}", i.kind));
                    continue;
                };
                let vals = match &i.values {
                    None => None,
                    Some(vs) => {
                        let mut out = Vec::new();
                        for v in vs {
                            match convert(v, k, cfg.slots) {
                                Ok(x) => out.push(x),
                                Err(m) => {
                                    e.at(&p.referenced, format!("parameter `{}`: {m}", pname.value))
                                }
                            }
                        }
                        if vs.is_empty() {
                            e.at(
                                &p.referenced,
                                format!("parameter `{}` has an empty value list", pname.value),
                            );
                        }
                        Some(out)
                    }
                };
                (k, vals)
            }
        };
        params.push(Param {
            name: pname.value.clone(),
            kind,
            values,
            loc: pname.referenced,
            used: false,
        });
    }

    // Cases: tuples for the parameters without their own values.
    let case_params: Vec<usize> = (0..params.len())
        .filter(|i| params[*i].values.is_none())
        .collect();
    let mut cases: Vec<Vec<(usize, Arg)>> = Vec::new();
    for c in &a.cases {
        let mut row = Vec::new();
        for (k, v) in &c.value {
            let Some(i) = params.iter().position(|p| p.name == k.value) else {
                let s = suggest(&k.value, params.iter().map(|p| p.name.as_str()));
                e.at(&k.referenced, format!("case names unknown parameter `{}`{s}; declare it under `params:` with a kind", k.value));
                continue;
            };
            if params[i].values.is_some() {
                e.at(&k.referenced, format!("parameter `{}` has its own values; a case may only set parameters declared without values", k.value));
                continue;
            }
            match convert(&v.value, params[i].kind, cfg.slots) {
                Ok(x) => row.push((i, x)),
                Err(m) => e.at(&v.referenced, format!("parameter `{}`: {m}", k.value)),
            }
        }
        for &i in &case_params {
            if !row.iter().any(|(j, _)| *j == i) {
                e.at(
                    &c.referenced,
                    format!("this case does not set parameter `{}`", params[i].name),
                );
            }
        }
        cases.push(row);
    }
    if !case_params.is_empty() && a.cases.is_empty() {
        for &i in &case_params {
            e.at(&params[i].loc, format!("parameter `{}` has no values and the action has no `cases:`; give it a domain or add cases", params[i].name));
        }
    }
    if case_params.is_empty() && !a.cases.is_empty() {
        e.at(&a.cases[0].referenced, "`cases:` given but every parameter has its own values; declare case parameters as `{ kind: <kind> }`");
    }

    let mut r = Resolver {
        params: &mut params,
        slots: cfg.slots,
    };

    // The call.
    let call_loc = a.call.referenced;
    let op: Option<&OpDef> = match a.call.value.iter().find(|(k, _)| k.value == "op") {
        Some((_, v)) => match &v.value {
            RawVal::Str(s) => match calls::op(s) {
                Some(o) => Some(o),
                None => {
                    e.at(
                        &v.referenced,
                        format!(
                            "unknown op `{s}`{}",
                            suggest(s, calls::OPS.iter().map(|o| o.name))
                        ),
                    );
                    None
                }
            },
            other => {
                e.at(
                    &v.referenced,
                    format!("`op` must be an operation name, found {}", describe(other)),
                );
                None
            }
        },
        None => {
            e.at(
                &call_loc,
                "the call has no `op`; write e.g. `call: { op: mkdir, path: $path }`",
            );
            None
        }
    };
    let mut call_args: Vec<TArg> = Vec::new();
    if let Some(op) = op {
        for (k, _) in a.call.value.iter().filter(|(k, _)| k.value != "op") {
            if !op.fields.iter().any(|f| f.name == k.value) {
                let s = suggest(&k.value, op.fields.iter().map(|f| f.name));
                e.at(
                    &k.referenced,
                    format!("`{}` takes no argument `{}`{s}", op.name, k.value),
                );
            }
        }
        for fd in op.fields {
            match a.call.value.iter().find(|(k, _)| k.value == fd.name) {
                None if fd.optional => call_args.push(TArg::Lit(calls::default_arg(fd.kind))),
                None => e.at(
                    &call_loc,
                    format!(
                        "the `{}` call needs argument `{}` ({})",
                        op.name,
                        fd.name,
                        fd.kind.name()
                    ),
                ),
                Some((_, v)) => match &v.value {
                    RawVal::Str(s) if s.starts_with('$') => {
                        let pn = &s[1..];
                        match r.params.iter().position(|p| p.name == pn) {
                            Some(i) if r.params[i].kind == fd.kind => {
                                r.params[i].used = true;
                                call_args.push(TArg::Param(i));
                            }
                            Some(i) => e.at(
                                &v.referenced,
                                format!(
                                    "`{}` expects a {} value, but parameter `{pn}` is a {}",
                                    fd.name,
                                    fd.kind.name(),
                                    r.params[i].kind.name()
                                ),
                            ),
                            None => {
                                let s = suggest(pn, r.params.iter().map(|p| p.name.as_str()));
                                e.at(&v.referenced, format!("unknown parameter `{pn}`{s}"));
                            }
                        }
                    }
                    lit => match convert(lit, fd.kind, cfg.slots) {
                        Ok(x) => call_args.push(TArg::Lit(x)),
                        Err(m) => e.at(&v.referenced, format!("`{}`: {m}", fd.name)),
                    },
                },
            }
        }
    }

    // Preconditions, effects, postconditions.
    let mut pres: Vec<(TExpr, ErrKind, Vec<u16>)> = Vec::new();
    let mut pre_text = Vec::new();
    for p in &a.pre {
        let clauses = clause_refs(&p.value.clause, index, ids, e);
        let err = match ErrKind::parse(&p.value.err.value) {
            Some(k) => Some(k),
            None => {
                let s = suggest(&p.value.err.value, ErrKind::ALL.iter().map(|k| k.name()));
                e.at(
                    &p.value.err.referenced,
                    format!("unknown error kind `{}`{s}", p.value.err.value),
                );
                None
            }
        };
        let loc = p.value.cond.referenced;
        let parsed = match expr::parse_condition(&p.value.cond.value) {
            Ok(x) => r.pre(&x, e, &loc),
            Err(pe) => {
                e.at_expr(&loc, pe.col, pe.msg);
                None
            }
        };
        if let (Some(t), Some(k)) = (parsed, err) {
            pre_text.push((p.value.cond.value.clone(), k, clauses.clone()));
            pres.push((t, k, clauses));
        }
    }
    if pres.len() > 200 {
        e.at(&a.name.referenced, "too many preconditions (at most 200)");
    }
    let mut effs: Vec<(EffectFn, Vec<TArg>)> = Vec::new();
    let mut eff_text = Vec::new();
    for x in &a.effect {
        let loc = x.referenced;
        match expr::parse_call(&x.value) {
            Err(pe) => e.at_expr(&loc, pe.col, pe.msg),
            Ok(c) => match effects::effect(&c.name) {
                None => {
                    let s = suggest(&c.name, effects::EFFECTS.iter().map(|d| d.name));
                    e.at_expr(&loc, c.col, format!("unknown effect `{}`{s}", c.name));
                }
                Some(d) => {
                    if let Some(args) = r.args(&c, d.params, e, &loc) {
                        effs.push((d.f, args));
                        eff_text.push(x.value.clone());
                    }
                }
            },
        }
    }
    let mut posts: Vec<TCheck> = Vec::new();
    let mut post_text = Vec::new();
    for c in &a.post {
        if let Some(t) = parse_check(c, &mut r, index, ids, e) {
            post_text.push((c.value.check.value.clone(), t.clauses.clone()));
            posts.push(t);
        }
    }
    let mut listed = Vec::new();
    for c in &a.clauses {
        match index.get(c.value.as_str()) {
            Some(i) => listed.push(*i),
            None => e.at(
                &c.referenced,
                format!(
                    "unknown clause id `{}`{}",
                    c.value,
                    suggest(&c.value, ids.iter().copied())
                ),
            ),
        }
    }
    for p in r.params.iter().filter(|p| !p.used) {
        e.at(
            &p.loc,
            format!(
                "parameter `{}` is never used; use it in the call or a condition, or remove it",
                p.name
            ),
        );
    }
    let op = op?;

    // Expansion: ranged parameters in declared order (cartesian), times the cases. A walk
    // adds the bindings with every parameter of a widened kind ranging over its walk domain
    // (the cases keep only what they set for the others): a superset of the explorer's
    // alphabet, so every regression file resolves against it.
    let values: Vec<Option<Vec<Arg>>> = params.iter().map(|p| p.values.clone()).collect();
    let mut bindings = expand(&values, &cases);
    if let Some(w) = walk {
        let mut wide = values.clone();
        let mut widened = Vec::new();
        for (i, p) in params.iter().enumerate() {
            if let Some(vs) = w.get(&p.kind).filter(|_| p.kind != ArgKind::Mode) {
                wide[i] = Some(vs.clone());
                widened.push(i);
            }
        }
        let mut kept: Vec<Vec<(usize, Arg)>> = Vec::new();
        for row in &cases {
            let row: Vec<(usize, Arg)> = row
                .iter()
                .filter(|(i, _)| !widened.contains(i))
                .cloned()
                .collect();
            if !kept.contains(&row) {
                kept.push(row);
            }
        }
        let kept = if kept.iter().all(Vec::is_empty) {
            Vec::new()
        } else {
            kept
        };
        let known: std::collections::HashSet<Vec<Option<Arg>>> = bindings.iter().cloned().collect();
        for b in expand(&wide, &kept) {
            if !known.contains(&b) {
                bindings.push(b);
            }
        }
    }
    if bindings.len() > 10_000 {
        e.at(
            &a.name.referenced,
            format!(
                "action `{}` expands to {} steps; narrow its domains or use cases",
                a.name.value,
                bindings.len()
            ),
        );
        return None;
    }
    let mut out = Vec::new();
    for b in bindings {
        let b: Vec<Arg> = b
            .into_iter()
            .map(|x| x.unwrap_or(Arg::Bool(false)))
            .collect();
        let shown: Vec<String> = params
            .iter()
            .zip(&b)
            .map(|(p, v)| format!("{}={v}", p.name))
            .collect();
        let label = format!("{}({})", a.name.value, shown.join(", "));
        let cargs = inst_args(&call_args, &b);
        out.push(Step {
            action: action_index,
            label,
            call: (op.build)(&cargs),
            pre: pres
                .iter()
                .map(|(t, k, c)| CPre {
                    cond: inst_expr(t, &b),
                    err: *k,
                    clauses: c.clone().into(),
                })
                .collect(),
            effects: effs.iter().map(|(f, t)| (*f, inst_args(t, &b))).collect(),
            post: posts
                .iter()
                .map(|t| CCheck {
                    f: t.f,
                    args: inst_args(&t.args, &b),
                    clauses: t.clauses.clone().into(),
                    state_only: t.state_only,
                })
                .collect(),
        });
    }
    let info = ActionInfo {
        name: a.name.value.clone(),
        doc: a.doc.clone(),
        op: op.name,
        params: params
            .iter()
            .map(|p| (p.name.clone(), p.kind.name()))
            .collect(),
        pre: pre_text,
        effects: eff_text,
        post: post_text,
        listed,
        steps: 0..0,
        file: String::new(),
        line: 0,
    };
    Some((info, out))
}

/// Every binding of the parameters: those with values range over them (cartesian, in
/// declared order), the others take each case's values (`cases` empty: no case parameters).
fn expand(values: &[Option<Vec<Arg>>], cases: &[Vec<(usize, Arg)>]) -> Vec<Vec<Option<Arg>>> {
    let none = [Vec::new()];
    let rows: &[Vec<(usize, Arg)>] = if cases.is_empty() { &none } else { cases };
    let mut bindings: Vec<Vec<Option<Arg>>> = Vec::new();
    for row in rows {
        let mut partial: Vec<Vec<Option<Arg>>> = vec![vec![None; values.len()]];
        for (i, a) in row {
            partial[0][*i] = Some(a.clone());
        }
        for vals in values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
        {
            let (i, vals) = vals;
            let mut next = Vec::new();
            for b in &partial {
                for v in vals {
                    let mut nb = b.clone();
                    nb[i] = Some(v.clone());
                    next.push(nb);
                }
            }
            partial = next;
        }
        bindings.extend(partial);
    }
    bindings
}
