//! Replicas sharing one session space through a real `redis-server` (and, for the
//! clients, behind a real `haproxy` balancing round-robin with no stickiness): a
//! legacy SSE session's POSTs reach it from any replica; a session nobody holds is
//! `404`; Redis down makes cross-replica work `503` while local sessions go on, and
//! a Redis restart is caught up without restarting any replica.

mod common;

use common::replicas::{added_tool, replica, BinaryReplica};
use common::services::{Haproxy, RedisServer};
use common::sse_client::SseClient;
use common::{eventually, TestServer};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// `count` replicas sharing `redis`, behind haproxy balancing round-robin over them.
async fn balanced(redis: &RedisServer, count: usize) -> (Vec<TestServer>, Haproxy) {
    let mut replicas = Vec::new();
    for _ in 0..count {
        replicas.push(replica(&redis.url()).await);
    }
    let ports: Vec<u16> = replicas
        .iter()
        .map(|r| {
            r.base_url
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("port")
        })
        .collect();
    let balancer = Haproxy::start(&ports);
    (replicas, balancer)
}

/// A legacy session opened on `on`, whose POSTs go to `via`.
async fn session_split(on: &TestServer, via: &TestServer) -> SseClient {
    let mut client = SseClient::connect(&format!("{}/sse", on.base_url)).await;
    client.post_url = format!("{}{}", via.base_url, client.endpoint);
    client
}

#[actix_web::test]
async fn a_legacy_sessions_posts_reach_it_through_another_replica() {
    let redis = RedisServer::start();
    let (a, b) = (replica(&redis.url()).await, replica(&redis.url()).await);
    let mut client = session_split(&a, &b).await;
    let init = client.initialize("2024-11-05").await;
    assert_eq!(init["serverInfo"]["name"], "actix-mcp", "{init}");
    for i in 0..20 {
        let answer = client
            .call_tool(json!(i), "echo", json!({"message": format!("via b {i}")}))
            .await;
        assert_eq!(answer["result"]["content"][0]["text"], format!("via b {i}"));
    }
    assert_eq!(a.mcp.session_count().await, 1);
    assert_eq!(
        b.mcp.session_count().await,
        0,
        "B forwarded, it holds nothing"
    );

    // An id no replica holds: 404 from either, as on one server.
    let unknown = format!(
        "{}/messages?session_id={}",
        b.base_url,
        uuid::Uuid::new_v4()
    );
    let status = reqwest::Client::new()
        .post(&unknown)
        .header("content-type", "application/json")
        .body(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string())
        .send()
        .await
        .expect("POST")
        .status();
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn a_session_whose_replica_is_gone_is_not_found() {
    let redis = RedisServer::start();
    let b = replica(&redis.url()).await;
    let endpoint;
    {
        let a = replica(&redis.url()).await;
        let mut client = session_split(&a, &b).await;
        client.initialize("2024-11-05").await;
        endpoint = client.endpoint.clone();
        a.mcp.shutdown(Duration::from_millis(100)).await;
    }
    let url = format!("{}{endpoint}", b.base_url);
    let gone = eventually(Duration::from_secs(5), || {
        let url = url.clone();
        async move {
            let status = reqwest::Client::new()
                .post(&url)
                .header("content-type", "application/json")
                .body(json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string())
                .send()
                .await
                .map(|r| r.status().as_u16());
            status.ok() == Some(404)
        }
    })
    .await;
    assert!(
        gone,
        "a session whose replica ended is 404 through the others"
    );
}

#[actix_web::test]
async fn redis_down_fails_cross_replica_work_fast_and_a_restart_is_caught_up() {
    let redis = RedisServer::start();
    let port = redis.port;
    let (a, b) = (replica(&redis.url()).await, replica(&redis.url()).await);
    let mut local = SseClient::connect(&format!("{}/sse", a.base_url)).await;
    local.initialize("2024-11-05").await;
    let mut split = session_split(&a, &b).await;
    split.initialize("2024-11-05").await;

    drop(redis);
    // Local sessions go on; forwarding and new sessions fail at once with 503.
    let answer = local
        .call_tool(json!(1), "echo", json!({"message": "still here"}))
        .await;
    assert_eq!(answer["result"]["content"][0]["text"], "still here");
    let started = std::time::Instant::now();
    let forwarded = split
        .post(&json!({"jsonrpc": "2.0", "id": 2, "method": "ping"}))
        .await;
    assert_eq!(forwarded.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(5), "fails fast");
    let opened = reqwest::Client::new()
        .get(format!("{}/sse", b.base_url))
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("GET /sse");
    assert_eq!(opened.status(), 503);
    assert!(opened.headers().contains_key("retry-after"));

    // The same Redis comes back empty: the replicas reconnect and enter their
    // sessions again, and forwarding works without restarting anything.
    let _redis = RedisServer::start_on(port);
    let recovered = eventually(Duration::from_secs(15), || {
        let split = &split;
        async move {
            split
                .post(&json!({"jsonrpc": "2.0", "id": "again", "method": "ping"}))
                .await
                .status()
                == 202
        }
    })
    .await;
    assert!(recovered, "forwarding works again after Redis restarted");
    let answer = split
        .response(&json!("again"), Duration::from_secs(5))
        .await
        .expect("the ping's answer on the stream");
    assert_eq!(answer["result"], json!({}));
}

/// The official SDK clients, many sessions with concurrent calls, through haproxy.
#[actix_web::test]
async fn sdk_clients_over_legacy_sse_through_a_round_robin_balancer() {
    let redis = RedisServer::start();
    let (replicas, balancer) = balanced(&redis, 3).await;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/test-deps/venv/bin/python");
    assert!(python.exists(), "run scripts/install-test-deps.sh");
    let out = common::run_interop_client(
        "Python SDK client",
        &python,
        &root.join("tests/clients/python/sse_client_check.py"),
        &format!("{}/sse", balancer.url()),
        &["--sessions", "12", "--calls", "8"],
    )
    .await;
    assert!(out.contains("12 sessions"), "{out}");
    let out = common::run_interop_client(
        "TypeScript SDK client",
        &root.join("scripts/node"),
        &root.join("tests/clients/typescript/check.mjs"),
        &format!("{}/sse", balancer.url()),
        &["--transport", "sse", "--sessions", "12", "--calls", "8"],
    )
    .await;
    assert!(out.contains("12 sessions"), "{out}");
    drop(replicas);
}

#[actix_web::test]
async fn a_list_change_on_one_replica_reaches_sessions_on_the_others() {
    let redis = RedisServer::start();
    let (a, b) = (replica(&redis.url()).await, replica(&redis.url()).await);
    let mut on_b = SseClient::connect(&format!("{}/sse", b.base_url)).await;
    on_b.initialize("2025-03-26").await;
    a.mcp
        .add_tool(added_tool("added_on_a"))
        .expect("a new tool");
    let heard = on_b
        .next_message(Duration::from_secs(5))
        .await
        .expect("a notification on B's session");
    assert_eq!(
        heard["method"], "notifications/tools/list_changed",
        "{heard}"
    );
    // Announced once: B's own broadcast path does not echo it back to A or to itself.
    assert!(on_b
        .next_message(Duration::from_millis(500))
        .await
        .is_none());
}

/// Streamable HTTP handshake sessions through the balancer: each request of a session
/// may land on any replica, its answers come back through the one it reached.
#[actix_web::test]
async fn sdk_clients_over_streamable_sessions_through_a_round_robin_balancer() {
    let redis = RedisServer::start();
    let (replicas, balancer) = balanced(&redis, 3).await;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = common::run_interop_client(
        "Python SDK client",
        &root.join("target/test-deps/venv/bin/python"),
        &root.join("tests/clients/python/sse_client_check.py"),
        &format!("{}/mcp", balancer.url()),
        &[
            "--transport",
            "streamable-http",
            "--api",
            "session",
            "--sessions",
            "12",
            "--calls",
            "8",
        ],
    )
    .await;
    assert!(out.contains("12 sessions"), "{out}");
    let out = common::run_interop_client(
        "TypeScript SDK client",
        &root.join("scripts/node"),
        &root.join("tests/clients/typescript/check.mjs"),
        &format!("{}/mcp", balancer.url()),
        &[
            "--transport",
            "streamable-http",
            "--sessions",
            "12",
            "--calls",
            "8",
        ],
    )
    .await;
    assert!(out.contains("12 sessions"), "{out}");
    assert!(
        out.contains("mcp-session-id present (12 distinct)"),
        "{out}"
    );
    drop(replicas);
}

#[actix_web::test]
async fn a_streamable_session_is_served_through_another_replica() {
    use common::streamable_client::{EventReader, StreamableClient};
    let redis = RedisServer::start();
    let (a, b) = (replica(&redis.url()).await, replica(&redis.url()).await);
    let mut client = StreamableClient::new(&format!("{}/mcp", a.base_url));
    client.initialize("2025-11-25").await;
    client.url = format!("{}/mcp", b.base_url);

    // A call through B, answered by A's session, comes back on B's response.
    let answer = client
        .call_tool(json!(1), "echo", json!({"message": "through b"}))
        .await;
    assert_eq!(
        answer["result"]["content"][0]["text"], "through b",
        "{answer}"
    );

    // The standalone stream held on B carries what A's session sends, with A's ids.
    let response = client.get_builder().send().await.expect("GET via B");
    assert_eq!(response.status(), 200);
    let mut events = EventReader::new(response);
    let retry = events.next(Duration::from_secs(5)).await.expect("retry:");
    assert_eq!(
        retry.retry,
        Some(3000),
        "the stream starts as it would on A: {retry:?}"
    );
    let prime = events
        .next(Duration::from_secs(5))
        .await
        .expect("the priming event");
    assert!(prime.data.is_empty() && prime.id.is_some(), "{prime:?}");
    a.mcp
        .add_tool(added_tool("added_on_a"))
        .expect("a new tool");
    let changed = events
        .next(Duration::from_secs(5))
        .await
        .expect("the list change");
    assert!(
        changed.data.contains("notifications/tools/list_changed"),
        "{changed:?}"
    );
    let last_id = changed.id.clone().expect("an event id");
    drop(events);

    // Resuming through B after the client went away: A replays what came after.
    a.mcp.remove_tool("added_on_a");
    let resumed = client
        .get_builder()
        .header("last-event-id", prime.id.clone().expect("id"))
        .send()
        .await
        .expect("GET with Last-Event-ID via B");
    let mut replay = EventReader::new(resumed);
    let again = replay
        .next(Duration::from_secs(5))
        .await
        .expect("a replayed event");
    assert_eq!(
        again.id.as_deref(),
        Some(last_id.as_str()),
        "replayed once, in order"
    );
    let removed = replay
        .next(Duration::from_secs(5))
        .await
        .expect("the next change");
    assert!(removed.data.contains("list_changed"), "{removed:?}");
    drop(replay);

    // DELETE through B ends the session on A.
    let deleted = reqwest::Client::new()
        .delete(&client.url)
        .header("mcp-session-id", client.session_id.clone().expect("id"))
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .expect("DELETE via B");
    assert_eq!(deleted.status(), 200);
    let mcp = a.mcp.clone();
    assert!(
        eventually(Duration::from_secs(5), || {
            let mcp = mcp.clone();
            async move { mcp.session_count().await == 0 }
        })
        .await,
        "A's session ended"
    );
    let after = client
        .post(&json!({"jsonrpc": "2.0", "id": 9, "method": "ping"}))
        .await;
    assert_eq!(after.status(), 404);
}

#[actix_web::test]
async fn a_streamable_session_goes_on_after_its_replica_shuts_down() {
    use common::streamable_client::StreamableClient;
    let redis = RedisServer::start();
    let (a, b) = (replica(&redis.url()).await, replica(&redis.url()).await);
    let mut client = StreamableClient::new(&format!("{}/mcp", a.base_url));
    client.initialize("2025-11-25").await;
    let set = client
        .request(json!(1), "logging/setLevel", json!({"level": "error"}))
        .await;
    assert!(set.get("result").is_some(), "{set}");
    let session = client.session_id.clone();
    a.mcp.shutdown(Duration::from_millis(100)).await;

    // B adopts it at its next request: same id, same terms, no new handshake.
    client.url = format!("{}/mcp", b.base_url);
    let served = eventually(Duration::from_secs(10), || {
        let client = &client;
        async move {
            let answer = client
                .post(&json!({"jsonrpc": "2.0", "id": "probe", "method": "ping"}))
                .await;
            answer.status() == 200
        }
    })
    .await;
    assert!(served, "B serves the session once A is gone");
    let answer = client
        .call_tool(json!(2), "echo", json!({"message": "on b now"}))
        .await;
    assert_eq!(
        answer["result"]["content"][0]["text"], "on b now",
        "{answer}"
    );
    assert_eq!(client.session_id, session);
    assert_eq!(b.mcp.session_count().await, 1, "B holds it now");

    // A session that ended for good is not brought back.
    let deleted = reqwest::Client::new()
        .delete(&client.url)
        .header("mcp-session-id", session.clone().expect("id"))
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), 200);
    let c = replica(&redis.url()).await;
    client.url = format!("{}/mcp", c.base_url);
    let gone = eventually(Duration::from_secs(5), || {
        let client = &client;
        async move {
            client
                .post(&json!({"jsonrpc": "2.0", "id": "late", "method": "ping"}))
                .await
                .status()
                == 404
        }
    })
    .await;
    assert!(gone, "a deleted session stays deleted on every replica");
}

/// One call, retried as a client would (a new id each time) until it is answered.
async fn call_until_answered(
    client: &common::streamable_client::StreamableClient,
    session: usize,
    n: usize,
    attempts: &mut usize,
) {
    let message = format!("s{session}-{n}");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        *attempts += 1;
        let id = format!("{session}-{n}-{attempts}");
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": "echo", "arguments": {"message": message}}});
        let response = client.post_builder().body(body.to_string()).send().await;
        // The connection cut by the kill: the request failed, as for any client.
        let Ok(response) = response else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let status = response.status();
        if status == 200 {
            let answer = common::streamable_client::StreamableClient::read_answer(response).await;
            assert_eq!(answer["id"], id.as_str(), "every answer to its own request");
            if answer.get("result").is_some() {
                assert_eq!(answer["result"]["content"][0]["text"], message.as_str());
                return;
            }
        } else {
            // 503 while the dead replica still counts as alive: retry. Never 404: the
            // session must survive.
            assert_ne!(status, 404, "session {session} lost at call {n}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "call {message} never answered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[actix_web::test]
async fn streamable_sessions_survive_a_killed_replica() {
    use common::streamable_client::StreamableClient;
    let started = std::time::Instant::now();
    let redis = RedisServer::start();
    let mut replicas = vec![
        BinaryReplica::start(&redis.url(), &[]).await,
        BinaryReplica::start(&redis.url(), &[]).await,
        BinaryReplica::start(&redis.url(), &[]).await,
    ];
    let ports: Vec<u16> = replicas.iter().map(|r| r.port).collect();
    let balancer = Haproxy::start(&ports);

    // A legacy session held directly by a survivor: untouched by the kill.
    let mut legacy = SseClient::connect(&format!("http://127.0.0.1:{}/sse", ports[1])).await;
    legacy.initialize("2024-11-05").await;

    let mut sessions = Vec::new();
    for _ in 0..9 {
        let mut client = StreamableClient::new(&format!("{}/mcp", balancer.url()));
        client.initialize("2025-11-25").await;
        sessions.push(client);
    }
    let ids: Vec<_> = sessions.iter().map(|c| c.session_id.clone()).collect();
    let work = sessions.into_iter().enumerate().map(|(i, client)| {
        tokio::spawn(async move {
            let mut attempts = 0;
            for n in 0..40 {
                call_until_answered(&client, i, n, &mut attempts).await;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            (client, attempts)
        })
    });
    let work: Vec<_> = work.collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let killed = replicas.remove(0); // SIGKILL, calls in flight
    drop(killed);
    let mut retried = 0;
    for (i, done) in work.into_iter().enumerate() {
        let (client, attempts) = done.await.expect("session task");
        assert_eq!(client.session_id, ids[i], "the same session id throughout");
        retried += attempts - 40;
    }
    let adopted: usize = replicas
        .iter()
        .map(|r| r.log().matches("session adopted").count())
        .sum();
    assert!(
        adopted > 0,
        "some sessions were the killed replica's and moved"
    );
    eprintln!(
        "{adopted} sessions adopted; {retried} calls retried; {:?} in all",
        started.elapsed()
    );
    let answer = legacy
        .call_tool(json!("after"), "echo", json!({"message": "untouched"}))
        .await;
    assert_eq!(answer["result"]["content"][0]["text"], "untouched");
}
