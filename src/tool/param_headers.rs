//! `x-mcp-header` declarations (2026-07-28, SEP-2243): the input properties a tool asks
//! clients to mirror into `Mcp-Param-{Name}` headers, found and checked once, when the
//! tool is defined, so no request ever walks a schema.
//!
//! Owns: finding the declarations in an input schema and the spec's rules for them — a
//! non-empty HTTP token (`1*tchar`), unique ignoring case, only on a `string`,
//! `integer` or `boolean` property reached from the root through `properties` keys
//! alone — and reading a declared value out of call arguments. Must not: read HTTP
//! headers or compare values (the stateless transport does), or decide what happens to
//! a tool whose declarations are invalid (the catalog refuses it).

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

/// Header names are case-insensitive; this is the prefix as looked up.
const PREFIX: &str = "mcp-param-";

/// One input property mirrored into an `Mcp-Param-{Name}` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamHeader {
    /// `Mcp-Param-{Name}` as declared, for error messages.
    shown: String,
    /// The same, lower-cased: how a header map looks it up.
    lookup: String,
    /// Property names from the root of the arguments to the mirrored value.
    path: Box<[String]>,
}

impl ParamHeader {
    /// `Mcp-Param-{Name}` with the declared spelling.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// The lower-cased header name.
    pub(crate) fn lookup(&self) -> &str {
        &self.lookup
    }

    /// `arguments.a.b` for messages.
    pub(crate) fn argument(&self) -> String {
        format!("arguments.{}", self.path.join("."))
    }

    /// The value the header mirrors, or `None` when the arguments have none there —
    /// `null` included, whose header a client omits.
    pub(crate) fn value_in<'a>(&self, arguments: Option<&'a Value>) -> Option<&'a Value> {
        let value = self
            .path
            .iter()
            .try_fold(arguments?, |value, key| value.get(key))?;
        (!value.is_null()).then_some(value)
    }
}

/// Why a tool's `x-mcp-header` declarations break the spec's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidParamHeader(String);

impl fmt::Display for InvalidParamHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `x-mcp-header` declarations of `schema`, in property order, or the first rule
/// one of them breaks.
pub(crate) fn declared_in(
    schema: &Map<String, Value>,
) -> Result<Vec<ParamHeader>, InvalidParamHeader> {
    // The root is no property: a declaration on it has no value to mirror.
    if schema.contains_key("x-mcp-header") {
        return Err(not_reached(""));
    }
    let mut found = Walk::default();
    found.schema(schema, &mut Vec::new(), "")?;
    Ok(found.headers)
}

/// The declarations found so far.
#[derive(Default)]
struct Walk {
    headers: Vec<ParamHeader>,
    /// Lower-cased name → the property that declared it first.
    seen: HashMap<String, String>,
}

/// Keywords whose value is one subschema.
const ONE_SCHEMA: &[&str] = &[
    "additionalProperties",
    "unevaluatedProperties",
    "items",
    "additionalItems",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
];
/// Keywords whose value is an array of subschemas (`items` too, in older drafts).
const SCHEMA_ARRAYS: &[&str] = &["prefixItems", "allOf", "anyOf", "oneOf", "items"];
/// Keywords whose value maps names to subschemas (`properties` is walked apart).
const SCHEMA_MAPS: &[&str] = &[
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependencies",
];

impl Walk {
    /// Walks `schema`, reached from the root through the property names in `path`
    /// (`at` is its JSON pointer): its `properties` may declare, and theirs in turn.
    fn schema(
        &mut self,
        schema: &Map<String, Value>,
        path: &mut Vec<String>,
        at: &str,
    ) -> Result<(), InvalidParamHeader> {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let Value::Object(property) = property else {
                    continue;
                };
                path.push(name.clone());
                let here = format!("{at}/properties/{name}");
                if let Some(declared) = property.get("x-mcp-header") {
                    self.declare(declared, property, path, &here)?;
                }
                self.schema(property, path, &here)?;
                path.pop();
            }
        }
        elsewhere(schema, at)
    }

    /// Records the declaration `declared` on `property` (at `path`, pointer `at`).
    fn declare(
        &mut self,
        declared: &Value,
        property: &Map<String, Value>,
        path: &[String],
        at: &str,
    ) -> Result<(), InvalidParamHeader> {
        let invalid = |why: String| Err(InvalidParamHeader(format!("x-mcp-header at {at} {why}")));
        let Some(name) = declared.as_str() else {
            return invalid(format!("must be a string, not {declared}"));
        };
        if name.is_empty() {
            return invalid("must not be empty".into());
        }
        if !name.bytes().all(is_tchar) {
            return invalid(format!(
                "{name:?} is not an HTTP field-name token (letters, digits and !#$%&'*+-.^_`|~ only)"
            ));
        }
        if !is_primitive(property.get("type")) {
            return invalid(format!(
                "{name:?} is on a property whose type is not string, integer or boolean \
                 (got {}; number, object, array and untyped properties cannot be mirrored)",
                property
                    .get("type")
                    .map_or("no type".into(), Value::to_string)
            ));
        }
        let lowered = name.to_ascii_lowercase();
        if let Some(first) = self.seen.get(&lowered) {
            return invalid(format!(
                "{name:?} repeats the one at {first} (names must be unique, ignoring case)"
            ));
        }
        self.seen.insert(lowered.clone(), at.to_owned());
        self.headers.push(ParamHeader {
            shown: format!("Mcp-Param-{name}"),
            lookup: format!("{PREFIX}{lowered}"),
            path: path.into(),
        });
        Ok(())
    }
}

/// Walks the subschemas of `schema` no `properties` chain reaches: a declaration
/// anywhere in them is invalid (a client could not know where its value is).
fn elsewhere(schema: &Map<String, Value>, at: &str) -> Result<(), InvalidParamHeader> {
    let mut nested: Vec<(String, &Map<String, Value>)> = Vec::new();
    for (keyword, value) in schema {
        let here = format!("{at}/{keyword}");
        match value {
            Value::Object(sub) if ONE_SCHEMA.contains(&keyword.as_str()) => {
                nested.push((here, sub));
            }
            Value::Array(subs) if SCHEMA_ARRAYS.contains(&keyword.as_str()) => {
                for (i, sub) in subs.iter().enumerate() {
                    if let Value::Object(sub) = sub {
                        nested.push((format!("{here}/{i}"), sub));
                    }
                }
            }
            Value::Object(subs) if SCHEMA_MAPS.contains(&keyword.as_str()) => {
                for (name, sub) in subs {
                    if let Value::Object(sub) = sub {
                        nested.push((format!("{here}/{name}"), sub));
                    }
                }
            }
            _ => {}
        }
    }
    for (here, sub) in nested {
        unreachable_declarations(sub, &here)?;
    }
    Ok(())
}

/// Refuses any `x-mcp-header` in `schema` or below: it is not reached from the root
/// through `properties` alone (it sits under `items`, `anyOf`, `$defs`, ...).
fn unreachable_declarations(
    schema: &Map<String, Value>,
    at: &str,
) -> Result<(), InvalidParamHeader> {
    if schema.contains_key("x-mcp-header") {
        return Err(not_reached(at));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            if let Value::Object(property) = property {
                unreachable_declarations(property, &format!("{at}/properties/{name}"))?;
            }
        }
    }
    elsewhere(schema, at)
}

fn not_reached(at: &str) -> InvalidParamHeader {
    InvalidParamHeader(format!(
        "x-mcp-header at {} is not reached from the schema root through `properties` alone",
        if at.is_empty() { "the root" } else { at }
    ))
}

/// `type` names string, integer or boolean — possibly several of them, and `null`
/// beside them (an `Option` field: a `null` value has no header).
fn is_primitive(kind: Option<&Value>) -> bool {
    let primitive = |k: &str| matches!(k, "string" | "integer" | "boolean");
    match kind {
        Some(Value::String(k)) => primitive(k),
        Some(Value::Array(kinds)) => {
            let names: Option<Vec<&str>> = kinds.iter().map(Value::as_str).collect();
            names.is_some_and(|names| {
                names.iter().any(|k| primitive(k))
                    && names.iter().all(|k| primitive(k) || *k == "null")
            })
        }
        _ => false,
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn declared(schema: Value) -> Result<Vec<ParamHeader>, String> {
        let Value::Object(schema) = schema else {
            panic!("an object schema");
        };
        declared_in(&schema).map_err(|e| e.to_string())
    }

    fn property(declaration: Value) -> Value {
        json!({"type": "object", "properties": {"p": declaration}})
    }

    #[test]
    fn declarations_are_found_on_properties_chains_only() {
        let found = declared(json!({
            "type": "object",
            "properties": {
                "region": {"type": "string", "x-mcp-header": "Region"},
                "query": {"type": "string"},
                "limits": {"type": "object", "properties": {
                    "max": {"type": ["integer", "null"], "x-mcp-header": "Max"}
                }},
                "dry_run": {"type": "boolean", "x-mcp-header": "Dry-Run"}
            }
        }))
        .unwrap();
        let names: Vec<(&str, &str, String)> = found
            .iter()
            .map(|h| (h.shown(), h.lookup(), h.argument()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "Mcp-Param-Dry-Run",
                    "mcp-param-dry-run",
                    "arguments.dry_run".into()
                ),
                (
                    "Mcp-Param-Max",
                    "mcp-param-max",
                    "arguments.limits.max".into()
                ),
                (
                    "Mcp-Param-Region",
                    "mcp-param-region",
                    "arguments.region".into()
                ),
            ]
        );
        assert!(declared(json!({"type": "object"})).unwrap().is_empty());
        // A property *named* x-mcp-header, or the word in a default, is not a declaration.
        let lookalikes = json!({"type": "object", "properties": {
            "x-mcp-header": {"type": "string"},
            "o": {"type": "object", "default": {"x-mcp-header": "X"}}
        }});
        assert!(declared(lookalikes).unwrap().is_empty());
    }

    #[test]
    fn values_are_read_at_the_declared_path_and_null_is_none() {
        let found = declared(json!({"type": "object", "properties": {
            "a": {"type": "object", "properties": {"b": {"type": "string", "x-mcp-header": "B"}}}
        }}))
        .unwrap();
        let header = &found[0];
        let arguments = json!({"a": {"b": "x"}});
        assert_eq!(header.value_in(Some(&arguments)), Some(&json!("x")));
        for absent in [json!({}), json!({"a": "flat"}), json!({"a": {"b": null}})] {
            assert_eq!(header.value_in(Some(&absent)), None, "{absent}");
        }
        assert_eq!(header.value_in(None), None);
    }

    #[test]
    fn every_rule_of_the_spec_refuses_its_violation() {
        let refused = |schema: Value, because: &str| {
            let err = declared(schema.clone()).expect_err(&schema.to_string());
            assert!(err.contains(because), "{schema}: {err}");
        };
        refused(
            property(json!({"type": "string", "x-mcp-header": ""})),
            "empty",
        );
        refused(
            property(json!({"type": "string", "x-mcp-header": 7})),
            "string",
        );
        for name in [
            "My Region",
            "Region:Primary",
            "Région",
            "Region\t1",
            "a\r\nb",
        ] {
            refused(
                property(json!({"type": "string", "x-mcp-header": name})),
                "token",
            );
        }
        for kind in [
            json!("number"),
            json!("object"),
            json!("array"),
            json!("null"),
            json!(["string", "number"]),
        ] {
            refused(
                property(json!({"type": kind, "x-mcp-header": "P"})),
                "not string, integer or boolean",
            );
        }
        refused(
            property(json!({"enum": ["a"], "x-mcp-header": "P"})),
            "no type",
        );
        for (first, second) in [("Region", "Region"), ("MyField", "myfield")] {
            refused(
                json!({"type": "object", "properties": {
                    "a": {"type": "string", "x-mcp-header": first},
                    "b": {"type": "string", "x-mcp-header": second}
                }}),
                "unique",
            );
        }
        let unreachable = [
            json!({"type": "object", "x-mcp-header": "Root"}),
            json!({"type": "object", "properties": {"list": {"type": "array",
                "items": {"type": "string", "x-mcp-header": "Item"}}}}),
            json!({"type": "object", "anyOf": [{"properties": {
                "a": {"type": "string", "x-mcp-header": "A"}}}]}),
            json!({"type": "object", "$defs": {"d": {"type": "object", "properties": {
                "a": {"type": "string", "x-mcp-header": "A"}}}}}),
            json!({"type": "object", "if": {"properties": {
                "a": {"type": "string", "x-mcp-header": "A"}}}}),
        ];
        for schema in unreachable {
            refused(schema, "not reached");
        }
    }

    #[test]
    fn primitive_types_may_be_nullable_but_not_only_null() {
        assert!(is_primitive(Some(&json!("integer"))));
        assert!(is_primitive(Some(&json!(["boolean", "null"]))));
        assert!(!is_primitive(Some(&json!(["null"]))));
        assert!(!is_primitive(Some(&json!([]))));
        assert!(!is_primitive(None));
    }
}
