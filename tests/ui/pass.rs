//! Every accepted shape compiles, with no serde or schemars import in sight.

use actix_mcp::{tool, RequestContext, ToolContext};

/// No arguments, no context.
#[tool]
async fn bare() -> &'static str {
    "ok"
}

/// Context first, arguments after, a `mut` binding and an optional argument.
#[tool(title = "Mixed", read_only = false, open_world)]
pub async fn mixed(
    _ctx: ToolContext,
    /// Some text.
    mut text: String,
    /// A number.
    count: Option<u32>,
) -> Result<String, String> {
    text.push('!');
    Ok(format!("{text} {count:?}"))
}

mod nested {
    /// The context under its other name, fully qualified.
    #[actix_mcp::tool(name = "nested.tool")]
    pub(crate) async fn with_request_context(_: actix_mcp::RequestContext) -> String {
        String::new()
    }
}

/// A raw identifier as the tool name.
#[tool]
async fn r#type(ctx: RequestContext) -> String {
    ctx.session_id().map(|id| id.to_string()).unwrap_or_default()
}

fn main() {
    let tools: Vec<actix_mcp::Tool> =
        vec![bare(), mixed(), nested::with_request_context(), r#type()];
    assert_eq!(tools[2].name(), "nested.tool");
    assert_eq!(tools[3].name(), "type");
}
