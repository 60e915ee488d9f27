//! `subscriptions/listen` triggers (`server-stateless`): tools that change the server's
//! own tool and prompt lists at run time, so listeners hear `list_changed`.

use actix_mcp::prompt::{GetPromptResult, NoArguments, Prompt, PromptMessage};
use actix_mcp::{tool, Content, McpServer, Tool};

/// The running server, for the fixtures that change its tools and prompts.
pub static SERVER: std::sync::OnceLock<McpServer> = std::sync::OnceLock::new();

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

pub fn tools() -> Vec<Tool> {
    vec![test_trigger_tool_change(), test_trigger_prompt_change()]
}
