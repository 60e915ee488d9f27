//! Tools: how a tool is defined (a typed async function plus metadata), how its
//! arguments are validated and its output becomes a `CallToolResult`, and the
//! catalog every session reads.
//!
//! Owns: [`Tool`] definitions, argument validation, the `x-mcp-header` declarations
//! of input schemas (`param_headers`), the [`ToolCatalog`], and the
//! [`ToolRuntime`] threads every handler runs on (through [`crate::executor`]). Must
//! not: touch transports or session state; a tool call only ever returns a
//! [`CallToolResult`].
//!
//! Adding a tool: a documented `async fn` under `#[actix_mcp::tool]`, or by hand an
//! argument struct deriving `Deserialize` + `JsonSchema` and
//! `Tool::new("name", "what it does", |args: Args, ctx: ToolContext| async move { ... })`;
//! register it with `McpServer::builder().tool(...)`. See the binary's `src/builtins/`.
//! A parameter that 2026-07-28 clients should mirror into an `Mcp-Param-{Name}` header
//! takes `#[schemars(extend("x-mcp-header" = "Name"))]`; a schema no Rust type can
//! derive is given whole with [`Tool::with_input_schema`].

mod catalog;
mod definition;
mod output;
mod param_headers;
mod runtime;

pub use crate::context::ToolContext;
pub use catalog::{CatalogError, InvalidCursor, ToolCatalog};
pub(crate) use definition::icons_for;
pub use definition::{Execution, InvalidInputSchema, TaskSupport, Tool, ToolAnnotations, WireTool};
pub use output::{CallToolResult, IntoToolOutput, Structured, WireCallToolResult};
pub(crate) use param_headers::ParamHeader;
pub use runtime::ToolRuntime;
