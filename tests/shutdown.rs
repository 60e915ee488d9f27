//! Graceful shutdown: calls in flight finish within the grace period, every stream
//! ends cleanly, nothing hangs; the binary exits 0 on SIGTERM with 100 open streams.

mod common;

use common::sse_client::SseClient;
use common::streamable_client::{EventReader, StreamableClient};
use common::{fast_config, start_server};
use futures_util::future::join_all;
use serde_json::json;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

#[actix_web::test]
async fn calls_in_flight_finish_then_every_stream_ends() {
    let server = start_server(fast_config(), "").await;
    let sse_url = format!("{}/sse", server.base_url);
    let mut streams = join_all((0..100).map(|_| SseClient::connect(&sse_url))).await;
    for client in streams.iter_mut().take(10) {
        client.initialize("2025-06-18").await;
        let call = json!({"jsonrpc":"2.0","id":"inflight","method":"tools/call",
            "params":{"name":"slow_echo","arguments":{"tag":"finished","delay_ms":400}}});
        assert_eq!(client.post(&call).await.status(), 202);
    }
    let mut streamable = StreamableClient::new(&format!("{}/mcp", server.base_url));
    streamable.initialize("2025-11-25").await;
    let standalone = EventReader::new(streamable.get_builder().send().await.unwrap());
    assert_eq!(server.mcp.session_count().await, 101);

    let started = Instant::now();
    server.mcp.shutdown(Duration::from_secs(5)).await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "shutdown waited {took:?}, calls take 400 ms"
    );
    assert_eq!(server.mcp.session_count().await, 0);

    for client in streams.iter_mut().take(10) {
        let answer = client
            .response(&json!("inflight"), WAIT)
            .await
            .expect("answered before the end");
        assert_eq!(answer["result"]["content"][0]["text"], "finished");
    }
    for client in streams.iter_mut() {
        assert!(client.stream_ended(WAIT).await, "every legacy stream ends");
    }
    let mut standalone = standalone;
    assert!(
        standalone.ends_within(WAIT).await,
        "the standalone GET stream ends"
    );

    // No new sessions once shutting down.
    let refused = reqwest::get(format!("{}/sse", server.base_url))
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
}

#[actix_web::test]
async fn a_call_longer_than_the_grace_period_is_cut_not_waited_for() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    let call = json!({"jsonrpc":"2.0","id":"long","method":"tools/call",
        "params":{"name":"slow_echo","arguments":{"tag":"never","delay_ms":60000}}});
    assert_eq!(client.post(&call).await.status(), 202);
    let started = Instant::now();
    server.mcp.shutdown(Duration::from_millis(300)).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(client.stream_ended(WAIT).await);
}

#[actix_web::test]
async fn the_binary_exits_zero_on_sigterm_with_100_open_streams() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_actix-mcp"))
        .args([
            "--port",
            &port.to_string(),
            "--shutdown-grace-secs",
            "5",
            "--log",
            "warn",
        ])
        .kill_on_drop(true)
        .spawn()
        .expect("start the binary");
    let base = format!("http://127.0.0.1:{port}");
    assert!(
        common::eventually(Duration::from_secs(10), || {
            let url = format!("{base}/sse");
            async move { reqwest::get(url).await.is_ok() }
        })
        .await,
        "the binary serves"
    );
    let sse_url = format!("{base}/sse");
    let mut streams = join_all((0..100).map(|_| SseClient::connect(&sse_url))).await;
    for (i, client) in streams.iter_mut().enumerate().take(20) {
        client.initialize("2025-06-18").await;
        let answer = client
            .call_tool(json!(i), "echo", json!({"message": "before"}))
            .await;
        assert_eq!(answer["result"]["content"][0]["text"], "before");
    }
    let pid = child.id().expect("pid").to_string();
    let started = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the binary exits promptly on SIGTERM")
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    for client in streams.iter_mut() {
        assert!(client.stream_ended(WAIT).await, "every stream ends");
    }
}
