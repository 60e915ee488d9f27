//! Tools: how a tool is defined (a typed async function plus metadata), how its
//! arguments are validated, and the tool actors that run calls off the session actors.
//!
//! Owns: [`Tool`] definitions, argument validation, the [`ToolCatalog`] every session
//! reads, and [`ToolActor`]s that start each call on the tool runtime. Must not: touch
//! transports or session state; a tool call only ever returns a [`CallToolResult`].
//!
//! Adding a tool: a documented `async fn` under `#[actix_mcp::tool]`, or by hand an
//! argument struct deriving `Deserialize` + `JsonSchema` and
//! `Tool::new("name", "what it does", |args: Args, ctx: ToolContext| async move { ... })`;
//! register it with `McpServer::builder().tool(...)`. See the binary's `src/builtins/`.

mod actor;
mod catalog;
mod definition;
mod output;
mod runtime;

pub use crate::context::ToolContext;
pub use actor::{Invoke, ToolActor, ToolFinished, ToolOutcome, CANCEL_GRACE};
pub use catalog::{CatalogError, InvalidCursor, ToolActors, ToolCatalog, ToolEntry};
pub(crate) use definition::icons_for;
pub use definition::{Tool, ToolAnnotations, WireTool};
pub use output::{CallToolResult, IntoToolOutput, Structured, WireCallToolResult};
pub use runtime::ToolRuntime;
