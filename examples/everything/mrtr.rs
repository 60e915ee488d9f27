//! 2026-07-28 MRTR fixtures (conformance `input-required-result-*`, `server-stateless`).
//! Each is an ordinary handler: in a stateless request its asks become the
//! `inputRequests` of an `InputRequiredResult`; in a session they are requests to the
//! client.

use actix_mcp::prompt::{GetPromptResult, NoArguments, Prompt, PromptMessage};
use actix_mcp::{tool, Content, LogLevel, Tool, ToolContext};
use serde_json::json;

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

/// What a sampling answer says, as a tool's reply.
fn model_said(answer: &serde_json::Value) -> String {
    format!(
        "The model said: {}",
        answer["content"]["text"].as_str().unwrap_or_default()
    )
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
    Ok(model_said(&answer))
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
    Ok(model_said(&answer))
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

/// A prompt that needs input first (`input-required-result-non-tool-request`).
pub fn prompt() -> Prompt {
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
    )
}

pub fn tools() -> Vec<Tool> {
    vec![
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
    ]
}
