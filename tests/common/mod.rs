//! Test support: a real server on an ephemeral port, and a legacy HTTP+SSE client
//! that speaks the wire format the way MCP clients do.

#![allow(dead_code)] // each test binary uses a different part of this module

pub mod fixtures;
pub mod sse_client;
pub mod streamable_client;
pub mod test_tools;

use actix_mcp::{McpConfig, McpServer, Tool};
use actix_web::{web, App, HttpServer};
use std::time::Duration;

/// A server listening on 127.0.0.1:<random port>, stopped when the test's System ends.
pub struct TestServer {
    pub base_url: String,
    pub mcp: McpServer,
}

/// The built-in tools plus the test tools, resources and prompts, with `config`, mounted at `prefix` ("" = root).
pub async fn start_server(config: McpConfig, prefix: &str) -> TestServer {
    let mut builder = McpServer::builder()
        .instructions("Test server.")
        .title("Test");
    for tool in actix_mcp::builtins::tools()
        .into_iter()
        .chain(test_tools::all())
    {
        builder = builder.tool(tool);
    }
    for resource in fixtures::resources() {
        builder = builder.resource(resource);
    }
    for template in fixtures::templates() {
        builder = builder.resource_template(template);
    }
    for prompt in fixtures::prompts() {
        builder = builder.prompt(prompt);
    }
    start_with(
        builder.config(config).build().expect("valid server"),
        prefix,
    )
    .await
}

pub async fn start_with(mcp: McpServer, prefix: &str) -> TestServer {
    let served = mcp.clone();
    let prefix_owned = prefix.to_owned();
    let server = HttpServer::new(move || {
        App::new()
            .route("/health", web::get().to(|| async { "ok" }))
            .service(web::scope(&prefix_owned).configure(served.configure()))
    })
    .workers(2)
    .tcp_nodelay(true)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind an ephemeral port");
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    TestServer {
        base_url: format!("http://{addr}"),
        mcp,
    }
}

/// Polls `check` until it holds or `within` passes; returns whether it held.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A config that notices disconnects quickly (keep-alive probes the socket).
pub fn fast_config() -> McpConfig {
    McpConfig {
        keep_alive: Duration::from_millis(100),
        ..McpConfig::default()
    }
}

pub fn tool_names(tools: &[Tool]) -> Vec<String> {
    tools.iter().map(|t| t.name().to_owned()).collect()
}
