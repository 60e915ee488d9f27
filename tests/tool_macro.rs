//! The `#[tool]` attribute: what the tools it makes show in `tools/list` and do on
//! `tools/call` over a real socket, and (trybuild) that misuse fails to compile with
//! a clear error at the right spot.

mod common;

use actix_mcp::{tool, CallToolResult, McpServer, ProtocolVersion, Structured, Tool, ToolContext};
use common::streamable_client::StreamableClient;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Repeat a word.
///
/// Joins the copies with spaces.
#[tool(title = "Repeat", read_only, idempotent = true, open_world = false)]
async fn repeat(
    /// The word to repeat.
    word: String,
    /// How often; once when left out.
    #[schemars(range(min = 1, max = 5))]
    times: Option<u8>,
) -> String {
    vec![word; usize::from(times.unwrap_or(1))].join(" ")
}

/// Says which request it serves.
#[tool(name = "which-request", destructive = false)]
async fn which_request(ctx: ToolContext) -> String {
    format!("request {}", ctx.request_id())
}

#[derive(Deserialize, JsonSchema)]
struct DivideArgs {
    /// The number to divide.
    dividend: i64,
    /// What to divide it by; not zero.
    divisor: i64,
}

#[derive(Serialize, JsonSchema)]
struct Quotient {
    quotient: i64,
}

#[tool(description = "Integer division.")]
async fn divide(
    #[args] args: DivideArgs,
    _ctx: actix_mcp::RequestContext,
) -> Result<Structured<Quotient>, String> {
    if args.divisor == 0 {
        return Err("cannot divide by zero".into());
    }
    Ok(Structured(Quotient {
        quotient: args.dividend / args.divisor,
    }))
}

/// Takes nothing.
#[tool]
async fn nothing() -> CallToolResult {
    CallToolResult::text("nothing to do")
}

fn wire(tool: &Tool) -> Value {
    serde_json::to_value(tool.to_wire(ProtocolVersion::LATEST)).expect("serializable")
}

#[test]
fn name_description_schema_and_hints_come_from_the_function() {
    let repeat = wire(&repeat());
    assert_eq!(repeat["name"], "repeat");
    assert_eq!(
        repeat["description"],
        "Repeat a word.\n\nJoins the copies with spaces."
    );
    assert_eq!(repeat["title"], "Repeat");
    assert_eq!(
        repeat["annotations"],
        json!({"readOnlyHint": true, "idempotentHint": true, "openWorldHint": false}),
        "only the hints written"
    );
    let schema = &repeat["inputSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["word"]), "Option<T> is optional");
    assert_eq!(
        schema["properties"]["word"],
        json!({"type": "string", "description": "The word to repeat."})
    );
    assert_eq!(
        schema["properties"]["times"]["description"],
        "How often; once when left out."
    );
    assert_eq!(schema["properties"]["times"]["maximum"], 5);

    let which = wire(&which_request());
    assert_eq!(which["name"], "which-request");
    assert_eq!(which["annotations"], json!({"destructiveHint": false}));
    assert_eq!(
        which["inputSchema"],
        json!({"type": "object"}),
        "the context is not an argument"
    );
    assert!(which.get("title").is_none());

    let divide = wire(&divide());
    assert_eq!(divide["description"], "Integer division.");
    assert_eq!(
        divide["inputSchema"]["required"],
        json!(["dividend", "divisor"])
    );
    assert_eq!(
        divide["inputSchema"]["properties"]["divisor"]["description"],
        "What to divide it by; not zero."
    );
    assert_eq!(
        divide["outputSchema"]["properties"]["quotient"]["type"],
        "integer"
    );
    assert!(
        divide.get("annotations").is_none(),
        "no hints, no annotations"
    );

    // Exactly what a hand-written empty argument struct gives (the conformance
    // fixtures moved from one to the other).
    #[derive(Deserialize, JsonSchema)]
    struct NoArgs {}
    let by_hand = Tool::new(
        "nothing",
        "Takes nothing.",
        |_: NoArgs, _ctx: ToolContext| async { CallToolResult::text("nothing to do") },
    );
    assert_eq!(wire(&nothing()), wire(&by_hand));
}

#[actix_web::test]
async fn macro_tools_list_and_call_over_a_real_socket() {
    let mcp = McpServer::builder()
        .tool(repeat())
        .tool(which_request())
        .tool(divide())
        .tool(nothing())
        .config(common::fast_config())
        .build()
        .expect("valid tools");
    let server = common::start_with(mcp, "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    client.initialize("2025-11-25").await;

    let list = client.request(json!(1), "tools/list", json!({})).await;
    let names: Vec<_> = list["result"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            json!("repeat"),
            json!("which-request"),
            json!("divide"),
            json!("nothing")
        ]
    );
    assert_eq!(list["result"]["tools"][0], wire(&repeat()));

    let call = |id: i64, name: &str, arguments: Value| {
        let client = &client;
        let name = name.to_owned();
        async move { client.call_tool(json!(id), &name, arguments).await["result"].clone() }
    };
    assert_eq!(
        call(2, "repeat", json!({"word": "hey", "times": 3})).await,
        json!({"content": [{"type": "text", "text": "hey hey hey"}]})
    );
    assert_eq!(
        call(3, "repeat", json!({"word": "once"})).await["content"][0]["text"],
        "once"
    );
    let too_many = call(4, "repeat", json!({"word": "x", "times": 9})).await;
    assert_eq!(too_many["isError"], true, "the schema's range is enforced");
    assert_eq!(
        call(5, "which-request", json!({})).await["content"][0]["text"],
        "request 5"
    );
    assert_eq!(
        call(6, "divide", json!({"dividend": 7, "divisor": 2})).await["structuredContent"],
        json!({"quotient": 3})
    );
    let by_zero = call(7, "divide", json!({"dividend": 7, "divisor": 0})).await;
    assert_eq!(
        by_zero,
        json!({"content": [{"type": "text", "text": "cannot divide by zero"}], "isError": true})
    );
    assert_eq!(
        call(8, "nothing", json!({})).await["content"][0]["text"],
        "nothing to do"
    );
}

/// Misuse fails to compile with an error at the offending spot (`tests/ui/*.stderr`;
/// regenerate with `TRYBUILD=overwrite cargo test --test tool_macro` and review them).
#[test]
fn misuse_is_a_clear_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass.rs");
    cases.compile_fail("tests/ui/fail_*.rs");
}
