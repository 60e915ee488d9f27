//! `echo`: a prompt that asks the model to process a message.

use actix_mcp::prompt::{GetPromptResult, Prompt, PromptMessage};
use actix_mcp::protocol::Content;

pub fn echo_prompt() -> Prompt {
    Prompt::new(
        "echo",
        "Asks the model to process a message.",
        |arguments, _ctx| async move {
            let message = arguments.get("message").cloned().unwrap_or_default();
            Ok(GetPromptResult::messages(vec![PromptMessage::user(
                Content::text(format!("Please process this message: {message}")),
            )]))
        },
    )
    .title("Echo prompt")
    .argument("message", "The message to process", true)
}
