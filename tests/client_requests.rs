//! Requests from a handler to the client — sampling, elicitation, roots — on both
//! transports: sent on the originating request's stream, the client's POSTed answer
//! reaches the waiting handler; undeclared capabilities and silence give errors.

mod common;

use common::sse_client::SseClient;
use common::streamable_client::{EventReader, StreamableClient};
use common::{fast_config, start_server};
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

fn all_capabilities() -> Value {
    json!({"sampling": {}, "elicitation": {}, "roots": {"listChanged": true}})
}

#[actix_web::test]
async fn sampling_elicitation_and_roots_over_legacy_sse() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client
        .initialize_with("2025-06-18", all_capabilities())
        .await;

    let cases = [
        (
            "asks_model",
            json!({"prompt": "hi"}),
            "sampling/createMessage",
            json!({"role":"assistant","content":{"type":"text","text":"hello from the model"},"model":"m","stopReason":"endTurn"}),
            "LLM said: hello from the model",
        ),
        (
            "asks_user",
            json!({}),
            "elicitation/create",
            json!({"action":"accept","content":{"name":"Ada"}}),
            "action=\"accept\" name=\"Ada\"",
        ),
        (
            "lists_roots",
            json!({}),
            "roots/list",
            json!({"roots":[{"uri":"file:///a"},{"uri":"file:///b"}]}),
            "2 roots",
        ),
    ];
    for (i, (tool, arguments, method, answer, expected)) in cases.into_iter().enumerate() {
        let call = json!({"jsonrpc":"2.0","id":i,"method":"tools/call","params":{"name":tool,"arguments":arguments}});
        assert_eq!(client.post(&call).await.status(), 202);
        let request = client
            .next_message(WAIT)
            .await
            .expect("the server's request");
        assert_eq!(request["method"], method);
        if method == "sampling/createMessage" {
            assert_eq!(request["params"]["maxTokens"], 100);
        }
        let reply = json!({"jsonrpc":"2.0","id":request["id"],"result":answer});
        assert_eq!(client.post(&reply).await.status(), 202);
        let result = client.response(&json!(i), WAIT).await.unwrap();
        assert_eq!(result["result"]["content"][0]["text"], expected, "{tool}");
    }

    // A client error answer reaches the handler as an error.
    let call = json!({"jsonrpc":"2.0","id":"e","method":"tools/call","params":{"name":"asks_model","arguments":{"prompt":"x"}}});
    client.post(&call).await;
    let request = client.next_message(WAIT).await.unwrap();
    let refusal = json!({"jsonrpc":"2.0","id":request["id"],"error":{"code":-1,"message":"User rejected sampling"}});
    assert_eq!(client.post(&refusal).await.status(), 202);
    let result = client.response(&json!("e"), WAIT).await.unwrap();
    assert_eq!(result["result"]["isError"], true);
    assert!(result["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("User rejected"));
}

#[actix_web::test]
async fn sampling_over_streamable_http_streams_the_request_then_the_answer() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client
        .initialize_with("2025-11-25", all_capabilities())
        .await;
    let call = json!({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"asks_model","arguments":{"prompt":"hi"}}});
    let response = client.post(&call).await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = EventReader::new(response);
    let request: Value = loop {
        let event = events.next(WAIT).await.expect("an event");
        if !event.data.is_empty() {
            break serde_json::from_str(&event.data).unwrap();
        }
    };
    assert_eq!(request["method"], "sampling/createMessage");
    let reply = json!({"jsonrpc":"2.0","id":request["id"],"result":{"role":"assistant","content":{"type":"text","text":"streamed"},"model":"m"}});
    let posted = client.post(&reply).await;
    assert_eq!(posted.status(), 202);
    let answer: Value = loop {
        let event = events.next(WAIT).await.expect("the answer");
        if !event.data.is_empty() {
            break serde_json::from_str(&event.data).unwrap();
        }
    };
    assert_eq!(answer["id"], 7);
    assert_eq!(answer["result"]["content"][0]["text"], "LLM said: streamed");
    assert!(
        events.ends_within(WAIT).await,
        "the stream ends after the answer"
    );
}

#[actix_web::test]
async fn undeclared_capabilities_and_silent_clients_give_errors() {
    let config = actix_mcp::McpConfig {
        client_request_timeout: Duration::from_millis(300),
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let mut plain = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    plain.initialize("2025-06-18").await; // declares nothing
    for tool in ["asks_model", "asks_user", "lists_roots"] {
        let result = plain
            .call_tool(json!(tool), tool, json!({"prompt": "x"}))
            .await;
        assert_eq!(result["result"]["isError"], true, "{tool}");
        assert!(
            result["result"]["content"][0]["text"]
                .as_str()
                .unwrap()
                .contains("did not declare"),
            "{result}"
        );
    }
    // Declared, but the client never answers: the handler gets a timeout error.
    let mut silent = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    silent
        .initialize_with("2025-06-18", all_capabilities())
        .await;
    let call = json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"asks_model","arguments":{"prompt":"x"}}});
    silent.post(&call).await;
    let request = silent.next_message(WAIT).await.unwrap();
    assert_eq!(request["method"], "sampling/createMessage");
    let result = silent.response(&json!(1), WAIT).await.unwrap();
    assert!(
        result["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{result}"
    );
    // A late answer is ignored harmlessly.
    let late = json!({"jsonrpc":"2.0","id":request["id"],"result":{}});
    assert_eq!(silent.post(&late).await.status(), 202);
    let pong = silent.request(json!("p"), "ping", json!({})).await;
    assert_eq!(pong["result"], json!({}));
}

#[actix_web::test]
async fn elicitation_and_roots_over_streamable_http() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client
        .initialize_with("2025-06-18", all_capabilities())
        .await;
    for (id, tool, method, answer, expected) in [
        (
            1,
            "asks_user",
            "elicitation/create",
            json!({"action":"accept","content":{"name":"Grace"}}),
            "action=\"accept\" name=\"Grace\"",
        ),
        (
            2,
            "lists_roots",
            "roots/list",
            json!({"roots":[{"uri":"file:///r"}]}),
            "1 roots",
        ),
    ] {
        let call = json!({"jsonrpc":"2.0","id":id,"method":"tools/call","params":{"name":tool,"arguments":{}}});
        let mut events = EventReader::new(client.post(&call).await);
        let request: Value = loop {
            let event = events.next(WAIT).await.expect("the server's request");
            if !event.data.is_empty() {
                break serde_json::from_str(&event.data).unwrap();
            }
        };
        assert_eq!(request["method"], method);
        let reply = json!({"jsonrpc":"2.0","id":request["id"],"result":answer});
        assert_eq!(client.post(&reply).await.status(), 202);
        let result: Value = loop {
            let event = events.next(WAIT).await.expect("the answer");
            if !event.data.is_empty() {
                break serde_json::from_str(&event.data).unwrap();
            }
        };
        assert_eq!(result["result"]["content"][0]["text"], expected, "{tool}");
    }
}

#[actix_web::test]
async fn url_mode_elicitation_only_for_clients_that_declared_it() {
    let server = start_server(fast_config(), "").await;
    let mut url_capable = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    url_capable
        .initialize_with(
            "2025-11-25",
            json!({"elicitation": {"form": {}, "url": {}}}),
        )
        .await;
    let call = json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"asks_via_url","arguments":{}}});
    url_capable.post(&call).await;
    let request = url_capable.next_message(WAIT).await.unwrap();
    assert_eq!(request["method"], "elicitation/create");
    assert_eq!(request["params"]["mode"], "url");
    assert_eq!(request["params"]["url"], "https://example.com/connect");
    url_capable
        .post(&json!({"jsonrpc":"2.0","id":request["id"],"result":{"action":"accept"}}))
        .await;
    let result = url_capable.response(&json!(1), WAIT).await.unwrap();
    assert_eq!(result["result"]["content"][0]["text"], "action=\"accept\"");

    let mut form_only = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    form_only
        .initialize_with("2025-11-25", json!({"elicitation": {}}))
        .await;
    let refused = form_only
        .call_tool(json!(1), "asks_via_url", json!({}))
        .await;
    assert_eq!(refused["result"]["isError"], true);
    assert!(refused["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("did not declare"));
}
