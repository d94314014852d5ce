//! YAML, read with `saphyr` into plain JSON values, for YAML front matter
//! (`---`, as written by Hugo, Jekyll and MkDocs; typed in [`crate::content`])
//! and `mkdocs.yml`.
//!
//! Tags are resolved on the way: `!ENV NAME` / `!ENV [NAME, OTHER, default]`
//! (MkDocs' environment variables) becomes the variable's value; any other
//! tag (`!!python/name:pkg.func`, `!relative`) is dropped and its node kept,
//! so configurations written for Python tools load.

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::Value;

/// A YAML syntax error: message, 1-based line, 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Parse the first document of `text` into a JSON value (`Null` when empty).
pub(crate) fn parse(text: &str) -> Result<Value, YamlError> {
    let docs = Yaml::load_from_str(text).map_err(|e| YamlError {
        message: e.info().to_string(),
        line: e.marker().line(),
        column: e.marker().col() + 1,
    })?;
    Ok(docs.first().map_or(Value::Null, to_json))
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => serde_json::Number::from_f64(f.into_inner())
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// One loaded YAML document as JSON (tags resolved as in [`parse`]).
pub(crate) fn to_json_value(y: &Yaml<'_>) -> Value {
    to_json(y)
}

fn to_json(y: &Yaml<'_>) -> Value {
    match y {
        Yaml::Value(s) => scalar(s),
        Yaml::Representation(text, _, _) => Value::String(text.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Mapping(map) => {
            Value::Object(map.iter().map(|(k, v)| (key_text(k), to_json(v))).collect())
        }
        Yaml::Tagged(tag, node) if tag.suffix == "ENV" => env(node),
        // `!!python/name:pkg.fn` carries its meaning in the tag itself.
        Yaml::Tagged(tag, node) => match to_json(node) {
            Value::Null => Value::String(format!("{}{}", tag.handle, tag.suffix)),
            v => v,
        },
        Yaml::Alias(_) | Yaml::BadValue => Value::Null,
    }
}

fn key_text(k: &Yaml<'_>) -> String {
    match to_json(k) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// MkDocs' `!ENV`: the first set variable of a name or list of names; a last
/// list item that is not a set variable is the default.
fn env(node: &Yaml<'_>) -> Value {
    let names: Vec<Value> = match to_json(node) {
        Value::Array(a) => a,
        other => vec![other],
    };
    let last = names.len().saturating_sub(1);
    for (i, n) in names.iter().enumerate() {
        if let Value::String(name) = n
            && let Ok(v) = std::env::var(name)
        {
            return Value::String(v);
        }
        if i == last && i > 0 {
            return n.clone();
        }
    }
    Value::Null
}

/// Convert a JSON value to TOML (which has no null: nulls are dropped).
pub(crate) fn to_toml(v: Value) -> Option<toml::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s),
        Value::Array(a) => toml::Value::Array(a.into_iter().filter_map(to_toml).collect()),
        Value::Object(m) => toml::Value::Table(
            m.into_iter()
                .filter_map(|(k, v)| Some((k, to_toml(v)?)))
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve() {
        // SAFETY: tests in this module do not read this variable elsewhere.
        unsafe { std::env::set_var("HANDBOOK_YAML_TEST_URL", "https://x.example/") };
        let v = parse(
            "a: !ENV HANDBOOK_YAML_TEST_URL\nb: !ENV [HANDBOOK_YAML_UNSET, fallback]\nc: !!python/name:pkg.fn\nd: !relative $config_dir\ne: after\n",
        )
        .unwrap();
        assert_eq!(v["a"], "https://x.example/");
        assert_eq!(v["b"], "fallback");
        // Python-only tags load (their value is of no use here).
        assert!(v.get("c").is_some());
        assert_eq!(v["d"], "$config_dir");
        assert_eq!(v["e"], "after");
    }
}
