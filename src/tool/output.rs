//! What a tool returns: a [`CallToolResult`], and the conversions that let a tool
//! function return a `String`, a `Result`, or [`Structured`] data instead.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::protocol::{Content, ProtocolVersion};
use crate::schema::schema_object_for;

/// The result of one tool call, as the model will read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallToolResult {
    pub content: Vec<Content>,
    /// Machine-readable output matching the tool's `outputSchema` (2025-06-18 and later).
    pub structured_content: Option<Value>,
    /// `true` when the call failed in a way the model should see and may retry.
    pub is_error: bool,
}

impl CallToolResult {
    pub fn text(text: impl Into<String>) -> Self {
        CallToolResult {
            content: vec![Content::text(text)],
            ..Default::default()
        }
    }

    pub fn content(content: Vec<Content>) -> Self {
        CallToolResult {
            content,
            ..Default::default()
        }
    }

    /// An error the model can read (`isError: true`), not a protocol error.
    pub fn error(message: impl Into<String>) -> Self {
        CallToolResult {
            content: vec![Content::text(message)],
            structured_content: None,
            is_error: true,
        }
    }

    /// The wire form for a client of `version`: blocks it does not know are downgraded
    /// and `structuredContent` is left out before 2025-06-18 (the text fallback stays).
    pub fn to_wire(&self, version: ProtocolVersion) -> WireCallToolResult<'_> {
        WireCallToolResult {
            content: self
                .content
                .iter()
                .map(|c| c.for_version(version))
                .collect(),
            structured_content: self
                .structured_content
                .as_ref()
                .filter(|_| version.has_structured_output()),
            is_error: self.is_error,
        }
    }
}

/// Serializable view of a [`CallToolResult`] for one protocol revision.
#[derive(Debug, Serialize)]
pub struct WireCallToolResult<'a> {
    content: Vec<std::borrow::Cow<'a, Content>>,
    #[serde(rename = "structuredContent", skip_serializing_if = "Option::is_none")]
    structured_content: Option<&'a Value>,
    #[serde(rename = "isError", skip_serializing_if = "std::ops::Not::not")]
    is_error: bool,
}

/// Structured tool output: serialized into `structuredContent` (validated by the
/// tool's derived `outputSchema`) and, for older clients, as a JSON text block.
#[derive(Debug, Clone)]
pub struct Structured<T>(pub T);

/// Anything a tool function may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a tool",
    label = "a tool returns this",
    note = "return a `String`, `Content` block(s), a `CallToolResult`, `Structured<T>`, or a `Result` of one of those"
)]
pub trait IntoToolOutput: Send + 'static {
    /// The `outputSchema` this output type implies, if it is structured.
    fn output_schema() -> Option<Map<String, Value>> {
        None
    }

    fn into_call_result(self) -> CallToolResult;
}

impl IntoToolOutput for CallToolResult {
    fn into_call_result(self) -> CallToolResult {
        self
    }
}

impl IntoToolOutput for String {
    fn into_call_result(self) -> CallToolResult {
        CallToolResult::text(self)
    }
}

impl IntoToolOutput for &'static str {
    fn into_call_result(self) -> CallToolResult {
        CallToolResult::text(self)
    }
}

impl IntoToolOutput for Vec<Content> {
    fn into_call_result(self) -> CallToolResult {
        CallToolResult::content(self)
    }
}

impl IntoToolOutput for Content {
    fn into_call_result(self) -> CallToolResult {
        CallToolResult::content(vec![self])
    }
}

impl<T: Serialize + JsonSchema + Send + 'static> IntoToolOutput for Structured<T> {
    fn output_schema() -> Option<Map<String, Value>> {
        Some(schema_object_for::<T>())
    }

    fn into_call_result(self) -> CallToolResult {
        match serde_json::to_value(&self.0) {
            Ok(value) => CallToolResult {
                content: vec![Content::text(value.to_string())],
                structured_content: Some(value),
                is_error: false,
            },
            Err(e) => CallToolResult::error(format!("tool output could not be serialized: {e}")),
        }
    }
}

/// A failing tool returns `Err`: the model sees the error text with `isError: true`.
impl<T: IntoToolOutput, E: std::fmt::Display + Send + 'static> IntoToolOutput for Result<T, E> {
    fn output_schema() -> Option<Map<String, Value>> {
        T::output_schema()
    }

    fn into_call_result(self) -> CallToolResult {
        match self {
            Ok(output) => output.into_call_result(),
            Err(e) => CallToolResult::error(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize, JsonSchema)]
    struct Sum {
        total: i64,
    }

    #[test]
    fn structured_output_has_text_fallback_and_is_gated() {
        let result = Structured(Sum { total: 3 }).into_call_result();
        let new = serde_json::to_value(result.to_wire(ProtocolVersion::V2025_06_18)).unwrap();
        assert_eq!(
            new,
            json!({"content":[{"type":"text","text":"{\"total\":3}"}],"structuredContent":{"total":3}})
        );
        let old = serde_json::to_value(result.to_wire(ProtocolVersion::V2025_03_26)).unwrap();
        assert_eq!(
            old,
            json!({"content":[{"type":"text","text":"{\"total\":3}"}]})
        );
        let schema = <Structured<Sum>>::output_schema().unwrap();
        assert_eq!(schema["type"], "object");
    }

    #[test]
    fn errors_become_readable_error_results() {
        let result: Result<String, String> = Err("no such city".into());
        let wire = serde_json::to_value(result.into_call_result().to_wire(ProtocolVersion::LATEST))
            .unwrap();
        assert_eq!(
            wire,
            json!({"content":[{"type":"text","text":"no such city"}],"isError":true})
        );
    }
}
