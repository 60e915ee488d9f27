//! # actix-mcp
//!
//! A Model Context Protocol server built from actix actors and served by actix-web.
//!
//! Where things are:
//! - A request enters in [`transport`]: `streamable` (`POST|GET|DELETE /mcp`) or `sse`
//!   (`GET /sse`, `POST /messages`).
//! - The [`registry`] actor knows every session and routes each request to it.
//! - A [`session`] actor per client session runs the MCP lifecycle and owns its streams.
//! - [`methods`] holds one module per MCP method family.
//! - [`tool`] defines tools and the tool actors that run them; [`resource`] and
//!   [`prompt`] define resources and prompts; the binary's are in [`builtins`].
//! - [`protocol`] holds the JSON-RPC envelopes, error codes and protocol revisions.
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

pub mod access;
pub mod builtins;
pub mod config;
pub mod context;
pub(crate) mod executor;
pub(crate) mod methods;
pub mod pagination;
pub mod prompt;
pub mod protocol;
pub mod registry;
pub mod resource;
pub mod schema;
pub mod server;
pub mod session;
pub mod shutdown;
pub mod state;
pub mod telemetry;
pub mod tool;
pub mod transport;

pub use config::McpConfig;
pub use context::{RequestContext, ToolContext};
pub use protocol::{Annotations, Content, Icon, LogLevel, ProtocolVersion, ResourceContents, Role};
pub use server::{BuildError, McpServer, McpServerBuilder};
pub use tool::{CallToolResult, Structured, Tool, ToolAnnotations};
