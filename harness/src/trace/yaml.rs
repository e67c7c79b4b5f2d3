//! A generic YAML tree with the line and column of every node, so the trace gate can read any
//! spec or scenario file without depending on their typed loaders and still point at the
//! exact place of a dangling clause id.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A YAML node with where it was written (1-based line and column; 0 if unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u64,
    pub col: u64,
}

/// The shapes a YAML node can have. Maps keep their order; keys are read as text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The value under `key` if this is a map holding it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string node (also numbers and booleans, as written).
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// YAML that does not parse, with where (line and column, when the parser knows them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", at.map(|(l, c)| format!("{l}:{c}: ")).unwrap_or_default())]
pub struct YamlError {
    pub at: Option<(u64, u64)>,
    pub message: String,
}

/// Parses YAML text into a [`Node`] tree.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let s: Spanned<Value> = serde_saphyr::from_str(text).map_err(|e| YamlError {
        at: e.location().map(|l| (l.line(), l.column())),
        message: e.without_snippet().to_string(),
    })?;
    Ok(Node {
        line: s.referenced.line(),
        col: s.referenced.column(),
        value: s.value,
    })
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

fn spanned(s: Spanned<Value>) -> Node {
    Node {
        line: s.referenced.line(),
        col: s.referenced.column(),
        value: s.value,
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Value>>()? {
            out.push(spanned(item));
        }
        Ok(Value::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<Value>()? {
            let key = match k {
                Value::Str(s) => s,
                Value::Int(i) => i.to_string(),
                Value::Float(f) => f.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".into(),
                Value::Seq(_) | Value::Map(_) => {
                    return Err(de::Error::custom("a map key must be a scalar"));
                }
            };
            let v = map.next_value::<Spanned<Value>>()?;
            out.push((key, spanned(v)));
        }
        Ok(Value::Map(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_of_nested_values() {
        let n = parse("a: 1\nlist:\n  - x\n  - { clause: OPEN-3 }\n").unwrap();
        let list = n.get("list").unwrap();
        let Value::Seq(items) = &list.value else {
            panic!("not a seq: {list:?}")
        };
        assert_eq!(items[0].line, 3);
        let c = items[1].get("clause").unwrap();
        assert_eq!(c.as_text().as_deref(), Some("OPEN-3"));
        assert_eq!(c.line, 4);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.at.is_some_and(|(l, _)| l > 0), "{e:?}");
        assert!(
            e.to_string().chars().next().unwrap().is_ascii_digit(),
            "{e}"
        );
    }
}
