//! `logging/setLevel` and `notifications/message` from tools, on both transports.

mod common;

use common::sse_client::SseClient;
use common::streamable_client::{parse_events, StreamableClient};
use common::{fast_config, start_server};
use serde_json::{json, Value};
use std::time::Duration;

#[actix_web::test]
async fn log_messages_follow_the_level_the_client_sets() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    let init = client.initialize("2025-06-18").await;
    assert_eq!(init["capabilities"]["logging"], json!({}));

    // Until the client sets a level, every message is sent, before the answer.
    assert_eq!(
        client
            .post(&json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"logs"}}))
            .await
            .status(),
        202
    );
    let mut levels = Vec::new();
    loop {
        let message = client.next_message(Duration::from_secs(10)).await.unwrap();
        if message["id"] == 1 {
            assert_eq!(message["result"]["content"][0]["text"], "logged");
            break;
        }
        assert_eq!(message["method"], "notifications/message");
        assert_eq!(message["params"]["logger"], "test");
        levels.push(message["params"]["level"].as_str().unwrap().to_owned());
    }
    assert_eq!(levels, ["debug", "info", "warning", "error"]);

    let set = client
        .request(json!(2), "logging/setLevel", json!({"level": "warning"}))
        .await;
    assert_eq!(set["result"], json!({}));
    assert_eq!(
        client
            .post(&json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"logs"}}))
            .await
            .status(),
        202
    );
    let mut levels = Vec::new();
    loop {
        let message = client.next_message(Duration::from_secs(10)).await.unwrap();
        if message["id"] == 3 {
            break;
        }
        levels.push(message["params"]["level"].as_str().unwrap().to_owned());
    }
    assert_eq!(levels, ["warning", "error"]);

    let bad = client
        .request(json!(4), "logging/setLevel", json!({"level": "loud"}))
        .await;
    assert_eq!(bad["error"]["code"], -32602);
}

#[actix_web::test]
async fn log_messages_stream_before_the_answer_on_streamable_http() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-11-25").await;
    client
        .request(json!(1), "logging/setLevel", json!({"level": "info"}))
        .await;
    let response = client
        .post(&json!({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"logs"}}))
        .await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let messages: Vec<Value> = parse_events(&response.text().await.unwrap())
        .into_iter()
        .filter(|e| !e.data.is_empty())
        .map(|e| serde_json::from_str(&e.data).unwrap())
        .collect();
    let levels: Vec<_> = messages[..3]
        .iter()
        .map(|m| m["params"]["level"].clone())
        .collect();
    assert_eq!(levels, [json!("info"), json!("warning"), json!("error")]);
    assert_eq!(messages[3]["result"]["content"][0]["text"], "logged");
}
