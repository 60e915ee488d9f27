//! `uppercase_text`: returns its `text` in upper case.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::tool::{Tool, ToolAnnotations, ToolContext};

#[derive(Deserialize, JsonSchema)]
pub struct UppercaseArgs {
    /// The text to convert to upper case.
    pub text: String,
}

pub fn uppercase_text() -> Tool {
    Tool::new(
        "uppercase_text",
        "Convert text to upper case.",
        |args: UppercaseArgs, _ctx: ToolContext| async move { args.text.to_uppercase() },
    )
    .title("Uppercase text")
    .annotations(ToolAnnotations::read_only())
}
