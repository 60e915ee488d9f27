//! Tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663) fixtures: the tools the
//! conformance suite's `tasks-*` scenarios call. Served to 2026-07-28 requests; a
//! request that declares the extension gets a task handle for the task-running ones.

use actix_mcp::{tool, CallToolResult, Tool, ToolContext};
use serde_json::json;
use std::time::Duration;

/// Greets someone, always in place (never a task)
#[tool]
async fn greet(
    /// Who to greet.
    name: String,
) -> String {
    format!("Hello, {name}!")
}

/// Sleeps `seconds`, then reports it; stops early when cancelled
#[tool(task_support = "optional")]
async fn slow_compute(
    /// How long to work (0 to 3600 seconds).
    seconds: f64,
    /// A label echoed in the result.
    label: Option<String>,
    ctx: ToolContext,
) -> CallToolResult {
    let label = label.unwrap_or_default();
    let work = Duration::from_secs_f64(seconds.clamp(0.0, 3600.0));
    tokio::select! {
        _ = tokio::time::sleep(work) => {
            CallToolResult::text(format!("Computed {label} in {seconds} s"))
        }
        _ = ctx.cancelled() => CallToolResult::error(format!("{label} was cancelled")),
    }
}

/// Works for a second, then fails with a tool error; runs only as a task
#[tool(task_support = "required")]
async fn failing_job() -> CallToolResult {
    tokio::time::sleep(Duration::from_secs(1)).await;
    CallToolResult::error("failing_job failed, as it always does")
}

/// Fails at the protocol level (its handler panics): the task reads `failed`
#[tool(task_support = "optional")]
async fn protocol_error_job() -> String {
    panic!("protocol_error_job fails on purpose")
}

/// Asks the user to confirm deleting a file, then says what was decided
#[tool(task_support = "optional")]
async fn confirm_delete(
    /// The file to delete.
    filename: String,
    ctx: ToolContext,
) -> Result<String, String> {
    let answer = ctx
        .elicit(json!({
            "message": format!("Delete {filename}?"),
            "requestedSchema": {
                "type": "object",
                "properties": {"confirm": {"type": "boolean"}},
                "required": ["confirm"]
            }
        }))
        .await
        .map_err(|e| format!("Elicitation failed: {}", e.message))?;
    let confirmed = answer["action"] == "accept" && answer["content"]["confirm"] == true;
    Ok(if confirmed {
        format!("Deleted {filename}")
    } else {
        format!("Kept {filename}")
    })
}

/// Asks two questions at once (two input requests pending together)
#[tool(task_support = "optional")]
async fn multi_input(ctx: ToolContext) -> Result<String, String> {
    let ask = |field: &str| {
        json!({
            "message": format!("Please provide {field}"),
            "requestedSchema": {
                "type": "object",
                "properties": {field: {"type": "string"}},
                "required": [field]
            }
        })
    };
    let (first, second) = tokio::join!(ctx.elicit(ask("name")), ctx.elicit(ask("confirm")));
    let failed = |e: actix_mcp::protocol::RpcError| format!("Elicitation failed: {}", e.message);
    let (first, second) = (first.map_err(failed)?, second.map_err(failed)?);
    Ok(format!(
        "Got {} and {}",
        first.get("content").cloned().unwrap_or(json!({})),
        second.get("content").cloned().unwrap_or(json!({}))
    ))
}

/// Asks the user's name first (MRTR rounds, no task yet), then finishes as a task
#[tool(task_support = "required")]
async fn test_tool_with_task(ctx: ToolContext) -> Result<String, String> {
    let answer = ctx
        .input_key("user_name")
        .elicit(json!({
            "message": "What is your name?",
            "requestedSchema": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"]
            }
        }))
        .await
        .map_err(|e| e.message)?;
    let name = answer["content"]["name"]
        .as_str()
        .unwrap_or("stranger")
        .to_owned();
    // From here on this is a task: the call is answered with its handle.
    ctx.continue_as_task().await.map_err(|e| e.message)?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(format!("Hello, {name}! (finished as a task)"))
}

pub fn tools() -> Vec<Tool> {
    vec![
        test_tool_with_task().input_before_task(),
        greet(),
        slow_compute(),
        failing_job(),
        protocol_error_job(),
        confirm_delete(),
        multi_input(),
    ]
}
