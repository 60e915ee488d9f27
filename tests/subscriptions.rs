//! 2026-07-28 `subscriptions/listen`: a POST that becomes a long-lived SSE stream of
//! the notifications the client asked for — acknowledged first, only the requested
//! kinds, each tagged with the listen request's id, a result on a graceful end — and
//! bounded like the other long-lived streams.

mod common;

use common::streamable_client::{EventReader, StreamableClient};
use common::{fast_config, start_server};
use serde_json::{json, Value};
use std::time::Duration;

const REVISION: &str = "2026-07-28";
const WAIT: Duration = Duration::from_secs(5);

fn config() -> actix_mcp::McpConfig {
    actix_mcp::McpConfig {
        serve_stateless: true,
        ..fast_config()
    }
}

/// POSTs `subscriptions/listen` with `filter`; the open response.
async fn listen(url: &str, id: Value, filter: Value) -> reqwest::Response {
    let body = json!({"jsonrpc": "2.0", "id": id, "method": "subscriptions/listen", "params": {
        "notifications": filter,
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": REVISION,
            "io.modelcontextprotocol/clientCapabilities": {},
        }
    }});
    let mut client = StreamableClient::new(url);
    client.protocol_version = Some(REVISION.into());
    client
        .post_builder()
        .header("mcp-method", "subscriptions/listen")
        .body(body.to_string())
        .send()
        .await
        .expect("POST subscriptions/listen")
}

/// The next JSON-RPC message on the stream (keep-alive comments skipped).
async fn next(events: &mut EventReader, within: Duration) -> Option<Value> {
    loop {
        let event = events.next(within).await?;
        if !event.data.is_empty() {
            return serde_json::from_str(&event.data).ok();
        }
    }
}

fn subscription_id(message: &Value) -> &Value {
    let meta = message.get("params").unwrap_or(&message["result"]);
    &meta["_meta"]["io.modelcontextprotocol/subscriptionId"]
}

#[actix_web::test]
async fn a_listen_stream_is_acknowledged_then_carries_only_what_it_asked_for() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let response = listen(
        &url,
        json!("sub-1"),
        json!({"toolsListChanged": true, "resourceSubscriptions": ["test://static-text"]}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("mcp-session-id").is_none());
    let mut events = EventReader::new(response);
    let ack = next(&mut events, WAIT).await.expect("acknowledgement");
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    assert_eq!(subscription_id(&ack), "sub-1");
    assert_eq!(
        ack["params"]["notifications"],
        json!({"toolsListChanged": true, "resourceSubscriptions": ["test://static-text"]})
    );

    // Not asked for: prompts and another resource. Asked for: tools and test://static-text.
    server.mcp.remove_prompt("test_simple_prompt");
    server.mcp.notify_resource_updated("test://static-binary");
    server.mcp.remove_tool("echo");
    server.mcp.notify_resource_updated("test://static-text");
    let first = next(&mut events, WAIT).await.expect("tools list_changed");
    assert_eq!(
        first["method"], "notifications/tools/list_changed",
        "{first}"
    );
    assert_eq!(subscription_id(&first), "sub-1");
    let second = next(&mut events, WAIT).await.expect("resources/updated");
    assert_eq!(
        second["method"], "notifications/resources/updated",
        "{second}"
    );
    assert_eq!(second["params"]["uri"], "test://static-text");
    assert_eq!(subscription_id(&second), "sub-1");
    assert!(
        next(&mut events, Duration::from_millis(300))
            .await
            .is_none(),
        "nothing unrequested"
    );

    // Shutdown ends it gracefully: the listen request's result, then the end.
    server.mcp.shutdown(Duration::from_millis(200)).await;
    let last = next(&mut events, WAIT).await.expect("the final result");
    assert_eq!(last["id"], "sub-1");
    assert_eq!(last["result"]["resultType"], "complete");
    assert_eq!(subscription_id(&last), "sub-1");
}

#[actix_web::test]
async fn a_closed_listen_stream_frees_its_place_under_the_limit() {
    let mut config = config();
    config.max_sessions = 1;
    let server = start_server(config, "").await;
    let url = format!("{}/mcp", server.base_url);
    let mut first =
        EventReader::new(listen(&url, json!(1), json!({"toolsListChanged": true})).await);
    assert!(next(&mut first, WAIT).await.is_some(), "acknowledged");
    let refused = listen(&url, json!(2), json!({"toolsListChanged": true})).await;
    assert_eq!(refused.status(), 503, "the one place is taken");
    drop(first);
    // The server notices the closed stream at its next write at the latest (keep-alive).
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let again = listen(&url, json!(3), json!({"toolsListChanged": true})).await;
        if again.status() == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the place was never freed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn a_listen_without_a_filter_is_invalid_params_and_sessions_do_not_know_it() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "subscriptions/listen", "params": {
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": REVISION,
            "io.modelcontextprotocol/clientCapabilities": {},
        }
    }});
    let mut client = StreamableClient::new(&url);
    client.protocol_version = Some(REVISION.into());
    let response = client
        .post_builder()
        .header("mcp-method", "subscriptions/listen")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    assert_eq!(answer["id"], 9);

    let mut session = StreamableClient::new(&url);
    session.initialize("2025-11-25").await;
    let refused = session
        .request(
            json!(1),
            "subscriptions/listen",
            json!({"notifications": {}}),
        )
        .await;
    assert_eq!(refused["error"]["code"], -32601, "{refused}");
}
