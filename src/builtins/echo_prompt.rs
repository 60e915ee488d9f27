//! `echo`: a prompt that asks the model to process a message.

use actix_mcp::prompt::{GetPromptResult, Prompt, PromptMessage};
use actix_mcp::protocol::Content;
use schemars::JsonSchema;
use serde::Deserialize;

/// The prompt's one argument.
#[derive(Deserialize, JsonSchema)]
pub struct EchoPromptArgs {
    /// The message to process
    pub message: String,
}

pub fn echo_prompt() -> Prompt {
    Prompt::new(
        "echo",
        "Asks the model to process a message.",
        |args: EchoPromptArgs, _ctx| async move {
            Ok(GetPromptResult::messages(vec![PromptMessage::user(
                Content::text(format!("Please process this message: {}", args.message)),
            )]))
        },
    )
    .title("Echo prompt")
}
