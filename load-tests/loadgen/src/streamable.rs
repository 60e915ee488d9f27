//! A Streamable HTTP session: `initialize` returns `Mcp-Session-Id`; every later POST
//! carries it; a request's answer is the POST's body (JSON, or an SSE stream).

use bytes::Bytes;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, StatusCode};
use std::sync::Arc;
use tokio::time::timeout;

use crate::http::{Answer, Pool, Req};
use crate::mcp::{self, Check};
use crate::sse::Parser;
use crate::{Ctx, Failure, Mode};

const SESSION_HEADER: HeaderName = HeaderName::from_static("mcp-session-id");
const VERSION_HEADER: HeaderName = HeaderName::from_static("mcp-protocol-version");

pub struct StreamableSession {
    pool: Arc<Pool>,
    session_id: HeaderValue,
}

fn request(ctx: &Ctx, method: Method, session: Option<&HeaderValue>, body: Bytes) -> Req {
    let mut headers = vec![
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (
            header::ACCEPT,
            HeaderValue::from_static("application/json, text/event-stream"),
        ),
    ];
    if let Some(session) = session {
        headers.push((SESSION_HEADER, session.clone()));
        headers.push((
            VERSION_HEADER,
            HeaderValue::from_static(mcp::PROTOCOL_VERSION),
        ));
    }
    Req {
        method,
        path: ctx.mcp_path.clone(),
        headers,
        body,
    }
}

pub(crate) fn expect_status(
    answer: &Answer,
    status: StatusCode,
    what: &str,
) -> Result<(), Failure> {
    if answer.status == status {
        return Ok(());
    }
    Err(Failure::new(
        "status",
        format!(
            "{what} answered {} (expected {status}): {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
                .chars()
                .take(200)
                .collect::<String>()
        ),
    ))
}

/// Finds the answer in a POST's body (JSON or a buffered SSE stream).
pub(crate) fn check_body(
    answer: &Answer,
    expect: Option<Mode>,
    check: impl Fn(&str) -> Check,
) -> Result<(), Failure> {
    let content_type = answer.content_type();
    let is_json = content_type.starts_with("application/json");
    let is_sse = content_type.starts_with("text/event-stream");
    match expect {
        Some(Mode::Json) if !is_json => {
            return Err(Failure::new(
                "mode",
                format!("expected application/json, got {content_type:?}"),
            ))
        }
        Some(Mode::Sse) if !is_sse => {
            return Err(Failure::new(
                "mode",
                format!("expected text/event-stream, got {content_type:?}"),
            ))
        }
        _ => {}
    }
    if is_json {
        let line = std::str::from_utf8(&answer.body)
            .map_err(|_| Failure::new("protocol", "answer is not UTF-8"))?;
        return match check(line) {
            Check::Match => Ok(()),
            Check::NotAnAnswer => Err(Failure::new("mismatch", "JSON body is not an answer")),
            Check::Wrong(why) => Err(Failure::new("mismatch", why)),
        };
    }
    if is_sse {
        for event in Parser::all_events(&answer.body) {
            if event.data.is_empty() {
                continue;
            }
            match check(&event.data) {
                Check::Match => return Ok(()),
                Check::NotAnAnswer => continue,
                Check::Wrong(why) => return Err(Failure::new("mismatch", why)),
            }
        }
        return Err(Failure::new(
            "mismatch",
            "event stream ended without the answer",
        ));
    }
    Err(Failure::new(
        "protocol",
        format!("answer with Content-Type {content_type:?}"),
    ))
}

impl StreamableSession {
    /// `initialize` (200, `Mcp-Session-Id`) and `notifications/initialized` (202).
    pub async fn open(ctx: &Ctx, pool: Arc<Pool>) -> Result<StreamableSession, Failure> {
        timeout(ctx.call_timeout, async {
            let answer = pool
                .send(&request(ctx, Method::POST, None, mcp::initialize(0)))
                .await?;
            expect_status(&answer, StatusCode::OK, "initialize")?;
            let session_id = answer
                .headers
                .get(&SESSION_HEADER)
                .cloned()
                .ok_or_else(|| {
                    Failure::new("protocol", "initialize answer has no Mcp-Session-Id")
                })?;
            check_body(&answer, None, |line| mcp::check_initialize(line, 0))?;
            let answer = pool
                .send(&request(
                    ctx,
                    Method::POST,
                    Some(&session_id),
                    mcp::initialized(),
                ))
                .await?;
            expect_status(&answer, StatusCode::ACCEPTED, "notifications/initialized")?;
            Ok(StreamableSession { pool, session_id })
        })
        .await
        .map_err(|_| Failure::new("timeout", "streamable session setup timed out"))?
    }

    /// One `tools/call` of `echo`, its answer in the POST's body.
    pub async fn call(&mut self, ctx: &Ctx, id: u64, message: &str) -> Result<(), Failure> {
        timeout(ctx.call_timeout, async {
            let answer = self
                .pool
                .send(&request(
                    ctx,
                    Method::POST,
                    Some(&self.session_id),
                    mcp::call(id, message),
                ))
                .await?;
            expect_status(&answer, StatusCode::OK, "tools/call")?;
            let expect = (ctx.mode != Mode::Any).then_some(ctx.mode);
            check_body(&answer, expect, |line| mcp::check_call(line, id, message))
        })
        .await
        .map_err(|_| Failure::new("timeout", format!("call {id} timed out")))?
    }

    /// `DELETE /mcp` (200).
    pub async fn delete(&self, ctx: &Ctx) -> Result<(), Failure> {
        timeout(ctx.call_timeout, async {
            let answer = self
                .pool
                .send(&request(
                    ctx,
                    Method::DELETE,
                    Some(&self.session_id),
                    Bytes::new(),
                ))
                .await?;
            expect_status(&answer, StatusCode::OK, "DELETE")
        })
        .await
        .map_err(|_| Failure::new("timeout", "DELETE timed out"))?
    }
}
