//! Resumability across replicas, through a real `redis-server`: a `Last-Event-ID`
//! handed out by a replica that is gone (shut down, or SIGKILLed) replays, on the
//! replica that adopts the session, exactly the events the client missed, and the
//! adopter's own event ids never repeat the old ones.

mod common;

use common::eventually;
use common::replicas::{added_tool, replica, BinaryReplica};
use common::services::RedisServer;
use common::streamable_client::{Event, EventReader, StreamableClient};
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

/// The next event that carries a message (skipping `retry:` and priming events).
async fn next_message(events: &mut EventReader) -> Event {
    loop {
        let event = events.next(WAIT).await.expect("an event");
        if !event.data.is_empty() {
            return event;
        }
    }
}

/// A GET with `Last-Event-ID: last`, retried while the session's old replica still
/// counts as alive (503) — a client retries the same way.
async fn resume(client: &StreamableClient, last: &str) -> EventReader {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let response = client
            .get_builder()
            .header("last-event-id", last)
            .send()
            .await
            .expect("GET with Last-Event-ID");
        match response.status().as_u16() {
            200 => return EventReader::new(response),
            503 if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            status => panic!("resuming from {last}: {status}"),
        }
    }
}

#[actix_web::test]
async fn a_replay_goes_on_on_the_replica_that_adopted_the_session() {
    let redis = RedisServer::start();
    let (a, b) = (replica(&redis.url()).await, replica(&redis.url()).await);
    let mut client = StreamableClient::new(&format!("{}/mcp", a.base_url));
    client.initialize("2025-11-25").await;

    // Two list changes on A's standalone stream; the client keeps the first one's id.
    let mut standalone = EventReader::new(client.get_builder().send().await.expect("GET"));
    a.mcp.add_tool(added_tool("first")).expect("a new tool");
    let seen = next_message(&mut standalone).await;
    a.mcp.remove_tool("first");
    let missed = next_message(&mut standalone).await;
    drop(standalone);

    // A call whose progress and answer stream on its POST response.
    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "progress_steps", "arguments": {"steps": 3, "delay_ms": 5},
        "_meta": {"progressToken": "p"}}});
    let mut answer = EventReader::new(client.post(&call).await);
    let mut on_post = Vec::new();
    while let Some(event) = answer.next(WAIT).await {
        if !event.data.is_empty() {
            on_post.push(event);
        }
    }
    assert_eq!(on_post.len(), 4, "three progress reports and the answer");

    a.mcp.shutdown(Duration::from_millis(100)).await;
    client.url = format!("{}/mcp", b.base_url);

    // B adopts the session and replays the standalone stream after the seen event...
    let mut resumed = resume(&client, seen.id.as_deref().expect("an id")).await;
    let replayed = next_message(&mut resumed).await;
    assert_eq!(replayed, missed, "the missed event, as A sent it");
    // ...then carries it on, with ids of its own.
    b.mcp.add_tool(added_tool("second")).expect("a new tool");
    let live = next_message(&mut resumed).await;
    assert!(live.data.contains("tools/list_changed"), "{live:?}");
    let old_ids = [&seen, &missed]
        .into_iter()
        .chain(&on_post)
        .map(|e| e.id.clone());
    let old_ids: Vec<_> = old_ids.collect();
    assert!(
        live.id.is_some() && !old_ids.contains(&live.id),
        "{live:?} vs {old_ids:?}"
    );
    drop(resumed);

    // The call's stream, resumed after its first progress report: the rest, once.
    let mut rest = resume(&client, on_post[0].id.as_deref().expect("an id")).await;
    for expected in &on_post[1..] {
        assert_eq!(&next_message(&mut rest).await, expected);
    }
    assert!(
        rest.ends_within(WAIT).await,
        "the answered call's stream is complete"
    );
    assert_eq!(b.mcp.session_count().await, 1, "B holds the session");
}

/// What Redis holds of session `id`'s events.
async fn recorded(redis: &RedisServer, id: &str) -> Vec<String> {
    let client = redis::Client::open(redis.url()).expect("redis URL");
    let Ok(mut connection) = client.get_multiplexed_async_connection().await else {
        return Vec::new();
    };
    redis::cmd("LRANGE")
        .arg(format!("mcp:events:{id}"))
        .arg(0)
        .arg(-1)
        .query_async(&mut connection)
        .await
        .unwrap_or_default()
}

#[actix_web::test]
async fn an_answer_sent_by_a_killed_replica_is_replayed_once_by_a_survivor() {
    let redis = RedisServer::start();
    let sse = ["--response-mode", "sse"];
    let a = BinaryReplica::start(&redis.url(), &sse).await;
    let b = BinaryReplica::start(&redis.url(), &sse).await;
    let mut client = StreamableClient::new(&format!("http://127.0.0.1:{}/mcp", a.port));
    client.initialize("2025-11-25").await;
    let session = client.session_id.clone().expect("a session id");

    // The answer reaches A's socket, but the client drops the response after the
    // priming event, as a client whose connection broke would.
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "echo", "arguments": {"message": "kept"}}});
    let mut answer = EventReader::new(client.post(&call).await);
    let prime = loop {
        let event = answer.next(WAIT).await.expect("the priming event");
        if event.id.is_some() {
            break event; // after the `retry:` advice
        }
    };
    assert!(prime.data.is_empty(), "{prime:?}");
    let prime_id = prime.id.expect("an id");
    drop(answer);
    let written = eventually(WAIT, || {
        let (redis, session) = (&redis, &session);
        async move {
            recorded(redis, session)
                .await
                .iter()
                .any(|e| e.contains("kept"))
        }
    })
    .await;
    assert!(written, "A recorded its answer in Redis");
    drop(a); // SIGKILL

    client.url = format!("http://127.0.0.1:{}/mcp", b.port);
    let mut replay = resume(&client, &prime_id).await;
    let replayed = next_message(&mut replay).await;
    let message: serde_json::Value = serde_json::from_str(&replayed.data).expect("JSON");
    assert_eq!(message["id"], 1, "{message}");
    assert_eq!(message["result"]["content"][0]["text"], "kept", "{message}");
    assert!(
        replay.ends_within(WAIT).await,
        "then the stream is complete"
    );

    // Resumed after the answer: nothing again.
    let mut after = resume(&client, replayed.id.as_deref().expect("an id")).await;
    let mut again = Vec::new();
    while let Some(event) = after.next(WAIT).await {
        again.extend((!event.data.is_empty()).then_some(event));
    }
    assert!(again.is_empty(), "replayed twice: {again:?}");
    assert!(after.ends_within(Duration::from_millis(100)).await);
    assert!(b.log().contains("session adopted"), "B adopted it");
}
