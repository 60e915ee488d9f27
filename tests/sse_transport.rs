//! The legacy HTTP+SSE transport over real sockets: handshake, tools, every error
//! status, keep-alive, disconnect clean-up, mounting under a prefix.

mod common;

use common::sse_client::SseClient;
use common::{eventually, fast_config, start_server};
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

#[actix_web::test]
async fn handshake_list_and_call_both_tools() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    assert!(
        client.endpoint.starts_with("/messages?session_id="),
        "{}",
        client.endpoint
    );

    let init = client.initialize("2025-06-18").await;
    assert_eq!(init["protocolVersion"], "2025-06-18");
    assert_eq!(init["serverInfo"]["name"], "actix-mcp");
    assert_eq!(init["capabilities"]["tools"], json!({"listChanged": true}));
    assert_eq!(init["instructions"], "Test server.");

    let list = client.request(json!(2), "tools/list", json!({})).await;
    let tools = list["result"]["tools"].as_array().unwrap();
    let echo = tools
        .iter()
        .find(|t| t["name"] == "echo")
        .expect("echo listed");
    assert_eq!(echo["inputSchema"]["type"], "object");
    assert_eq!(echo["inputSchema"]["required"], json!(["message"]));
    assert_eq!(
        echo["inputSchema"]["properties"]["message"]["type"],
        "string"
    );
    let upper = tools
        .iter()
        .find(|t| t["name"] == "uppercase_text")
        .unwrap();
    assert_eq!(upper["inputSchema"]["required"], json!(["text"]));

    let echoed = client
        .call_tool(json!(3), "echo", json!({"message": "hello, actors"}))
        .await;
    assert_eq!(
        echoed["result"],
        json!({"content": [{"type": "text", "text": "hello, actors"}]})
    );
    let upper = client
        .call_tool(
            json!("four"),
            "uppercase_text",
            json!({"text": "Quiet please"}),
        )
        .await;
    assert_eq!(upper["result"]["content"][0]["text"], "QUIET PLEASE");
    assert_eq!(upper["id"], "four");
}

#[actix_web::test]
async fn negotiates_every_supported_revision_and_counter_offers_others() {
    let server = start_server(fast_config(), "").await;
    for (asked, expected) in [
        ("2024-11-05", "2024-11-05"),
        ("2025-03-26", "2025-03-26"),
        ("2025-06-18", "2025-06-18"),
        ("2025-11-25", "2025-11-25"),
        ("2026-07-28", "2025-11-25"),
        ("1999-01-01", "2025-11-25"),
    ] {
        let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
        let init = client.initialize(asked).await;
        assert_eq!(init["protocolVersion"], expected, "asked {asked}");
        let knows_instructions = expected != "2024-11-05";
        assert_eq!(
            init.get("instructions").is_some(),
            knows_instructions,
            "{asked}"
        );
    }
}

#[actix_web::test]
async fn protocol_errors_are_answered_on_the_stream() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;

    // Before initialize: ping works, other methods get a clear error.
    let pong = client.request(json!(1), "ping", json!({})).await;
    assert_eq!(pong["result"], json!({}));
    let early = client.request(json!(2), "tools/list", json!({})).await;
    assert_eq!(early["error"]["code"], -32600);
    assert!(early["error"]["message"]
        .as_str()
        .unwrap()
        .contains("initialize"));

    // A 2026-07-28 client's first request gets a prompt error, so it falls back.
    let discover = client.request(json!(3), "server/discover", json!({})).await;
    assert_eq!(discover["error"]["code"], -32601);

    client.initialize("2025-11-25").await;
    let again = client
        .request(
            json!(4),
            "initialize",
            json!({"protocolVersion": "2025-11-25"}),
        )
        .await;
    assert_eq!(again["error"]["code"], -32600);

    let unknown = client.request(json!(5), "no/such/method", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);

    let unknown_tool = client.call_tool(json!(6), "nope", json!({})).await;
    assert_eq!(unknown_tool["error"]["code"], -32602);

    let bad_params = client
        .request(json!(7), "tools/call", json!({"arguments": {}}))
        .await;
    assert_eq!(bad_params["error"]["code"], -32602);

    let wrong_type = client
        .call_tool(json!(8), "echo", json!({"message": 42}))
        .await;
    assert_eq!(wrong_type["result"]["isError"], true);
    let text = wrong_type["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("/message") && text.contains("string"),
        "{text}"
    );
    let missing = client.call_tool(json!(9), "echo", json!({})).await;
    assert_eq!(missing["result"]["isError"], true);
    assert!(missing["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("message"));

    let failing = client.call_tool(json!(10), "fails", json!({})).await;
    assert_eq!(failing["result"]["isError"], true);
    assert_eq!(
        failing["result"]["content"][0]["text"],
        "the upstream service said no"
    );

    let bad_cursor = client
        .request(json!(11), "tools/list", json!({"cursor": "bogus"}))
        .await;
    assert_eq!(bad_cursor["error"]["code"], -32602);

    // Notifications are never answered: the next message is the ping's answer.
    client.notify("notifications/whatever", json!({})).await;
    client.notify("notifications/initialized", json!({})).await;
    client.post(&json!({"jsonrpc":"2.0","method":"ping"})).await;
    let pong = client.request(json!(12), "ping", json!({})).await;
    assert_eq!(pong["id"], 12);
    assert!(client
        .next_message(Duration::from_millis(300))
        .await
        .is_none());
}

#[actix_web::test]
async fn every_bad_post_gets_its_status() {
    let server = start_server(fast_config(), "").await;
    let client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    let http = reqwest::Client::new();
    let messages = format!("{}/messages", server.base_url);
    let ping = json!({"jsonrpc":"2.0","id":1,"method":"ping"}).to_string();

    let missing = http
        .post(&messages)
        .body(ping.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32600);

    let malformed = http
        .post(format!("{messages}?session_id=not-a-uuid"))
        .body(ping.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    let unknown = http
        .post(format!("{messages}?session_id={}", uuid::Uuid::new_v4()))
        .body(ping.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32001);

    let not_json = client.post_raw("{this is not json").await;
    assert_eq!(not_json.status(), 400);
    let body: Value = not_json.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32700);

    let not_jsonrpc = client.post(&json!({"hello": "world"})).await;
    assert_eq!(not_jsonrpc.status(), 400);
    let body: Value = not_jsonrpc.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32600);

    let wrong_version = client
        .post(&json!({"jsonrpc":"1.0","id":"x","method":"ping"}))
        .await;
    assert_eq!(wrong_version.status(), 400);
    let body: Value = wrong_version.json().await.unwrap();
    assert_eq!(body["id"], "x", "the error echoes a readable id");

    let too_big = client
        .post_raw(format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"pad":"{}"}}}}"#,
            "x".repeat(4 * 1024 * 1024)
        ))
        .await;
    assert_eq!(too_big.status(), 413);

    let get_messages = http.get(&client.post_url).send().await.unwrap();
    assert_eq!(get_messages.status(), 405);
    assert_eq!(get_messages.headers()["allow"], "POST");
    let post_sse = http
        .post(format!("{}/sse", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(post_sse.status(), 405);

    // The camelCase spelling (TypeScript SDK) routes too.
    let session_id = client.endpoint.rsplit('=').next().unwrap();
    let camel = http
        .post(format!("{messages}?sessionId={session_id}"))
        .body(ping)
        .send()
        .await
        .unwrap();
    assert_eq!(camel.status(), 202);
}

#[actix_web::test]
async fn stream_headers_and_keep_alive() {
    let server = start_server(fast_config(), "").await;
    let response = reqwest::get(format!("{}/sse", server.base_url))
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    drop(response);

    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    assert!(client
        .next_message(Duration::from_millis(450))
        .await
        .is_none());
    assert!(
        client.comments_seen >= 2,
        "expected keep-alive comments every 100 ms, saw {}",
        client.comments_seen
    );
}

#[actix_web::test]
async fn session_is_gone_after_the_client_disconnects() {
    let server = start_server(fast_config(), "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    // A call still running when the client leaves is cancelled with the session.
    client
        .post(&json!({"jsonrpc":"2.0","id":9,"method":"tools/call",
            "params":{"name":"slow_echo","arguments":{"tag":"late","delay_ms":60000}}}))
        .await;
    assert_eq!(server.mcp.session_count().await, 1);
    let post_url = client.post_url.clone();
    drop(client);

    let mcp = server.mcp.clone();
    assert!(
        eventually(Duration::from_secs(5), || {
            let mcp = mcp.clone();
            async move { mcp.session_count().await == 0 }
        })
        .await,
        "the registry still holds the session"
    );
    let after = reqwest::Client::new()
        .post(post_url)
        .body(json!({"jsonrpc":"2.0","id":1,"method":"ping"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 404);
}

#[actix_web::test]
async fn mounts_under_a_prefix_and_answers_the_articles_paths() {
    let mut config = fast_config();
    config.messages_path_aliases = vec!["/sse/messages".into(), "/messages/".into()];
    let server = start_server(config, "/api/mcp").await;
    let mut client = SseClient::connect(&format!("{}/api/mcp/sse", server.base_url)).await;
    assert!(
        client.endpoint.starts_with("/api/mcp/messages?session_id="),
        "{}",
        client.endpoint
    );
    client.initialize("2024-11-05").await;
    let echoed = client
        .call_tool(json!(1), "echo", json!({"message": "m"}))
        .await;
    assert_eq!(echoed["result"]["content"][0]["text"], "m");

    let query = client.endpoint.split('?').nth(1).unwrap().to_owned();
    for alias in ["/api/mcp/sse/messages", "/api/mcp/messages/"] {
        let response = reqwest::Client::new()
            .post(format!("{}{alias}?{query}", server.base_url))
            .body(json!({"jsonrpc":"2.0","id":alias,"method":"ping"}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "{alias}");
        let pong = client.response(&json!(alias), WAIT).await.unwrap();
        assert_eq!(pong["result"], json!({}));
    }
    // The app's own routes still work beside MCP.
    let health = reqwest::get(format!("{}/health", server.base_url))
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    // A trailing slash on the stream path (article 2's `/sse/`) opens a stream too.
    let slash = SseClient::connect(&format!("{}/api/mcp/sse/", server.base_url)).await;
    assert!(slash.endpoint.starts_with("/api/mcp/messages?session_id="));
}

#[actix_web::test]
async fn tools_list_pages_in_a_stable_order() {
    let config = actix_mcp::McpConfig {
        page_size: 3,
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-11-25").await;
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    for page in 0.. {
        assert!(page < 10, "pagination does not end");
        let params = match &cursor {
            Some(c) => json!({"cursor": c}),
            None => json!({}),
        };
        let answer = client.request(json!(page), "tools/list", params).await;
        let tools = answer["result"]["tools"].as_array().unwrap();
        assert!(tools.len() <= 3);
        names.extend(tools.iter().map(|t| t["name"].as_str().unwrap().to_owned()));
        match answer["result"]["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut expected = vec!["echo".to_owned(), "uppercase_text".to_owned()];
    expected.extend(common::tool_names(&common::test_tools::all()));
    assert_eq!(names, expected);
}

/// The `actix-mcp` binary itself, on a free port; killed when dropped.
struct RunningBinary {
    base_url: String,
    _child: tokio::process::Child,
}

/// Starts the real binary and waits until it accepts connections. The port comes
/// from binding 127.0.0.1:0 and letting it go (the binary has no `--port 0`); another
/// process taking it in between is possible but vanishingly rare on a test machine.
async fn start_the_binary() -> RunningBinary {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_actix-mcp"))
        .args([
            "--port",
            &port.to_string(),
            "--workers",
            "1",
            "--log",
            "warn",
        ])
        .kill_on_drop(true)
        .spawn()
        .expect("start the actix-mcp binary");
    let address = format!("127.0.0.1:{port}");
    let up = eventually(WAIT, || async {
        tokio::net::TcpStream::connect(&address).await.is_ok()
    })
    .await;
    assert!(up, "the binary never listened on {address}");
    RunningBinary {
        base_url: format!("http://{address}"),
        _child: child,
    }
}

#[actix_web::test]
async fn the_binarys_tools_resource_and_prompt() {
    let binary = start_the_binary().await;
    let mut client = SseClient::connect(&format!("{}/sse", binary.base_url)).await;
    client.initialize("2025-06-18").await;
    let read = client
        .request(
            json!(1),
            "resources/read",
            json!({"uri": "echo://hello world"}),
        )
        .await;
    assert_eq!(
        read["result"]["contents"][0]["text"],
        "Resource echo: hello world"
    );
    let prompt = client
        .request(
            json!(2),
            "prompts/get",
            json!({"name": "echo", "arguments": {"message": "hi"}}),
        )
        .await;
    assert_eq!(
        prompt["result"]["messages"][0]["content"]["text"],
        "Please process this message: hi"
    );
    let tools = client.request(json!(3), "tools/list", json!({})).await;
    let tools = tools["result"]["tools"].as_array().unwrap();
    let names: Vec<_> = tools.iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, [json!("echo"), json!("uppercase_text")]);
    let read_only = json!({"readOnlyHint": true, "destructiveHint": false,
                           "idempotentHint": true, "openWorldHint": false});
    assert_eq!(tools[0]["title"], "Echo");
    assert_eq!(tools[0]["description"], "Echo a message back unchanged.");
    assert_eq!(tools[0]["annotations"], read_only);
    assert_eq!(
        tools[0]["inputSchema"],
        json!({"type": "object", "required": ["message"], "properties":
               {"message": {"type": "string", "description": "The text to send back."}}})
    );
    assert_eq!(tools[1]["title"], "Uppercase text");
    assert_eq!(tools[1]["annotations"], read_only);
    let upper = client
        .call_tool(json!(4), "uppercase_text", json!({"text": "Quiet please"}))
        .await;
    assert_eq!(upper["result"]["content"][0]["text"], "QUIET PLEASE");
}
