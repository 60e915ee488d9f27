//! `echo://{message}`: a resource whose contents echo the URI's message.

use actix_mcp::protocol::ResourceContents;
use actix_mcp::resource::ResourceTemplate;
use schemars::JsonSchema;
use serde::Deserialize;

/// The template's one variable.
#[derive(Deserialize, JsonSchema)]
pub struct EchoUri {
    /// Everything after `echo://`.
    pub message: String,
}

pub fn echo_resource() -> ResourceTemplate {
    ResourceTemplate::new(
        "echo://{message}",
        "echo",
        |uri, vars: EchoUri, _ctx| async move {
            Ok(vec![ResourceContents::Text {
                uri,
                mime_type: Some("text/plain".into()),
                text: format!("Resource echo: {}", vars.message),
            }])
        },
    )
    .title("Echo resource")
    .description("Echoes the message in its URI, e.g. echo://hello")
    .mime_type("text/plain")
}
