//! A client that stops reading its stream: the session is closed once its bounded
//! queue fills, and the server goes on serving everyone else.

mod common;

use common::sse_client::SseClient;
use common::{eventually, fast_config, start_server};
use serde_json::json;
use std::time::Duration;

#[actix_web::test]
async fn a_client_that_stops_reading_loses_its_session_not_our_memory() {
    let config = actix_mcp::McpConfig {
        outbound_queue: 4,
        ..fast_config()
    };
    let server = start_server(config, "").await;

    // Open the stream by hand, read only the endpoint event, then never read again.
    let (stalled, post_url) = common::stalled_legacy_stream(&server.base_url).await;
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        let http = http.clone();
        let url = post_url.clone();
        async move {
            http.post(url)
                .body(body.to_string())
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    };
    assert_eq!(
        post(json!({"jsonrpc":"2.0","id":0,"method":"initialize",
            "params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}))
        .await
        .unwrap(),
        202
    );
    // Ask for far more than socket buffers and the queue can hold (64 x 1 MiB).
    let mut closed_early = false;
    for id in 1..=64 {
        let status = post(json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
            "params":{"name":"big_text","arguments":{"bytes": 1 << 20}}}))
        .await
        .unwrap();
        if status == 404 {
            closed_early = true;
            break;
        }
        assert_eq!(status, 202);
    }
    let mcp = server.mcp.clone();
    assert!(
        closed_early
            || eventually(Duration::from_secs(10), || {
                let mcp = mcp.clone();
                async move { mcp.session_count().await == 0 }
            })
            .await,
        "a session whose client does not read must be closed"
    );
    // Its id now answers 404, and everyone else is served as usual.
    assert_eq!(
        post(json!({"jsonrpc":"2.0","id":99,"method":"ping"}))
            .await
            .unwrap(),
        404
    );
    let mut healthy = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    healthy.initialize("2025-06-18").await;
    let ok = healthy
        .call_tool(json!(1), "echo", json!({"message": "fine"}))
        .await;
    assert_eq!(ok["result"]["content"][0]["text"], "fine");
    drop(stalled);
}
