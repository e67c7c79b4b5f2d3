//! Validation and compilation of parsed spec files: names are resolved to the model's
//! registries (with "did you mean" suggestions), argument kinds and arities are checked,
//! and every action is expanded into concrete steps whose conditions hold function
//! pointers and pre-built arguments. All problems are collected, each with its position.

use super::calls::{self, OpDef};
use super::error::{SpecError, suggest};
use super::expr::{self, ArgExpr, CallExpr, Expr};
use super::raw::{RawAction, RawCheck, RawClauseRefs, RawConfig, RawFile, RawParam, RawVal};
use super::{ActionInfo, CCheck, CExpr, CPre, Clause, Spec, Step};
use crate::call::{ErrKind, Whence};
use crate::model::args::{Arg, ArgKind, ModeArg, PathArg};
use crate::model::checks::{self, CheckFn};
use crate::model::conditions::{self, CondFn};
use crate::model::effects::{self, EffectFn};
use crate::model::{Mode, ModelConfig, Storage};
use serde_saphyr::{Location, Spanned};
use std::collections::HashMap;
use std::sync::Arc;

/// A parsed file with its display name and text (for column fixes inside quoted strings).
pub struct Parsed {
    pub file: String,
    pub src: String,
    pub raw: RawFile,
}

struct Errs<'a> {
    file: &'a str,
    src: &'a str,
    out: &'a mut Vec<SpecError>,
}

impl Errs<'_> {
    fn at(&mut self, loc: &Location, msg: impl Into<String>) {
        self.out.push(SpecError {
            file: self.file.to_string(),
            line: loc.line(),
            col: loc.column(),
            msg: msg.into(),
        });
    }
    /// An error `offset` characters into the string scalar at `loc` (skipping its quote).
    fn at_expr(&mut self, loc: &Location, offset: usize, msg: impl Into<String>) {
        let quote = self
            .src
            .lines()
            .nth(usize::try_from(loc.line()).unwrap_or(1).saturating_sub(1))
            .and_then(|l| {
                l.chars()
                    .nth(usize::try_from(loc.column()).unwrap_or(1).saturating_sub(1))
            })
            .is_some_and(|c| c == '\'' || c == '"');
        let col = loc.column() + offset as u64 + u64::from(quote);
        self.out.push(SpecError {
            file: self.file.to_string(),
            line: loc.line(),
            col,
            msg: msg.into(),
        });
    }
}

/// Converts a YAML literal to an argument of `kind`.
pub fn convert(v: &RawVal, kind: ArgKind, slots: u8) -> Result<Arg, String> {
    let bad = || {
        Err(format!(
            "expected a {} value, found {}",
            kind.name(),
            describe(v)
        ))
    };
    match (kind, v) {
        (ArgKind::Path, RawVal::Str(s)) => Ok(Arg::Path(PathArg::new(s))),
        (ArgKind::Slot, RawVal::Int(n)) => match u8::try_from(*n) {
            Ok(s) if s < slots => Ok(Arg::Slot(s)),
            _ => Err(format!(
                "slot {n} is out of range: config has {slots} slots (0..{})",
                slots.saturating_sub(1)
            )),
        },
        (ArgKind::Mode, RawVal::Str(s)) => Ok(Arg::Mode(ModeArg {
            raw: Arc::from(s.as_str()),
            mode: Mode::parse(s),
        })),
        (ArgKind::Bytes, RawVal::Str(s)) => Ok(Arg::Bytes(Arc::from(s.as_bytes()))),
        (ArgKind::Bytes, RawVal::Fill { fill, len }) => {
            if fill.is_empty() || *len > 1 << 20 {
                return Err("`fill` must be non-empty and `len` at most 1048576".into());
            }
            let b: Vec<u8> = fill
                .bytes()
                .cycle()
                .take(usize::try_from(*len).unwrap_or(0))
                .collect();
            Ok(Arg::Bytes(Arc::from(b)))
        }
        (ArgKind::Int, RawVal::Int(n)) => Ok(Arg::Int(*n)),
        (ArgKind::OptSize, RawVal::Null(())) => Ok(Arg::OptSize(None)),
        (ArgKind::OptSize, RawVal::Int(n)) => u64::try_from(*n)
            .map(|n| Arg::OptSize(Some(n)))
            .map_err(|_| format!("a size cannot be negative ({n})")),
        (ArgKind::Bool, RawVal::Bool(b)) => Ok(Arg::Bool(*b)),
        (ArgKind::Whence, RawVal::Str(s)) => match s.as_str() {
            "start" => Ok(Arg::Whence(Whence::Start)),
            "current" => Ok(Arg::Whence(Whence::Current)),
            "end" => Ok(Arg::Whence(Whence::End)),
            _ => Err(format!(
                "unknown whence `{s}`{}",
                suggest(s, ["start", "current", "end"])
            )),
        },
        (ArgKind::Entries, RawVal::List(items)) => {
            let mut out = Vec::new();
            for it in items {
                match it {
                    RawVal::List(pair) if pair.len() == 2 => {
                        let Ok(Arg::Path(p)) = convert(&pair[0], ArgKind::Path, slots) else {
                            return Err(format!(
                                "an import entry's path must be a string, found {}",
                                describe(&pair[0])
                            ));
                        };
                        let Arg::Bytes(d) = convert(&pair[1], ArgKind::Bytes, slots)? else {
                            return bad();
                        };
                        out.push((p, d));
                    }
                    other => {
                        return Err(format!(
                            "an import entry is a `[path, data]` pair, found {}",
                            describe(other)
                        ));
                    }
                }
            }
            Ok(Arg::Entries(Arc::from(out)))
        }
        _ => bad(),
    }
}

fn describe(v: &RawVal) -> String {
    match v {
        RawVal::Bool(b) => format!("the bool `{b}`"),
        RawVal::Int(n) => format!("the integer `{n}`"),
        RawVal::Str(s) => format!("the string `{s}`"),
        RawVal::Fill { .. } => "a `{fill, len}` value".into(),
        RawVal::List(_) => "a list".into(),
        RawVal::Null(()) => "null".into(),
    }
}

/// An argument of a template: a parameter, a literal, or a value function applied.
#[derive(Clone)]
enum TArg {
    Param(usize),
    Lit(Arg),
    Value(fn(&[Arg]) -> Arg, Vec<TArg>),
}

#[derive(Clone)]
enum TExpr {
    Cond(CondFn, Vec<TArg>),
    Not(Box<TExpr>),
    All(Vec<TExpr>),
    Any(Vec<TExpr>),
}

struct Param {
    name: String,
    kind: ArgKind,
    values: Option<Vec<Arg>>,
    loc: Location,
    used: bool,
}

struct Resolver<'p> {
    params: &'p mut Vec<Param>,
    slots: u8,
}

impl Resolver<'_> {
    fn arg(
        &mut self,
        a: &ArgExpr,
        want: ArgKind,
        what: &str,
        e: &mut Errs,
        loc: &Location,
    ) -> Option<TArg> {
        let lit = |v: RawVal, e: &mut Errs, slots: u8| match convert(&v, want, slots) {
            Ok(x) => Some(TArg::Lit(x)),
            Err(m) => {
                e.at_expr(loc, a.col(), format!("{what}: {m}"));
                None
            }
        };
        match a {
            ArgExpr::Int(n, _) => lit(RawVal::Int(*n), e, self.slots),
            ArgExpr::Str(s, _) => lit(RawVal::Str(s.clone()), e, self.slots),
            ArgExpr::Bool(b, _) => lit(RawVal::Bool(*b), e, self.slots),
            ArgExpr::Null(_) => lit(RawVal::Null(()), e, self.slots),
            ArgExpr::Ident(name, col) => {
                let Some(i) = self.params.iter().position(|p| &p.name == name) else {
                    let s = suggest(name, self.params.iter().map(|p| p.name.as_str()));
                    e.at_expr(loc, *col, format!("unknown parameter `{name}`{s}"));
                    return None;
                };
                self.params[i].used = true;
                if self.params[i].kind != want {
                    e.at_expr(
                        loc,
                        *col,
                        format!(
                            "{what} expects a {} value, but parameter `{name}` is a {}",
                            want.name(),
                            self.params[i].kind.name()
                        ),
                    );
                    return None;
                }
                Some(TArg::Param(i))
            }
            ArgExpr::Call(c) => {
                let Some(v) = conditions::value(&c.name) else {
                    let s = suggest(&c.name, conditions::VALUES.iter().map(|v| v.name));
                    e.at_expr(
                        loc,
                        c.col,
                        format!("unknown value function `{}`{s}", c.name),
                    );
                    return None;
                };
                if v.result != want {
                    e.at_expr(
                        loc,
                        c.col,
                        format!(
                            "{what} expects a {} value, but `{}` gives a {}",
                            want.name(),
                            v.name,
                            v.result.name()
                        ),
                    );
                    return None;
                }
                let args = self.args(c, v.params, e, loc)?;
                Some(TArg::Value(v.f, args))
            }
        }
    }

    fn args(
        &mut self,
        c: &CallExpr,
        kinds: &[ArgKind],
        e: &mut Errs,
        loc: &Location,
    ) -> Option<Vec<TArg>> {
        if c.args.len() != kinds.len() {
            let sig: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            e.at_expr(
                loc,
                c.col,
                format!(
                    "`{}` takes {} argument(s) ({}), found {}",
                    c.name,
                    kinds.len(),
                    sig.join(", "),
                    c.args.len()
                ),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, (a, k)) in c.args.iter().zip(kinds).enumerate() {
            match self.arg(
                a,
                *k,
                &format!("argument {} of `{}`", i + 1, c.name),
                e,
                loc,
            ) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn cond(&mut self, x: &Expr, e: &mut Errs, loc: &Location) -> Option<TExpr> {
        match x {
            Expr::Not(inner) => Some(TExpr::Not(Box::new(self.cond(inner, e, loc)?))),
            Expr::And(v) | Expr::Or(v) => {
                let parts: Vec<Option<TExpr>> = v.iter().map(|p| self.cond(p, e, loc)).collect();
                let parts: Option<Vec<TExpr>> = parts.into_iter().collect();
                let parts = parts?;
                Some(if matches!(x, Expr::And(_)) {
                    TExpr::All(parts)
                } else {
                    TExpr::Any(parts)
                })
            }
            Expr::Call(c) => {
                let Some(d) = conditions::condition(&c.name) else {
                    let hint = if checks::check(&c.name).is_some() {
                        format!(
                            "; `{}` is a check: use it under `post:` or `invariants:`",
                            c.name
                        )
                    } else {
                        suggest(&c.name, conditions::CONDITIONS.iter().map(|d| d.name))
                    };
                    e.at_expr(loc, c.col, format!("unknown condition `{}`{hint}", c.name));
                    return None;
                };
                Some(TExpr::Cond(d.f, self.args(c, d.params, e, loc)?))
            }
        }
    }
}

fn instantiate(t: &TArg, b: &[Arg]) -> Arg {
    match t {
        TArg::Param(i) => b.get(*i).cloned().unwrap_or(Arg::Bool(false)),
        TArg::Lit(a) => a.clone(),
        TArg::Value(f, args) => {
            let v: Vec<Arg> = args.iter().map(|a| instantiate(a, b)).collect();
            f(&v)
        }
    }
}

fn inst_args(ts: &[TArg], b: &[Arg]) -> Box<[Arg]> {
    ts.iter().map(|t| instantiate(t, b)).collect()
}

fn inst_expr(t: &TExpr, b: &[Arg]) -> CExpr {
    match t {
        TExpr::Cond(f, a) => CExpr::Cond(*f, inst_args(a, b)),
        TExpr::Not(x) => CExpr::Not(Box::new(inst_expr(x, b))),
        TExpr::All(v) => CExpr::All(v.iter().map(|x| inst_expr(x, b)).collect()),
        TExpr::Any(v) => CExpr::Any(v.iter().map(|x| inst_expr(x, b)).collect()),
    }
}

struct TCheck {
    f: CheckFn,
    args: Vec<TArg>,
    clauses: Vec<u16>,
}

fn clause_refs(
    r: &Spanned<RawClauseRefs>,
    index: &HashMap<String, u16>,
    ids: &[&str],
    e: &mut Errs,
) -> Vec<u16> {
    let list: Vec<&String> = match &r.value {
        RawClauseRefs::One(s) => vec![s],
        RawClauseRefs::Many(v) => v.iter().collect(),
    };
    if list.is_empty() {
        e.at(
            &r.referenced,
            "empty clause list: name at least one clause id",
        );
    }
    let mut out = Vec::new();
    for id in list {
        match index.get(id.as_str()) {
            Some(i) => out.push(*i),
            None => e.at(
                &r.referenced,
                format!(
                    "unknown clause id `{id}`{}",
                    suggest(id, ids.iter().copied())
                ),
            ),
        }
    }
    out
}

fn parse_check(
    c: &Spanned<RawCheck>,
    r: &mut Resolver,
    index: &HashMap<String, u16>,
    ids: &[&str],
    e: &mut Errs,
) -> Option<TCheck> {
    let clauses = clause_refs(&c.value.clause, index, ids, e);
    let loc = &c.value.check.referenced;
    let call = match expr::parse_call(&c.value.check.value) {
        Ok(x) => x,
        Err(pe) => {
            e.at_expr(loc, pe.col, pe.msg);
            return None;
        }
    };
    let Some(d) = checks::check(&call.name) else {
        let hint = if conditions::condition(&call.name).is_some() {
            format!(
                "; `{}` is a precondition: checks look at what the system returned (e.g. `observed_file`, `returns_stat`)",
                call.name
            )
        } else {
            suggest(&call.name, checks::CHECKS.iter().map(|d| d.name))
        };
        e.at_expr(
            loc,
            call.col,
            format!("unknown check `{}`{hint}", call.name),
        );
        return None;
    };
    let args = r.args(&call, d.params, e, loc)?;
    (!clauses.is_empty()).then_some(TCheck {
        f: d.f,
        args,
        clauses,
    })
}

/// Applies the keys a `config:` block sets onto `cfg`.
fn apply_config(cfg: &mut ModelConfig, c: &Spanned<RawConfig>, e: &mut Errs) {
    let r = &c.value;
    if let Some(q) = r.quota {
        cfg.quota = q;
    }
    if let Some(o) = r.chunk_overhead {
        cfg.chunk_overhead = o;
    }
    if let Some(l) = r.promotion_hard_limit {
        cfg.promotion_hard_limit = l;
    }
    if r.max_nodes.is_some() {
        cfg.max_nodes = r.max_nodes;
    }
    if let Some(s) = r.slots {
        if s == 0 || s > 16 {
            e.at(
                &c.referenced,
                format!("slots must be between 1 and 16, found {s}"),
            );
        } else {
            cfg.slots = s;
        }
    }
    if let Some(t) = r.default_lock_timeout_ms {
        cfg.default_lock_timeout_ms = t;
    }
    if let Some(s) = &r.storage {
        cfg.storage = match s.value.as_str() {
            "auto" => Storage::Auto,
            "sequential" => Storage::Sequential,
            "random_access" => Storage::RandomAccess,
            other => {
                e.at(
                    &s.referenced,
                    format!(
                        "unknown storage `{other}`{}",
                        suggest(other, ["auto", "sequential", "random_access"])
                    ),
                );
                Storage::Auto
            }
        };
    }
}

/// Compiles parsed files into a spec, or returns every problem found.
pub fn compile(files: &[Parsed], errors: &mut Vec<SpecError>) -> Option<Spec> {
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

    // Config: at most one base file may set it; files that `extends:` a base override its
    // keys, in load order.
    let mut cfg = ModelConfig::default();
    let mut base: Option<(usize, u64)> = None;
    for (fi, f) in files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.raw.extends.is_none())
    {
        if let Some(c) = &f.raw.config {
            let mut e = Errs {
                file: &f.file,
                src: &f.src,
                out: errors,
            };
            if let Some((pf, line)) = base {
                e.at(&c.referenced, format!("`config` is already set in {}:{line}; keep one (or override it from a file with `extends:`)", files[pf].file));
            } else {
                base = Some((fi, c.referenced.line()));
                apply_config(&mut cfg, c, &mut e);
            }
        }
    }
    for f in files.iter().filter(|f| f.raw.extends.is_some()) {
        if let Some(c) = &f.raw.config {
            let mut e = Errs {
                file: &f.file,
                src: &f.src,
                out: errors,
            };
            apply_config(&mut cfg, c, &mut e);
        }
    }

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
    cfg: &ModelConfig,
    domains: &HashMap<String, (ArgKind, Vec<Arg>)>,
    domain_names: &[String],
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
            Ok(x) => r.cond(&x, e, &loc),
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

    // Expansion: ranged parameters in declared order (cartesian), times the cases.
    let ranged: Vec<usize> = (0..params.len())
        .filter(|i| params[*i].values.is_some())
        .collect();
    let rows: Vec<Vec<(usize, Arg)>> = if cases.is_empty() {
        vec![Vec::new()]
    } else {
        cases
    };
    let mut bindings: Vec<Vec<Option<Arg>>> = Vec::new();
    for row in &rows {
        let mut partial: Vec<Vec<Option<Arg>>> = vec![vec![None; params.len()]];
        for (i, a) in row {
            partial[0][*i] = Some(a.clone());
        }
        for &i in &ranged {
            let vals = params[i].values.as_deref().unwrap_or(&[]);
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
