//! Every handler runs under the same executor policy: a resource reader that never
//! finishes is stopped at the handler timeout, answered with an error, and gives its
//! in-flight slot back (before the executor, such a reader held its slot forever).

mod common;

use actix_mcp::resource::Resource;
use actix_mcp::{McpConfig, McpServer};
use common::sse_client::SseClient;
use common::{fast_config, start_with, test_tools};
use serde_json::json;
use std::time::{Duration, Instant};

#[actix_web::test]
async fn a_hung_resource_read_times_out_and_frees_its_slot() {
    let config = McpConfig {
        handler_timeout: Duration::from_millis(300),
        // One slot: if the hung read kept it, nothing else could run.
        max_in_flight_per_session: 1,
        ..fast_config()
    };
    let mut builder = McpServer::builder().config(config).resource(Resource::new(
        "test://never",
        "never",
        |_ctx| std::future::pending(),
    ));
    for tool in test_tools::all() {
        builder = builder.tool(tool);
    }
    let server = start_with(builder.build().expect("valid server"), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-11-25").await;

    let started = Instant::now();
    let read = client
        .request(json!(1), "resources/read", json!({"uri": "test://never"}))
        .await;
    assert_eq!(read["error"]["code"], -32603, "{read}");
    let message = read["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("did not finish within 0.3 s"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5));

    let echo = client
        .call_tool(
            json!(2),
            "slow_echo",
            json!({"tag": "after", "delay_ms": 0}),
        )
        .await;
    assert_eq!(echo["result"]["content"][0]["text"], "after", "{echo}");
}
