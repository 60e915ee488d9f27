//! `echo`: returns its `message` unchanged.

use actix_mcp::tool;

/// Echo a message back unchanged.
#[tool(
    title = "Echo",
    read_only,
    destructive = false,
    idempotent,
    open_world = false
)]
pub async fn echo(
    /// The text to send back.
    message: String,
) -> String {
    message
}
