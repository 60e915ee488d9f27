//! The tasks extension (`io.modelcontextprotocol/tasks`) on 2026-07-28 stateless
//! requests, against a real server over a real socket: a task-running tool called by a
//! client that declared the extension answers with a task handle; `tasks/get` polls it
//! to its result; `tasks/cancel` stops it; tasks are bound to their principal, bounded
//! in number and dropped after their TTL.

mod common;

use actix_mcp::access::{AccessPolicy, BearerToken};
use actix_mcp::{McpConfig, McpServer, TaskSupport, Tool, ToolContext};
use common::{eventually, fast_config, start_with, test_tools};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const TASKS: &str = "io.modelcontextprotocol/tasks";

/// The test tools: `sleepy` (may run as a task; notes when it is cancelled), `only_task`
/// (must run as a task), `in_place` (never a task) and `panics` (a task that fails).
fn tools(cancelled: Arc<AtomicBool>) -> Vec<Tool> {
    let (sleepy, only_task, in_place) = (
        test_tools::sleepy(cancelled),
        test_tools::only_task(),
        test_tools::in_place(),
    );
    let panics = Tool::new(
        "panics",
        "Fails at the protocol level",
        |_: actix_mcp::prompt::NoArguments, _ctx| async {
            panic!("on purpose");
            #[allow(unreachable_code)]
            ""
        },
    )
    .task_support(TaskSupport::Optional);
    let asks_first = Tool::new(
        "asks_first",
        "Asks a name (MRTR rounds), then goes on as a task",
        |_: actix_mcp::prompt::NoArguments, ctx: ToolContext| async move {
            let answer = ctx
                .input_key("who")
                .elicit(
                    json!({"message": "Who?", "requestedSchema": {"type": "object",
                    "properties": {"name": {"type": "string"}}}}),
                )
                .await
                .map_err(|e| e.message)?;
            ctx.continue_as_task().await.map_err(|e| e.message)?;
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok::<_, String>(format!("task for {}", answer["content"]["name"]))
        },
    )
    .task_support(TaskSupport::Required)
    .input_before_task();
    vec![sleepy, only_task, in_place, panics, asks_first]
}

fn config() -> McpConfig {
    McpConfig {
        serve_stateless: true,
        ..fast_config()
    }
}

/// A server with the test tools; `cancelled` turns true when `sleepy` sees a cancel.
async fn server(config: McpConfig) -> (String, Arc<AtomicBool>) {
    let cancelled = Arc::new(AtomicBool::new(false));
    let mut builder = McpServer::builder().config(config);
    for tool in tools(Arc::clone(&cancelled)) {
        builder = builder.tool(tool);
    }
    let server = start_with(builder.build().expect("valid server"), "").await;
    (format!("{}/mcp", server.base_url), cancelled)
}

/// A 2026-07-28 client: every request an independent POST with the `_meta` and the
/// mirrored headers a conforming client sends.
struct Client {
    http: reqwest::Client,
    url: String,
    /// Declares the tasks extension in its client capabilities.
    tasks: bool,
    /// Sent as `Authorization: Bearer …`.
    token: Option<&'static str>,
}

impl Client {
    fn new(url: &str, tasks: bool) -> Client {
        Client {
            http: reqwest::Client::new(),
            url: url.to_owned(),
            tasks,
            token: None,
        }
    }

    fn with_token(url: &str, token: &'static str) -> Client {
        Client {
            token: Some(token),
            ..Client::new(url, true)
        }
    }

    /// POSTs `method` with `params`; `name` overrides the `Mcp-Name` header.
    async fn send_named(
        &self,
        method: &str,
        mut params: Value,
        name: Option<&str>,
    ) -> (u16, Value) {
        let extensions = if self.tasks {
            json!({TASKS: {}})
        } else {
            json!({})
        };
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {"extensions": extensions, "elicitation": {}},
            "io.modelcontextprotocol/clientInfo": {"name": "tasks-test", "version": "1"},
        });
        let mirrored = name
            .map(str::to_owned)
            .or_else(|| params["name"].as_str().map(str::to_owned))
            .or_else(|| params["taskId"].as_str().map(str::to_owned));
        let mut request = self
            .http
            .post(&self.url)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", method);
        if let Some(name) = mirrored {
            request = request.header("mcp-name", name);
        }
        if let Some(token) = self.token {
            request = request.bearer_auth(token);
        }
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response = request
            .body(body.to_string())
            .send()
            .await
            .expect("POST /mcp");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn send(&self, method: &str, params: Value) -> (u16, Value) {
        self.send_named(method, params, None).await
    }

    /// The result of a request that must succeed.
    async fn ok(&self, method: &str, params: Value) -> Value {
        let (status, body) = self.send(method, params).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("error").is_none(), "{body}");
        body["result"].clone()
    }

    /// The error of a request that must fail.
    async fn error(&self, method: &str, params: Value) -> Value {
        let (_, body) = self.send(method, params).await;
        assert!(body.get("result").is_none(), "{body}");
        body["error"].clone()
    }

    async fn call(&self, tool: &str, arguments: Value) -> Value {
        self.ok("tools/call", json!({"name": tool, "arguments": arguments}))
            .await
    }

    async fn get(&self, task: &str) -> Value {
        self.ok("tasks/get", json!({"taskId": task})).await
    }

    /// Polls `tasks/get` until the task is terminal.
    async fn settled(&self, task: &str) -> Value {
        for _ in 0..200 {
            let state = self.get(task).await;
            if ["completed", "failed", "cancelled"]
                .contains(&state["status"].as_str().unwrap_or(""))
            {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("task {task} never settled");
    }
}

fn task_id(created: &Value) -> String {
    created["taskId"].as_str().expect("a task id").to_owned()
}

#[actix_web::test]
async fn a_task_handle_comes_first_and_tasks_get_inlines_the_result() {
    let (url, _) = server(config()).await;
    let client = Client::new(&url, true);
    let discovered = client.ok("server/discover", json!({})).await;
    assert_eq!(discovered["capabilities"]["extensions"][TASKS], json!({}));
    let listed = client.ok("tools/list", json!({})).await;
    let sleepy = listed["tools"]
        .as_array()
        .and_then(|tools| tools.iter().find(|t| t["name"] == "sleepy"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(sleepy["execution"], json!({"taskSupport": "optional"}));

    let created = client.call("sleepy", json!({"ms": 300})).await;
    assert_eq!(created["resultType"], "task", "{created}");
    assert_eq!(created["status"], "working");
    assert!(
        created["ttlMs"].as_u64().is_some_and(|ttl| ttl > 0),
        "{created}"
    );
    assert!(created["pollIntervalMs"].as_u64().is_some_and(|p| p > 0));
    assert!(created["createdAt"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    for absent in ["task", "result", "error", "inputRequests", "content", "ttl"] {
        assert!(created.get(absent).is_none(), "{absent} in {created}");
    }
    let id = task_id(&created);
    // Durable before the handle is sent: an immediate poll finds it, still working.
    let working = client.get(&id).await;
    assert_eq!(
        (working["taskId"].as_str(), working["status"].as_str()),
        (Some(id.as_str()), Some("working"))
    );
    assert_eq!(working["resultType"], "complete");
    assert!(working.get("result").is_none());

    let done = client.settled(&id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["content"][0]["text"], "slept 300 ms");
    assert_ne!(done["result"]["isError"], true);

    // A call that never runs as a task is answered in place, even with the extension.
    let in_place = client.call("in_place", json!({})).await;
    assert_eq!(in_place["resultType"], "complete");
    assert!(in_place.get("taskId").is_none());
}

#[actix_web::test]
async fn a_handler_that_panics_leaves_a_failed_task_with_its_error() {
    let (url, _) = server(config()).await;
    let client = Client::new(&url, true);
    let id = task_id(&client.call("panics", json!({})).await);
    let failed = client.settled(&id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["error"]["code"], -32603);
    assert!(failed["error"]["message"].is_string());
    assert!(failed.get("result").is_none());
}

#[actix_web::test]
async fn cancel_acknowledges_settles_the_task_and_stops_its_handler() {
    let (url, cancelled) = server(config()).await;
    let client = Client::new(&url, true);
    let id = task_id(&client.call("sleepy", json!({"ms": 60_000})).await);
    let ack = client.ok("tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(ack["resultType"], "complete");
    for absent in ["taskId", "status", "result", "error"] {
        assert!(ack.get(absent).is_none(), "{absent} in {ack}");
    }
    assert_eq!(client.get(&id).await["status"], "cancelled");
    let flag = Arc::clone(&cancelled);
    assert!(
        eventually(Duration::from_secs(2), || {
            let flag = Arc::clone(&flag);
            async move { flag.load(Ordering::SeqCst) }
        })
        .await,
        "the handler's cancellation token fired"
    );
    // Cancelling a terminal task is the same ack, and changes nothing.
    let again = client.ok("tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(again["resultType"], "complete");
    assert_eq!(client.get(&id).await["status"], "cancelled");
}

#[actix_web::test]
async fn without_the_extension_calls_run_in_place_and_task_methods_are_refused() {
    let (url, _) = server(config()).await;
    let plain = Client::new(&url, false);
    let answered = plain.call("sleepy", json!({"ms": 0})).await;
    assert_eq!(answered["resultType"], "complete", "{answered}");
    assert_eq!(answered["content"][0]["text"], "slept 0 ms");
    assert!(answered.get("taskId").is_none());

    let (status, body) = plain
        .send("tools/call", json!({"name": "only_task", "arguments": {}}))
        .await;
    let required = &body["error"];
    // A missing client capability is the request's fault: 400 at this revision.
    assert_eq!(
        (status, required["code"].as_i64()),
        (400, Some(-32021)),
        "{body}"
    );
    assert_eq!(
        required["data"]["requiredCapabilities"]["extensions"][TASKS],
        json!({})
    );
    // With the extension the same tool runs, as a task.
    let with = Client::new(&url, true);
    let id = task_id(&with.call("only_task", json!({})).await);
    assert_eq!(
        with.settled(&id).await["result"]["content"][0]["text"],
        "done as a task"
    );

    for (method, params) in [
        ("tasks/get", json!({"taskId": id})),
        ("tasks/cancel", json!({"taskId": id})),
        ("tasks/update", json!({"taskId": id, "inputResponses": {}})),
    ] {
        let (status, body) = plain.send(method, params).await;
        assert_eq!(
            (status, body["error"]["code"].as_i64()),
            (400, Some(-32021)),
            "{method}"
        );
    }
    // Removed from this revision of the extension.
    for method in ["tasks/list", "tasks/result"] {
        let (status, body) = with.send(method, json!({"taskId": id})).await;
        assert_eq!(
            (status, body["error"]["code"].as_i64()),
            (404, Some(-32601)),
            "{method}"
        );
    }
}

#[actix_web::test]
async fn unknown_and_other_principals_tasks_are_not_found() {
    let (url, cancelled) = server(McpConfig {
        access: AccessPolicy {
            bearer_tokens: BearerToken::parse_list("alice:token-alice,bob:token-bob"),
            ..AccessPolicy::default()
        },
        ..config()
    })
    .await;
    let alice = Client::with_token(&url, "token-alice");
    let bob = Client::with_token(&url, "token-bob");
    let id = task_id(&alice.call("sleepy", json!({"ms": 60_000})).await);
    for method in ["tasks/get", "tasks/cancel"] {
        let error = bob.error(method, json!({"taskId": id})).await;
        assert_eq!(error["code"], -32602, "{method}: {error}");
    }
    let update = bob
        .error("tasks/update", json!({"taskId": id, "inputResponses": {}}))
        .await;
    assert_eq!(update["code"], -32602);
    // Bob's cancel did nothing to Alice's task.
    assert_eq!(alice.get(&id).await["status"], "working");
    assert!(!cancelled.load(Ordering::SeqCst));
    let unknown = alice
        .error("tasks/get", json!({"taskId": "no-such-task"}))
        .await;
    assert_eq!(unknown["code"], -32602);
    alice.ok("tasks/cancel", json!({"taskId": id})).await;
}

#[actix_web::test]
async fn a_full_store_refuses_new_tasks_with_a_clear_error() {
    let (url, _) = server(McpConfig {
        max_tasks: 1,
        ..config()
    })
    .await;
    let client = Client::new(&url, true);
    let first = task_id(&client.call("sleepy", json!({"ms": 60_000})).await);
    let refused = client
        .error(
            "tools/call",
            json!({"name": "sleepy", "arguments": {"ms": 1}}),
        )
        .await;
    assert_eq!(refused["code"], -32000, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("Too many tasks")),
        "{refused}"
    );
    assert_eq!(refused["data"]["maxTasks"], 1);
    // Finished tasks count until they expire: cancelling does not free the slot.
    client.ok("tasks/cancel", json!({"taskId": first})).await;
    let still = client
        .error(
            "tools/call",
            json!({"name": "sleepy", "arguments": {"ms": 1}}),
        )
        .await;
    assert_eq!(still["code"], -32000);
}

#[actix_web::test]
async fn a_task_is_kept_for_its_ttl_then_dropped() {
    let (url, _) = server(McpConfig {
        task_ttl: Duration::from_millis(400),
        max_tasks: 1,
        ..config()
    })
    .await;
    let client = Client::new(&url, true);
    let created = client.call("sleepy", json!({"ms": 0})).await;
    assert_eq!(created["ttlMs"], 400);
    let id = task_id(&created);
    assert_eq!(client.settled(&id).await["status"], "completed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let gone = client.error("tasks/get", json!({"taskId": id})).await;
    assert_eq!(gone["code"], -32602, "{gone}");
    // Its slot is free again.
    let next = client.call("sleepy", json!({"ms": 0})).await;
    assert_eq!(next["resultType"], "task");
}

#[actix_web::test]
async fn mcp_name_must_mirror_the_task_id() {
    let (url, _) = server(config()).await;
    let client = Client::new(&url, true);
    let id = task_id(&client.call("sleepy", json!({"ms": 0})).await);
    let (status, body) = client
        .send_named("tasks/get", json!({"taskId": id}), Some("some-other-task"))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (400, Some(-32020)),
        "{body}"
    );
}

#[actix_web::test]
async fn a_handler_may_gather_input_first_and_then_go_on_as_a_task() {
    let (url, _) = server(config()).await;
    let client = Client::new(&url, true);
    // Round 1: an MRTR round, no task yet.
    let first = client.call("asks_first", json!({})).await;
    assert_eq!(first["resultType"], "input_required", "{first}");
    assert!(first.get("taskId").is_none(), "{first}");
    assert_eq!(
        first["inputRequests"]["who"]["method"],
        "elicitation/create"
    );
    // Round 2: the answer, then the call turns into a task whose result uses it.
    let params = json!({"name": "asks_first", "arguments": {},
        "requestState": first["requestState"],
        "inputResponses": {"who": {"action": "accept", "content": {"name": "Ada"}}}});
    let created = client.ok("tools/call", params).await;
    assert_eq!(created["resultType"], "task", "{created}");
    // The handler outlives its request: answered with the handle, it is still running.
    let settled = client.settled(&task_id(&created)).await;
    assert_eq!(settled["status"], "completed", "{settled}");
    let text = settled.to_string();
    assert!(text.contains("task for \\\"Ada\\\""), "{settled}");
}
