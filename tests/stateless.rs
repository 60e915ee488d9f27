//! 2026-07-28 stateless requests on `/mcp` (`McpConfig::serve_stateless`): discovery,
//! tools, resources and prompts without a session, and the revision's validation rules
//! with their HTTP statuses and JSON-RPC codes. Each request is an independent POST,
//! as a 2026-07-28 client sends it.

mod common;

use actix_mcp::Tool;
use common::streamable_client::StreamableClient;
use common::{fast_config, start_server};
use serde_json::{json, Value};

const REVISION: &str = "2026-07-28";

fn stateless_config() -> actix_mcp::McpConfig {
    actix_mcp::McpConfig {
        serve_stateless: true,
        ..fast_config()
    }
}

/// The `_meta` every 2026-07-28 request carries, declaring `version`.
fn meta(version: &str) -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "stateless-test", "version": "1"},
    })
}

/// A request whose params are `params` plus the 2026-07-28 `_meta`.
fn request(id: Value, method: &str, mut params: Value) -> Value {
    params["_meta"] = meta(REVISION);
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// What a POST got back: status, whether it carried a session id, the JSON body.
struct Answer {
    status: u16,
    session_header: bool,
    body: Value,
}

/// The `Mcp-Method` / `Mcp-Name` headers a conforming client derives from `body`.
fn mirrors(body: &Value) -> Vec<(&'static str, String)> {
    let method = body["method"].as_str().unwrap_or_default();
    let mut headers = vec![("mcp-method", method.to_owned())];
    let name = match method {
        "tools/call" | "prompts/get" => body["params"]["name"].as_str(),
        "resources/read" => body["params"]["uri"].as_str(),
        _ => None,
    };
    headers.extend(name.map(|n| ("mcp-name", n.to_owned())));
    headers
}

/// POSTs `body` with `MCP-Protocol-Version: header` and the mirrored headers.
async fn post(url: &str, header: Option<&str>, body: &Value) -> Answer {
    send(url, header, body, mirrors(body)).await
}

/// POSTs `body` with exactly these mirrored `headers`.
async fn send(
    url: &str,
    header: Option<&str>,
    body: &Value,
    headers: Vec<(&str, String)>,
) -> Answer {
    let mut client = StreamableClient::new(url);
    client.protocol_version = header.map(str::to_owned);
    let mut builder = client.post_builder();
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let response = builder
        .body(body.to_string())
        .send()
        .await
        .expect("POST /mcp");
    let status = response.status().as_u16();
    let session_header = response.headers().contains_key("mcp-session-id");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap_or_default();
    let body = if text.is_empty() {
        Value::Null
    } else {
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        serde_json::from_str(&text).unwrap_or(Value::Null)
    };
    Answer {
        status,
        session_header,
        body,
    }
}

/// A conforming stateless POST (header and `_meta` agree).
async fn call(url: &str, id: Value, method: &str, params: Value) -> Answer {
    post(url, Some(REVISION), &request(id, method, params)).await
}

fn result(answer: &Answer) -> &Value {
    assert_eq!(answer.status, 200, "{}", answer.body);
    &answer.body["result"]
}

fn assert_stateless_result(result: &Value) {
    assert_eq!(result["resultType"], "complete", "{result}");
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "actix-mcp",
        "{result}"
    );
}

fn mcp_url(base: &str) -> String {
    format!("{base}/mcp")
}

#[actix_web::test]
async fn server_discover_is_answered_without_a_session() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    let answer = call(&url, json!("d"), "server/discover", json!({})).await;
    assert!(
        !answer.session_header,
        "a stateless answer never mints a session"
    );
    assert_eq!(answer.body["id"], "d");
    let discovered = result(&answer);
    assert_stateless_result(discovered);
    assert_eq!(
        discovered["supportedVersions"],
        json!([
            "2026-07-28",
            "2025-11-25",
            "2025-06-18",
            "2025-03-26",
            "2024-11-05"
        ])
    );
    assert_eq!(discovered["instructions"], "Test server.");
    // Changes arrive on subscriptions/listen; logs on a request's stream (logLevel).
    assert_eq!(
        discovered["capabilities"]["tools"],
        json!({"listChanged": true})
    );
    assert_eq!(
        discovered["capabilities"]["resources"],
        json!({"subscribe": true, "listChanged": true})
    );
    assert_eq!(
        discovered["capabilities"]["prompts"],
        json!({"listChanged": true})
    );
    assert_eq!(discovered["capabilities"]["logging"], json!({}));
    assert_eq!(
        (
            discovered["ttlMs"].clone(),
            discovered["cacheScope"].clone()
        ),
        (json!(0), json!("private"))
    );

    // An Mcp-Session-Id on a stateless request is ignored, whatever it says.
    let discover = request(json!(2), "server/discover", json!({}));
    let mut headers = mirrors(&discover);
    headers.push(("mcp-session-id", "not-a-session".into()));
    let answer = send(&url, Some(REVISION), &discover, headers).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(!answer.session_header);
}

#[actix_web::test]
async fn tools_are_listed_and_called_statelessly() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    let listed = call(&url, json!(1), "tools/list", json!({})).await;
    let tools = result(&listed);
    assert_stateless_result(tools);
    assert_eq!(tools["ttlMs"], 0);
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"echo"), "{names:?}");

    let echoed = call(
        &url,
        json!("c"),
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "no session"}}),
    )
    .await;
    assert_eq!(echoed.body["id"], "c");
    let called = result(&echoed);
    assert_stateless_result(called);
    assert_eq!(called["content"][0]["text"], "no session");
    assert!(
        called.get("ttlMs").is_none(),
        "a tool call is not cacheable"
    );

    // A method's own error is a JSON-RPC error in a 200 answer, as in a session.
    let unknown = call(&url, json!(3), "tools/call", json!({"name": "nope"})).await;
    assert_eq!(unknown.status, 200);
    assert_eq!(
        (
            unknown.body["id"].clone(),
            unknown.body["error"]["code"].clone()
        ),
        (json!(3), json!(-32602))
    );

    // A tool that needs the client's model, from a client that declared no sampling:
    // nothing is asked, and the call fails with 400 -32021 naming the capability
    // (MRTR itself is tests/mrtr.rs).
    let asks = call(
        &url,
        json!(4),
        "tools/call",
        json!({"name": "asks_model", "arguments": {"prompt": "hi"}}),
    )
    .await;
    assert_eq!(asks.status, 400, "{}", asks.body);
    assert_eq!(asks.body["id"], 4);
    assert_eq!(asks.body["error"]["code"], -32021);
}

#[actix_web::test]
async fn resources_and_prompts_are_served_statelessly() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    let listed = call(&url, json!(1), "resources/list", json!({})).await;
    assert_stateless_result(result(&listed));
    let read = call(
        &url,
        json!(2),
        "resources/read",
        json!({"uri": "test://static-text"}),
    )
    .await;
    let contents = result(&read);
    assert_stateless_result(contents);
    assert_eq!(contents["contents"][0]["text"], "Static text.");
    assert_eq!(contents["cacheScope"], "private");
    assert_eq!(contents["ttlMs"], 0, "the server's default");
    // A resource's own TTL wins.
    let png = call(
        &url,
        json!("png"),
        "resources/read",
        json!({"uri": "test://static-binary"}),
    )
    .await;
    assert_eq!(result(&png)["ttlMs"], 3_600_000);
    // 2026-07-28 forbids -32002: an unknown resource is -32602.
    let missing = call(
        &url,
        json!(3),
        "resources/read",
        json!({"uri": "test://nope"}),
    )
    .await;
    assert_eq!(missing.body["error"]["code"], -32602);

    let prompts = call(&url, json!(4), "prompts/list", json!({})).await;
    assert_stateless_result(result(&prompts));
    let got = call(&url, json!(5), "prompts/get", json!({"name": "simple"})).await;
    let prompt = result(&got);
    assert_stateless_result(prompt);
    assert_eq!(
        prompt["messages"][0]["content"]["text"],
        "Say something simple."
    );
}

#[actix_web::test]
async fn required_meta_is_checked_first() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    let without_capabilities = json!({"io.modelcontextprotocol/protocolVersion": REVISION});
    let without_version = json!({"io.modelcontextprotocol/clientCapabilities": {}});
    for (id, params) in [
        (101, json!({})),
        (102, json!({"_meta": without_version})),
        (104, json!({"_meta": without_capabilities})),
    ] {
        let body =
            json!({"jsonrpc": "2.0", "id": id, "method": "server/discover", "params": params});
        let answer = post(&url, Some(REVISION), &body).await;
        assert_eq!(answer.status, 400, "{params}");
        assert_eq!(answer.body["error"]["code"], -32602, "{params}");
        assert_eq!(answer.body["id"], id);
    }
    // clientInfo is only a SHOULD.
    let body = json!({"jsonrpc": "2.0", "id": 105, "method": "server/discover", "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": REVISION,
        "io.modelcontextprotocol/clientCapabilities": {},
    }}});
    assert_eq!(post(&url, Some(REVISION), &body).await.status, 200);
}

#[actix_web::test]
async fn unsupported_versions_get_32022_with_supported_and_requested() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    // Unknown, and a handshake revision (served only through initialize).
    for version in ["v999.0.0", "2025-11-25"] {
        let mut body = request(json!(301), "server/discover", json!({}));
        body["params"]["_meta"] = meta(version);
        let answer = post(&url, Some(version), &body).await;
        assert_eq!(answer.status, 400, "{version}");
        let error = &answer.body["error"];
        assert_eq!(error["code"], -32022, "{version}");
        assert_eq!(error["data"]["requested"], version);
        assert_eq!(error["data"]["supported"][0], REVISION);
        assert_eq!(answer.body["id"], 301);
    }
}

#[actix_web::test]
async fn the_version_header_must_match_meta() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    let mut unknown_in_meta = request(json!(302), "server/discover", json!({}));
    unknown_in_meta["params"]["_meta"] = meta("v999.0.0");
    let discover = request(json!(303), "server/discover", json!({}));
    for (header, body) in [
        (Some(REVISION), &unknown_in_meta),
        (Some("2025-11-25"), &discover),
        (None, &discover),
    ] {
        let answer = post(&url, header, body).await;
        assert_eq!(answer.status, 400, "{header:?}");
        assert_eq!(answer.body["error"]["code"], -32020, "{header:?}");
        assert_eq!(answer.body["id"], body["id"]);
    }
}

#[actix_web::test]
async fn mcp_method_and_mcp_name_must_mirror_the_body() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    let echo = request(
        json!(7),
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "m"}}),
    );
    let method = || ("mcp-method", "tools/call".to_owned());
    for headers in [
        vec![],
        vec![
            ("mcp-method", "tools/list".to_owned()),
            ("mcp-name", "echo".to_owned()),
        ],
        vec![method()],
        vec![method(), ("mcp-name", "uppercase_text".to_owned())],
        vec![method(), ("mcp-name", "=?base64?not base64?=".to_owned())],
    ] {
        let shown = format!("{headers:?}");
        let answer = send(&url, Some(REVISION), &echo, headers).await;
        assert_eq!(answer.status, 400, "{shown}");
        assert_eq!(answer.body["error"]["code"], -32020, "{shown}");
        assert_eq!(answer.body["id"], 7, "{shown}");
    }
    // Whitespace around the value is not part of it; base64 values are decoded.
    for name in ["  echo ", "=?base64?ZWNobw==?="] {
        let headers = vec![method(), ("mcp-name", name.to_owned())];
        let answer = send(&url, Some(REVISION), &echo, headers).await;
        assert_eq!(result(&answer)["content"][0]["text"], "m", "{name}");
    }
    // resources/read mirrors its uri.
    let read = request(
        json!(8),
        "resources/read",
        json!({"uri": "test://static-text"}),
    );
    let headers = vec![
        ("mcp-method", "resources/read".to_owned()),
        ("mcp-name", "test://other".to_owned()),
    ];
    assert_eq!(
        send(&url, Some(REVISION), &read, headers).await.body["error"]["code"],
        -32020
    );
}

/// Mirrors `region` (string), `priority` (integer or null) and `options.dry_run`
/// (boolean, nested) into `Mcp-Param-*` headers.
fn routed_tool() -> Tool {
    Tool::new(
        "routed",
        "Answers with the region it was routed to.",
        |arguments: Value, _ctx| async move { format!("routed to {}", arguments["region"]) },
    )
    .with_input_schema(json!({
        "type": "object",
        "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "priority": {"type": ["integer", "null"], "x-mcp-header": "Priority"},
            "options": {"type": "object", "properties": {
                "dry_run": {"type": "boolean", "x-mcp-header": "Dry-Run"}
            }},
            "query": {"type": "string"}
        },
        "required": ["region", "query"]
    }))
    .expect("a valid schema")
}

/// A `tools/call` of `routed` with `arguments`, and its Mcp-Method / Mcp-Name headers.
fn routed_call(id: u64, arguments: Value) -> (Value, Vec<(&'static str, String)>) {
    let body = request(
        json!(id),
        "tools/call",
        json!({"name": "routed", "arguments": arguments}),
    );
    let headers = mirrors(&body);
    (body, headers)
}

#[actix_web::test]
async fn mcp_param_headers_must_mirror_the_declared_arguments() {
    let server = start_server(stateless_config(), "").await;
    server
        .mcp
        .add_tool(routed_tool())
        .expect("valid declarations");
    let url = mcp_url(&server.base_url);
    let region = |arguments: Value, params: &[(&'static str, &str)]| {
        let (body, mut headers) = routed_call(40, arguments);
        headers.extend(
            params
                .iter()
                .map(|(name, value)| (*name, value.to_string())),
        );
        (body, headers)
    };
    let query = |region: &str| json!({"region": region, "query": "q"});
    let answered = [
        (query("us-west1"), vec![("mcp-param-region", "us-west1")]),
        // Names are case-insensitive; values decode from the base64 sentinel.
        (query("us-west1"), vec![("MCP-PARAM-REGION", " us-west1 ")]),
        (
            query("Hello, 世界"),
            vec![("mcp-param-region", "=?base64?SGVsbG8sIOS4lueVjA==?=")],
        ),
        // Without both markers a value is literal.
        (query("SGVsbG8="), vec![("mcp-param-region", "SGVsbG8=")]),
        (
            query("=?base64?SGVsbG8="),
            vec![("mcp-param-region", "=?base64?SGVsbG8=")],
        ),
        // Integers compare as numbers, booleans as true/false, nested paths work.
        (
            json!({"region": "eu", "query": "q", "priority": 42, "options": {"dry_run": true}}),
            vec![
                ("mcp-param-region", "eu"),
                ("mcp-param-priority", "42.0"),
                ("mcp-param-dry-run", "true"),
            ],
        ),
        // A null value has no header; a header the tool does not declare is ignored.
        (
            json!({"region": "eu", "query": "q", "priority": null}),
            vec![("mcp-param-region", "eu"), ("mcp-param-other", "x")],
        ),
    ];
    for (arguments, params) in answered {
        let shown = format!("{arguments} {params:?}");
        let (body, headers) = region(arguments, &params);
        let answer = send(&url, Some(REVISION), &body, headers).await;
        let called = result(&answer);
        assert_stateless_result(called);
        assert!(called.get("isError").is_none(), "{shown}: {called}");
    }

    let refused = [
        (query("us-west1"), vec![("mcp-param-region", "us-east1")]),
        (query("us-west1"), vec![]),
        // Invalid base64 padding, characters outside the alphabet.
        (
            query("Hello"),
            vec![("mcp-param-region", "=?base64?SGVsbG8?=")],
        ),
        (
            query("Hello"),
            vec![("mcp-param-region", "=?base64?SGVs!!!bG8=?=")],
        ),
        (
            json!({"region": "eu", "query": "q", "priority": 42}),
            vec![("mcp-param-region", "eu"), ("mcp-param-priority", "41")],
        ),
        (
            json!({"region": "eu", "query": "q", "options": {"dry_run": true}}),
            vec![("mcp-param-region", "eu"), ("mcp-param-dry-run", "True")],
        ),
        // A header for a value the body does not have.
        (
            query("eu"),
            vec![("mcp-param-region", "eu"), ("mcp-param-priority", "1")],
        ),
    ];
    for (arguments, params) in refused {
        let shown = format!("{arguments} {params:?}");
        let (body, headers) = region(arguments, &params);
        let answer = send(&url, Some(REVISION), &body, headers).await;
        assert_eq!(answer.status, 400, "{shown}: {}", answer.body);
        assert_eq!(answer.body["error"]["code"], -32020, "{shown}");
        assert_eq!(answer.body["id"], 40, "{shown}");
    }

    // Raw UTF-8 in a header value is not a valid header value: it must be base64.
    let (body, headers) = routed_call(41, query("Région"));
    let mut client = StreamableClient::new(&url);
    client.protocol_version = Some(REVISION.into());
    let mut builder = client.post_builder();
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let raw = reqwest::header::HeaderValue::from_bytes("Région".as_bytes()).expect("obs-text");
    let response = builder
        .header("mcp-param-region", raw)
        .body(body.to_string())
        .send()
        .await
        .expect("POST /mcp");
    assert_eq!(response.status(), 400);
    let refused: Value = response.json().await.expect("a JSON-RPC error");
    assert_eq!(
        (refused["id"].clone(), refused["error"]["code"].clone()),
        (json!(41), json!(-32020))
    );

    // Handshake sessions send no such headers and need none.
    let mut session = StreamableClient::new(&url);
    session.initialize("2025-11-25").await;
    let called = session.call_tool(json!(3), "routed", query("eu")).await;
    assert_eq!(called["result"]["content"][0]["text"], "routed to \"eu\"");
}

#[actix_web::test]
async fn tools_with_invalid_param_header_declarations_are_refused() {
    let server = start_server(stateless_config(), "").await;
    let invalid = Tool::new("misrouted", "Never served.", |_: Value, _ctx| async {
        "no"
    })
    .with_input_schema(json!({"type": "object", "properties": {
        "score": {"type": "number", "x-mcp-header": "Score"}
    }}))
    .expect("a valid JSON Schema");
    let err = server
        .mcp
        .add_tool(invalid)
        .expect_err("number is not mirrorable");
    assert!(err.to_string().contains("misrouted"), "{err}");
    let listed = call(
        &mcp_url(&server.base_url),
        json!(1),
        "tools/list",
        json!({}),
    )
    .await;
    let names = result(&listed)["tools"].to_string();
    assert!(!names.contains("misrouted"), "{names}");
}

#[actix_web::test]
async fn input_schemas_are_listed_verbatim_in_both_eras() {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"address": {"$anchor": "addressDef", "type": "object",
                              "properties": {"city": {"type": "string"}}}},
        "properties": {"address": {"$ref": "#/$defs/address"}, "phone": {"type": "string"},
                       "email": {"type": "string"}},
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"required": ["phone"]}, "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    });
    let server = start_server(stateless_config(), "").await;
    let tool = Tool::new("rich", "A rich schema.", |_: Value, _ctx| async { "ok" })
        .with_input_schema(schema.clone())
        .expect("a valid JSON Schema");
    server
        .mcp
        .add_tool(tool)
        .expect("no declarations to refuse");
    let url = mcp_url(&server.base_url);
    let listed_in = |tools: &Value| {
        tools["tools"]
            .as_array()
            .and_then(|tools| tools.iter().find(|t| t["name"] == "rich"))
            .map(|t| t["inputSchema"].clone())
    };
    let stateless = call(&url, json!(1), "tools/list", json!({})).await;
    assert_eq!(listed_in(result(&stateless)), Some(schema.clone()));
    for version in ["2025-11-25", "2024-11-05"] {
        let mut session = StreamableClient::new(&url);
        session.initialize(version).await;
        let listed = session.request(json!(2), "tools/list", json!({})).await;
        assert_eq!(
            listed_in(&listed["result"]),
            Some(schema.clone()),
            "{version}"
        );
    }
}

#[actix_web::test]
async fn removed_and_unknown_methods_are_404_32601() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    for method in [
        "initialize",
        "ping",
        "logging/setLevel",
        "resources/subscribe",
        "resources/unsubscribe",
        "unknown/method",
    ] {
        let answer = call(
            &url,
            json!(500),
            method,
            json!({"uri": "test://static-text"}),
        )
        .await;
        assert_eq!(answer.status, 404, "{method}");
        assert_eq!(answer.body["error"]["code"], -32601, "{method}");
        assert_eq!(answer.body["id"], 500, "{method}");
        assert!(!answer.session_header, "{method}");
    }
    // A notification is taken and dropped.
    let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized", "params": {"_meta": meta(REVISION)}});
    assert_eq!(post(&url, Some(REVISION), &note).await.status, 202);
}

#[actix_web::test]
async fn handshake_sessions_are_untouched_beside_stateless_requests() {
    let server = start_server(stateless_config(), "").await;
    let url = mcp_url(&server.base_url);
    let mut client = StreamableClient::new(&url);
    let init = client.initialize("2025-11-25").await;
    assert_eq!(init["protocolVersion"], "2025-11-25");
    assert!(client.session_id.is_some());
    let listed = client.request(json!(2), "tools/list", json!({})).await;
    assert!(listed["result"].get("resultType").is_none(), "{listed}");
    // initialize never negotiates the stateless revision.
    let mut other = StreamableClient::new(&url);
    assert_eq!(
        other.initialize(REVISION).await["protocolVersion"],
        "2025-11-25"
    );
    // server/discover without 2026-07-28 metadata is the handshake-era fallback signal.
    let legacy = post(
        &url,
        None,
        &json!({"jsonrpc": "2.0", "id": "d", "method": "server/discover", "params": {}}),
    )
    .await;
    assert_eq!(
        (legacy.status, legacy.body["error"]["code"].clone()),
        (404, json!(-32601))
    );
}

#[actix_web::test]
async fn switched_off_stateless_requests_get_the_handshake_era_answers() {
    let config = actix_mcp::McpConfig {
        serve_stateless: false,
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let url = mcp_url(&server.base_url);
    // 2026-07-28 `_meta` alone: the discover probe gets the fallback signal.
    let probe = post(&url, None, &request(json!(1), "server/discover", json!({}))).await;
    assert_eq!(
        (probe.status, probe.body["error"]["code"].clone()),
        (404, json!(-32601))
    );
    // With the header, a revision the handshake transport does not speak: 400 -32600.
    for method in ["server/discover", "tools/list"] {
        let answer = call(&url, json!(2), method, json!({})).await;
        assert_eq!(
            (answer.status, answer.body["error"]["code"].clone()),
            (400, json!(-32600)),
            "{method}"
        );
        assert!(!answer.session_header);
    }
}
