//! Every fixture the official MCP conformance suite's server scenarios call, served on
//! `/mcp` (Streamable HTTP) and `/sse` (legacy):
//! `cargo run --release --example everything -- --port 3001`, then
//! `bash scripts/conformance.sh http://localhost:3001/mcp`.

use actix_mcp::prompt::{GetPromptResult, NoArguments, Prompt, PromptMessage};
use actix_mcp::protocol::ResourceContents;
use actix_mcp::resource::{Resource, ResourceTemplate};
use actix_mcp::{tool, CallToolResult, Content, LogLevel, McpServer, Tool, ToolContext};
use actix_web::{App, HttpServer};
use clap::Parser;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

/// A 1x1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/// A 44-byte WAV.
const WAV: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

#[derive(Parser)]
struct Cli {
    #[arg(long, default_value_t = 3001)]
    port: u16,
}

/// Returns simple text content
#[tool]
async fn test_simple_text() -> &'static str {
    "This is a simple text response for testing."
}

/// Returns image content
#[tool]
async fn test_image_content() -> Content {
    Content::image(PNG, "image/png")
}

/// Returns audio content
#[tool]
async fn test_audio_content() -> Content {
    Content::audio(WAV, "audio/wav")
}

/// Returns an embedded resource
#[tool]
async fn test_embedded_resource() -> Content {
    Content::embedded_text(
        "test://embedded-resource",
        Some("text/plain"),
        "This is an embedded resource content.",
    )
}

/// Returns text, image and resource content
#[tool]
async fn test_multiple_content_types() -> Vec<Content> {
    vec![
        Content::text("Multiple content types test:"),
        Content::image(PNG, "image/png"),
        Content::embedded_text(
            "test://mixed-content-resource",
            Some("application/json"),
            r#"{"test":"data","value":123}"#,
        ),
    ]
}

/// Sends log messages while it runs
#[tool]
async fn test_tool_with_logging(ctx: ToolContext) -> &'static str {
    for (i, text) in [
        "Tool execution started",
        "Tool processing data",
        "Tool execution completed",
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ctx.log(LogLevel::Info, None, text).await;
    }
    "Tool with logging executed successfully"
}

/// Reports progress while it runs
#[tool]
async fn test_tool_with_progress(ctx: ToolContext) -> &'static str {
    for (step, progress) in [0.0, 50.0, 100.0].into_iter().enumerate() {
        if step > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let message = format!("Completed step {progress} of 100");
        ctx.report_progress(progress, Some(100.0), Some(&message))
            .await;
    }
    "Progress test completed"
}

/// Always fails, as a tool error the model can read
#[tool]
async fn test_error_handling() -> CallToolResult {
    CallToolResult::error("This tool intentionally returns an error for testing")
}

/// Asks the client's model to answer a prompt
#[tool]
async fn test_sampling(
    /// The prompt to send to the client's model.
    prompt: String,
    ctx: ToolContext,
) -> Result<String, String> {
    let answer = ctx
        .create_message(json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": prompt}}],
            "maxTokens": 100
        }))
        .await
        .map_err(|e| format!("Sampling failed: {}", e.message))?;
    let text = answer["content"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok(format!("LLM response: {text}"))
}

/// Asks the user for a username and an email address
#[tool]
async fn test_elicitation(
    /// The message to show the user.
    message: String,
    ctx: ToolContext,
) -> Result<String, String> {
    let schema = json!({
        "type": "object",
        "properties": {
            "username": {"type": "string", "description": "User's response"},
            "email": {"type": "string", "description": "User's email address"}
        },
        "required": ["username", "email"]
    });
    elicit(
        &ctx,
        json!({"message": message, "requestedSchema": schema}),
        "User response",
    )
    .await
}

/// Elicitation with a default for every primitive type
#[tool]
async fn test_elicitation_sep1034_defaults(ctx: ToolContext) -> Result<String, String> {
    let schema = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "User name", "default": "John Doe"},
            "age": {"type": "integer", "description": "User age", "default": 30},
            "score": {"type": "number", "description": "User score", "default": 95.5},
            "status": {"type": "string", "description": "User status",
                       "enum": ["active", "inactive", "pending"], "default": "active"},
            "verified": {"type": "boolean", "description": "Verification status", "default": true}
        },
        "required": []
    });
    elicit(&ctx, json!({"message": "Please review and update the form fields with defaults", "requestedSchema": schema}), "Elicitation completed").await
}

/// Elicitation with every enum form
#[tool]
async fn test_elicitation_sep1330_enums(ctx: ToolContext) -> Result<String, String> {
    let schema = json!({
        "type": "object",
        "properties": {
            "untitledSingle": {"type": "string", "description": "Select one option",
                               "enum": ["option1", "option2", "option3"]},
            "titledSingle": {"type": "string", "description": "Select one option with titles",
                             "oneOf": [{"const": "value1", "title": "First Option"},
                                       {"const": "value2", "title": "Second Option"},
                                       {"const": "value3", "title": "Third Option"}]},
            "legacyEnum": {"type": "string", "description": "Select one option (legacy)",
                           "enum": ["opt1", "opt2", "opt3"],
                           "enumNames": ["Option One", "Option Two", "Option Three"]},
            "untitledMulti": {"type": "array", "description": "Select multiple options",
                              "minItems": 1, "maxItems": 3,
                              "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
            "titledMulti": {"type": "array", "description": "Select multiple options with titles",
                            "minItems": 1, "maxItems": 3,
                            "items": {"anyOf": [{"const": "value1", "title": "First Choice"},
                                                {"const": "value2", "title": "Second Choice"},
                                                {"const": "value3", "title": "Third Choice"}]}}
        },
        "required": []
    });
    elicit(
        &ctx,
        json!({"message": "Please select options from the enum fields", "requestedSchema": schema}),
        "Elicitation completed",
    )
    .await
}

// --- 2026-07-28 MRTR fixtures (conformance `input-required-result-*`, `server-stateless`).
// Each is an ordinary handler: in a stateless request its asks become the
// `inputRequests` of an `InputRequiredResult`; in a session they are requests to the client.

/// A form asking for one string field.
fn ask_for(message: &str, field: &str) -> serde_json::Value {
    json!({
        "message": message,
        "requestedSchema": {
            "type": "object",
            "properties": {field: {"type": "string"}},
            "required": [field]
        }
    })
}

/// A one-message sampling request.
fn sample(text: &str, max_tokens: u32) -> serde_json::Value {
    json!({
        "messages": [{"role": "user", "content": {"type": "text", "text": text}}],
        "maxTokens": max_tokens
    })
}

/// The accepted content of an elicitation answer, or why there is none.
fn accepted(answer: &serde_json::Value) -> Result<&serde_json::Value, String> {
    match answer["action"].as_str() {
        Some("accept") => Ok(&answer["content"]),
        other => Err(format!(
            "The user did not accept ({})",
            other.unwrap_or("?")
        )),
    }
}

/// Asks the user's name (MRTR input `user_name`) and greets them
#[tool]
async fn test_input_required_result_elicitation(ctx: ToolContext) -> Result<String, String> {
    let answer = ctx
        .input_key("user_name")
        .elicit(ask_for("What is your name?", "name"))
        .await
        .map_err(|e| e.message)?;
    let name = accepted(&answer)?["name"].as_str().unwrap_or("stranger");
    Ok(format!("Hello, {name}!"))
}

/// Asks the client's model a question (MRTR input `capital_question`)
#[tool]
async fn test_input_required_result_sampling(ctx: ToolContext) -> Result<String, String> {
    let answer = ctx
        .input_key("capital_question")
        .create_message(sample("What is the capital of France?", 100))
        .await
        .map_err(|e| e.message)?;
    Ok(format!(
        "The model said: {}",
        answer["content"]["text"].as_str().unwrap_or_default()
    ))
}

/// Lists the client's roots (MRTR input `client_roots`)
#[tool]
async fn test_input_required_result_list_roots(ctx: ToolContext) -> Result<String, String> {
    let answer = ctx
        .input_key("client_roots")
        .list_roots()
        .await
        .map_err(|e| e.message)?;
    let uris: Vec<&str> = answer["roots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|root| root["uri"].as_str())
        .collect();
    Ok(format!("The client's roots: {}", uris.join(", ")))
}

/// Asks for a confirmation; the retry's sealed requestState carries the round
#[tool]
async fn test_input_required_result_request_state(ctx: ToolContext) -> Result<String, String> {
    confirm(&ctx).await
}

/// Like test_input_required_result_request_state: a tampered requestState is refused
#[tool]
async fn test_input_required_result_tampered_state(ctx: ToolContext) -> Result<String, String> {
    confirm(&ctx).await
}

async fn confirm(ctx: &ToolContext) -> Result<String, String> {
    let schema = json!({
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"]
    });
    let answer = ctx
        .input_key("confirm")
        .elicit(json!({"message": "Please confirm", "requestedSchema": schema}))
        .await
        .map_err(|e| e.message)?;
    let ok = accepted(&answer)?["ok"].as_bool().unwrap_or(false);
    // Reaching here on a retry means the server opened and verified its requestState.
    Ok(format!("state-ok: confirmed={ok}"))
}

/// Asks for a name, a greeting from the model and the roots, all at once
#[tool]
async fn test_input_required_result_multiple_inputs(ctx: ToolContext) -> Result<String, String> {
    let name = ctx.input_key("user_name");
    let greeting = ctx.input_key("greeting");
    let roots = ctx.input_key("client_roots");
    let (name, greeting, roots) = futures_util::join!(
        name.elicit(ask_for("What is your name?", "name")),
        greeting.create_message(sample("Generate a greeting", 50)),
        roots.list_roots(),
    );
    let (name, greeting, roots) = (
        name.map_err(|e| e.message)?,
        greeting.map_err(|e| e.message)?,
        roots.map_err(|e| e.message)?,
    );
    Ok(format!(
        "{} {}! ({} roots)",
        greeting["content"]["text"].as_str().unwrap_or("Hello"),
        accepted(&name)?["name"].as_str().unwrap_or("stranger"),
        roots["roots"].as_array().map_or(0, Vec::len)
    ))
}

/// Two rounds of questions, the second asked only once the first is answered
#[tool]
async fn test_input_required_result_multi_round(ctx: ToolContext) -> Result<String, String> {
    let step1 = ctx
        .input_key("step1")
        .elicit(ask_for("Step 1: What is your name?", "name"))
        .await
        .map_err(|e| e.message)?;
    let step2 = ctx
        .input_key("step2")
        .elicit(ask_for("Step 2: What is your favorite color?", "color"))
        .await
        .map_err(|e| e.message)?;
    Ok(format!(
        "{} likes {}",
        accepted(&step1)?["name"].as_str().unwrap_or("?"),
        accepted(&step2)?["color"].as_str().unwrap_or("?")
    ))
}

/// Wants both elicitation and sampling; asks only for what the client declared
#[tool]
async fn test_input_required_result_capabilities(ctx: ToolContext) -> Result<String, String> {
    let name = ctx.input_key("user_name");
    let fact = ctx.input_key("fact");
    let (name, fact) = futures_util::join!(
        name.elicit(ask_for("What is your name?", "name")),
        fact.create_message(sample("Tell me a fact", 50)),
    );
    // Either may be missing (-32021 from an undeclared capability): use what came.
    let name = name.ok();
    let fact = fact.ok();
    Ok(format!(
        "name: {}, fact: {}",
        name.as_ref()
            .and_then(|n| n["content"]["name"].as_str())
            .unwrap_or("(not asked)"),
        fact.as_ref()
            .and_then(|f| f["content"]["text"].as_str())
            .unwrap_or("(not asked)")
    ))
}

/// Cannot work without sampling: without the capability the request fails with -32021
#[tool]
async fn test_missing_capability(ctx: ToolContext) -> Result<String, String> {
    let answer = ctx
        .create_message(sample("Say hello", 20))
        .await
        .map_err(|e| e.message)?;
    Ok(format!(
        "The model said: {}",
        answer["content"]["text"].as_str().unwrap_or_default()
    ))
}

/// Asks for input while the request's answer may be a stream: only the result, never a request
#[tool]
async fn test_streaming_elicitation(ctx: ToolContext) -> Result<String, String> {
    ctx.report_progress(0.0, Some(1.0), Some("asking")).await;
    let answer = ctx
        .input_key("streamed_question")
        .elicit(ask_for("What should I stream?", "topic"))
        .await
        .map_err(|e| e.message)?;
    ctx.report_progress(1.0, Some(1.0), Some("done")).await;
    Ok(format!(
        "Streaming {}",
        accepted(&answer)?["topic"].as_str().unwrap_or("?")
    ))
}

/// Logs at every level; a stateless request sees them only with a logLevel opt-in
#[tool]
async fn test_logging_tool(ctx: ToolContext) -> &'static str {
    for level in [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warning,
        LogLevel::Error,
    ] {
        ctx.log(
            level,
            Some("test_logging_tool"),
            format!("a {level:?} message"),
        )
        .await;
    }
    "Logged at debug, info, warning and error"
}

// --- subscriptions/listen triggers: they change the server's own lists at run time.

/// The running server, for the fixtures that change its tools and prompts.
static SERVER: std::sync::OnceLock<McpServer> = std::sync::OnceLock::new();

/// A tool that exists only between two test_trigger_tool_change calls
#[tool]
async fn test_dynamic_tool() -> &'static str {
    "I come and go"
}

/// Adds (or removes again) a tool: list_changed reaches every listener
#[tool]
async fn test_trigger_tool_change() -> Result<String, String> {
    let server = SERVER.get().ok_or("the server is not running yet")?;
    if server.remove_tool("test_dynamic_tool") {
        return Ok("removed test_dynamic_tool".into());
    }
    server
        .add_tool(test_dynamic_tool())
        .map_err(|e| e.to_string())?;
    Ok("added test_dynamic_tool".into())
}

/// Adds (or removes again) a prompt: list_changed reaches every listener
#[tool]
async fn test_trigger_prompt_change() -> Result<String, String> {
    let server = SERVER.get().ok_or("the server is not running yet")?;
    if server.remove_prompt("test_dynamic_prompt") {
        return Ok("removed test_dynamic_prompt".into());
    }
    let prompt = Prompt::new(
        "test_dynamic_prompt",
        "A prompt that exists only between two test_trigger_prompt_change calls",
        |_: NoArguments, _ctx| async {
            Ok(GetPromptResult::messages(vec![PromptMessage::user(
                Content::text("I come and go"),
            )]))
        },
    );
    server.add_prompt(prompt).map_err(|e| e.to_string())?;
    Ok("added test_dynamic_prompt".into())
}

// ---------------------------------------------------------------------------------
// 2026-07-28 fixtures: `x-mcp-header` (SEP-2243, scenario
// http-custom-header-server-validation) and JSON Schema 2020-12 input schemas kept
// verbatim (SEP-1613 / SEP-2106, scenario json-schema-2020-12).

/// Runs a query in a region; region, priority and verbose travel as Mcp-Param headers too
#[tool]
async fn test_custom_headers(
    /// Where to run the query (mirrored into `Mcp-Param-Region`).
    #[schemars(extend("x-mcp-header" = "Region"))]
    region: String,
    /// How urgent the query is (mirrored into `Mcp-Param-Priority`).
    #[schemars(extend("x-mcp-header" = "Priority"))]
    #[serde(default)]
    priority: i64,
    /// Whether to say more (mirrored into `Mcp-Param-Verbose`).
    #[schemars(extend("x-mcp-header" = "Verbose"))]
    #[serde(default)]
    verbose: bool,
    /// The query to run (not mirrored).
    query: String,
) -> String {
    format!("Custom headers test: region={region}, priority={priority}, verbose={verbose}, query={query}")
}

/// The scenario's schema, word for word: `$schema`, `$defs` with an `$anchor`, a
/// `$ref`, `allOf`/`anyOf`, `if`/`then`/`else` and `additionalProperties`.
fn json_schema_2020_12_tool() -> Tool {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
            }
        },
        "properties": {
            "name": {"type": "string"},
            "address": {"$ref": "#/$defs/address"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    });
    Tool::new(
        "json_schema_2020_12_tool",
        "Tool with JSON Schema 2020-12 features",
        |arguments: serde_json::Value, _ctx| async move {
            format!("JSON Schema 2020-12 tool called with {arguments}")
        },
    )
    .with_input_schema(schema)
    // A constant schema, checked once at start-up (and by this scenario).
    .expect("the scenario's schema is a valid JSON Schema")
}

// ---------------------------------------------------------------------------------

fn tools() -> Vec<Tool> {
    vec![
        test_simple_text(),
        test_image_content(),
        test_audio_content(),
        test_embedded_resource(),
        test_multiple_content_types(),
        test_tool_with_logging(),
        test_tool_with_progress(),
        test_error_handling(),
        test_sampling(),
        test_elicitation(),
        test_elicitation_sep1034_defaults(),
        test_elicitation_sep1330_enums(),
        // 2026-07-28 MRTR and stateless diagnostics.
        test_input_required_result_elicitation(),
        test_input_required_result_sampling(),
        test_input_required_result_list_roots(),
        test_input_required_result_request_state(),
        test_input_required_result_tampered_state(),
        test_input_required_result_multiple_inputs(),
        test_input_required_result_multi_round(),
        test_input_required_result_capabilities(),
        test_missing_capability(),
        test_streaming_elicitation(),
        test_logging_tool(),
        test_trigger_tool_change(),
        test_trigger_prompt_change(),
        // 2026-07-28 fixtures (see their section above).
        test_custom_headers(),
        json_schema_2020_12_tool(),
    ]
}

async fn elicit(
    ctx: &ToolContext,
    params: serde_json::Value,
    label: &str,
) -> Result<String, String> {
    let answer = ctx
        .elicit(params)
        .await
        .map_err(|e| format!("Elicitation failed: {}", e.message))?;
    Ok(format!(
        "{label}: action={}, content={}",
        answer["action"].as_str().unwrap_or("?"),
        answer.get("content").cloned().unwrap_or(json!({}))
    ))
}

// ---------------------------------------------------------------------------------
// Tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663) fixtures: the tools the
// conformance suite's `tasks-*` scenarios call. Served to 2026-07-28 requests; a
// request that declares the extension gets a task handle for the task-running ones.
mod task_fixtures {
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
        let failed =
            |e: actix_mcp::protocol::RpcError| format!("Elicitation failed: {}", e.message);
        let (first, second) = (first.map_err(failed)?, second.map_err(failed)?);
        Ok(format!(
            "Got {} and {}",
            first.get("content").cloned().unwrap_or(json!({})),
            second.get("content").cloned().unwrap_or(json!({}))
        ))
    }

    pub fn tools() -> Vec<Tool> {
        vec![
            greet(),
            slow_compute(),
            failing_job(),
            protocol_error_job(),
            confirm_delete(),
            multi_input(),
        ]
    }
}

/// The variables of `test://template/{id}/data`.
#[derive(Deserialize, JsonSchema)]
struct TemplateVariables {
    id: String,
}

/// The arguments of `test_prompt_with_arguments`.
#[derive(Deserialize, JsonSchema)]
struct TwoArguments {
    /// First test argument
    arg1: String,
    /// Second test argument
    arg2: String,
}

/// The argument of `test_prompt_with_embedded_resource`.
#[derive(Deserialize, JsonSchema)]
struct EmbedArguments {
    /// URI of the resource to embed
    #[serde(rename = "resourceUri")]
    resource_uri: String,
}

fn resources() -> (Vec<Resource>, Vec<ResourceTemplate>) {
    let fixed = vec![
        Resource::text(
            "test://static-text",
            "static-text",
            "text/plain",
            "This is the content of the static text resource.",
        )
        .title("Static Text Resource")
        .description("A static text resource for testing"),
        Resource::blob("test://static-binary", "static-binary", "image/png", PNG)
            .title("Static Binary Resource")
            .description("A static binary resource (image) for testing"),
        Resource::text(
            "test://watched-resource",
            "watched-resource",
            "text/plain",
            "Watched resource content",
        )
        .title("Watched Resource")
        .description("A resource that can be subscribed to"),
    ];
    let templates = vec![ResourceTemplate::new(
        "test://template/{id}/data",
        "template",
        |uri, vars: TemplateVariables, _ctx| async move {
            let id = vars.id;
            let text =
                json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")})
                    .to_string();
            Ok(vec![ResourceContents::Text {
                uri,
                mime_type: Some("application/json".into()),
                text,
            }])
        },
    )
    .title("Template Resource")
    .description("A resource template with parameter substitution")
    .mime_type("application/json")];
    (fixed, templates)
}

fn prompts() -> Vec<Prompt> {
    vec![
        Prompt::new(
            "test_input_required_result_prompt",
            "A prompt that asks the user for its context first (MRTR input `user_context`)",
            |_: NoArguments, ctx| async move {
                let answer = ctx
                    .input_key("user_context")
                    .elicit(ask_for("What context should the prompt use?", "context"))
                    .await
                    .map_err(|e| e.message)?;
                let context = accepted(&answer)?["context"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned();
                Ok(GetPromptResult::messages(vec![PromptMessage::user(
                    Content::text(format!("Use this context: {context}")),
                )]))
            },
        ),
        Prompt::new(
            "test_simple_prompt",
            "A simple prompt without arguments",
            |_: NoArguments, _ctx| async {
                Ok(GetPromptResult::messages(vec![PromptMessage::user(
                    Content::text("This is a simple prompt for testing."),
                )]))
            },
        ),
        Prompt::new(
            "test_prompt_with_arguments",
            "A prompt with required arguments",
            |args: TwoArguments, _ctx| async move {
                Ok(GetPromptResult::messages(vec![PromptMessage::user(
                    Content::text(format!(
                        "Prompt with arguments: arg1='{}', arg2='{}'",
                        args.arg1, args.arg2
                    )),
                )]))
            },
        )
        .complete("arg1", |typed, _| {
            ["test", "testing", "tested"]
                .iter()
                .filter(|v| v.starts_with(typed))
                .map(|v| v.to_string())
                .collect()
        }),
        Prompt::new(
            "test_prompt_with_embedded_resource",
            "A prompt with an embedded resource",
            |args: EmbedArguments, _ctx| async move {
                Ok(GetPromptResult::messages(vec![
                    PromptMessage::user(Content::embedded_text(
                        args.resource_uri,
                        Some("text/plain"),
                        "Embedded resource content for testing.",
                    )),
                    PromptMessage::user(Content::text(
                        "Please process the embedded resource above.",
                    )),
                ]))
            },
        ),
        Prompt::new(
            "test_prompt_with_image",
            "A prompt with image content",
            |_: NoArguments, _ctx| async {
                Ok(GetPromptResult::messages(vec![
                    PromptMessage::user(Content::image(PNG, "image/png")),
                    PromptMessage::user(Content::text("Please analyze the image above.")),
                ]))
            },
        ),
    ]
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let cli = Cli::parse();
    actix_mcp::telemetry::init("warn");
    let (fixed, templates) = resources();
    let mut builder = McpServer::builder().name("actix-mcp-everything", env!("CARGO_PKG_VERSION"));
    for tool in tools().into_iter().chain(task_fixtures::tools()) {
        builder = builder.tool(tool);
    }
    for resource in fixed {
        builder = builder.resource(resource);
    }
    for template in templates {
        builder = builder.resource_template(template);
    }
    for prompt in prompts() {
        builder = builder.prompt(prompt);
    }
    let mcp = builder.build().map_err(std::io::Error::other)?;
    let _ = SERVER.set(mcp.clone());
    let served = mcp.clone();
    let server = HttpServer::new(move || App::new().configure(served.configure()))
        .tcp_nodelay(true)
        .disable_signals()
        .bind(("127.0.0.1", cli.port))?
        .run();
    actix_web::rt::spawn(actix_mcp::shutdown::on(
        actix_mcp::shutdown::signal(),
        server.handle(),
        mcp,
        Duration::from_secs(2),
    ));
    server.await
}
