//! A minimal Streamable HTTP MCP client: POSTs with the headers clients send, reads
//! JSON or SSE answers, keeps `Mcp-Session-Id` and `MCP-Protocol-Version`.

use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;

/// One SSE event of a Streamable response.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
    /// A `retry:` field came with this block.
    pub retry: Option<u64>,
}

/// Splits an SSE body into events (comments dropped).
pub fn parse_events(body: &str) -> Vec<Event> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut event = Event {
                id: None,
                event: None,
                data: String::new(),
                retry: None,
            };
            let mut any = false;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    event.id = Some(v.trim().to_owned());
                    any = true;
                } else if let Some(v) = line.strip_prefix("event:") {
                    event.event = Some(v.trim().to_owned());
                    any = true;
                } else if let Some(v) = line.strip_prefix("data:") {
                    event.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    any = true;
                } else if let Some(v) = line.strip_prefix("retry:") {
                    event.retry = v.trim().parse().ok();
                    any = true;
                }
            }
            any.then_some(event)
        })
        .collect()
}

pub struct StreamableClient {
    pub http: reqwest::Client,
    pub url: String,
    pub session_id: Option<String>,
    pub protocol_version: Option<String>,
}

impl StreamableClient {
    pub fn new(url: &str) -> Self {
        StreamableClient {
            http: reqwest::Client::new(),
            url: url.to_owned(),
            session_id: None,
            protocol_version: None,
        }
    }

    /// A POST with the headers a conforming client sends.
    pub fn post_builder(&self) -> reqwest::RequestBuilder {
        let mut builder = self
            .http
            .post(&self.url)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json");
        if let Some(id) = &self.session_id {
            builder = builder.header("mcp-session-id", id);
        }
        if let Some(v) = &self.protocol_version {
            builder = builder.header("mcp-protocol-version", v);
        }
        builder
    }

    pub async fn post(&self, body: &Value) -> reqwest::Response {
        self.post_builder()
            .body(body.to_string())
            .send()
            .await
            .expect("POST /mcp")
    }

    pub fn get_builder(&self) -> reqwest::RequestBuilder {
        let mut builder = self
            .http
            .get(&self.url)
            .header("accept", "text/event-stream");
        if let Some(id) = &self.session_id {
            builder = builder.header("mcp-session-id", id);
        }
        if let Some(v) = &self.protocol_version {
            builder = builder.header("mcp-protocol-version", v);
        }
        builder
    }

    /// Reads a request's answer from a JSON or SSE response.
    pub async fn read_answer(response: reqwest::Response) -> Value {
        assert_eq!(response.status(), 200, "request answered with 200");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        if content_type.starts_with("application/json") {
            serde_json::from_str(&body).expect("JSON answer")
        } else {
            assert!(
                content_type.starts_with("text/event-stream"),
                "{content_type}"
            );
            let last = parse_events(&body)
                .into_iter()
                .rfind(|e| !e.data.is_empty())
                .expect("an answer event");
            serde_json::from_str(&last.data).expect("JSON event")
        }
    }

    pub async fn request(&self, id: Value, method: &str, params: Value) -> Value {
        let response = self
            .post(&json!({"jsonrpc":"2.0","id":id,"method":method,"params":params}))
            .await;
        let answer = Self::read_answer(response).await;
        assert_eq!(answer["id"], id);
        answer
    }

    pub async fn notify(&self, method: &str) -> reqwest::StatusCode {
        self.post(&json!({"jsonrpc":"2.0","method":method}))
            .await
            .status()
    }

    /// initialize + initialized; returns the initialize result.
    pub async fn initialize(&mut self, version: &str) -> Value {
        self.initialize_with(version, json!({})).await
    }

    /// The handshake declaring client `capabilities`.
    pub async fn initialize_with(&mut self, version: &str, capabilities: Value) -> Value {
        let response = self
            .post(
                &json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
                "protocolVersion": version, "capabilities": capabilities,
                "clientInfo": {"name": "actix-mcp-tests", "version": "0"}}}),
            )
            .await;
        self.session_id = response
            .headers()
            .get("mcp-session-id")
            .map(|v| v.to_str().unwrap().to_owned());
        assert!(
            self.session_id.is_some(),
            "initialize returns Mcp-Session-Id"
        );
        let answer = Self::read_answer(response).await;
        let result = answer["result"].clone();
        self.protocol_version = result["protocolVersion"].as_str().map(str::to_owned);
        assert_eq!(self.notify("notifications/initialized").await, 202);
        result
    }

    pub async fn call_tool(&self, id: Value, name: &str, arguments: Value) -> Value {
        self.request(
            id,
            "tools/call",
            json!({"name": name, "arguments": arguments}),
        )
        .await
    }
}

/// Reads an SSE response incrementally.
pub struct EventReader {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl EventReader {
    pub fn new(response: reqwest::Response) -> Self {
        EventReader {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped), or `None` on end of stream or timeout.
    pub async fn next(&mut self, within: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_events(&block).into_iter().next() {
                    return Some(event);
                }
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.body.next()).await {
                Ok(Some(Ok(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }

    /// True when the stream ends (rather than stays open) within `within`.
    pub async fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.body.next()).await {
                Ok(None) | Ok(Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => continue,
                Err(_) => return false,
            }
        }
    }
}
