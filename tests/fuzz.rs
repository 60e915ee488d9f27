//! Property-based fuzzing (proptest) of the JSON-RPC envelope parser and of request
//! dispatch through a real server on both transports: no input panics anything, every
//! POST gets a defined status, and the session still answers afterwards.
//!
//! CI runs a short pass; run longer by hand:
//! `FUZZ_PARSER_CASES=200000 FUZZ_DISPATCH_CASES=5000 cargo test --release --test fuzz`

mod common;

use actix_mcp::protocol::{parse_message, Message};
use common::sse_client::SseClient;
use common::streamable_client::StreamableClient;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use std::sync::OnceLock;
use std::time::Duration;

fn cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// JSON-RPC-shaped messages: real and made-up methods, odd ids and params.
fn arb_message() -> impl Strategy<Value = Value> {
    let method = prop_oneof![
        Just("initialize".to_owned()),
        Just("ping".to_owned()),
        Just("tools/list".to_owned()),
        Just("tools/call".to_owned()),
        Just("notifications/initialized".to_owned()),
        Just("notifications/cancelled".to_owned()),
        Just("server/discover".to_owned()),
        "[a-z/]{0,16}",
    ];
    let id = prop_oneof![
        Just(None),
        any::<i64>().prop_map(|i| Some(json!(i))),
        ".{0,8}".prop_map(|s| Some(json!(s))),
        arb_json().prop_map(Some),
    ];
    let params = prop_oneof![
        Just(None),
        arb_json().prop_map(Some),
        (
            prop_oneof![
                Just("echo"),
                Just("uppercase_text"),
                Just("add"),
                Just("nope")
            ],
            arb_json()
        )
            .prop_map(|(name, arguments)| Some(json!({"name": name, "arguments": arguments}))),
    ];
    let jsonrpc = prop_oneof![Just(json!("2.0")), Just(json!("2.0")), arb_json()];
    (method, id, params, jsonrpc, any::<bool>()).prop_map(
        |(method, id, params, jsonrpc, as_response)| {
            let mut m = Map::new();
            m.insert("jsonrpc".into(), jsonrpc);
            if let Some(id) = id {
                m.insert("id".into(), id);
            }
            if as_response {
                m.insert("result".into(), params.unwrap_or(json!({})));
            } else {
                m.insert("method".into(), json!(method));
                if let Some(p) = params {
                    m.insert("params".into(), p);
                }
            }
            Value::Object(m)
        },
    )
}

#[test]
fn the_envelope_parser_never_panics() {
    let mut runner = TestRunner::new(Config {
        cases: cases("FUZZ_PARSER_CASES", 3000),
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..256), |bytes| {
            let _ = parse_message(&bytes);
            Ok(())
        })
        .unwrap();
    runner
        .run(&prop_oneof![arb_json(), arb_message()], |value| {
            let text = value.to_string();
            match parse_message(text.as_bytes()) {
                Ok(Message::Request { .. } | Message::Notification { .. }) => {
                    prop_assert!(value.get("method").is_some_and(Value::is_string));
                }
                Ok(_) => prop_assert!(value.get("method").is_none()),
                Err(failure) => prop_assert!([-32700, -32600].contains(&failure.error.code)),
            }
            Ok(())
        })
        .unwrap();
}

/// One server for every dispatch case, on its own thread and actix System.
fn server_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = common::start_server(common::fast_config(), "").await;
                tx.send(server.base_url.clone()).unwrap();
                std::future::pending::<()>().await;
            })
        });
        rx.recv().unwrap()
    })
}

#[test]
fn dispatch_survives_any_message_sequence_on_both_transports() {
    let base = server_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases: cases("FUZZ_DISPATCH_CASES", 48),
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(arb_message(), 1..12), |messages| {
            runtime.block_on(async {
                // Legacy: every POST is 202 or a 400 with a JSON-RPC error; the stream lives.
                let mut legacy = SseClient::connect(&format!("{base}/sse")).await;
                legacy.initialize("2025-03-26").await;
                for message in &messages {
                    let status = legacy.post(message).await.status().as_u16();
                    assert!(
                        matches!(status, 202 | 400),
                        "legacy POST {message} -> {status}"
                    );
                }
                let pong = legacy.request(json!("fuzz-ping"), "ping", json!({})).await;
                assert_eq!(pong["result"], json!({}));

                // Streamable: defined statuses only, never a 5xx; the session lives.
                let mut client = StreamableClient::new(&format!("{base}/mcp"));
                client.initialize("2025-03-26").await;
                for message in &messages {
                    let response = client.post(message).await;
                    let status = response.status().as_u16();
                    assert!(
                        matches!(status, 200 | 202 | 400),
                        "streamable POST {message} -> {status}"
                    );
                    let _ = response.bytes().await;
                }
                let batch = client
                    .post(&Value::Array(messages.clone()))
                    .await
                    .status()
                    .as_u16();
                assert!(matches!(batch, 200 | 202 | 400), "batch -> {batch}");
                let pong = tokio::time::timeout(
                    Duration::from_secs(10),
                    client.request(json!("p"), "ping", json!({})),
                )
                .await
                .expect("the session still answers");
                assert_eq!(pong["result"], json!({}));
            });
            Ok(())
        })
        .unwrap();
}
