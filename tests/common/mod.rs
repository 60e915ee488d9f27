//! Test support: a real server on an ephemeral port, and a legacy HTTP+SSE client
//! that speaks the wire format the way MCP clients do.

#![allow(dead_code)] // each test binary uses a different part of this module

pub mod fixtures;
pub mod replicas;
pub mod services;
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

/// Copies of the binary's tools plus the test tools, resources and prompts, with `config`, mounted at `prefix` ("" = root).
pub async fn start_server(config: McpConfig, prefix: &str) -> TestServer {
    let mut builder = McpServer::builder()
        .instructions("Test server.")
        .title("Test");
    for tool in test_tools::binary_like()
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

/// Opens a legacy stream by hand, reads only its `endpoint` event and then never reads
/// again: a client that stopped reading. Returns the socket (keep it alive) and the
/// absolute URL to POST to.
pub async fn stalled_legacy_stream(base_url: &str) -> (tokio::net::TcpStream, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base_url.trim_start_matches("http://");
    let mut stalled = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET /sse HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
    stalled.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 4096];
    let mut read = 0;
    let endpoint = loop {
        read += stalled.read(&mut head[read..]).await.unwrap();
        let text = String::from_utf8_lossy(&head[..read]);
        if let Some(line) = text.lines().find(|l| l.starts_with("data: /messages")) {
            break line.trim_start_matches("data: ").to_owned();
        }
    };
    (stalled, format!("{base_url}{endpoint}"))
}

/// Runs an interop client (an official SDK's check script) against `url` and returns
/// its stdout; fails the test with its output when it fails.
pub async fn run_interop_client(
    what: &str,
    program: &std::path::Path,
    script: &std::path::Path,
    url: &str,
    args: &[&str],
) -> String {
    let output = tokio::process::Command::new(program)
        .arg(script)
        .arg("--url")
        .arg(url)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .await
        .unwrap_or_else(|e| panic!("run the {what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{}", stdout.trim());
    stdout
}
