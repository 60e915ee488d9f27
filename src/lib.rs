//! # actix-mcp
//!
//! A Model Context Protocol server built from actix actors and served by actix-web.
//!
//! Where things are (a request's path, in order):
//! - **Where a request enters**: `src/transport/` — `streamable.rs` (`POST|GET|DELETE
//!   /mcp`) and `sse.rs` (`GET /sse`, `POST /messages`). Admission (Host, Origin,
//!   bearer token) and the MCP headers are extractors (`extract.rs`); bodies are read
//!   by `body.rs`; every refusal is a `TransportError` (`error.rs`); sessions are
//!   opened in one place (`open.rs`). Transports speak HTTP, never MCP.
//! - **Who knows every session**: the registry actor (`src/registry.rs`); transports
//!   resolve a session id through its read-only directory and hand the session an
//!   `Envelope`.
//! - **Who owns a stream**: the session actor (`src/session/actor/`), one per client
//!   session on either transport. It owns its event streams (`session/wire.rs`:
//!   which stream carries which message, event ids, replay), its lifecycle, the
//!   requests in flight and the requests it sent the client.
//! - **Where a method is routed**: `src/methods/mod.rs` — `Method` (names and what each
//!   needs), then one module per family that parses and executes its methods.
//! - **Where a tool runs**: `src/executor.rs` runs every handler (tool, resource,
//!   prompt, completion) on the tool runtime's threads (`src/tool/runtime.rs`), never
//!   on an HTTP worker or an actor, with one timeout, panic and cancellation policy.
//!   Handlers reach their client through [`RequestContext`].
//! - **What you write**: [`Tool`], [`Resource`], [`ResourceTemplate`], [`Prompt`],
//!   registered on [`McpServer::builder`], configured by [`McpConfig`].
//!
//! ```no_run
//! use actix_mcp::{McpServer, Tool, ToolContext};
//! use actix_web::{web, App, HttpServer};
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct GreetArgs {
//!     /// Who to greet.
//!     name: String,
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     let mcp = McpServer::builder()
//!         .tool(Tool::new("greet", "Greets someone", |a: GreetArgs, _ctx: ToolContext| async move {
//!             format!("Hello, {}!", a.name)
//!         }))
//!         .build()
//!         .expect("valid tool set");
//!     HttpServer::new(move || App::new().service(web::scope("/ai").configure(mcp.configure())))
//!         .bind(("127.0.0.1", 8000))?
//!         .run()
//!         .await
//! }
//! ```

// The public API: what an embedder builds a server from.
pub mod access;
pub mod config;
pub mod prompt;
pub mod protocol;
pub mod resource;
pub mod shutdown;
pub mod telemetry;
pub mod tool;

mod context;
mod server;

// The machinery behind it: where requests enter, who owns what, how they run.
pub mod builtins;
pub(crate) mod executor;
pub(crate) mod methods;
pub(crate) mod pagination;
pub(crate) mod registry;
pub(crate) mod schema;
pub(crate) mod session;
pub(crate) mod state;
pub(crate) mod transport;

pub use access::{AccessPolicy, AllowedHosts, BearerToken, Principal};
pub use config::{McpConfig, ResponseMode};
pub use context::{RequestContext, ToolContext};
pub use prompt::{GetPromptResult, Prompt, PromptMessage};
pub use protocol::{Annotations, Content, Icon, LogLevel, ProtocolVersion, ResourceContents, Role};
pub use resource::{Resource, ResourceTemplate};
pub use server::{BuildError, McpServer, McpServerBuilder};
pub use session::SessionId;
pub use tool::{CallToolResult, CatalogError, Structured, Tool, ToolAnnotations};

/// Everything a server's author usually needs: `use actix_mcp::prelude::*;`.
pub mod prelude {
    pub use crate::{
        CallToolResult, Content, GetPromptResult, LogLevel, McpConfig, McpServer, Prompt,
        PromptMessage, RequestContext, Resource, ResourceContents, ResourceTemplate, Structured,
        Tool, ToolAnnotations, ToolContext,
    };
}
