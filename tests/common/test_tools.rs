//! Tools that exist only to exercise the server: copies of the binary's `echo` and
//! `uppercase_text` (written with `#[tool]`), delays, panics, every content type,
//! structured output.

use actix_mcp::{
    tool, Annotations, CallToolResult, Content, LogLevel, Role, Structured, Tool, ToolContext,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Deserialize, JsonSchema)]
pub struct SlowArgs {
    /// Echoed back.
    pub tag: String,
    /// How long to wait before answering.
    pub delay_ms: u64,
}

#[derive(Deserialize, JsonSchema)]
pub struct NoArgs {}

#[derive(Deserialize, JsonSchema)]
pub struct PromptArgs {
    /// What to ask the model.
    pub prompt: String,
}

#[derive(Deserialize, JsonSchema)]
pub struct StepsArgs {
    /// How many progress reports to send.
    pub steps: u32,
    /// Pause between reports.
    pub delay_ms: u64,
}

#[derive(Deserialize, JsonSchema)]
pub struct SizeArgs {
    /// How many bytes of text to return.
    pub bytes: usize,
}

#[derive(Deserialize, JsonSchema)]
pub struct AddArgs {
    pub a: i64,
    pub b: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct Sum {
    pub sum: i64,
}

/// Echo a message back unchanged.
#[tool(
    title = "Echo",
    read_only,
    destructive = false,
    idempotent,
    open_world = false
)]
pub async fn echo(
    /// The text to send back.
    message: String,
) -> String {
    message
}

/// Convert text to upper case.
#[tool(
    title = "Uppercase text",
    read_only,
    destructive = false,
    idempotent,
    open_world = false
)]
pub async fn uppercase_text(
    /// The text to convert to upper case.
    text: String,
) -> String {
    text.to_uppercase()
}

/// The binary's two tools, as the tests know them (the binary itself is checked by
/// `sse_transport::the_binarys_tools_resource_and_prompt`).
pub fn binary_like() -> Vec<Tool> {
    vec![echo(), uppercase_text()]
}

/// Tags of `waits_for_cancel` calls that saw their cancellation.
pub static CANCELS_SEEN: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

pub fn all() -> Vec<Tool> {
    vec![
        Tool::new(
            "progress_steps",
            "Reports progress `steps` times, then answers `done`.",
            |a: StepsArgs, ctx: ToolContext| async move {
                for step in 1..=a.steps {
                    tokio::time::sleep(Duration::from_millis(a.delay_ms)).await;
                    ctx.report_progress(step as f64, Some(a.steps as f64), Some("working"))
                        .await;
                }
                "done"
            },
        ),
        Tool::new(
            "slow_echo",
            "Waits delay_ms, then returns tag; stops early when cancelled.",
            |a: SlowArgs, ctx: ToolContext| async move {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(a.delay_ms)) => a.tag,
                    _ = ctx.cancelled() => "cancelled".to_owned(),
                }
            },
        ),
        Tool::new(
            "panics",
            "Always panics.",
            |_: NoArgs, _ctx: ToolContext| async move {
                if true {
                    panic!("this tool always panics");
                }
                String::new()
            },
        ),
        Tool::new(
            "blocks_thread",
            "Blocks its thread for delay_ms (a badly written tool).",
            |a: SlowArgs, _ctx: ToolContext| async move {
                std::thread::sleep(Duration::from_millis(a.delay_ms));
                a.tag
            },
        ),
        Tool::new(
            "spins",
            "Busy-loops for delay_ms without ever yielding (a badly written tool).",
            |a: SlowArgs, _ctx: ToolContext| async move {
                let until = std::time::Instant::now() + Duration::from_millis(a.delay_ms);
                let mut turns: u64 = 0;
                while std::time::Instant::now() < until {
                    turns = turns.wrapping_add(1);
                }
                format!("{} after {turns} turns", a.tag)
            },
        ),
        Tool::new(
            "logs",
            "Logs one message at each of debug, info, warning and error, then answers.",
            |_: NoArgs, ctx: ToolContext| async move {
                for level in [
                    LogLevel::Debug,
                    LogLevel::Info,
                    LogLevel::Warning,
                    LogLevel::Error,
                ] {
                    ctx.log(level, Some("test"), serde_json::json!({"level": level}))
                        .await;
                }
                "logged"
            },
        ),
        Tool::new(
            "asks_model",
            "Asks the client's model (sampling) and returns its text.",
            |a: PromptArgs, ctx: ToolContext| async move {
                let answer = ctx
                    .create_message(serde_json::json!({
                        "messages": [{"role": "user", "content": {"type": "text", "text": a.prompt}}],
                        "maxTokens": 100
                    }))
                    .await
                    .map_err(|e| format!("sampling failed: {}", e.message))?;
                Ok::<_, String>(format!(
                    "LLM said: {}",
                    answer["content"]["text"].as_str().unwrap_or("?")
                ))
            },
        ),
        Tool::new(
            "asks_user",
            "Asks the user (elicitation) for a name.",
            |_: NoArgs, ctx: ToolContext| async move {
                let answer = ctx
                    .elicit(serde_json::json!({
                        "message": "Who are you?",
                        "requestedSchema": {"type": "object",
                            "properties": {"name": {"type": "string"}}, "required": ["name"]}
                    }))
                    .await
                    .map_err(|e| format!("elicitation failed: {}", e.message))?;
                Ok::<_, String>(format!(
                    "action={} name={}",
                    answer["action"], answer["content"]["name"]
                ))
            },
        ),
        Tool::new(
            "asks_via_url",
            "Sends the user to a URL (URL-mode elicitation).",
            |_: NoArgs, ctx: ToolContext| async move {
                let answer = ctx
                    .elicit(serde_json::json!({
                        "mode": "url",
                        "message": "Sign in to continue",
                        "elicitationId": "e-1",
                        "url": "https://example.com/connect"
                    }))
                    .await
                    .map_err(|e| format!("elicitation failed: {}", e.message))?;
                Ok::<_, String>(format!("action={}", answer["action"]))
            },
        ),
        Tool::new(
            "lists_roots",
            "Returns how many roots the client has.",
            |_: NoArgs, ctx: ToolContext| async move {
                let roots = ctx.list_roots().await.map_err(|e| e.message)?;
                Ok::<_, String>(format!(
                    "{} roots",
                    roots["roots"].as_array().map_or(0, Vec::len)
                ))
            },
        ),
        Tool::new(
            "waits_for_cancel",
            "Waits until cancelled (up to 10 s) and records that it saw the cancellation.",
            |a: SlowArgs, ctx: ToolContext| async move {
                tokio::select! {
                    _ = ctx.cancelled() => {
                        CANCELS_SEEN.lock().unwrap().insert(a.tag.clone());
                        "saw cancel".to_owned()
                    }
                    _ = tokio::time::sleep(Duration::from_secs(10)) => "never cancelled".to_owned(),
                }
            },
        ),
        Tool::new(
            "fails",
            "Returns an error.",
            |_: NoArgs, _ctx: ToolContext| async move {
                Err::<String, _>("the upstream service said no")
            },
        ),
        Tool::new(
            "where_am_i",
            "Names the thread the call runs on and its scheduling policy (Linux).",
            |_: NoArgs, _ctx: ToolContext| async move { thread_and_policy() },
        ),
        Tool::new(
            "big_text",
            "Returns `bytes` bytes of text.",
            |a: SizeArgs, _ctx: ToolContext| async move { "x".repeat(a.bytes) },
        ),
        Tool::new(
            "add",
            "Adds two integers.",
            |a: AddArgs, _ctx: ToolContext| async move { Structured(Sum { sum: a.a + a.b }) },
        )
        .icon(actix_mcp::Icon::new(
            "https://example.com/add.png",
            Some("image/png"),
            &["48x48"],
        )),
        Tool::new(
            "all_content",
            "Returns one block of every content type.",
            |_: NoArgs, _ctx: ToolContext| async move {
                CallToolResult::content(vec![
                    Content::text("text").with_annotations(Annotations {
                        audience: Some(vec![Role::User]),
                        priority: Some(1.0),
                        last_modified: Some("2025-01-01T00:00:00Z".into()),
                    }),
                    Content::image("iVBORw0KGgo=", "image/png"),
                    Content::audio("UklGRg==", "audio/wav"),
                    Content::embedded_text("test://doc", Some("text/plain"), "embedded"),
                    Content::resource_link("test://doc", "doc"),
                ])
            },
        ),
    ]
}

/// `"<thread name> policy <n>"` for the calling thread; n is field 41 of
/// /proc/thread-self/stat (0 = SCHED_OTHER, 3 = SCHED_BATCH), `?` off Linux.
fn thread_and_policy() -> String {
    let name = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_owned();
    let policy = std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the parenthesised command name start at field 3.
            let rest = stat.rsplit_once(')')?.1.to_owned();
            rest.split_whitespace().nth(41 - 3).map(str::to_owned)
        })
        .unwrap_or_else(|| "?".into());
    format!("{name} policy {policy}")
}

/// The arguments of [`sleepy`].
#[derive(Deserialize, JsonSchema)]
pub struct Sleep {
    /// How long to work, in milliseconds.
    pub ms: u64,
}

/// `sleepy` (may run as a task): sleeps `ms`, reporting progress every 100 ms, then
/// says "slept N ms"; `cancelled` turns true when it sees a cancellation.
pub fn sleepy(cancelled: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Tool {
    Tool::new(
        "sleepy",
        "Sleeps, reporting progress every 100 ms, then says so",
        move |args: Sleep, ctx: ToolContext| {
            let cancelled = std::sync::Arc::clone(&cancelled);
            async move {
                let work = async {
                    let mut slept = 0;
                    while slept < args.ms {
                        let step = (args.ms - slept).min(100);
                        tokio::time::sleep(Duration::from_millis(step)).await;
                        slept += step;
                        ctx.report_progress(slept as f64, Some(args.ms as f64), None)
                            .await;
                    }
                };
                tokio::select! {
                    _ = work => CallToolResult::text(format!("slept {} ms", args.ms)),
                    _ = ctx.cancelled() => {
                        cancelled.store(true, std::sync::atomic::Ordering::SeqCst);
                        CallToolResult::error("cancelled")
                    }
                }
            }
        },
    )
    .task_support(actix_mcp::TaskSupport::Optional)
}

/// `only_task`: runs only as a task, answers "done as a task".
pub fn only_task() -> Tool {
    Tool::new(
        "only_task",
        "Runs only as a task",
        |_: actix_mcp::prompt::NoArguments, _ctx| async { "done as a task" },
    )
    .task_support(actix_mcp::TaskSupport::Required)
}

/// `in_place`: never a task, answers "done in place".
pub fn in_place() -> Tool {
    Tool::new(
        "in_place",
        "Never a task",
        |_: actix_mcp::prompt::NoArguments, _ctx| async { "done in place" },
    )
}
