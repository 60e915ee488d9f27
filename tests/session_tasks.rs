//! The 2025-11-25 experimental tasks in handshake sessions, over real sockets: the
//! official TypeScript SDK client's `client.experimental.tasks` over Streamable HTTP and
//! legacy SSE (tests/clients/typescript/tasks_check.mjs: task-augmented calls polled to
//! their result, an elicitation from inside a task, status notifications, a tool
//! error read `failed`, tasks/list, tasks/cancel and the errors around them); and, by
//! hand, what older sessions see (no tasks at all) and that a session's end cancels
//! its running tasks.

mod common;

use actix_mcp::{CallToolResult, McpServer, TaskSupport, Tool, ToolContext};
use common::streamable_client::StreamableClient;
use common::{eventually, fast_config, start_with, test_tools};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The arguments of `confirm`.
#[derive(Deserialize, JsonSchema)]
struct File {
    /// The file to delete.
    file: String,
}

/// The tools tasks_check.mjs expects; `cancelled` turns true when `sleepy` is cancelled.
fn tools(cancelled: Arc<AtomicBool>) -> Vec<Tool> {
    let (sleepy, only_task, in_place) = (
        test_tools::sleepy(cancelled),
        test_tools::only_task(),
        test_tools::in_place(),
    );
    let tool_fails = Tool::new(
        "tool_fails",
        "Answers with a tool error",
        |_: actix_mcp::prompt::NoArguments, _ctx| async { CallToolResult::error("it failed") },
    )
    .task_support(TaskSupport::Optional);
    let confirm = Tool::new(
        "confirm",
        "Asks whether to delete a file",
        |args: File, ctx: ToolContext| async move {
            let answer = ctx
                .elicit(json!({
                    "message": format!("Delete {}?", args.file),
                    "requestedSchema": {"type": "object",
                        "properties": {"confirm": {"type": "boolean"}}, "required": ["confirm"]}
                }))
                .await
                .map_err(|e| e.message)?;
            let yes = answer["action"] == "accept" && answer["content"]["confirm"] == true;
            Ok::<_, String>(format!(
                "{} {}",
                if yes { "deleted" } else { "kept" },
                args.file
            ))
        },
    )
    .task_support(TaskSupport::Optional);
    vec![sleepy, only_task, in_place, tool_fails, confirm]
}

/// A server with the test tools, its base URL, and the `sleepy` cancel flag.
async fn server() -> (common::TestServer, Arc<AtomicBool>) {
    server_with(fast_config()).await
}

async fn server_with(config: actix_mcp::McpConfig) -> (common::TestServer, Arc<AtomicBool>) {
    let cancelled = Arc::new(AtomicBool::new(false));
    let mut builder = McpServer::builder().config(config);
    for tool in tools(Arc::clone(&cancelled)) {
        builder = builder.tool(tool);
    }
    let server = start_with(builder.build().expect("valid server"), "").await;
    (server, cancelled)
}

async fn run_tasks_check(url: &str, transport: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("tests/clients/typescript/node_modules/@modelcontextprotocol/sdk")
            .exists(),
        "the TypeScript MCP SDK is not installed: run scripts/install-test-deps.sh"
    );
    common::run_interop_client(
        "TypeScript SDK tasks client",
        &root.join("scripts/node"),
        &root.join("tests/clients/typescript/tasks_check.mjs"),
        url,
        &["--transport", transport],
    )
    .await
}

#[actix_web::test]
async fn typescript_sdk_runs_tasks_over_streamable_http() {
    let (server, _) = server().await;
    let out = run_tasks_check(&format!("{}/mcp", server.base_url), "streamable-http").await;
    assert!(
        out.contains("ts-sdk tasks streamable-http: 5 tasks ok, 1 elicitation"),
        "{out}"
    );
}

#[actix_web::test]
async fn typescript_sdk_runs_tasks_over_legacy_sse() {
    let (server, _) = server().await;
    let out = run_tasks_check(&format!("{}/sse", server.base_url), "sse").await;
    assert!(
        out.contains("ts-sdk tasks sse: 5 tasks ok, 1 elicitation"),
        "{out}"
    );
}

#[actix_web::test]
async fn sessions_before_2025_11_25_have_no_tasks() {
    let (server, _) = server().await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    let init = client.initialize("2025-06-18").await;
    assert!(init["capabilities"].get("tasks").is_none(), "{init}");
    let tools = client.request(json!(2), "tools/list", json!({})).await;
    let listed = tools["result"]["tools"].as_array().expect("tools");
    assert!(
        listed.iter().all(|t| t.get("execution").is_none()),
        "{tools}"
    );
    // A `task` param is ignored: the call runs in place.
    let call = client
        .request(
            json!(3),
            "tools/call",
            json!({"name": "sleepy", "arguments": {"ms": 1}, "task": {}}),
        )
        .await;
    assert_eq!(call["result"]["content"][0]["text"], "slept 1 ms", "{call}");
    for method in ["tasks/get", "tasks/list", "tasks/result", "tasks/cancel"] {
        let answer = client
            .request(json!(method), method, json!({"taskId": "x"}))
            .await;
        assert_eq!(answer["error"]["code"], -32601, "{method}: {answer}");
    }
}

#[actix_web::test]
async fn a_sessions_end_cancels_its_running_tasks() {
    let (server, cancelled) = server().await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    let init = client.initialize("2025-11-25").await;
    assert!(init["capabilities"]["tasks"]["requests"]["tools"]["call"].is_object());
    let created = client
        .request(
            json!(2),
            "tools/call",
            json!({"name": "sleepy", "arguments": {"ms": 60000}, "task": {"ttl": 60000}}),
        )
        .await;
    let task = &created["result"]["task"];
    assert_eq!(task["status"], "working", "{created}");
    assert!(
        task["ttl"].is_u64() && task["pollInterval"].is_u64(),
        "{created}"
    );
    assert!(task["createdAt"].is_string() && task["lastUpdatedAt"].is_string());
    let status = reqwest::Client::new()
        .delete(format!("{}/mcp", server.base_url))
        .header(
            "mcp-session-id",
            client.session_id.clone().expect("a session"),
        )
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .expect("DELETE")
        .status();
    assert!(status.is_success(), "{status}");
    assert!(
        eventually(Duration::from_secs(5), || {
            let cancelled = Arc::clone(&cancelled);
            async move { cancelled.load(Ordering::SeqCst) }
        })
        .await,
        "the task's handler saw the cancellation"
    );
}

#[actix_web::test]
async fn a_tasks_question_waits_for_tasks_result_when_no_stream_is_open() {
    let (server, _) = server().await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client
        .initialize_with("2025-11-25", json!({"elicitation": {}}))
        .await;
    let created = client
        .request(
            json!(1),
            "tools/call",
            json!({"name": "confirm", "arguments": {"file": "a.txt"}, "task": {}}),
        )
        .await;
    let task_id = created["result"]["task"]["taskId"]
        .as_str()
        .expect("a task id")
        .to_owned();
    let input_required = eventually(Duration::from_secs(5), || {
        let client = &client;
        let task_id = task_id.clone();
        async move {
            let task = client
                .request(json!("poll"), "tasks/get", json!({"taskId": task_id}))
                .await;
            task["result"]["status"] == "input_required"
        }
    })
    .await;
    assert!(input_required, "the task waits for its question's answer");

    // No GET stream is open: the question waited for this tasks/result.
    let response = client
        .post(
            &json!({"jsonrpc": "2.0", "id": 10, "method": "tasks/result",
            "params": {"taskId": task_id}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut events = common::streamable_client::EventReader::new(response);
    let mut messages = Vec::new();
    let question = loop {
        let event = events
            .next(Duration::from_secs(5))
            .await
            .expect("the question arrives on the tasks/result stream");
        if event.data.is_empty() {
            continue; // the priming event
        }
        let message: serde_json::Value = serde_json::from_str(&event.data).expect("JSON");
        if message["method"] == "elicitation/create" {
            break message;
        }
        messages.push(message);
    };
    assert_eq!(
        question["params"]["_meta"]["io.modelcontextprotocol/related-task"]["taskId"],
        task_id.as_str(),
        "{question}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m["method"] == "notifications/tasks/status"
                && m["params"]["status"] == "input_required"),
        "{messages:?}"
    );
    let answered = client
        .post(&json!({"jsonrpc": "2.0", "id": question["id"],
            "result": {"action": "accept", "content": {"confirm": false}}}))
        .await;
    assert_eq!(answered.status(), 202);
    let answer = loop {
        let event = events
            .next(Duration::from_secs(5))
            .await
            .expect("tasks/result is answered on its stream");
        let message: serde_json::Value = serde_json::from_str(&event.data).expect("JSON");
        if message["id"] == 10 {
            break message;
        }
    };
    assert_eq!(
        answer["result"]["content"][0]["text"], "kept a.txt",
        "{answer}"
    );
    assert_eq!(
        answer["result"]["_meta"]["io.modelcontextprotocol/related-task"]["taskId"],
        task_id.as_str()
    );
    let done = client
        .request(json!(11), "tasks/get", json!({"taskId": task_id}))
        .await;
    assert_eq!(done["result"]["status"], "completed", "{done}");
}

#[actix_web::test]
async fn a_session_runs_a_bounded_number_of_tasks() {
    let config = actix_mcp::McpConfig {
        max_in_flight_per_session: 2,
        ..fast_config()
    };
    let (server, _) = server_with(config).await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-11-25").await;
    let start = |id: i64| {
        client.request(
            json!(id),
            "tools/call",
            json!({"name": "sleepy", "arguments": {"ms": 60000}, "task": {}}),
        )
    };
    let first = start(1).await;
    assert_eq!(first["result"]["task"]["status"], "working", "{first}");
    assert_eq!(start(2).await["result"]["task"]["status"], "working");
    let third = start(3).await;
    assert_eq!(third["error"]["code"], -32000, "{third}");
    assert_eq!(third["error"]["data"]["maxRunningTasks"], 2);
    // Cancelling one frees its place.
    let id = first["result"]["task"]["taskId"].clone();
    let cancelled = client
        .request(json!(4), "tasks/cancel", json!({"taskId": id}))
        .await;
    assert_eq!(cancelled["result"]["status"], "cancelled", "{cancelled}");
    let freed = eventually(Duration::from_secs(5), || async {
        start(5).await["result"]["task"]["status"] == "working"
    })
    .await;
    assert!(freed, "a new task starts once one ended");
}
