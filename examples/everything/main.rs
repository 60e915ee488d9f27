//! Every fixture the official MCP conformance suite's server scenarios call, served on
//! `/mcp` (Streamable HTTP) and `/sse` (legacy):
//! `cargo run --release --example everything -- --port 3001`, then
//! `bash scripts/conformance.sh http://localhost:3001/mcp`.

mod headers;
mod listen;
mod mrtr;
mod tasks;

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
        mrtr::prompt(),
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
    let fixtures = tools()
        .into_iter()
        .chain(mrtr::tools())
        .chain(listen::tools())
        .chain(headers::tools())
        .chain(tasks::tools());
    for tool in fixtures {
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
    let _ = listen::SERVER.set(mcp.clone());
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
