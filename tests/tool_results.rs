//! Tool results and tool listings as clients of each revision receive them.

mod common;

use common::sse_client::SseClient;
use common::{fast_config, start_server};
use serde_json::{json, Value};

async fn session(version: &str) -> (common::TestServer, SseClient) {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize(version).await;
    (server, client)
}

async fn listed(client: &mut SseClient, name: &str) -> Value {
    let list = client.request(json!("list"), "tools/list", json!({})).await;
    list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .cloned()
        .unwrap()
}

#[actix_web::test]
async fn every_content_type_reaches_a_current_client() {
    let (_server, mut client) = session("2025-11-25").await;
    let answer = client.call_tool(json!(1), "all_content", json!({})).await;
    assert_eq!(
        answer["result"]["content"],
        json!([
            {"type":"text","text":"text","annotations":{"audience":["user"],"priority":1.0,"lastModified":"2025-01-01T00:00:00Z"}},
            {"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"},
            {"type":"audio","data":"UklGRg==","mimeType":"audio/wav"},
            {"type":"resource","resource":{"uri":"test://doc","mimeType":"text/plain","text":"embedded"}},
            {"type":"resource_link","uri":"test://doc","name":"doc"}
        ])
    );
}

#[actix_web::test]
async fn an_old_client_never_sees_fields_its_revision_lacks() {
    let (_server, mut client) = session("2024-11-05").await;
    let answer = client.call_tool(json!(1), "all_content", json!({})).await;
    let content = answer["result"]["content"].as_array().unwrap();
    assert_eq!(content.len(), 5, "nothing is dropped silently");
    assert_eq!(
        content[0]["annotations"],
        json!({"audience":["user"],"priority":1.0})
    );
    assert_eq!(content[2]["type"], "text", "audio is described, not sent");
    assert!(content[2]["text"].as_str().unwrap().contains("audio/wav"));
    assert_eq!(
        content[4]["type"], "text",
        "resource_link is described, not sent"
    );
    assert!(content[4]["text"].as_str().unwrap().contains("test://doc"));

    let add = client
        .call_tool(json!(2), "add", json!({"a": 2, "b": 3}))
        .await;
    assert!(add["result"].get("structuredContent").is_none());
    assert_eq!(add["result"]["content"][0]["text"], r#"{"sum":5}"#);

    let echo = listed(&mut client, "echo").await;
    assert!(echo.get("annotations").is_none() && echo.get("title").is_none());
    let add_tool = listed(&mut client, "add").await;
    assert!(add_tool.get("outputSchema").is_none());
}

#[actix_web::test]
async fn structured_output_with_schema_and_text_fallback() {
    let (_server, mut client) = session("2025-06-18").await;
    let add_tool = listed(&mut client, "add").await;
    assert_eq!(add_tool["outputSchema"]["type"], "object");
    assert_eq!(
        add_tool["outputSchema"]["properties"]["sum"]["type"],
        "integer"
    );
    let echo = listed(&mut client, "echo").await;
    assert_eq!(echo["title"], "Echo");
    assert_eq!(echo["annotations"]["readOnlyHint"], true);

    let add = client
        .call_tool(json!(1), "add", json!({"a": 40, "b": 2}))
        .await;
    assert_eq!(add["result"]["structuredContent"], json!({"sum": 42}));
    assert_eq!(add["result"]["content"][0]["text"], r#"{"sum":42}"#);

    let bad = client
        .call_tool(json!(2), "add", json!({"a": "forty"}))
        .await;
    assert_eq!(bad["result"]["isError"], true);
    let text = bad["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("/a") && text.contains('b'), "{text}");
}

#[actix_web::test]
async fn a_mid_revision_client_gets_audio_and_annotations_but_no_links() {
    let (_server, mut client) = session("2025-03-26").await;
    let answer = client.call_tool(json!(1), "all_content", json!({})).await;
    let content = answer["result"]["content"].as_array().unwrap();
    assert_eq!(content[2]["type"], "audio");
    assert_eq!(content[4]["type"], "text");
    let echo = listed(&mut client, "echo").await;
    assert_eq!(echo["annotations"]["readOnlyHint"], true);
    assert!(echo.get("title").is_none());
}

#[actix_web::test]
async fn icons_only_for_2025_11_25_clients() {
    let (_server, mut new) = session("2025-11-25").await;
    let add = listed(&mut new, "add").await;
    assert_eq!(
        add["icons"],
        json!([{"src":"https://example.com/add.png","mimeType":"image/png","sizes":["48x48"]}])
    );
    let echo = listed(&mut new, "echo").await;
    assert!(echo.get("icons").is_none(), "no icons, no field");
    let (_server, mut old) = session("2025-06-18").await;
    assert!(listed(&mut old, "add").await.get("icons").is_none());
}
