//! The YAML shape of spec files, as serde reads it. Every name a user can get wrong is
//! `Spanned`, so validation can point at its line and column; unknown keys are rejected.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// One spec file; all files of a spec directory are merged.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// A spec directory (relative to this file) loaded before this file; this file's
    /// `config:` keys then override the base's (how storage variants are explored).
    #[serde(default)]
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub clauses: Vec<RawClause>,
    #[serde(default)]
    pub config: Option<Spanned<RawConfig>>,
    #[serde(default)]
    pub domains: IndexMap<Spanned<String>, Spanned<RawDomain>>,
    #[serde(default)]
    pub invariants: Vec<Spanned<RawCheck>>,
    #[serde(default)]
    pub actions: Vec<Spanned<RawAction>>,
    /// Wider domains for `harness walk`, by argument kind (`path: [...]`, `int: [...]`):
    /// a walk binds every parameter of that kind (mode aside) to them instead of its own
    /// values and cases.
    #[serde(default)]
    pub walk: IndexMap<Spanned<String>, Spanned<Vec<Spanned<RawVal>>>>,
}

/// A numbered requirement.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClause {
    pub id: Spanned<String>,
    pub rule: String,
    pub source: String,
    #[serde(default)]
    pub unreachable: Option<String>,
}

/// Filesystem configuration every driver is built with.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub quota: Option<u64>,
    pub chunk_overhead: Option<u64>,
    pub storage: Option<Spanned<String>>,
    pub promotion_hard_limit: Option<u64>,
    pub max_nodes: Option<u64>,
    pub slots: Option<u8>,
    pub lock_timeout_ms: Option<u64>,
    pub memory_guard: Option<Spanned<String>>,
    pub memory_guard_action: Option<Spanned<String>>,
    /// Present with `null`: unknown (overrides a base's number); absent: not set here.
    #[serde(default, deserialize_with = "present")]
    pub available_memory: Option<Spanned<Option<u64>>>,
    pub host_root: Option<Spanned<String>>,
}

/// A key that is present (its value may be `null`): `Some`, where a plain `Option` would
/// read `null` as absent.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A named finite domain of values of one kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDomain {
    pub kind: Spanned<String>,
    pub values: Vec<Spanned<RawVal>>,
}

/// A literal value in YAML: scalar, `{fill: "z", len: 300}` bytes, or a list (import entries).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RawVal {
    Bool(bool),
    Int(i64),
    Str(String),
    Fill { fill: String, len: u64 },
    List(Vec<RawVal>),
    Null(()),
}

/// A parameter declaration: a domain name, or an inline kind with optional values (without
/// values, every case of the action supplies it).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawParam {
    Domain(String),
    Inline(RawInlineParam),
}

/// `{ kind: path, values: [...] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInlineParam {
    pub kind: String,
    #[serde(default)]
    pub values: Option<Vec<RawVal>>,
}

/// One clause id or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawClauseRefs {
    One(String),
    Many(Vec<String>),
}

/// `{ if: <condition>, else: <ErrKind>, clause: <id or [ids]> }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPre {
    #[serde(rename = "if")]
    pub cond: Spanned<String>,
    #[serde(rename = "else")]
    pub err: Spanned<String>,
    pub clause: Spanned<RawClauseRefs>,
}

/// `{ check: <check call>, clause: <id or [ids]> }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub check: Spanned<String>,
    pub clause: Spanned<RawClauseRefs>,
}

/// An action: parameters, the call it makes, ordered preconditions, effects, postconditions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub name: Spanned<String>,
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub params: IndexMap<Spanned<String>, Spanned<RawParam>>,
    #[serde(default)]
    pub cases: Vec<Spanned<IndexMap<Spanned<String>, Spanned<RawVal>>>>,
    pub call: Spanned<IndexMap<Spanned<String>, Spanned<RawVal>>>,
    #[serde(default)]
    pub pre: Vec<Spanned<RawPre>>,
    #[serde(default)]
    pub effect: Vec<Spanned<String>>,
    #[serde(default)]
    pub post: Vec<Spanned<RawCheck>>,
    #[serde(default)]
    pub clauses: Vec<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file_with_locations() {
        let y = "actions:\n  - name: mk\n    params: { path: paths, n: { kind: int, values: [1, null, 'x', {fill: z, len: 3}, [[\"/a\", \"b\"]]] } }\n    call: { op: mkdir, path: $path }\n    pre:\n      - { if: \"valid_path(path)\", else: InvalidInput, clause: [PATH-7, PATH-9] }\n";
        let f: RawFile = serde_saphyr::from_str(y).unwrap();
        let a = &f.actions[0].value;
        assert_eq!(a.name.referenced.line(), 2);
        assert_eq!(a.name.referenced.column(), 11);
        let (k, v) = a.params.get_index(1).unwrap();
        assert_eq!(k.value, "n");
        match &v.value {
            RawParam::Inline(i) => {
                let vals = i.values.as_ref().unwrap();
                assert_eq!(vals[0], RawVal::Int(1));
                assert_eq!(vals[1], RawVal::Null(()));
                assert_eq!(vals[2], RawVal::Str("x".into()));
                assert_eq!(
                    vals[3],
                    RawVal::Fill {
                        fill: "z".into(),
                        len: 3
                    }
                );
                assert!(matches!(&vals[4], RawVal::List(_)));
            }
            RawParam::Domain(_) => panic!("expected inline"),
        }
        let pre = &a.pre[0].value;
        assert_eq!(pre.cond.referenced.line(), 6);
        assert!(matches!(&pre.clause.value, RawClauseRefs::Many(v) if v.len() == 2));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let r: Result<RawFile, _> = serde_saphyr::from_str("actionz: []\n");
        let e = r.unwrap_err();
        assert!(e.location().is_some());
        eprintln!("{e}");
    }
}
