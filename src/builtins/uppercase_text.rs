//! `uppercase_text`: returns its `text` in upper case.

use actix_mcp::tool;

/// Convert text to upper case.
#[tool(
    title = "Uppercase text",
    read_only,
    destructive = false,
    idempotent,
    open_world = false
)]
pub async fn uppercase_text(
    /// The text to convert to upper case.
    text: String,
) -> String {
    text.to_uppercase()
}
