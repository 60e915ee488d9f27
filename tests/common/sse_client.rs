//! A minimal legacy HTTP+SSE MCP client: opens `/sse`, reads the `endpoint` event,
//! POSTs JSON-RPC and matches answers from the stream by id.

use futures_util::StreamExt;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::mpsc;

/// One parsed server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub enum SseItem {
    Event { event: String, data: String },
    Comment(String),
}

pub struct SseClient {
    pub http: reqwest::Client,
    /// The `/sse` URL the stream was opened on.
    pub sse_url: String,
    /// Absolute URL built from the `endpoint` event.
    pub post_url: String,
    /// The `endpoint` event's data, as sent.
    pub endpoint: String,
    /// Raw events in arrival order.
    items: mpsc::UnboundedReceiver<SseItem>,
    /// JSON-RPC messages read but not yet asked for.
    pending: VecDeque<Value>,
    /// Keep-alive comments seen so far.
    pub comments_seen: usize,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for SseClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

pub fn parse_block(block: &str) -> Option<SseItem> {
    let mut event = String::from("message");
    let mut data: Vec<&str> = Vec::new();
    let mut comment = None;
    for line in block.lines() {
        if let Some(rest) = line.strip_prefix(':') {
            comment = Some(rest.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("event:") {
            event = v.trim().to_owned();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    if !data.is_empty() {
        Some(SseItem::Event {
            event,
            data: data.join("\n"),
        })
    } else {
        comment.map(SseItem::Comment)
    }
}

impl SseClient {
    /// Opens the stream and waits for the `endpoint` event.
    pub async fn connect(sse_url: &str) -> SseClient {
        let http = reqwest::Client::new();
        let response = http
            .get(sse_url)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("GET /sse");
        assert_eq!(response.status(), 200, "GET {sse_url}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let mut body = response.bytes_stream();
        let reader = tokio::spawn(async move {
            let mut buffer = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if let Some(item) = parse_block(&block) {
                        if tx.send(item).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let mut client = SseClient {
            http,
            sse_url: sse_url.to_owned(),
            post_url: String::new(),
            endpoint: String::new(),
            items: rx,
            pending: VecDeque::new(),
            comments_seen: 0,
            reader,
        };
        match client.next_item(Duration::from_secs(5)).await {
            Some(SseItem::Event { event, data }) if event == "endpoint" => {
                let origin = sse_url.split('/').take(3).collect::<Vec<_>>().join("/");
                client.post_url = format!("{origin}{data}");
                client.endpoint = data;
            }
            other => panic!("first event must be `endpoint`, got {other:?}"),
        }
        client
    }

    async fn next_item(&mut self, within: Duration) -> Option<SseItem> {
        tokio::time::timeout(within, self.items.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next JSON-RPC message (keep-alives are counted and skipped).
    pub async fn next_message(&mut self, within: Duration) -> Option<Value> {
        match self.pending.pop_front() {
            Some(v) => Some(v),
            None => self.read_message(within).await,
        }
    }

    /// The next JSON-RPC message read from the stream itself.
    async fn read_message(&mut self, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_item(left).await? {
                SseItem::Comment(_) => self.comments_seen += 1,
                SseItem::Event { event, data } => {
                    assert_eq!(
                        event, "message",
                        "server→client messages are `message` events"
                    );
                    assert!(!data.contains('\n'), "one-line JSON expected: {data}");
                    return Some(serde_json::from_str(&data).expect("JSON message"));
                }
            }
        }
    }

    /// Waits for the response with `id`, keeping other messages for later.
    pub async fn response(&mut self, id: &Value, within: Duration) -> Option<Value> {
        if let Some(pos) = self.pending.iter().position(|m| &m["id"] == id) {
            return self.pending.remove(pos);
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let next = self.read_message(left).await?;
            if &next["id"] == id {
                return Some(next);
            }
            self.pending.push_back(next);
        }
    }

    /// Reads until the stream ends or `within` passes; true if it ended.
    pub async fn stream_ended(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.items.recv()).await {
                Ok(None) => return true,
                Ok(Some(_)) => continue,
                Err(_) => return false,
            }
        }
    }

    /// POSTs a raw body to the session's endpoint.
    pub async fn post_raw(&self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.http
            .post(&self.post_url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn post(&self, message: &Value) -> reqwest::Response {
        self.post_raw(message.to_string()).await
    }

    /// Sends a request, expects 202, and waits for its answer on the stream.
    pub async fn request(&mut self, id: Value, method: &str, params: Value) -> Value {
        let status = self
            .post(&json!({"jsonrpc":"2.0","id":id,"method":method,"params":params}))
            .await
            .status();
        assert_eq!(status, 202, "POST {method}");
        self.response(&id, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("no answer to {method} (id {id})"))
    }

    pub async fn notify(&self, method: &str, params: Value) {
        let status = self
            .post(&json!({"jsonrpc":"2.0","method":method,"params":params}))
            .await
            .status();
        assert_eq!(status, 202, "POST {method}");
    }

    /// The full handshake; returns the `initialize` result.
    pub async fn initialize(&mut self, version: &str) -> Value {
        self.initialize_with(version, json!({})).await
    }

    /// The handshake declaring client `capabilities`.
    pub async fn initialize_with(&mut self, version: &str, capabilities: Value) -> Value {
        let answer = self
            .request(
                json!("init"),
                "initialize",
                json!({
                    "protocolVersion": version,
                    "capabilities": capabilities,
                    "clientInfo": {"name": "actix-mcp-tests", "version": "0"}
                }),
            )
            .await;
        self.notify("notifications/initialized", json!({})).await;
        answer["result"].clone()
    }

    /// `tools/call`, returning the JSON-RPC response.
    pub async fn call_tool(&mut self, id: Value, name: &str, arguments: Value) -> Value {
        self.request(
            id,
            "tools/call",
            json!({"name": name, "arguments": arguments}),
        )
        .await
    }
}
