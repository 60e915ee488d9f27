//! JSON Schema generation from Rust types (schemars, JSON Schema 2020-12 — the MCP
//! default dialect), shaped the way clients accept them: an inline object schema
//! without the `$schema` and `title` noise.

use schemars::{generate::SchemaSettings, JsonSchema};
use serde_json::{Map, Value};

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
