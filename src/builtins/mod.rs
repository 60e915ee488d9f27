//! What the `actix-mcp` binary serves: the seed articles' `echo` and `uppercase_text`
//! tools, `echo://{message}` resource and `echo` prompt. One file per item; each is
//! also a template for writing your own.
//!
//! Owns: the binary's catalogue. Must not: be used by the library or its tests — this
//! is a module of the binary crate only (tests run the binary to check what it serves).

mod echo;
mod echo_prompt;
mod echo_resource;
mod uppercase_text;

pub use echo::echo;
pub use echo_prompt::echo_prompt;
pub use echo_resource::echo_resource;
pub use uppercase_text::uppercase_text;

use actix_mcp::{McpServerBuilder, Tool};

/// Every built-in tool, in the order `tools/list` shows them.
pub fn tools() -> Vec<Tool> {
    vec![echo(), uppercase_text()]
}

/// Adds every built-in tool, resource template and prompt.
pub fn register(builder: McpServerBuilder) -> McpServerBuilder {
    tools()
        .into_iter()
        .fold(builder, |builder, tool| builder.tool(tool))
        .resource_template(echo_resource())
        .prompt(echo_prompt())
}
