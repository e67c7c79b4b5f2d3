//! The condition expression language of specs: `name(arg, ...)`, `not e`, `e and e`,
//! `e or e`, parentheses. Arguments are parameter names, literals (integers, `'strings'`,
//! `true`, `false`, `null`) or nested value functions (`parent(dst)`). Every node keeps the
//! column (0-based, in characters) it starts at, so errors point inside the YAML string.

/// An argument expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgExpr {
    Ident(String, usize),
    Int(i64, usize),
    Str(String, usize),
    Bool(bool, usize),
    Null(usize),
    Call(CallExpr),
}

impl ArgExpr {
    /// Column where this argument starts.
    pub fn col(&self) -> usize {
        match self {
            ArgExpr::Ident(_, c)
            | ArgExpr::Int(_, c)
            | ArgExpr::Str(_, c)
            | ArgExpr::Bool(_, c)
            | ArgExpr::Null(c) => *c,
            ArgExpr::Call(c) => c.col,
        }
    }
}

/// `name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallExpr {
    pub name: String,
    pub col: usize,
    pub args: Vec<ArgExpr>,
}

/// A boolean expression over conditions.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Call(CallExpr),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// A parse error at a column of the expression string.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub col: usize,
    pub msg: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Str(String),
    LParen,
    RParen,
    Comma,
}

fn lex(s: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push((Tok::LParen, i));
                i += 1;
            }
            ')' => {
                out.push((Tok::RParen, i));
                i += 1;
            }
            ',' => {
                out.push((Tok::Comma, i));
                i += 1;
            }
            '\'' | '"' => {
                let start = i;
                i += 1;
                let mut v = String::new();
                while i < cs.len() && cs[i] != c {
                    v.push(cs[i]);
                    i += 1;
                }
                if i >= cs.len() {
                    return Err(ParseError {
                        col: start,
                        msg: format!("unterminated string literal; close it with {c}"),
                    });
                }
                i += 1;
                out.push((Tok::Str(v), start));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while i < cs.len() && cs[i].is_ascii_digit() {
                    i += 1;
                }
                let text: String = cs[start..i].iter().collect();
                let n = text.parse::<i64>().map_err(|_| ParseError {
                    col: start,
                    msg: format!("`{text}` is not an integer"),
                })?;
                out.push((Tok::Int(n), start));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') {
                    i += 1;
                }
                out.push((Tok::Ident(cs[start..i].iter().collect()), start));
            }
            other => {
                return Err(ParseError {
                    col: i,
                    msg: format!(
                        "unexpected character `{other}`; expected a name, a literal, `(`, `)` or `,`"
                    ),
                });
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    i: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|(t, _)| t)
    }
    fn col(&self) -> usize {
        self.toks.get(self.i).map_or(self.end, |(_, c)| *c)
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s == kw)
    }
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            col: self.col(),
            msg: msg.into(),
        })
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut v = vec![self.and()?];
        while self.is_kw("or") {
            self.i += 1;
            v.push(self.and()?);
        }
        Ok(if v.len() == 1 {
            v.remove(0)
        } else {
            Expr::Or(v)
        })
    }
    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut v = vec![self.unary()?];
        while self.is_kw("and") {
            self.i += 1;
            v.push(self.unary()?);
        }
        Ok(if v.len() == 1 {
            v.remove(0)
        } else {
            Expr::And(v)
        })
    }
    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_kw("not") {
            self.i += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.i += 1;
            let e = self.or()?;
            if self.peek() != Some(&Tok::RParen) {
                return self.err("expected `)`");
            }
            self.i += 1;
            return Ok(e);
        }
        match self.peek() {
            Some(Tok::Ident(_)) => Ok(Expr::Call(self.call()?)),
            _ => self.err("expected a condition such as `exists(path)`"),
        }
    }
    fn call(&mut self) -> Result<CallExpr, ParseError> {
        let (name, col) = match self.toks.get(self.i) {
            Some((Tok::Ident(n), c)) => (n.clone(), *c),
            _ => return self.err("expected a name"),
        };
        self.i += 1;
        if self.peek() != Some(&Tok::LParen) {
            return self.err(format!(
                "expected `(` after `{name}`; a call with no arguments is written `{name}()`"
            ));
        }
        self.i += 1;
        let mut args = Vec::new();
        if self.peek() == Some(&Tok::RParen) {
            self.i += 1;
            return Ok(CallExpr { name, col, args });
        }
        loop {
            args.push(self.arg()?);
            match self.peek() {
                Some(Tok::Comma) => self.i += 1,
                Some(Tok::RParen) => {
                    self.i += 1;
                    return Ok(CallExpr { name, col, args });
                }
                _ => return self.err("expected `,` or `)`"),
            }
        }
    }
    fn arg(&mut self) -> Result<ArgExpr, ParseError> {
        let col = self.col();
        match self.peek().cloned() {
            Some(Tok::Int(n)) => {
                self.i += 1;
                Ok(ArgExpr::Int(n, col))
            }
            Some(Tok::Str(s)) => {
                self.i += 1;
                Ok(ArgExpr::Str(s, col))
            }
            Some(Tok::Ident(id)) => {
                if self.toks.get(self.i + 1).map(|(t, _)| t) == Some(&Tok::LParen) {
                    return Ok(ArgExpr::Call(self.call()?));
                }
                self.i += 1;
                Ok(match id.as_str() {
                    "true" => ArgExpr::Bool(true, col),
                    "false" => ArgExpr::Bool(false, col),
                    "null" => ArgExpr::Null(col),
                    _ => ArgExpr::Ident(id, col),
                })
            }
            _ => self.err("expected an argument: a parameter name, a literal or a function call"),
        }
    }
}

/// Parses a condition expression (`not exists(path) and is_dir(parent(path))`).
pub fn parse_condition(s: &str) -> Result<Expr, ParseError> {
    let toks = lex(s)?;
    let end = s.chars().count();
    let mut p = Parser { toks, i: 0, end };
    let e = p.or()?;
    if p.i < p.toks.len() {
        return p.err("unexpected text after the expression; join conditions with `and` / `or`");
    }
    Ok(e)
}

/// Parses a single call (`write(slot, data)`), as effects and checks are written.
pub fn parse_call(s: &str) -> Result<CallExpr, ParseError> {
    let toks = lex(s)?;
    let end = s.chars().count();
    let mut p = Parser { toks, i: 0, end };
    if p.is_kw("not") {
        return p.err("`not` is only allowed in preconditions; write a single call here");
    }
    let c = p.call()?;
    if p.i < p.toks.len() {
        return p.err("unexpected text after the call; write one call per list entry");
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_and_precedence() {
        let e = parse_condition("not exists(path) and is_dir(parent(path)) or valid_path('../x')")
            .unwrap();
        match e {
            Expr::Or(v) => {
                assert_eq!(v.len(), 2);
                assert!(
                    matches!(&v[0], Expr::And(a) if a.len() == 2 && matches!(a[0], Expr::Not(_)))
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn error_columns_point_inside_the_string() {
        assert_eq!(parse_condition("exists(path").unwrap_err().col, 11);
        assert_eq!(parse_condition("exists(path) x(y)").unwrap_err().col, 13);
        assert_eq!(parse_condition("exists(#)").unwrap_err().col, 7);
        assert_eq!(parse_call("write(slot, 'abc").unwrap_err().col, 12);
        assert_eq!(parse_condition("").unwrap_err().col, 0);
    }

    #[test]
    fn literals() {
        let c = parse_call("f(1, -2, 'x', true, null, g())").unwrap();
        assert_eq!(c.args.len(), 6);
        assert_eq!(c.args[1], ArgExpr::Int(-2, 5));
        assert!(matches!(&c.args[5], ArgExpr::Call(g) if g.name == "g" && g.args.is_empty()));
    }
}
