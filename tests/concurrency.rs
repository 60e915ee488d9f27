//! Many sessions, many calls in flight: every answer reaches its own session and
//! request, answers leave in completion order, a bad tool hurts nobody else.

mod common;

use common::sse_client::SseClient;
use common::{fast_config, start_server};
use futures_util::future::join_all;
use serde_json::json;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

#[actix_web::test]
async fn answers_leave_in_completion_order() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    let slow = json!({"jsonrpc":"2.0","id":"slow","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"slow","delay_ms":400}}});
    let fast = json!({"jsonrpc":"2.0","id":"fast","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"fast","delay_ms":0}}});
    assert_eq!(client.post(&slow).await.status(), 202);
    assert_eq!(client.post(&fast).await.status(), 202);
    let first = client.next_message(WAIT).await.unwrap();
    assert_eq!(first["id"], "fast");
    let second = client.next_message(WAIT).await.unwrap();
    assert_eq!(second["id"], "slow");
    assert_eq!(second["result"]["content"][0]["text"], "slow");
}

/// One session: initialize, then `calls` concurrent calls with arguments unique to
/// this session and call; returns how many answers matched.
async fn run_session(base_url: String, session: usize, calls: usize) -> usize {
    let mut client = SseClient::connect(&format!("{base_url}/sse")).await;
    client.initialize("2025-11-25").await;
    let requests: Vec<_> = (0..calls)
        .map(|call| {
            let tag = format!("s{session}-c{call}");
            let (tool, arguments) = match call % 3 {
                0 => ("echo", json!({"message": tag})),
                1 => ("uppercase_text", json!({"text": tag})),
                _ => (
                    "slow_echo",
                    json!({"tag": tag, "delay_ms": (session * 7 + call * 13) % 50}),
                ),
            };
            json!({"jsonrpc":"2.0","id": format!("{session}:{call}"),"method":"tools/call",
                   "params":{"name": tool, "arguments": arguments}})
        })
        .collect();
    let statuses = join_all(requests.iter().map(|r| client.post(r))).await;
    assert!(statuses.iter().all(|r| r.status() == 202));
    let mut matched = 0;
    for (call, request) in requests.iter().enumerate() {
        let answer = client
            .response(&request["id"], WAIT)
            .await
            .unwrap_or_else(|| panic!("session {session} call {call}: no answer"));
        let tag = format!("s{session}-c{call}");
        let expected = if call % 3 == 1 {
            tag.to_uppercase()
        } else {
            tag
        };
        assert_eq!(answer["result"]["content"][0]["text"], expected.as_str());
        matched += 1;
    }
    // Nothing extra arrived: no answer was duplicated or sent to the wrong session.
    assert!(client
        .next_message(Duration::from_millis(50))
        .await
        .is_none());
    matched
}

#[actix_web::test]
async fn two_hundred_fifty_sessions_with_concurrent_calls_lose_nothing() {
    let server = start_server(fast_config(), "").await;
    let sessions = 250;
    let calls = 6;
    let started = Instant::now();
    let matched: usize = join_all(
        (0..sessions).map(|s| tokio::spawn(run_session(server.base_url.clone(), s, calls))),
    )
    .await
    .into_iter()
    .map(|r| r.expect("session task"))
    .sum();
    assert_eq!(matched, sessions * calls);
    eprintln!(
        "{sessions} sessions x {calls} calls answered in {:?}",
        started.elapsed()
    );
}

#[actix_web::test]
async fn a_panicking_or_blocking_tool_hurts_nobody_else() {
    let server = start_server(fast_config(), "").await;
    let mut victim = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    victim.initialize("2025-06-18").await;
    let mut bystander = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    bystander.initialize("2025-06-18").await;

    let panicked = victim.call_tool(json!(1), "panics", json!({})).await;
    assert_eq!(panicked["result"]["isError"], true);
    // The session goes on.
    let after = victim
        .call_tool(json!(2), "echo", json!({"message": "still here"}))
        .await;
    assert_eq!(after["result"]["content"][0]["text"], "still here");

    // A tool that blocks its thread for a second does not hold up another session.
    let blocker = json!({"jsonrpc":"2.0","id":"b","method":"tools/call",
        "params":{"name":"blocks_thread","arguments":{"tag":"done","delay_ms":1000}}});
    assert_eq!(victim.post(&blocker).await.status(), 202);
    let started = Instant::now();
    let quick = bystander
        .call_tool(json!(3), "echo", json!({"message": "quick"}))
        .await;
    assert_eq!(quick["result"]["content"][0]["text"], "quick");
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "a blocked tool thread delayed another session by {:?}",
        started.elapsed()
    );
    let blocked = victim.response(&json!("b"), WAIT).await.unwrap();
    assert_eq!(blocked["result"]["content"][0]["text"], "done");
}

#[actix_web::test]
async fn cancelled_calls_stop_and_get_no_answer() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    let long = json!({"jsonrpc":"2.0","id":"long","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"too late","delay_ms":2000}}});
    assert_eq!(client.post(&long).await.status(), 202);
    client
        .notify(
            "notifications/cancelled",
            json!({"requestId": "long", "reason": "user gave up"}),
        )
        .await;
    // Cancelling an unknown id is ignored, and the session answers as usual.
    client
        .notify(
            "notifications/cancelled",
            json!({"requestId": "never-sent"}),
        )
        .await;
    let pong = client.request(json!("p"), "ping", json!({})).await;
    assert_eq!(pong["result"], json!({}));
    assert!(
        client
            .next_message(Duration::from_millis(2500))
            .await
            .is_none(),
        "a cancelled request must not be answered"
    );
    // The id is free again once cancelled.
    let reuse = json!({"jsonrpc":"2.0","id":"long","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"again","delay_ms":0}}});
    assert_eq!(client.post(&reuse).await.status(), 202);
    let again = client.response(&json!("long"), WAIT).await.unwrap();
    assert_eq!(again["result"]["content"][0]["text"], "again");
}

#[actix_web::test]
async fn in_flight_limit_and_duplicate_ids_are_refused_clearly() {
    let config = actix_mcp::McpConfig {
        max_in_flight_per_session: 2,
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    let slow = |id: &str| {
        json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
            "params":{"name":"slow_echo","arguments":{"tag":id,"delay_ms":500}}})
    };
    for id in ["a", "b"] {
        assert_eq!(client.post(&slow(id)).await.status(), 202);
    }
    assert_eq!(client.post(&slow("a")).await.status(), 202);
    assert_eq!(client.post(&slow("c")).await.status(), 202);
    let first = client.next_message(WAIT).await.unwrap();
    assert_eq!(first["id"], "a");
    assert_eq!(first["error"]["code"], -32600, "duplicate id in flight");
    let over = client.next_message(WAIT).await.unwrap();
    assert_eq!(over["id"], "c");
    assert_eq!(over["error"]["code"], -32000);
    for id in ["a", "b"] {
        let done = client.response(&json!(id), WAIT).await.unwrap();
        assert_eq!(done["result"]["content"][0]["text"], id);
    }
}

#[actix_web::test]
async fn progress_reaches_the_legacy_stream_before_the_answer() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2024-11-05").await;
    let call = json!({"jsonrpc":"2.0","id":"p","method":"tools/call","params":{
        "name":"progress_steps","arguments":{"steps":3,"delay_ms":5},
        "_meta":{"progressToken": 7}}});
    assert_eq!(client.post(&call).await.status(), 202);
    for step in 1..=3 {
        let note = client.next_message(WAIT).await.unwrap();
        assert_eq!(note["method"], "notifications/progress");
        assert_eq!(note["params"]["progressToken"], 7);
        assert_eq!(note["params"]["progress"], step as f64);
        assert!(
            note["params"].get("message").is_none(),
            "2024-11-05 has no progress message"
        );
    }
    let answer = client.next_message(WAIT).await.unwrap();
    assert_eq!(answer["id"], "p");
}

#[actix_web::test]
async fn a_looping_tool_does_not_stall_sessions_or_the_registry() {
    let server = start_server(fast_config(), "").await;
    let mut looper = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    looper.initialize("2025-06-18").await;
    let spin = json!({"jsonrpc":"2.0","id":"spin","method":"tools/call",
        "params":{"name":"spins","arguments":{"tag":"spun","delay_ms":1500}}});
    assert_eq!(looper.post(&spin).await.status(), 202);
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    // Its own session still answers protocol methods…
    let pong = looper.request(json!("ping"), "ping", json!({})).await;
    assert_eq!(pong["result"], json!({}));
    // …new sessions register and other sessions' tools run.
    let mut other = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    other.initialize("2025-06-18").await;
    let quick = other
        .call_tool(json!(1), "echo", json!({"message": "unaffected"}))
        .await;
    assert_eq!(quick["result"]["content"][0]["text"], "unaffected");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "a spinning tool delayed others by {:?}",
        started.elapsed()
    );
    let spun = looper.response(&json!("spin"), WAIT).await.unwrap();
    let text = spun["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(text.starts_with("spun"), "{spun}");
}

#[actix_web::test]
async fn a_cancelled_tool_sees_the_cancellation() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    let call = json!({"jsonrpc":"2.0","id":"w","method":"tools/call",
        "params":{"name":"waits_for_cancel","arguments":{"tag":"legacy-cancel","delay_ms":0}}});
    assert_eq!(client.post(&call).await.status(), 202);
    tokio::time::sleep(Duration::from_millis(100)).await;
    client
        .notify("notifications/cancelled", json!({"requestId": "w"}))
        .await;
    assert!(
        common::eventually(Duration::from_secs(5), || async {
            common::test_tools::CANCELS_SEEN
                .lock()
                .unwrap()
                .contains("legacy-cancel")
        })
        .await,
        "the tool saw the cancellation"
    );
    assert!(
        client
            .next_message(Duration::from_millis(300))
            .await
            .is_none(),
        "and nothing was answered"
    );
}

/// Tool code runs on the tool runtime, whose threads never preempt the HTTP and actor
/// threads that wake them (SCHED_BATCH; see src/tool/runtime.rs).
#[cfg(target_os = "linux")]
#[actix_web::test]
async fn tools_run_on_tool_threads_that_yield_to_io() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    let answer = client.call_tool(json!(1), "where_am_i", json!({})).await;
    assert_eq!(
        answer["result"]["content"][0]["text"], "mcp-tool policy 3",
        "{answer}"
    );
}
