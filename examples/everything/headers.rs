//! 2026-07-28 fixtures: `x-mcp-header` (SEP-2243, scenario
//! http-custom-header-server-validation) and JSON Schema 2020-12 input schemas kept
//! verbatim (SEP-1613 / SEP-2106, scenario json-schema-2020-12).

use actix_mcp::{tool, Tool};
use serde_json::json;

/// Runs a query in a region; region, priority and verbose travel as Mcp-Param headers too
#[tool]
async fn test_custom_headers(
    /// Where to run the query (mirrored into `Mcp-Param-Region`).
    #[schemars(extend("x-mcp-header" = "Region"))]
    region: String,
    /// How urgent the query is (mirrored into `Mcp-Param-Priority`).
    #[schemars(extend("x-mcp-header" = "Priority"))]
    #[serde(default)]
    priority: i64,
    /// Whether to say more (mirrored into `Mcp-Param-Verbose`).
    #[schemars(extend("x-mcp-header" = "Verbose"))]
    #[serde(default)]
    verbose: bool,
    /// The query to run (not mirrored).
    query: String,
) -> String {
    format!("Custom headers test: region={region}, priority={priority}, verbose={verbose}, query={query}")
}

/// The scenario's schema, word for word: `$schema`, `$defs` with an `$anchor`, a
/// `$ref`, `allOf`/`anyOf`, `if`/`then`/`else` and `additionalProperties`.
fn json_schema_2020_12_tool() -> Tool {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
            }
        },
        "properties": {
            "name": {"type": "string"},
            "address": {"$ref": "#/$defs/address"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    });
    Tool::new(
        "json_schema_2020_12_tool",
        "Tool with JSON Schema 2020-12 features",
        |arguments: serde_json::Value, _ctx| async move {
            format!("JSON Schema 2020-12 tool called with {arguments}")
        },
    )
    .with_input_schema(schema)
    // A constant schema, checked once at start-up (and by this scenario).
    .expect("the scenario's schema is a valid JSON Schema")
}

pub fn tools() -> Vec<Tool> {
    vec![test_custom_headers(), json_schema_2020_12_tool()]
}
