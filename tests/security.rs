//! Who may connect: Host/Origin checks (DNS rebinding), bearer tokens, sessions bound
//! to their principal, the session limit. Each test fails without its feature.

mod common;

use actix_mcp::access::{AccessPolicy, BearerToken};
use actix_mcp::McpConfig;
use common::sse_client::SseClient;
use common::streamable_client::StreamableClient;
use common::{fast_config, start_server};
use serde_json::{json, Value};

fn initialize_body() -> String {
    json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{
        "protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}})
    .to_string()
}

#[actix_web::test]
async fn foreign_host_and_origin_are_refused_on_both_transports() {
    let server = start_server(fast_config(), "").await;
    let http = reqwest::Client::new();
    let base = &server.base_url;
    let port = base.rsplit(':').next().unwrap();
    let streamable = |req: reqwest::RequestBuilder| {
        req.header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(initialize_body())
    };
    let legacy = SseClient::connect(&format!("{base}/sse")).await;

    // (request, what is foreign about it, expected status)
    let cases: Vec<(reqwest::RequestBuilder, &str, u16)> = vec![
        (
            http.get(format!("{base}/sse"))
                .header("host", "evil.example.com"),
            "GET /sse Host",
            421,
        ),
        (
            http.get(format!("{base}/sse"))
                .header("origin", "http://evil.example.com"),
            "GET /sse Origin",
            403,
        ),
        (
            http.post(&legacy.post_url)
                .header("host", format!("evil.example.com:{port}"))
                .body("{}"),
            "POST /messages Host",
            421,
        ),
        (
            http.post(&legacy.post_url)
                .header("origin", "https://evil.example.com")
                .body("{}"),
            "POST /messages Origin",
            403,
        ),
        (
            streamable(
                http.post(format!("{base}/mcp"))
                    .header("host", "evil.example.com"),
            ),
            "POST /mcp Host",
            421,
        ),
        (
            streamable(
                http.post(format!("{base}/mcp"))
                    .header("origin", "http://evil.example.com"),
            ),
            "POST /mcp Origin",
            403,
        ),
        (
            http.get(format!("{base}/mcp"))
                .header("accept", "text/event-stream")
                .header("origin", "null"),
            "GET /mcp null Origin",
            403,
        ),
        (
            http.delete(format!("{base}/mcp"))
                .header("host", "attacker.test:80"),
            "DELETE /mcp Host",
            421,
        ),
    ];
    for (request, what, expected) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), expected, "{what}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"]["message"].is_string(),
            "{what}: JSON-RPC error body"
        );
    }
    assert_eq!(
        server.mcp.session_count().await,
        1,
        "no session was opened by a refused request"
    );

    // Loopback names with any port, and our own origins, are fine.
    for (host, origin) in [
        (format!("localhost:{port}"), "http://localhost:5173"),
        (format!("127.0.0.1:{port}"), "http://127.0.0.1:6274"),
        (format!("[::1]:{port}"), "http://[::1]:3000"),
    ] {
        let response = streamable(http.post(format!("{base}/mcp")))
            .header("host", &host)
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{host} / {origin}");
    }
}

#[actix_web::test]
async fn allow_lists_admit_a_reverse_proxy_name() {
    let mut config = fast_config();
    config.access.allowed_hosts = config
        .access
        .allowed_hosts
        .with(&["mcp.example.com".into()]);
    config.access.allowed_origins = vec!["https://app.example.com".into()];
    let server = start_server(config, "").await;
    let http = reqwest::Client::new();
    let response = http
        .post(format!("{}/mcp", server.base_url))
        .header("host", "mcp.example.com")
        .header("origin", "https://app.example.com")
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(initialize_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

fn with_tokens() -> McpConfig {
    McpConfig {
        access: AccessPolicy {
            bearer_tokens: BearerToken::parse_list("alice:token-alice,bob:token-bob"),
            ..AccessPolicy::default()
        },
        ..fast_config()
    }
}

#[actix_web::test]
async fn bearer_tokens_are_required_on_every_route() {
    let server = start_server(with_tokens(), "").await;
    let http = reqwest::Client::new();
    let base = &server.base_url;
    for (request, what) in [
        (http.get(format!("{base}/sse")), "GET /sse"),
        (
            http.get(format!("{base}/sse?access_token=token-alice")),
            "token in the query string",
        ),
        (
            http.get(format!("{base}/sse")).bearer_auth("wrong"),
            "wrong token",
        ),
        (
            http.post(format!(
                "{base}/messages?session_id={}",
                uuid::Uuid::new_v4()
            ))
            .body("{}"),
            "POST /messages",
        ),
        (
            http.post(format!("{base}/mcp"))
                .header("accept", "application/json, text/event-stream")
                .header("content-type", "application/json")
                .body(initialize_body()),
            "POST /mcp",
        ),
        (
            http.get(format!("{base}/mcp"))
                .header("accept", "text/event-stream"),
            "GET /mcp",
        ),
        (http.delete(format!("{base}/mcp")), "DELETE /mcp"),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer realm=\"actix-mcp\"",
            "{what}"
        );
    }
    assert_eq!(server.mcp.session_count().await, 0);
}

#[actix_web::test]
async fn another_principal_cannot_use_a_session() {
    let server = start_server(with_tokens(), "").await;
    let url = format!("{}/mcp", server.base_url);
    let authed = |token: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
        reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap()
    };

    // Streamable HTTP: alice's session id with bob's token looks like no session.
    let mut alice = StreamableClient::new(&url);
    alice.http = authed("token-alice");
    alice.initialize("2025-11-25").await;
    let echoed = alice
        .call_tool(json!(1), "echo", json!({"message": "mine"}))
        .await;
    assert_eq!(echoed["result"]["content"][0]["text"], "mine");
    let mut bob = StreamableClient::new(&url);
    bob.http = authed("token-bob");
    bob.session_id = alice.session_id.clone();
    bob.protocol_version = alice.protocol_version.clone();
    let stolen = bob
        .post(&json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}))
        .await;
    assert_eq!(stolen.status(), 404);
    let r = bob.get_builder().send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = bob
        .http
        .delete(&url)
        .header("mcp-session-id", bob.session_id.as_ref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Alice's session is untouched.
    let still = alice
        .call_tool(json!(3), "echo", json!({"message": "still mine"}))
        .await;
    assert_eq!(still["result"]["content"][0]["text"], "still mine");

    // Legacy SSE: bob POSTing to alice's endpoint gets 404 too.
    let response = authed("token-alice")
        .get(format!("{}/sse", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    use futures_util::StreamExt;
    let first = String::from_utf8(body.next().await.unwrap().unwrap().to_vec()).unwrap();
    let endpoint = first
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap()
        .to_owned();
    let post = |client: reqwest::Client| {
        let url = format!("{}{endpoint}", server.base_url);
        async move {
            client
                .post(url)
                .body(json!({"jsonrpc":"2.0","id":1,"method":"ping"}).to_string())
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(post(authed("token-bob")).await, 404);
    assert_eq!(post(authed("token-alice")).await, 202);
}

#[actix_web::test]
async fn the_session_limit_answers_503_with_retry_after() {
    let config = McpConfig {
        max_sessions: 2,
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let first = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    let mut second = StreamableClient::new(&format!("{}/mcp", server.base_url));
    second.initialize("2025-06-18").await;

    let refused = reqwest::get(format!("{}/sse", server.base_url))
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    let refused = StreamableClient::new(&format!("{}/mcp", server.base_url))
        .post_builder()
        .body(initialize_body())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(server.mcp.session_count().await, 2);

    // Room again once a session ends.
    drop(first);
    let mcp = server.mcp.clone();
    assert!(
        common::eventually(std::time::Duration::from_secs(5), || {
            let mcp = mcp.clone();
            async move { mcp.session_count().await == 1 }
        })
        .await
    );
    let again = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    assert!(again.endpoint.contains("session_id="));
}

#[actix_web::test]
async fn a_tool_call_over_the_timeout_ends_with_an_error_result() {
    let config = McpConfig {
        handler_timeout: std::time::Duration::from_millis(200),
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let mut client = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    client.initialize("2025-06-18").await;
    let started = std::time::Instant::now();
    let answer = client
        .call_tool(
            json!(1),
            "slow_echo",
            json!({"tag": "late", "delay_ms": 10_000}),
        )
        .await;
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert_eq!(answer["result"]["isError"], true);
    let text = answer["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("did not finish"), "{text}");
    // The session goes on.
    let next = client
        .call_tool(json!(2), "echo", json!({"message": "after"}))
        .await;
    assert_eq!(next["result"]["content"][0]["text"], "after");
}

#[actix_web::test]
async fn a_legacy_stream_that_never_initializes_is_closed() {
    let config = McpConfig {
        init_timeout: std::time::Duration::from_millis(300),
        ..fast_config()
    };
    let server = start_server(config, "").await;
    let mut idle = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    let mut finished = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    finished.initialize("2024-11-05").await;
    assert!(
        idle.stream_ended(std::time::Duration::from_secs(5)).await,
        "half-open stream closed"
    );
    // The initialized session stays. (The registry hears of the closed one just after
    // its stream ends, on its own thread: the count settles, it is not read at once.)
    let pong = finished.request(json!(1), "ping", json!({})).await;
    assert_eq!(pong["result"], json!({}));
    let mcp = server.mcp.clone();
    assert!(
        common::eventually(std::time::Duration::from_secs(2), || {
            let mcp = mcp.clone();
            async move { mcp.session_count().await == 1 }
        })
        .await,
        "only the initialized session is left"
    );
}
