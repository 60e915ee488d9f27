//! The official Python MCP SDK (PyPI `mcp`, installed by scripts/install-test-deps.sh)
//! connects over both transports, lists and calls both built-in tools, several
//! sessions with concurrent calls. On Streamable HTTP its default `mode="auto"`
//! settles on 2026-07-28 (no session), pinned to `legacy` it opens sessions; with no
//! session at all it uses MRTR (elicitation, sampling, roots), progress, opted-in logs,
//! `listen()` and the response cache. The tests fail, never skip, when the client is
//! missing.

mod common;

use common::{fast_config, start_server};
use std::path::PathBuf;

fn python() -> PathBuf {
    let venv_python =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-deps/venv/bin/python");
    assert!(
        venv_python.exists(),
        "the Python MCP SDK is not installed: run scripts/install-test-deps.sh \
         (the README's test command, scripts/test.sh, does)"
    );
    venv_python
}

async fn run_check(url: &str, args: &[&str]) -> String {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients/python/sse_client_check.py");
    common::run_interop_client("Python SDK client", &python(), &script, url, args).await
}

#[actix_web::test]
async fn python_sdk_client_in_default_mode_falls_back_and_calls_both_tools() {
    let server = start_server(fast_config(), "").await;
    let out = run_check(
        &format!("{}/sse", server.base_url),
        &["--sessions", "4", "--calls", "12"],
    )
    .await;
    // Default mode probes server/discover first; our prompt error makes it initialize.
    assert!(out.contains("4 sessions"), "{out}");
    assert!(
        out.contains("(protocol 2025-11-25) via initialize"),
        "{out}"
    );
}

#[actix_web::test]
async fn python_sdk_classic_session_over_a_mounted_prefix() {
    let server = start_server(fast_config(), "/tools/mcp").await;
    let out = run_check(
        &format!("{}/tools/mcp/sse", server.base_url),
        &["--api", "session", "--sessions", "2", "--calls", "8"],
    )
    .await;
    assert!(out.contains("2 sessions"), "{out}");
    assert!(out.contains("via initialize"), "{out}");
}

#[actix_web::test]
async fn python_sdk_over_streamable_http_in_default_mode_settles_on_2026_07_28() {
    let server = start_server(fast_config(), "").await;
    let out = run_check(
        &format!("{}/mcp", server.base_url),
        &[
            "--transport",
            "streamable-http",
            "--sessions",
            "6",
            "--calls",
            "12",
        ],
    )
    .await;
    assert!(
        out.contains("python-sdk streamable-http: 6 sessions"),
        "{out}"
    );
    assert!(
        out.contains("(protocol 2026-07-28) via server/discover"),
        "{out}"
    );
    assert!(out.contains("mcp-session-id absent"), "{out}");
}

#[actix_web::test]
async fn python_sdk_over_streamable_http_falls_back_to_sessions_when_stateless_is_off() {
    let config = actix_mcp::McpConfig {
        serve_stateless: false,
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
            "6",
        ],
    )
    .await;
    assert!(
        out.contains("(protocol 2025-11-25) via initialize"),
        "{out}"
    );
    assert!(out.contains("mcp-session-id present (3 distinct)"), "{out}");
}

/// Runs tests/clients/python/stateless_features_check.py against a server whose tool
/// list changes every 200 ms while it runs (for `listen()`).
async fn run_features(config: actix_mcp::McpConfig, args: &[&str]) -> String {
    let server = start_server(config, "").await;
    let mcp = server.mcp.clone();
    let churn = actix_web::rt::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            if !mcp.remove_tool("churn") {
                let _ = mcp.add_tool(actix_mcp::Tool::new(
                    "churn",
                    "Comes and goes, so listeners hear list changes.",
                    |_: common::test_tools::NoArgs, _ctx: actix_mcp::ToolContext| async { "here" },
                ));
            }
        }
    });
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients/python/stateless_features_check.py");
    let out = common::run_interop_client(
        "Python SDK stateless features",
        &python(),
        &script,
        &format!("{}/mcp", server.base_url),
        args,
    )
    .await;
    churn.abort();
    out
}

#[actix_web::test]
async fn python_sdk_pinned_to_2026_07_28_uses_mrtr_progress_logs_listen_and_the_cache() {
    let config = actix_mcp::McpConfig {
        cache_ttl: std::time::Duration::from_secs(60),
        ..fast_config()
    };
    let out = run_features(
        config,
        &["--mode", "2026-07-28", "--clients", "8", "--expect-cached"],
    )
    .await;
    assert!(out.contains("8 clients, protocol 2026-07-28"), "{out}");
    assert!(out.contains("cached lists, 8 listen events"), "{out}");
}

#[actix_web::test]
async fn python_sdk_in_default_mode_uses_the_stateless_features_too() {
    let out = run_features(fast_config(), &["--mode", "auto", "--clients", "3"]).await;
    assert!(
        out.contains("(auto): 3 clients, protocol 2026-07-28"),
        "{out}"
    );
    assert!(out.contains("uncached lists, 3 listen events"), "{out}");
}

#[actix_web::test]
async fn python_sdk_over_streamable_http_with_sse_answers() {
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
            "--api",
            "session",
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
async fn python_sdk_pinned_to_2026_07_28_calls_a_tool_statelessly() {
    let server = start_server(fast_config(), "").await;
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients/python/stateless_check.py");
    let out = common::run_interop_client(
        "Python SDK stateless client",
        &python(),
        &script,
        &format!("{}/mcp", server.base_url),
        &["--mode", "2026-07-28", "--calls", "4"],
    )
    .await;
    assert!(
        out.contains("python-sdk stateless: protocol 2026-07-28"),
        "{out}"
    );
    assert!(out.contains("4 calls; mcp-session-id absent"), "{out}");
}
