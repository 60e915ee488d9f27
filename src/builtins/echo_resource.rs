//! `echo://{message}`: a resource whose contents echo the URI's message.

use actix_mcp::protocol::ResourceContents;
use actix_mcp::resource::ResourceTemplate;

pub fn echo_resource() -> ResourceTemplate {
    ResourceTemplate::new(
        "echo://{message}",
        "echo",
        |uri, variables, _ctx| async move {
            let message = variables.get("message").cloned().unwrap_or_default();
            Ok(vec![ResourceContents::Text {
                uri,
                mime_type: Some("text/plain".into()),
                text: format!("Resource echo: {message}"),
            }])
        },
    )
    .title("Echo resource")
    .description("Echoes the message in its URI, e.g. echo://hello")
    .mime_type("text/plain")
}
