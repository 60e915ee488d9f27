//! Memory stays bounded whatever clients do: 10,000 sessions opened and dropped leave
//! an empty registry and RSS near its baseline; a client that never reads its stream
//! while asking for hundreds of MB loses its session, not our memory.

mod common;

use common::sse_client::SseClient;
use common::streamable_client::StreamableClient;
use common::{eventually, fast_config, start_server};
use futures_util::future::join_all;
use serde_json::json;
use std::time::Duration;

extern "C" {
    /// glibc: give free heap memory back to the OS, so RSS shows what is in use.
    fn malloc_trim(pad: usize) -> i32;
}

/// This process's resident set (the server runs in-process), in KiB, after returning
/// free heap pages to the OS.
fn trimmed_rss_kib() -> usize {
    // SAFETY: malloc_trim only releases unused heap memory; it has no preconditions.
    unsafe {
        malloc_trim(0);
    }
    rss_kib()
}

/// This process's resident set, in KiB.
fn rss_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

async fn open_and_drop_legacy(url: &str, count: usize) {
    let clients = join_all((0..count).map(|_| SseClient::connect(url))).await;
    drop(clients);
}

async fn registry_empties(server: &common::TestServer) -> bool {
    let mcp = server.mcp.clone();
    eventually(Duration::from_secs(20), || {
        let mcp = mcp.clone();
        async move { mcp.session_count().await == 0 }
    })
    .await
}

#[actix_web::test]
async fn ten_thousand_sessions_opened_and_dropped_leave_nothing_behind() {
    let config = actix_mcp::McpConfig {
        session_idle_ttl: Duration::from_secs(2),
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let sse_url = format!("{}/sse", server.base_url);
    let mcp_url = format!("{}/mcp", server.base_url);

    // Warm up allocator pools and connection paths, then take the baseline.
    open_and_drop_legacy(&sse_url, 500).await;
    assert!(registry_empties(&server).await);
    let baseline = trimmed_rss_kib();

    let mut readings = Vec::new();
    for round in 0..2 {
        for _ in 0..16 {
            open_and_drop_legacy(&sse_url, 500).await;
        }
        // Streamable sessions clients abandon without DELETE.
        for _ in 0..4 {
            join_all((0..500).map(|_| {
                let url = mcp_url.clone();
                async move {
                    let mut client = StreamableClient::new(&url);
                    client.initialize("2025-11-25").await;
                }
            }))
            .await;
        }
        assert!(
            registry_empties(&server).await,
            "round {round}: every session left the registry"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        readings.push(trimmed_rss_kib());
    }
    let after = readings[1];
    let grown = after.saturating_sub(baseline);
    eprintln!(
        "RSS baseline {baseline} KiB, after 10,000 sessions {} KiB, after 20,000 {after} KiB",
        readings[0]
    );
    // What the first 10,000 leave is allocator slack: the next 10,000 add nothing (a
    // leak of even 1 KiB per session would add ~10 MiB here), and the total stays a
    // small fraction of what 10,000 live sessions hold.
    let second_round = readings[1].saturating_sub(readings[0]);
    assert!(
        second_round < 4 * 1024,
        "RSS grew by {second_round} KiB in the second round: a leak"
    );
    assert!(
        grown < 24 * 1024,
        "RSS grew by {grown} KiB after all sessions ended"
    );
}

#[actix_web::test]
async fn a_client_that_never_reads_while_asking_for_hundreds_of_mb_stays_bounded() {
    let server = start_server(fast_config(), "").await; // default queue budgets
    let baseline = rss_kib();

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
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let init = json!({"jsonrpc":"2.0","id":0,"method":"initialize",
        "params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}});
    assert_eq!(post(init).await, 202);

    // 400 answers of 1 MiB each: 400 MB asked for, never read.
    let mut peak = 0;
    let mut accepted = 0;
    for id in 1..=400 {
        let status = post(json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
            "params":{"name":"big_text","arguments":{"bytes": 1 << 20}}}))
        .await;
        peak = peak.max(rss_kib());
        if status == 404 {
            break;
        }
        assert_eq!(status, 202);
        accepted += 1;
    }
    assert!(
        registry_empties(&server).await,
        "the non-reading client's session was closed"
    );
    let grown = peak.saturating_sub(baseline);
    eprintln!("accepted {accepted} calls before closing; RSS peak +{grown} KiB over baseline");
    assert!(
        grown < 96 * 1024,
        "RSS grew by {grown} KiB for one non-reading client"
    );

    // Everyone else is served as usual.
    let mut healthy = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    healthy.initialize("2025-06-18").await;
    let ok = healthy
        .call_tool(json!(1), "echo", json!({"message": "fine"}))
        .await;
    assert_eq!(ok["result"]["content"][0]["text"], "fine");
    drop(stalled);
}
