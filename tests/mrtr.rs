//! 2026-07-28 stateless requests whose handlers need the client: MRTR rounds
//! (`InputRequiredResult`, sealed `requestState`, retries with `inputResponses`), the
//! capability rules (-32021), and notices on the request's own SSE answer (progress,
//! opted-in logs). Every request is a real POST to a real server.

mod common;

use common::streamable_client::{parse_events, StreamableClient};
use common::{fast_config, start_server};
use serde_json::{json, Value};

const REVISION: &str = "2026-07-28";

fn config() -> actix_mcp::McpConfig {
    actix_mcp::McpConfig {
        serve_stateless: true,
        ..fast_config()
    }
}

/// What a stateless POST got back.
struct Answer {
    status: u16,
    content_type: String,
    /// The JSON-RPC response (the last event of an SSE answer).
    body: Value,
    /// Notifications that came before it on an SSE answer.
    notices: Vec<Value>,
}

/// POSTs `tools/call` of `tool` (or another `method` with `params`) the way a
/// 2026-07-28 client does, declaring `capabilities` and adding `extra_meta`.
async fn send(
    url: &str,
    token: Option<&str>,
    method: &str,
    mut params: Value,
    capabilities: Value,
    extra_meta: Value,
) -> Answer {
    let mut meta = json!({
        "io.modelcontextprotocol/protocolVersion": REVISION,
        "io.modelcontextprotocol/clientCapabilities": capabilities,
    });
    for (k, v) in extra_meta.as_object().into_iter().flatten() {
        meta[k] = v.clone();
    }
    params["_meta"] = meta;
    let id = uuid::Uuid::new_v4().to_string();
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    let mut client = StreamableClient::new(url);
    client.protocol_version = Some(REVISION.into());
    let mut builder = client.post_builder().header("mcp-method", method);
    if let Some(name) = params["name"].as_str().or(params["uri"].as_str()) {
        builder = builder.header("mcp-name", name);
    }
    if let Some(token) = token {
        builder = builder.bearer_auth(token);
    }
    let response = builder.body(body.to_string()).send().await.expect("POST");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap_or_default();
    let (body, notices) = if content_type.starts_with("text/event-stream") {
        let mut messages: Vec<Value> = parse_events(&text)
            .iter()
            .filter_map(|e| serde_json::from_str(&e.data).ok())
            .collect();
        let last = messages.pop().unwrap_or(Value::Null);
        (last, messages)
    } else {
        (
            serde_json::from_str(&text).unwrap_or(Value::Null),
            Vec::new(),
        )
    };
    assert_eq!(body["id"], json!(id), "every answer echoes its id: {body}");
    Answer {
        status,
        content_type,
        body,
        notices,
    }
}

/// A plain `tools/call` of `tool` declaring `caps`.
async fn call(url: &str, tool: &str, arguments: Value, caps: Value) -> Answer {
    let params = json!({"name": tool, "arguments": arguments});
    send(url, None, "tools/call", params, caps, json!({})).await
}

fn result(answer: &Answer) -> &Value {
    assert_eq!(answer.status, 200, "{}", answer.body);
    &answer.body["result"]
}

fn accept(name: &str) -> Value {
    json!({"action": "accept", "content": {"name": name}})
}

#[actix_web::test]
async fn an_ask_becomes_input_required_and_the_retry_with_the_answer_completes() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let caps = json!({"elicitation": {}});
    let first = call(&url, "asks_user", json!({}), caps.clone()).await;
    let first = result(&first).clone();
    assert_eq!(first["resultType"], "input_required", "{first}");
    let request = &first["inputRequests"]["elicitation-1"];
    assert_eq!(request["method"], "elicitation/create", "{first}");
    assert_eq!(request["params"]["message"], "Who are you?");
    assert!(
        first.get("ttlMs").is_none(),
        "input_required is never cached"
    );
    let state = first["requestState"]
        .as_str()
        .expect("requestState")
        .to_owned();

    // A retry that misses the answer is asked again, not failed.
    let missing = send(
        &url,
        None,
        "tools/call",
        json!({"name": "asks_user", "arguments": {}, "requestState": state,
               "inputResponses": {"something_else": accept("x")}}),
        caps.clone(),
        json!({}),
    )
    .await;
    assert_eq!(result(&missing)["resultType"], "input_required");

    let retried = send(
        &url,
        None,
        "tools/call",
        json!({"name": "asks_user", "arguments": {}, "requestState": state,
               "inputResponses": {"elicitation-1": accept("Ada")}}),
        caps,
        json!({}),
    )
    .await;
    let done = result(&retried);
    assert_eq!(done["resultType"], "complete", "{done}");
    let text = done["content"][0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("Ada"), "{text}");
}

#[actix_web::test]
async fn a_tampered_or_foreign_request_state_is_refused() {
    let tokens = actix_mcp::BearerToken::parse_list("alice:token-a,bob:token-b");
    let mut config = config();
    config.access.bearer_tokens = tokens;
    let server = start_server(config, "").await;
    let url = format!("{}/mcp", server.base_url);
    let caps = json!({"sampling": {}});
    let ask = |token, arguments: Value, state: Option<String>| {
        let url = url.clone();
        let caps = caps.clone();
        async move {
            let mut params = json!({"name": "asks_model", "arguments": arguments});
            if let Some(state) = state {
                params["requestState"] = json!(state);
                params["inputResponses"] = json!({"sampling-1": {
                    "role": "assistant", "model": "m",
                    "content": {"type": "text", "text": "forty-two"}}});
            }
            send(&url, Some(token), "tools/call", params, caps, json!({})).await
        }
    };
    let first = ask("token-a", json!({"prompt": "q"}), None).await;
    let state = result(&first)["requestState"].as_str().unwrap().to_owned();

    let honest = ask("token-a", json!({"prompt": "q"}), Some(state.clone())).await;
    assert_eq!(result(&honest)["resultType"], "complete", "{}", honest.body);

    // Flip one character of the sealed payload: the MAC no longer matches.
    let mut tampered = state.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    // Rewrite the payload so it carries a forged answer, keep the old MAC: only the MAC
    // check stands between this and the tool running on an answer the client never gave.
    let forged = {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let (kid, rest) = state.split_once('.').unwrap();
        let (payload, mac) = rest.rsplit_once('.').unwrap();
        let mut payload: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        payload["answers"] = json!({"sampling-1": {"role": "assistant", "model": "m",
            "content": {"type": "text", "text": "forged"}}});
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        format!("{kid}.{payload}.{mac}")
    };
    let forged_call = {
        let params = json!({"name": "asks_model", "arguments": {"prompt": "q"},
                            "requestState": forged});
        send(
            &url,
            Some("token-a"),
            "tools/call",
            params,
            caps.clone(),
            json!({}),
        )
        .await
    };
    assert_eq!(
        forged_call.status, 400,
        "forged answers: {}",
        forged_call.body
    );
    assert_eq!(forged_call.body["error"]["code"], -32602);

    for (who, arguments, state, why) in [
        ("token-a", json!({"prompt": "q"}), tampered, "tampered"),
        (
            "token-a",
            json!({"prompt": "another"}),
            state.clone(),
            "other arguments",
        ),
        (
            "token-b",
            json!({"prompt": "q"}),
            state.clone(),
            "another principal",
        ),
    ] {
        let refused = ask(who, arguments, Some(state)).await;
        assert_eq!(refused.status, 400, "{why}: {}", refused.body);
        assert_eq!(refused.body["error"]["code"], -32602, "{why}");
        let message = refused.body["error"]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("requestState"), "{why}: {message}");
    }
}

#[actix_web::test]
async fn only_declared_capabilities_are_asked_and_a_handler_that_needs_one_is_32021() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let refused = call(&url, "asks_model", json!({"prompt": "q"}), json!({})).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.body["error"]["code"], -32021);
    assert_eq!(
        refused.body["error"]["data"]["requiredCapabilities"],
        json!({"sampling": {}})
    );
    // Form elicitation declared, URL mode asked: still missing, never sent.
    let url_mode = call(&url, "asks_via_url", json!({}), json!({"elicitation": {}})).await;
    assert_eq!(url_mode.body["error"]["code"], -32021, "{}", url_mode.body);
    assert_eq!(
        url_mode.body["error"]["data"]["requiredCapabilities"],
        json!({"elicitation": {"url": {}}})
    );
}

#[actix_web::test]
async fn malformed_input_responses_are_invalid_params() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let caps = json!({"elicitation": {}});
    for responses in [json!(null), json!([1]), json!({"elicitation-1": 12345})] {
        let answer = send(
            &url,
            None,
            "tools/call",
            json!({"name": "asks_user", "arguments": {}, "inputResponses": responses}),
            caps.clone(),
            json!({}),
        )
        .await;
        assert_eq!(answer.status, 400, "{responses}: {}", answer.body);
        assert_eq!(answer.body["error"]["code"], -32602, "{responses}");
    }
    // An object, but not an ElicitResult.
    let answer = send(
        &url,
        None,
        "tools/call",
        json!({"name": "asks_user", "arguments": {}, "inputResponses": {"elicitation-1": {"x": 1}}}),
        caps,
        json!({}),
    )
    .await;
    assert_eq!(answer.body["error"]["code"], -32602, "{}", answer.body);
}

#[actix_web::test]
async fn progress_and_opted_in_logs_go_on_the_requests_own_stream_before_its_answer() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let progress = send(
        &url,
        None,
        "tools/call",
        json!({"name": "progress_steps", "arguments": {"steps": 3, "delay_ms": 5}}),
        json!({}),
        json!({"progressToken": "p-1"}),
    )
    .await;
    assert!(
        progress.content_type.starts_with("text/event-stream"),
        "{}",
        progress.content_type
    );
    let steps: Vec<f64> = progress
        .notices
        .iter()
        .inspect(|n| assert_eq!(n["params"]["progressToken"], "p-1", "{n}"))
        .filter_map(|n| n["params"]["progress"].as_f64())
        .collect();
    assert_eq!(steps, [1.0, 2.0, 3.0]);
    assert_eq!(result(&progress)["content"][0]["text"], "done");

    let quiet = call(&url, "logs", json!({}), json!({})).await;
    assert!(
        quiet.content_type.starts_with("application/json"),
        "no opt-in, no logs"
    );
    let opted = send(
        &url,
        None,
        "tools/call",
        json!({"name": "logs", "arguments": {}}),
        json!({}),
        json!({"io.modelcontextprotocol/logLevel": "warning"}),
    )
    .await;
    let levels: Vec<&str> = opted
        .notices
        .iter()
        .filter(|n| n["method"] == "notifications/message")
        .filter_map(|n| n["params"]["level"].as_str())
        .collect();
    assert_eq!(levels, ["warning", "error"]);
    assert_eq!(result(&opted)["content"][0]["text"], "logged");
}

#[actix_web::test]
async fn many_clients_in_rounds_at_once_each_get_their_own_answer() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let clients = (0..40).map(|n| {
        let url = url.clone();
        async move {
            let caps = json!({"elicitation": {}});
            let first = call(&url, "asks_user", json!({}), caps.clone()).await;
            let state = result(&first)["requestState"].as_str().unwrap().to_owned();
            let name = format!("client-{n}");
            let done = send(
                &url,
                None,
                "tools/call",
                json!({"name": "asks_user", "arguments": {}, "requestState": state,
                       "inputResponses": {"elicitation-1": accept(&name)}}),
                caps,
                json!({}),
            )
            .await;
            let text = result(&done)["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(text.contains(&name), "{name} got {text}");
        }
    });
    futures_util::future::join_all(clients).await;
}

#[actix_web::test]
async fn a_client_that_goes_away_cancels_its_stateless_call() {
    let server = start_server(config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let tag = "stateless-gone";
    let call = tokio::spawn({
        let url = url.clone();
        async move {
            let arguments = json!({"tag": tag, "delay_ms": 0});
            call(&url, "waits_for_cancel", arguments, json!({})).await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // Dropping the request closes its connection: the spec's cancellation here.
    call.abort();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    while !common::test_tools::CANCELS_SEEN
        .lock()
        .unwrap()
        .contains(tag)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the handler never heard of the closed connection"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
