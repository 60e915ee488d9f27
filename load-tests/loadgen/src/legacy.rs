//! A legacy HTTP+SSE session: its own connection holds `GET /sse`; POSTs go through
//! the shared pool; every answer is matched by id and content on this session's stream.

use bytes::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Method, StatusCode};
use tokio::sync::watch;
use tokio::time::timeout;

use crate::http::{connect, send_head, Req, Sender};
use crate::mcp::{self, Check};
use crate::sse::EventStream;
use crate::{Ctx, Failure};

pub struct LegacySession {
    /// Keeps the stream's connection (it carries nothing else).
    _conn: Sender,
    pub events: EventStream,
    /// Where to POST: the `endpoint` event's path and query.
    endpoint: String,
}

/// The path (and query) to POST to, from the `endpoint` event's data.
fn endpoint_path(data: &str) -> Result<String, Failure> {
    let data = data.trim();
    if data.starts_with('/') {
        return Ok(data.to_owned());
    }
    if let Some(rest) = data.strip_prefix("http://") {
        if let Some(slash) = rest.find('/') {
            return Ok(rest[slash..].to_owned());
        }
    }
    Err(Failure::new(
        "protocol",
        format!("endpoint event with unusable data {data:?}"),
    ))
}

impl LegacySession {
    /// `GET /sse`, the `endpoint` event, `initialize` (answered on the stream) and
    /// `notifications/initialized`.
    pub async fn open(ctx: &Ctx) -> Result<LegacySession, Failure> {
        timeout(ctx.call_timeout, Self::handshake(ctx))
            .await
            .map_err(|_| Failure::new("timeout", "legacy session setup timed out"))?
    }

    async fn handshake(ctx: &Ctx) -> Result<LegacySession, Failure> {
        let mut conn = connect(&ctx.target).await?;
        let request = Req {
            method: Method::GET,
            path: ctx.sse_path.clone(),
            headers: vec![(
                header::ACCEPT,
                HeaderValue::from_static("text/event-stream"),
            )],
            body: Bytes::new(),
        };
        let response = send_head(&mut conn, request.build(&ctx.target)).await?;
        if response.status() != StatusCode::OK {
            return Err(Failure::new(
                "status",
                format!("GET {} answered {}", ctx.sse_path, response.status()),
            ));
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with("text/event-stream") {
            return Err(Failure::new(
                "protocol",
                format!(
                    "GET {} answered Content-Type {content_type:?}",
                    ctx.sse_path
                ),
            ));
        }
        let mut events = EventStream::new(response.into_body());
        let first = events.next_event().await?;
        if first.event.as_deref() != Some("endpoint") {
            return Err(Failure::new(
                "protocol",
                format!("first event is {:?}, not endpoint", first.event),
            ));
        }
        let endpoint = endpoint_path(&first.data)?;
        let mut session = LegacySession {
            _conn: conn,
            events,
            endpoint,
        };
        session.post(ctx, mcp::initialize(0)).await?;
        session
            .await_answer(|line| mcp::check_initialize(line, 0))
            .await?;
        session.post(ctx, mcp::initialized()).await?;
        Ok(session)
    }

    async fn post(&self, ctx: &Ctx, body: Bytes) -> Result<(), Failure> {
        let request = Req {
            method: Method::POST,
            path: self.endpoint.clone(),
            headers: vec![(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        };
        let answer = ctx.pool.send(&request).await?;
        if answer.status != StatusCode::ACCEPTED {
            return Err(Failure::new(
                "status",
                format!(
                    "POST {} answered {}: {}",
                    self.endpoint,
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                ),
            ));
        }
        Ok(())
    }

    /// Reads this session's stream until `check` accepts a message.
    async fn await_answer(&mut self, check: impl Fn(&str) -> Check) -> Result<(), Failure> {
        loop {
            let event = self.events.next_event().await?;
            match event.event.as_deref() {
                None | Some("message") => {}
                Some(other) => {
                    return Err(Failure::new(
                        "protocol",
                        format!("unexpected event {other:?} on the stream"),
                    ))
                }
            }
            match check(&event.data) {
                Check::Match => return Ok(()),
                Check::NotAnAnswer => continue,
                Check::Wrong(why) => return Err(Failure::new("mismatch", why)),
            }
        }
    }

    /// One `tools/call` of `echo`: POST (202), then its answer on the stream.
    pub async fn call(&mut self, ctx: &Ctx, id: u64, message: &str) -> Result<(), Failure> {
        timeout(ctx.call_timeout, async {
            self.post(ctx, mcp::call(id, message)).await?;
            self.await_answer(|line| mcp::check_call(line, id, message))
                .await
        })
        .await
        .map_err(|_| Failure::new("timeout", format!("call {id} timed out")))?
    }

    /// Reads (and drops) keep-alives until `go` changes; any message is an error, and
    /// so is the stream ending.
    pub async fn hold(&mut self, go: &mut watch::Receiver<bool>) -> Result<(), Failure> {
        loop {
            tokio::select! {
                event = self.events.next_event() => {
                    let event = event?;
                    if mcp::check_call(&event.data, u64::MAX, "") != Check::NotAnAnswer {
                        return Err(Failure::new("mismatch", format!("unexpected message on an idle stream: {}", event.data)));
                    }
                }
                _ = go.changed() => return Ok(()),
            }
        }
    }
}
