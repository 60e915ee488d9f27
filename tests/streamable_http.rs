//! Streamable HTTP on `/mcp` over real sockets: sessions, every status and header
//! rule, the standalone stream, DELETE, resumability, expiry, batches, and legacy
//! clients pointed at `/mcp`.

mod common;

use actix_mcp::{config::ResponseMode, McpConfig};
use common::sse_client::SseClient;
use common::streamable_client::{parse_events, EventReader, StreamableClient};
use common::{eventually, fast_config, start_server};
use futures_util::future::join_all;
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

async fn session_gone(server: &common::TestServer) -> bool {
    let mcp = server.mcp.clone();
    eventually(Duration::from_secs(5), || {
        let mcp = mcp.clone();
        async move { mcp.session_count().await == 0 }
    })
    .await
}

#[actix_web::test]
async fn initialize_returns_a_session_and_json_answers() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    let response = client
        .post(&json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{
            "protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let session_id = response.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(session_id.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["result"]["protocolVersion"], "2025-06-18");
    client.session_id = Some(session_id);
    client.protocol_version = Some("2025-06-18".into());

    let initialized = client
        .post(&json!({"jsonrpc":"2.0","method":"notifications/initialized"}))
        .await;
    assert_eq!(initialized.status(), 202);
    assert!(initialized.text().await.unwrap().is_empty());

    let list = client.request(json!(2), "tools/list", json!({})).await;
    assert!(list["result"]["tools"].as_array().unwrap().len() >= 2);
    let echoed = client
        .call_tool(json!(3), "echo", json!({"message": "streamed"}))
        .await;
    assert_eq!(echoed["result"]["content"][0]["text"], "streamed");
    let invalid = client
        .call_tool(json!(4), "echo", json!({"message": 1}))
        .await;
    assert_eq!(invalid["result"]["isError"], true);
    // A client response to nothing, and a notification: 202, no body.
    let response = client
        .post(&json!({"jsonrpc":"2.0","id":"s1","result":{}}))
        .await;
    assert_eq!(response.status(), 202);
}

#[actix_web::test]
async fn every_header_and_status_rule() {
    let server = start_server(fast_config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let mut client = StreamableClient::new(&url);
    client.initialize("2025-06-18").await;
    let http = reqwest::Client::new();
    let ping = json!({"jsonrpc":"2.0","id":1,"method":"ping"}).to_string();
    let session = client.session_id.clone().unwrap();
    let error_code = |v: Value| v["error"]["code"].as_i64().unwrap();

    // Accept must list both types; Content-Type must be JSON.
    for accept in ["application/json", "text/event-stream", "text/html"] {
        let r = http
            .post(&url)
            .header("accept", accept)
            .header("content-type", "application/json")
            .header("mcp-session-id", &session)
            .body(ping.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 406, "Accept: {accept}");
    }
    let r = http
        .post(&url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "text/plain")
        .header("mcp-session-id", &session)
        .body(ping.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);

    // Session id: missing 400, unknown 404, garbage 404 (so clients re-initialize).
    let no_session = StreamableClient::new(&url);
    let r = no_session
        .post(&json!({"jsonrpc":"2.0","id":1,"method":"tools/list"}))
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(r.json().await.unwrap()), -32600);
    for bad in [uuid::Uuid::new_v4().to_string(), "garbage".to_owned()] {
        let mut other = StreamableClient::new(&url);
        other.session_id = Some(bad.clone());
        let r = other
            .post(&json!({"jsonrpc":"2.0","id":1,"method":"ping"}))
            .await;
        assert_eq!(r.status(), 404, "session {bad}");
        assert_eq!(error_code(r.json().await.unwrap()), -32001);
    }
    // initialize inside a session is refused; server/discover without one gets -32601.
    let r = client.post(&json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})).await;
    assert_eq!(r.status(), 400);
    let r = no_session
        .post(&json!({"jsonrpc":"2.0","id":"d","method":"server/discover","params":{}}))
        .await;
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["id"].clone(), error_code(body)), (json!("d"), -32601));

    // MCP-Protocol-Version: unsupported 400; another supported revision and absent are
    // accepted (as the SDK servers and the conformance suite expect).
    for (sent, status) in [
        ("2099-01-01", 400),
        ("garbage", 400),
        ("2025-03-26", 200),
        ("2025-06-18", 200),
    ] {
        let mut other = StreamableClient::new(&url);
        other.session_id = Some(session.clone());
        other.protocol_version = Some(sent.to_owned());
        let r = other
            .post_builder()
            .body(ping.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "MCP-Protocol-Version {sent}");
    }
    let mut headerless = StreamableClient::new(&url);
    headerless.session_id = Some(session.clone());
    let pong = headerless.request(json!(7), "ping", json!({})).await;
    assert_eq!(pong["result"], json!({}));

    // Bodies: not JSON 400/-32700, not JSON-RPC 400/-32600, too big 413.
    let r = client.post_builder().body("{nope").send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(r.json().await.unwrap()), -32700);
    let r = client.post(&json!({"id": 1})).await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(r.json().await.unwrap()), -32600);
    let r = client
        .post_builder()
        .body(format!("\"{}\"", "x".repeat(5 << 20)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // Batches are for 2025-03-26 sessions only.
    let r = client
        .post(&json!([{"jsonrpc":"2.0","id":1,"method":"ping"}]))
        .await;
    assert_eq!(r.status(), 400);

    // Wrong methods, and GET without text/event-stream.
    let r = http.put(&url).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let r = http
        .get(&url)
        .header("accept", "application/json")
        .header("mcp-session-id", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
}

#[actix_web::test]
async fn standalone_stream_priming_only_for_new_clients_and_second_get_is_harmless() {
    let server = start_server(fast_config(), "").await;
    let url = format!("{}/mcp", server.base_url);

    let mut new_client = StreamableClient::new(&url);
    new_client.initialize("2025-11-25").await;
    let response = new_client.get_builder().send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    let mut events = EventReader::new(response);
    let first = events.next(WAIT).await.unwrap();
    assert_eq!(first.retry, Some(3000), "retry goes to 2025-11-25 clients");
    let priming = if first.id.is_some() {
        first
    } else {
        events.next(WAIT).await.unwrap()
    };
    assert!(
        priming.id.is_some() && priming.data.is_empty(),
        "{priming:?}"
    );

    let mut old_client = StreamableClient::new(&url);
    old_client.initialize("2025-06-18").await;
    let response = old_client.get_builder().send().await.unwrap();
    let mut old_events = EventReader::new(response);
    // Only keep-alive comments (skipped) may arrive: no priming, no retry.
    assert!(old_events.next(Duration::from_millis(400)).await.is_none());

    // A call in flight survives a reconnect race on the GET stream.
    let slow = json!({"jsonrpc":"2.0","id":"slow","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"survived","delay_ms":300}}});
    let pending = old_client.post(&slow);
    let regets = async {
        for _ in 0..3 {
            let r = old_client.get_builder().send().await.unwrap();
            assert_eq!(r.status(), 200);
        }
    };
    let (answer, ()) = futures_util::join!(pending, regets);
    let answer = StreamableClient::read_answer(answer).await;
    assert_eq!(answer["result"]["content"][0]["text"], "survived");
    assert_eq!(server.mcp.session_count().await, 2);
}

#[actix_web::test]
async fn delete_ends_the_session_and_cancels_its_calls() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-11-25").await;
    let slow = json!({"jsonrpc":"2.0","id":"slow","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"never","delay_ms":60000}}});
    let in_flight = client.post(&slow);
    let delete = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut builder = client.http.delete(&client.url);
        builder = builder.header("mcp-session-id", client.session_id.as_ref().unwrap());
        builder.send().await.unwrap()
    };
    let (cut, deleted) = futures_util::join!(in_flight, delete);
    assert_eq!(deleted.status(), 200);
    // The in-flight POST ends without an answer instead of hanging.
    assert_eq!(cut.status(), 202);
    assert!(session_gone(&server).await);
    let r = client
        .post(&json!({"jsonrpc":"2.0","id":1,"method":"ping"}))
        .await;
    assert_eq!(r.status(), 404);
    let r = client
        .http
        .delete(&client.url)
        .header("mcp-session-id", client.session_id.as_ref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client.http.delete(&client.url).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

fn sse_only() -> McpConfig {
    McpConfig {
        response_mode: ResponseMode::SseOnly,
        ..fast_config()
    }
}

#[actix_web::test]
async fn a_dropped_stream_resumes_with_its_missed_events_exactly_once() {
    let server = start_server(sse_only(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let mut client = StreamableClient::new(&url);
    client.initialize("2025-11-25").await;

    let slow = json!({"jsonrpc":"2.0","id":"r","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"resumed","delay_ms":400}}});
    let response = client.post(&slow).await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = EventReader::new(response);
    let first = events.next(WAIT).await.unwrap();
    let priming = if first.id.is_some() {
        first
    } else {
        events.next(WAIT).await.unwrap()
    };
    let cursor = priming.id.clone().expect("priming event id");
    assert!(priming.data.is_empty());
    drop(events); // the connection drops before the answer

    tokio::time::sleep(Duration::from_millis(600)).await; // the answer is sent meanwhile
    let resumed = client
        .get_builder()
        .header("last-event-id", &cursor)
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 200);
    let body = resumed.text().await.unwrap(); // ends: the stream is complete
    let replayed: Vec<_> = parse_events(&body)
        .into_iter()
        .filter(|e| !e.data.is_empty())
        .collect();
    assert_eq!(replayed.len(), 1, "exactly once: {replayed:?}");
    let answer: Value = serde_json::from_str(&replayed[0].data).unwrap();
    assert_eq!(answer["id"], "r");
    assert_eq!(answer["result"]["content"][0]["text"], "resumed");
    let answer_id = replayed[0].id.clone().unwrap();
    assert_ne!(answer_id, cursor);

    // Resuming after the answer's id replays nothing more.
    let again = client
        .get_builder()
        .header("last-event-id", &answer_id)
        .send()
        .await
        .unwrap();
    let body = again.text().await.unwrap();
    assert!(
        parse_events(&body).iter().all(|e| e.data.is_empty()),
        "{body}"
    );

    // An id that names no stream of this session is refused.
    let r = client
        .get_builder()
        .header("last-event-id", "999:0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[actix_web::test]
async fn resumption_never_crosses_sessions() {
    let server = start_server(sse_only(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let mut alice = StreamableClient::new(&url);
    alice.initialize("2025-11-25").await;
    let mut bob = StreamableClient::new(&url);
    bob.initialize("2025-11-25").await;
    let secret = json!({"jsonrpc":"2.0","id":"a","method":"tools/call",
        "params":{"name":"echo","arguments":{"message":"alice's secret"}}});
    let body = alice.post(&secret).await.text().await.unwrap();
    let alice_event = parse_events(&body)
        .into_iter()
        .find(|e| !e.data.is_empty())
        .unwrap();
    let (stream, _) = alice_event.id.as_deref().unwrap().split_once(':').unwrap();
    // Bob presents Alice's stream with a cursor before her event.
    let r = bob
        .get_builder()
        .header("last-event-id", format!("{stream}:0"))
        .send()
        .await
        .unwrap();
    if r.status() == 200 {
        let text = r.text().await.unwrap();
        assert!(!text.contains("alice's secret"), "{text}");
    } else {
        assert_eq!(r.status(), 400);
    }
}

#[actix_web::test]
async fn sse_mode_for_old_clients_has_ids_but_no_priming() {
    let server = start_server(sse_only(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-06-18").await;
    let response = client
        .post(&json!({"jsonrpc":"2.0","id":1,"method":"tools/call",
            "params":{"name":"echo","arguments":{"message":"m"}}}))
        .await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let body = response.text().await.unwrap();
    let events = parse_events(&body);
    assert!(
        events
            .iter()
            .all(|e| !e.data.is_empty() && e.retry.is_none()),
        "{body}"
    );
    assert_eq!(events.len(), 1);
    assert!(events[0].id.is_some());
}

#[actix_web::test]
async fn idle_and_never_initialized_sessions_expire() {
    let config = McpConfig {
        session_idle_ttl: Duration::from_millis(300),
        init_timeout: Duration::from_millis(300),
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let url = format!("{}/mcp", server.base_url);

    let mut idle = StreamableClient::new(&url);
    idle.initialize("2025-06-18").await;
    assert_eq!(server.mcp.session_count().await, 1);
    assert!(session_gone(&server).await, "idle session expired");
    let r = idle
        .post(&json!({"jsonrpc":"2.0","id":1,"method":"ping"}))
        .await;
    assert_eq!(r.status(), 404);

    // initialize without notifications/initialized.
    let half = StreamableClient::new(&url);
    let r = half
        .post(&json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(server.mcp.session_count().await, 1);
    assert!(session_gone(&server).await, "half-open session expired");

    // A session whose client keeps its GET stream open is not idle.
    let mut listening = StreamableClient::new(&url);
    listening.initialize("2025-06-18").await;
    let stream = listening.get_builder().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(server.mcp.session_count().await, 1);
    drop(stream);
}

#[actix_web::test]
async fn batches_for_2025_03_26_sessions() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-03-26").await;
    let response = client
        .post(&json!([
            {"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"slow_echo","arguments":{"tag":"A","delay_ms":100}}},
            {"jsonrpc":"2.0","method":"notifications/whatever"},
            {"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"uppercase_text","arguments":{"text":"b"}}}
        ]))
        .await;
    assert_eq!(response.status(), 200);
    let answers: Vec<Value> = response.json().await.unwrap();
    assert_eq!(answers.len(), 2);
    let by_id = |id: &str| {
        answers.iter().find(|a| a["id"] == id).unwrap()["result"]["content"][0]["text"].clone()
    };
    assert_eq!(by_id("a"), "A");
    assert_eq!(by_id("b"), "B");
    let only_notifications = client
        .post(&json!([{"jsonrpc":"2.0","method":"notifications/initialized"}]))
        .await;
    assert_eq!(only_notifications.status(), 202);
}

#[actix_web::test]
async fn a_legacy_only_client_pointed_at_mcp_still_connects() {
    let server = start_server(fast_config(), "/api").await;
    // It GETs the URL it was given and expects the endpoint event.
    let mut client = SseClient::connect(&format!("{}/api/mcp", server.base_url)).await;
    assert!(
        client.endpoint.starts_with("/api/messages?session_id="),
        "{}",
        client.endpoint
    );
    client.initialize("2024-11-05").await;
    let answer = client
        .call_tool(json!(1), "echo", json!({"message": "legacy"}))
        .await;
    assert_eq!(answer["result"]["content"][0]["text"], "legacy");
}

#[actix_web::test]
async fn many_sessions_with_concurrent_calls_each_get_their_own_answers() {
    let server = start_server(fast_config(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let sessions = join_all((0..60).map(|s| {
        let url = url.clone();
        tokio::spawn(async move {
            let mut client = StreamableClient::new(&url);
            client.initialize("2025-11-25").await;
            let calls = (0..8).map(|c| {
                let tag = format!("s{s}c{c}");
                let client = &client;
                async move {
                    let answer = client
                        .call_tool(
                            json!(tag.clone()),
                            "slow_echo",
                            json!({"tag": tag, "delay_ms": (s + c) % 20}),
                        )
                        .await;
                    assert_eq!(answer["result"]["content"][0]["text"], tag.as_str());
                }
            });
            join_all(calls).await.len()
        })
    }))
    .await;
    let answered: usize = sessions.into_iter().map(|r| r.unwrap()).sum();
    assert_eq!(answered, 60 * 8);
}

fn progress_call(id: &str, steps: u32, delay_ms: u64) -> Value {
    json!({"jsonrpc":"2.0","id":id,"method":"tools/call","params":{
        "name":"progress_steps","arguments":{"steps":steps,"delay_ms":delay_ms},
        "_meta":{"progressToken": format!("tok-{id}")}}})
}

#[actix_web::test]
async fn auto_mode_streams_only_when_something_precedes_the_answer() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-06-18").await;

    // No progress token: the answer is all there is, so JSON.
    let plain = client
        .post(&json!({"jsonrpc":"2.0","id":"plain","method":"tools/call",
            "params":{"name":"progress_steps","arguments":{"steps":3,"delay_ms":1}}}))
        .await;
    assert_eq!(plain.headers()["content-type"], "application/json");
    let answer: Value = plain.json().await.unwrap();
    assert_eq!(answer["result"]["content"][0]["text"], "done");

    // Progress first: an SSE stream of the notifications, then the answer, then the end.
    let streamed = client.post(&progress_call("p", 3, 5)).await;
    assert_eq!(streamed.headers()["content-type"], "text/event-stream");
    let events: Vec<Value> = parse_events(&streamed.text().await.unwrap())
        .into_iter()
        .filter(|e| !e.data.is_empty())
        .map(|e| serde_json::from_str(&e.data).unwrap())
        .collect();
    assert_eq!(events.len(), 4, "{events:?}");
    for (i, event) in events[..3].iter().enumerate() {
        assert_eq!(event["method"], "notifications/progress");
        assert_eq!(event["params"]["progressToken"], "tok-p");
        assert_eq!(event["params"]["progress"], (i + 1) as f64);
        assert_eq!(event["params"]["total"], 3.0);
        assert_eq!(event["params"]["message"], "working");
    }
    assert_eq!(events[3]["id"], "p");
    assert_eq!(events[3]["result"]["content"][0]["text"], "done");
}

#[actix_web::test]
async fn json_only_mode_never_streams() {
    let config = McpConfig {
        response_mode: ResponseMode::JsonOnly,
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-11-25").await;
    let response = client.post(&progress_call("j", 3, 1)).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["result"]["content"][0]["text"], "done");
}

#[actix_web::test]
async fn resuming_mid_stream_delivers_each_missed_event_once() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-11-25").await;
    let response = client.post(&progress_call("m", 5, 80)).await;
    let mut events = EventReader::new(response);
    // Read up to the first progress notification, then drop the connection.
    let cursor = loop {
        let event = events.next(WAIT).await.expect("an event");
        if !event.data.is_empty() {
            let message: Value = serde_json::from_str(&event.data).unwrap();
            assert_eq!(message["params"]["progress"], 1.0);
            break event.id.expect("resumable events carry ids");
        }
    };
    drop(events);

    // Resume at once: the rest arrives on the GET, replayed then live, each once.
    let resumed = client
        .get_builder()
        .header("last-event-id", &cursor)
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 200);
    let body = resumed.text().await.unwrap();
    let rest: Vec<_> = parse_events(&body)
        .into_iter()
        .filter(|e| !e.data.is_empty())
        .collect();
    let progress: Vec<f64> = rest
        .iter()
        .filter_map(|e| {
            serde_json::from_str::<Value>(&e.data).unwrap()["params"]["progress"].as_f64()
        })
        .collect();
    assert_eq!(progress, vec![2.0, 3.0, 4.0, 5.0], "{body}");
    let last: Value = serde_json::from_str(&rest.last().unwrap().data).unwrap();
    assert_eq!(last["result"]["content"][0]["text"], "done");
    let mut ids: Vec<_> = rest.iter().map(|e| e.id.clone().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), rest.len(), "no event twice");
}

#[actix_web::test]
async fn cancellation_reaches_the_tool_and_the_post_ends_unanswered() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-11-25").await;
    let call = json!({"jsonrpc":"2.0","id":"c","method":"tools/call",
        "params":{"name":"waits_for_cancel","arguments":{"tag":"streamable-cancel","delay_ms":0}}});
    let pending = client.post(&call);
    let cancel = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        client
            .post(&json!({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c","reason":"changed my mind"}}))
            .await
            .status()
    };
    let (response, cancelled) = futures_util::join!(pending, cancel);
    assert_eq!(cancelled, 202);
    assert_eq!(
        response.status(),
        202,
        "no answer is sent for a cancelled request"
    );
    assert!(
        eventually(Duration::from_secs(5), || async {
            common::test_tools::CANCELS_SEEN
                .lock()
                .unwrap()
                .contains("streamable-cancel")
        })
        .await,
        "the tool saw the cancellation"
    );
}
