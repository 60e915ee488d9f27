//! `echo`: returns its `message` unchanged.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::tool::{Tool, ToolAnnotations, ToolContext};

#[derive(Deserialize, JsonSchema)]
pub struct EchoArgs {
    /// The text to send back.
    pub message: String,
}

pub fn echo() -> Tool {
    Tool::new(
        "echo",
        "Echo a message back unchanged.",
        |args: EchoArgs, _ctx: ToolContext| async move { args.message },
    )
    .title("Echo")
    .annotations(ToolAnnotations::read_only())
}
