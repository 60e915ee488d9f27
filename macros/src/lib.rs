//! The `#[tool]` attribute of actix-mcp (use it as `actix_mcp::tool`).
//!
//! Owns: turning a documented `async fn` into a function that builds an
//! `actix_mcp::Tool`. Must not: contain tool behaviour — the generated code only calls
//! `actix_mcp`'s public API (and its hidden `__private` re-exports of serde and
//! schemars, so users need neither as a dependency).

mod attr;
mod expand;

use proc_macro::TokenStream;

/// Makes an MCP tool of a documented `async fn`.
///
/// ```ignore
/// use actix_mcp::tool;
///
/// /// Echo a message back unchanged.
/// #[tool(title = "Echo", read_only)]
/// async fn echo(
///     /// The text to send back.
///     message: String,
/// ) -> String {
///     message
/// }
///
/// // `echo` is now `fn echo() -> actix_mcp::Tool`:
/// // McpServer::builder().tool(echo())
/// ```
///
/// **The function is replaced.** `#[tool] async fn NAME(..) -> T` becomes
/// `fn NAME() -> ::actix_mcp::Tool` with the same visibility and attributes; the body
/// moves into the tool's handler and cannot be called directly any more. Keep logic
/// you also want to call elsewhere in an ordinary function and call it from the tool.
///
/// - **name**: the function's name; `#[tool(name = "...")]` overrides it.
/// - **description**: the doc comment, each line trimmed, lines joined with newlines.
///   It is what the model reads, so it is required; `description = "..."` overrides it.
/// - **input schema**: each parameter is one argument. Its name is the property name,
///   its doc comment the property's `description`; `Option<T>` parameters are
///   optional, all others required. `#[serde(..)]` and `#[schemars(..)]` attributes on
///   a parameter apply to its field (e.g. `#[schemars(range(min = 1))]`). A function
///   without parameters takes no arguments (its schema is `{"type":"object"}`).
/// - **an argument struct instead**: mark a single parameter `#[args]`
///   (`#[args] a: MyArgs`); its type is then the argument type as it is (it must derive
///   `Deserialize` and `JsonSchema`), and it must be the only argument. Only the
///   explicit marker switches to this form; a struct-typed parameter without it is an
///   ordinary argument whose value is an object.
/// - **context**: a parameter whose type is named `ToolContext` or `RequestContext`
///   (by its last path segment) receives the call's context; it is not in the schema.
///   Leave it out when the tool does not need it.
/// - **output**: anything `Tool::new` accepts — `String`, content blocks,
///   `CallToolResult`, `Structured<T>`, or a `Result` of those.
/// - **hints**: `title = "..."` (the display title, `Tool::title`) and the flags
///   `read_only`, `destructive`, `idempotent`, `open_world` (also `= true` / `= false`),
///   which set `readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`.
///   Only the hints written are sent (`read_only` alone does not imply the others).
/// - **tasks**: `task_support = "optional"` or `"required"` (`Tool::task_support`):
///   with the 2026-07-28 tasks extension, a call may (or must) run as a task.
///
/// Not accepted, each with an error at the offending spot: a non-`async` function,
/// a missing doc comment, `self`, generics, borrowed argument types (`&str`),
/// destructuring patterns as parameters, unknown `#[tool]` arguments.
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut args = attr::ToolArgs::default();
    let parser = syn::meta::parser(|meta| args.parse_one(meta));
    if let Err(error) = syn::parse::Parser::parse(parser, attr) {
        return error.to_compile_error().into();
    }
    let item = syn::parse_macro_input!(item as syn::ItemFn);
    expand::expand(args, item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
