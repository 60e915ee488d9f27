//! JSON Schema generation from Rust types (schemars, JSON Schema 2020-12 — the MCP
//! default dialect), shaped the way clients accept them: an inline object schema
//! without the `$schema` and `title` noise; and, for prompts and resource templates,
//! whose arguments are strings, the argument list a type declares and the conversion
//! of a string map into it.
//!
//! Owns: reading types' schemas and serde field lists. Must not: know about tools,
//! prompts or templates beyond "a type with string fields".

use schemars::{generate::SchemaSettings, JsonSchema};
use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The JSON Schema of `T` as a JSON object.
pub fn schema_object_for<T: JsonSchema>() -> Map<String, Value> {
    let mut settings = SchemaSettings::draft2020_12();
    // Clients vary in `$ref` support; inline everything that is not recursive.
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut object = match schema.to_value() {
        Value::Object(map) => map,
        // `true` / `false` schemas: describe them as an object that accepts anything.
        _ => Map::from_iter([("type".to_owned(), Value::from("object"))]),
    };
    object.remove("$schema");
    object.remove("title");
    object
}

/// One top-level field of an argument type, as prompts and resource templates declare
/// their arguments (whose values are always strings on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringField {
    /// The name clients send it under (serde renames applied).
    pub name: String,
    /// The field's doc comment, shown to users choosing a value.
    pub description: Option<String>,
    /// Not an `Option` (and no `#[serde(default)]`): a value must be given.
    pub required: bool,
}

/// The top-level fields of an argument type whose values arrive as strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringFields {
    /// In declaration order, so clients show them as the type's author wrote them.
    pub fields: Vec<StringField>,
    /// The type takes any names (a map such as `BTreeMap<String, String>`), so no
    /// given name is unknown to it.
    pub open: bool,
}

/// The fields of `T`, each of which must accept a string value; the `Err` says which
/// does not. Order comes from serde (the schema's own map is sorted by name).
pub fn string_fields_of<T: JsonSchema + DeserializeOwned>() -> Result<StringFields, String> {
    let schema = schema_object_for::<T>();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // A map's schema names no properties but says what any other property holds; an
    // empty struct says neither and takes nothing.
    let open = !schema.contains_key("properties")
        && schema
            .get("additionalProperties")
            .is_some_and(|extra| extra != &Value::Bool(false));
    let declared = serde_field_order::<T>();
    let mut names: Vec<&String> = declared
        .iter()
        .filter_map(|name| properties.get_key_value(*name).map(|(key, _)| key))
        .collect();
    names.extend(
        properties
            .keys()
            .filter(|k| !declared.contains(&k.as_str())),
    );
    let mut fields = Vec::with_capacity(names.len());
    for name in names {
        let property = &properties[name.as_str()];
        if !accepts_strings(property) {
            return Err(format!(
                "field `{name}` is not a string (values arrive as strings; use `String` or `Option<String>`)"
            ));
        }
        fields.push(StringField {
            name: name.clone(),
            description: property
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            required: required.contains(&name.as_str()),
        });
    }
    Ok(StringFields { fields, open })
}

/// A property schema without a `type` (an enum of documented strings, say) gets the
/// benefit of the doubt; deserialization still checks each value.
fn accepts_strings(property: &Value) -> bool {
    match property.get("type") {
        None => true,
        Some(Value::String(kind)) => kind == "string",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "string"),
        Some(_) => false,
    }
}

/// Deserializes string values (prompt arguments, URI template variables) into `T`;
/// the `Err` is serde's account of what does not fit (`missing field `name``).
pub fn from_string_map<T: DeserializeOwned>(map: &BTreeMap<String, String>) -> Result<T, String> {
    let object: Map<String, Value> = map
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string())
}

/// The field names serde's derive hands to `deserialize_struct`, in declaration order;
/// empty for types that are not plain structs (maps, flattened structs).
fn serde_field_order<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut recorder = FieldRecorder { fields: &[] };
    // Always an error: the recorder only listens, it never produces a value.
    let _ = T::deserialize(&mut recorder);
    recorder.fields
}

/// A deserializer that records the field list a struct asks for, then stops.
struct FieldRecorder {
    /// What `deserialize_struct` was given.
    fields: &'static [&'static str],
}

impl<'de> Deserializer<'de> for &mut FieldRecorder {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.fields = fields;
        Err(serde::de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)] // only the schema and field list are read
    struct Greeting {
        /// Who to greet.
        name: String,
        /// Language code.
        language: Option<String>,
        #[serde(rename = "toneOfVoice", default)]
        tone: String,
    }

    #[test]
    fn fields_come_in_declaration_order_with_docs_and_requiredness() {
        let fields = string_fields_of::<Greeting>().unwrap();
        assert!(!fields.open);
        let field = |name: &str, description: Option<&str>, required| StringField {
            name: name.into(),
            description: description.map(Into::into),
            required,
        };
        assert_eq!(
            fields.fields,
            [
                field("name", Some("Who to greet."), true),
                field("language", Some("Language code."), false),
                field("toneOfVoice", None, false),
            ]
        );
    }

    #[test]
    fn maps_are_open_and_other_types_are_refused() {
        let map = string_fields_of::<BTreeMap<String, String>>().unwrap();
        assert!(map.open && map.fields.is_empty());
        #[derive(Deserialize, JsonSchema)]
        #[allow(dead_code)]
        struct Count {
            n: u32,
        }
        let err = string_fields_of::<Count>().unwrap_err();
        assert!(err.contains("`n`"), "{err}");
    }

    #[test]
    fn string_maps_deserialize_or_say_why_not() {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let greeting: Greeting = from_string_map(&map(&[("name", "Ada")])).unwrap();
        assert_eq!(greeting.name, "Ada");
        assert_eq!(greeting.language, None);
        let err = from_string_map::<Greeting>(&map(&[("language", "fr")]))
            .err()
            .unwrap();
        assert!(err.contains("missing field `name`"), "{err}");
    }
}
