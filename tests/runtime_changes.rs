//! Tools, resources and prompts added or removed while the server runs: every
//! initialized session hears the matching list_changed, on both transports, and the
//! lists and calls follow.

mod common;

use actix_mcp::prompt::{GetPromptResult, NoArguments, Prompt, PromptMessage};
use actix_mcp::resource::Resource;
use actix_mcp::{Content, Tool, ToolContext};
use common::sse_client::SseClient;
use common::streamable_client::{EventReader, StreamableClient};
use common::{fast_config, start_server};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

#[derive(Deserialize, JsonSchema)]
struct Args {
    /// Any text.
    text: String,
}

async fn next_data(events: &mut EventReader) -> Value {
    loop {
        let event = events
            .next(WAIT)
            .await
            .expect("an event on the standalone stream");
        if !event.data.is_empty() {
            return serde_json::from_str(&event.data).unwrap();
        }
    }
}

#[actix_web::test]
async fn list_changes_reach_every_initialized_session() {
    let server = start_server(fast_config(), "").await;
    let mut legacy = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    legacy.initialize("2025-06-18").await;
    let mut streamable = StreamableClient::new(&format!("{}/mcp", server.base_url));
    streamable.initialize("2025-11-25").await;
    let mut standalone = EventReader::new(streamable.get_builder().send().await.unwrap());
    let mut not_yet = SseClient::connect(&format!("{}/sse", server.base_url)).await;

    server
        .mcp
        .add_tool(Tool::new(
            "reverse",
            "Reverses text",
            |a: Args, _ctx: ToolContext| async move { a.text.chars().rev().collect::<String>() },
        ))
        .unwrap();
    let note = legacy.next_message(WAIT).await.unwrap();
    assert_eq!(
        note,
        json!({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})
    );
    assert_eq!(
        next_data(&mut standalone).await["method"],
        "notifications/tools/list_changed"
    );
    assert!(
        not_yet
            .next_message(Duration::from_millis(200))
            .await
            .is_none(),
        "not initialized: nothing sent"
    );

    let reversed = legacy
        .call_tool(json!(1), "reverse", json!({"text": "abc"}))
        .await;
    assert_eq!(reversed["result"]["content"][0]["text"], "cba");
    let reversed = streamable
        .call_tool(json!(1), "reverse", json!({"text": "xyz"}))
        .await;
    assert_eq!(reversed["result"]["content"][0]["text"], "zyx");
    assert!(server
        .mcp
        .add_tool(Tool::new(
            "reverse",
            "again",
            |a: Args, _ctx: ToolContext| async move { a.text }
        ))
        .is_err());

    assert!(server.mcp.remove_tool("reverse"));
    assert!(!server.mcp.remove_tool("reverse"));
    assert_eq!(
        legacy.next_message(WAIT).await.unwrap()["method"],
        "notifications/tools/list_changed"
    );
    let gone = legacy
        .call_tool(json!(2), "reverse", json!({"text": "abc"}))
        .await;
    assert_eq!(gone["error"]["code"], -32602);
    let list = legacy.request(json!(3), "tools/list", json!({})).await;
    assert!(list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["name"] != "reverse"));

    server
        .mcp
        .add_resource(Resource::text("test://new", "new", "text/plain", "fresh"))
        .unwrap();
    assert_eq!(
        legacy.next_message(WAIT).await.unwrap()["method"],
        "notifications/resources/list_changed"
    );
    let read = legacy
        .request(json!(4), "resources/read", json!({"uri": "test://new"}))
        .await;
    assert_eq!(read["result"]["contents"][0]["text"], "fresh");
    assert!(server.mcp.remove_resource("test://new"));
    assert_eq!(
        legacy.next_message(WAIT).await.unwrap()["method"],
        "notifications/resources/list_changed"
    );
    let read = legacy
        .request(json!(5), "resources/read", json!({"uri": "test://new"}))
        .await;
    assert_eq!(read["error"]["code"], -32002);

    server
        .mcp
        .add_prompt(Prompt::new(
            "fresh",
            "A new prompt",
            |_: NoArguments, _c| async {
                Ok(GetPromptResult::messages(vec![PromptMessage::user(
                    Content::text("new"),
                )]))
            },
        ))
        .unwrap();
    assert_eq!(
        legacy.next_message(WAIT).await.unwrap()["method"],
        "notifications/prompts/list_changed"
    );
    assert_eq!(
        next_data(&mut standalone).await["method"],
        "notifications/tools/list_changed"
    );
    let got = streamable
        .request(json!(6), "prompts/get", json!({"name": "fresh"}))
        .await;
    assert_eq!(got["result"]["messages"][0]["content"]["text"], "new");
    assert!(server.mcp.remove_prompt("fresh"));
    assert_eq!(
        legacy.next_message(WAIT).await.unwrap()["method"],
        "notifications/prompts/list_changed"
    );
}
