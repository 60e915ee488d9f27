//! The official TypeScript MCP SDK client (`@modelcontextprotocol/sdk`, run on Node 22;
//! both installed by scripts/install-test-deps.sh) over Streamable HTTP and legacy
//! SSE: handshake, tools/list, tools/call, several sessions with concurrent calls,
//! DELETE at the end. The test fails, never skips, when the client is missing.

mod common;

use common::{fast_config, start_server};
use std::path::PathBuf;

async fn run_check(url: &str, args: &[&str]) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("tests/clients/typescript/node_modules/@modelcontextprotocol/sdk")
            .exists()
            && root.join("target/test-deps/node/bin/node").exists(),
        "the TypeScript MCP SDK / Node 22 are not installed: run scripts/install-test-deps.sh \
         (the README's test command, scripts/test.sh, does)"
    );
    let script = root.join("tests/clients/typescript/check.mjs");
    common::run_interop_client(
        "TypeScript SDK client",
        &root.join("scripts/node"),
        &script,
        url,
        args,
    )
    .await
}

#[actix_web::test]
async fn typescript_sdk_over_streamable_http() {
    let server = start_server(fast_config(), "").await;
    let out = run_check(
        &format!("{}/mcp", server.base_url),
        &[
            "--transport",
            "streamable-http",
            "--sessions",
            "8",
            "--calls",
            "16",
        ],
    )
    .await;
    assert!(out.contains("ts-sdk streamable-http: 8 sessions"), "{out}");
    assert!(out.contains("(protocol 2025-11-25)"), "{out}");
    assert!(out.contains("mcp-session-id present (8 distinct)"), "{out}");
    let mcp = server.mcp.clone();
    assert!(
        common::eventually(std::time::Duration::from_secs(5), || {
            let mcp = mcp.clone();
            async move { mcp.session_count().await == 0 }
        })
        .await,
        "terminateSession's DELETE ended every session"
    );
}

#[actix_web::test]
async fn typescript_sdk_over_streamable_http_with_sse_answers() {
    let config = actix_mcp::McpConfig {
        response_mode: actix_mcp::config::ResponseMode::SseOnly,
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let out = run_check(
        &format!("{}/mcp", server.base_url),
        &[
            "--transport",
            "streamable-http",
            "--sessions",
            "3",
            "--calls",
            "10",
        ],
    )
    .await;
    assert!(out.contains("3 sessions"), "{out}");
}

#[actix_web::test]
async fn typescript_sdk_over_legacy_sse() {
    let server = start_server(fast_config(), "").await;
    let out = run_check(
        &format!("{}/sse", server.base_url),
        &["--transport", "sse", "--sessions", "4", "--calls", "10"],
    )
    .await;
    assert!(out.contains("ts-sdk sse: 4 sessions"), "{out}");
}
