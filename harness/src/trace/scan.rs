//! Finding clause definitions and every reference to a clause id: spec YAML (read generically,
//! any `clause:`/`clauses:` value), scenario YAML, and `// spec: A-1, B-2` tags in Rust sources.

use super::yaml::{self, Node, Value};
use std::path::{Path, PathBuf};

/// A clause as defined in the catalogue (`clauses: [{id, rule, source, unreachable?}]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseDef {
    pub id: String,
    pub rule: String,
    pub source: String,
    /// Why exploration at the CI depth cannot exercise it, if it cannot.
    pub unreachable: Option<String>,
    pub at: Loc,
}

/// A place in a file (1-based line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    pub file: PathBuf,
    pub line: u64,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Who references a clause.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Referrer {
    /// A spec action (by its `name`), or a spec entry outside any named action.
    Action(String),
    /// A scenario by its number (`2.1`).
    Scenario(String),
    /// A Rust test (function name, or the file when no function follows the tag).
    Test(String),
}

/// The role a spec reference gives the clause: checked before the call or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Pre,
    Post,
    Other,
}

/// One reference to a clause id.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub id: String,
    pub by: Referrer,
    pub role: Role,
    pub at: Loc,
}

/// Everything found: definitions, references, and inputs that could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    pub clauses: Vec<ClauseDef>,
    pub refs: Vec<Reference>,
    /// Unreadable files, malformed ids and tags, as `(where, what)`.
    pub problems: Vec<(Loc, String)>,
    /// Things worth a look that are not gaps (tags naming only semantics sections).
    pub notes: Vec<(Loc, String)>,
}

/// Whether `s` has the shape of a clause id: an upper-case prefix (letters, digits, dashes),
/// a dash, then a number optionally followed by lower-case letters or dots (`OPEN-3`, `LOCK-2a`).
pub fn is_clause_id(s: &str) -> bool {
    let Some((prefix, num)) = s.rsplit_once('-') else {
        return false;
    };
    let p_ok = prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !prefix.ends_with('-');
    let n_ok = num.starts_with(|c: char| c.is_ascii_digit())
        && num
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || c == '.');
    p_ok && n_ok
}

/// Splits a clause list written as text (`"A-1, B-2"` or `"A-1 B-2"`).
fn split_ids(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn read_yaml(path: &Path, scan: &mut Scan) -> Option<Node> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            scan.problems.push((
                Loc {
                    file: path.into(),
                    line: 0,
                },
                format!("cannot read: {e}"),
            ));
            return None;
        }
    };
    match yaml::parse(&text) {
        Ok(n) => Some(n),
        Err(e) => {
            let line = e.at.map_or(0, |(l, _)| l);
            scan.problems.push((
                Loc {
                    file: path.into(),
                    line,
                },
                format!("invalid YAML: {e}"),
            ));
            None
        }
    }
}

impl Scan {
    /// Reads the spec directory: top-level `clauses:` entries with an `id` (or a map of id ->
    /// rule) are definitions; every other `clause:`/`clauses:` value is a reference.
    pub fn specs(&mut self, dir: &Path) {
        for path in yaml_files(dir) {
            let Some(root) = read_yaml(&path, self) else {
                continue;
            };
            let Value::Map(entries) = &root.value else {
                continue;
            };
            for (key, node) in entries {
                if key == "clauses" && self.definitions(&path, node) {
                    continue;
                }
                let mut ctx = Ctx {
                    file: &path,
                    by: Referrer::Action(String::new()),
                    role: Role::Other,
                };
                self.walk(node, key, &mut ctx);
            }
        }
    }

    /// Reads `clauses:` as definitions if it holds any; returns whether it did.
    fn definitions(&mut self, path: &Path, node: &Node) -> bool {
        let loc = |n: &Node| Loc {
            file: path.into(),
            line: n.line,
        };
        let text = |n: &Node, k: &str| n.get(k).and_then(Node::as_text).unwrap_or_default();
        match &node.value {
            Value::Seq(items) if items.iter().any(|i| i.get("id").is_some()) => {
                for item in items {
                    match item.get("id").and_then(Node::as_text) {
                        Some(id) => self.define(ClauseDef {
                            rule: text(item, "rule"),
                            source: text(item, "source"),
                            unreachable: item.get("unreachable").and_then(Node::as_text),
                            id,
                            at: loc(item),
                        }),
                        None => self
                            .problems
                            .push((loc(item), "clause entry without `id`".into())),
                    }
                }
                true
            }
            Value::Map(m) => {
                for (id, v) in m {
                    let rule = v.as_text().unwrap_or_else(|| text(v, "rule"));
                    self.define(ClauseDef {
                        id: id.clone(),
                        rule,
                        source: text(v, "source"),
                        unreachable: v.get("unreachable").and_then(Node::as_text),
                        at: loc(v),
                    });
                }
                true
            }
            _ => false,
        }
    }

    fn define(&mut self, d: ClauseDef) {
        if !is_clause_id(&d.id) {
            self.problems.push((
                d.at.clone(),
                format!("`{}` is not a clause id (expected e.g. OPEN-3)", d.id),
            ));
        }
        self.clauses.push(d);
    }

    /// Reads scenario files (`scenarios/*.yaml`, not its subdirectories); the referrer is the
    /// scenario's `number`, or the file stem if it has none.
    pub fn scenarios(&mut self, dir: &Path) {
        for path in yaml_files(dir) {
            let Some(root) = read_yaml(&path, self) else {
                continue;
            };
            let name = root
                .get("number")
                .and_then(Node::as_text)
                .unwrap_or_else(|| {
                    path.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                });
            let mut ctx = Ctx {
                file: &path,
                by: Referrer::Scenario(name),
                role: Role::Other,
            };
            self.walk(&root, "", &mut ctx);
        }
    }

    fn walk(&mut self, node: &Node, key: &str, ctx: &mut Ctx<'_>) {
        let saved = (ctx.by.clone(), ctx.role);
        match key {
            "pre" | "preconditions" | "precondition" | "requires" => ctx.role = Role::Pre,
            "post" | "postconditions" | "postcondition" | "ensures" | "invariants"
            | "invariant" => ctx.role = Role::Post,
            _ => {}
        }
        match &node.value {
            Value::Map(m) => {
                if let (Referrer::Action(_), Some(name)) =
                    (&ctx.by, node.get("name").and_then(Node::as_text))
                {
                    ctx.by = Referrer::Action(name);
                }
                for (k, v) in m {
                    if k == "clause" || k == "clauses" {
                        self.collect(v, ctx);
                    } else {
                        self.walk(v, k, ctx);
                    }
                }
            }
            Value::Seq(items) => {
                for i in items {
                    self.walk(i, "", ctx);
                }
            }
            _ => {}
        }
        (ctx.by, ctx.role) = saved;
    }

    fn collect(&mut self, v: &Node, ctx: &Ctx<'_>) {
        let at = Loc {
            file: ctx.file.into(),
            line: v.line,
        };
        match &v.value {
            Value::Str(s) => {
                for t in split_ids(s) {
                    self.reference(t, at.clone(), ctx);
                }
            }
            Value::Seq(items) => {
                for i in items {
                    match i.as_text() {
                        Some(s) => {
                            let at = Loc {
                                file: ctx.file.into(),
                                line: i.line,
                            };
                            for t in split_ids(&s) {
                                self.reference(t, at.clone(), ctx);
                            }
                        }
                        None => self
                            .problems
                            .push((at.clone(), "a clause list item must be a clause id".into())),
                    }
                }
            }
            Value::Null => {}
            _ => self.problems.push((
                at,
                "`clause`/`clauses` must be an id or a list of ids".into(),
            )),
        }
    }

    fn reference(&mut self, id: &str, at: Loc, ctx: &Ctx<'_>) {
        if is_clause_id(id) {
            self.refs.push(Reference {
                id: id.to_string(),
                by: ctx.by.clone(),
                role: ctx.role,
                at,
            });
        } else {
            self.problems.push((
                at,
                format!("`{id}` is not a clause id (expected e.g. OPEN-3)"),
            ));
        }
    }

    /// Reads `// spec: A-1, B-2` tags in every `.rs` file under `dir` (skipping `target` and
    /// hidden directories). The referrer is the function the tag sits above or inside.
    pub fn rust_tags(&mut self, dir: &Path) {
        let mut files = Vec::new();
        rs_files(dir, &mut files);
        files.sort();
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                self.problems.push((
                    Loc {
                        file: path.clone(),
                        line: 0,
                    },
                    "cannot read".into(),
                ));
                continue;
            };
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let Some(list) = tag_list(line) else { continue };
                let at = Loc {
                    file: path.clone(),
                    line: i as u64 + 1,
                };
                let name = test_name(&lines, i).unwrap_or_else(|| path.display().to_string());
                let ctx = Ctx {
                    file: &path,
                    by: Referrer::Test(name),
                    role: Role::Other,
                };
                // Parenthesized remarks and semantics sections (`§4`) may accompany the ids.
                let list = strip_parens(list);
                let (sections, ids): (Vec<&str>, Vec<&str>) =
                    split_ids(&list).partition(|t| t.starts_with('§'));
                for t in &ids {
                    self.reference(t, at.clone(), &ctx);
                }
                if ids.is_empty() && sections.is_empty() {
                    self.problems.push((at, "empty `// spec:` tag".into()));
                } else if ids.is_empty() {
                    let msg = format!(
                        "tag names semantics sections only ({}), no clause id",
                        sections.join(" ")
                    );
                    self.notes.push((at, msg));
                }
            }
        }
    }
}

struct Ctx<'a> {
    file: &'a Path,
    by: Referrer,
    role: Role,
}

/// `s` without `(...)` groups.
fn strip_parens(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The id list of a `// spec: ...` comment line, if the line is one.
pub fn tag_list(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("//")?;
    let rest = rest
        .trim_start_matches('/')
        .trim_start_matches('!')
        .trim_start();
    rest.strip_prefix("spec:")
}

/// The function a tag at line `i` belongs to: the next `fn` within a few lines (tag above the
/// test, attributes in between), else the nearest `fn` above (tag inside the test).
fn test_name(lines: &[&str], i: usize) -> Option<String> {
    let next_code = lines
        .iter()
        .skip(i + 1)
        .map(|l| l.trim_start())
        .find(|t| !(t.is_empty() || t.starts_with('#') || t.starts_with("//")));
    next_code
        .and_then(fn_name)
        .or_else(|| lines[..i].iter().rev().find_map(|l| fn_name(l)))
}

fn fn_name(line: &str) -> Option<String> {
    let t = line.trim_start();
    if t.starts_with("//") {
        return None;
    }
    let idx = t.find("fn ")?;
    if idx > 0 && !t[..idx].ends_with(' ') {
        return None;
    }
    let name: String = t[idx + 3..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rs_files(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_id_shape() {
        for ok in ["OPEN-3", "LOCK-2a", "COPYTREE-10", "A1-B-2", "GEN-1.2"] {
            assert!(is_clause_id(ok), "{ok}");
        }
        for bad in ["open-3", "OPEN3", "OPEN-", "-3", "OPEN-x", "OPEN--3", ""] {
            assert!(!is_clause_id(bad), "{bad}");
        }
    }

    #[test]
    fn tag_lines() {
        assert_eq!(tag_list("    // spec: A-1, B-2"), Some(" A-1, B-2"));
        assert_eq!(tag_list("/// spec: A-1"), Some(" A-1"));
        assert_eq!(tag_list("let s = \"// spec: A-1\";"), None);
        assert_eq!(tag_list("// specification"), None);
    }

    #[test]
    fn test_name_above_or_inside() {
        let src = [
            "#[test]",
            "// spec: A-1",
            "#[cfg(x)]",
            "fn first() {",
            "    // spec: B-1",
            "}",
        ];
        assert_eq!(test_name(&src, 1).as_deref(), Some("first"));
        assert_eq!(test_name(&src, 4).as_deref(), Some("first"));
        let src2 = [
            "pub async fn second() {",
            "  let x = 1;",
            "  // spec: C-1",
            "  x",
            "}",
            "fn third() {}",
        ];
        assert_eq!(test_name(&src2, 2).as_deref(), Some("second"));
    }
}
