//! Name resolution of expressions: parameters, literals, value functions, conditions and
//! checks are looked up once and turned into templates that steps instantiate with their
//! bound parameters. Errors are located inside the YAML string they come from.

use super::CExpr;
use super::error::{SpecError, suggest};
use super::expr::{self, ArgExpr, CallExpr, Expr};
use super::raw::{RawCheck, RawClauseRefs, RawVal};
use super::values::convert;
use crate::fs::model::args::{Arg, ArgKind};
use crate::fs::model::checks::{self, CheckFn};
use crate::fs::model::conditions::{self, CondFn};
use crate::fs::model::guard::{self, RequestFn};
use serde_saphyr::{Location, Spanned};
use std::collections::HashMap;

pub(super) struct Errs<'a> {
    pub(super) file: &'a str,
    pub(super) src: &'a str,
    pub(super) out: &'a mut Vec<SpecError>,
}

impl Errs<'_> {
    pub(super) fn at(&mut self, loc: &Location, msg: impl Into<String>) {
        self.out.push(SpecError {
            file: self.file.to_string(),
            line: loc.line(),
            col: loc.column(),
            msg: msg.into(),
        });
    }
    /// An error `offset` characters into the string scalar at `loc` (skipping its quote).
    pub(super) fn at_expr(&mut self, loc: &Location, offset: usize, msg: impl Into<String>) {
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

/// An argument of a template: a parameter, a literal, or a value function applied.
#[derive(Clone)]
pub(super) enum TArg {
    Param(usize),
    Lit(Arg),
    Value(fn(&[Arg]) -> Arg, Vec<TArg>),
}

#[derive(Clone)]
pub(super) enum TExpr {
    Cond(CondFn, Vec<TArg>),
    /// A memory-guard condition (only ever a whole precondition: see `Resolver::pre`).
    Guard(RequestFn, Vec<TArg>),
    Not(Box<TExpr>),
    All(Vec<TExpr>),
    Any(Vec<TExpr>),
}

pub(super) struct Param {
    pub(super) name: String,
    pub(super) kind: ArgKind,
    pub(super) values: Option<Vec<Arg>>,
    pub(super) loc: Location,
    pub(super) used: bool,
}

pub(super) struct Resolver<'p> {
    pub(super) params: &'p mut Vec<Param>,
    pub(super) slots: u8,
}

impl Resolver<'_> {
    pub(super) fn arg(
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

    pub(super) fn args(
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

    /// A precondition's expression: a memory-guard condition standing alone, or a condition
    /// expression. A guard inside `not`/`and`/`or` is refused: whether it warns is decided
    /// where it stands in the ordered list, which a compound expression would blur.
    pub(super) fn pre(&mut self, x: &Expr, e: &mut Errs, loc: &Location) -> Option<TExpr> {
        if let Expr::Call(c) = x
            && let Some(g) = guard::guard(&c.name)
        {
            return Some(TExpr::Guard(g.request, self.args(c, g.params, e, loc)?));
        }
        self.cond(x, e, loc)
    }

    pub(super) fn cond(&mut self, x: &Expr, e: &mut Errs, loc: &Location) -> Option<TExpr> {
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
                if guard::guard(&c.name).is_some() {
                    e.at_expr(
                        loc,
                        c.col,
                        format!(
                            "`{}` is a memory-guard condition: give it a precondition of its own (not inside not/and/or), where the guard stands in the order",
                            c.name
                        ),
                    );
                    return None;
                }
                let Some(d) = conditions::condition(&c.name) else {
                    let hint = if checks::check(&c.name).is_some() {
                        format!(
                            "; `{}` is a check: use it under `post:` or `invariants:`",
                            c.name
                        )
                    } else {
                        suggest(
                            &c.name,
                            conditions::all()
                                .map(|d| d.name)
                                .chain(guard::GUARDS.iter().map(|g| g.name)),
                        )
                    };
                    e.at_expr(loc, c.col, format!("unknown condition `{}`{hint}", c.name));
                    return None;
                };
                Some(TExpr::Cond(d.f, self.args(c, d.params, e, loc)?))
            }
        }
    }
}

pub(super) fn instantiate(t: &TArg, b: &[Arg]) -> Arg {
    match t {
        TArg::Param(i) => b.get(*i).cloned().unwrap_or(Arg::Bool(false)),
        TArg::Lit(a) => a.clone(),
        TArg::Value(f, args) => {
            let v: Vec<Arg> = args.iter().map(|a| instantiate(a, b)).collect();
            f(&v)
        }
    }
}

pub(super) fn inst_args(ts: &[TArg], b: &[Arg]) -> Box<[Arg]> {
    ts.iter().map(|t| instantiate(t, b)).collect()
}

pub(super) fn inst_expr(t: &TExpr, b: &[Arg]) -> CExpr {
    match t {
        TExpr::Cond(f, a) => CExpr::Cond(*f, inst_args(a, b)),
        TExpr::Guard(f, a) => CExpr::Guard(*f, inst_args(a, b)),
        TExpr::Not(x) => CExpr::Not(Box::new(inst_expr(x, b))),
        TExpr::All(v) => CExpr::All(v.iter().map(|x| inst_expr(x, b)).collect()),
        TExpr::Any(v) => CExpr::Any(v.iter().map(|x| inst_expr(x, b)).collect()),
    }
}

pub(super) struct TCheck {
    pub(super) f: CheckFn,
    pub(super) args: Vec<TArg>,
    pub(super) clauses: Vec<u16>,
    /// The check reads only the state (model, configuration, observation), never the call's
    /// outcome: it is one of [`crate::fs::model::observed::OBSERVED`].
    pub(super) state_only: bool,
}

pub(super) fn clause_refs(
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

pub(super) fn parse_check(
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
        let hint = if conditions::condition(&call.name).is_some()
            || guard::guard(&call.name).is_some()
        {
            format!(
                "; `{}` is a precondition: checks look at what the system returned (e.g. `observed_file`, `returns_stat`)",
                call.name
            )
        } else {
            suggest(&call.name, checks::all().map(|d| d.name))
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
        state_only: crate::fs::model::observed::OBSERVED
            .iter()
            .any(|o| o.name == d.name),
    })
}
