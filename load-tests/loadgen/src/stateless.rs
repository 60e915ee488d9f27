//! 2026-07-28 stateless requests: no `initialize`, no session. Every `tools/call` is
//! an independent POST to `/mcp` with the revision's headers (`MCP-Protocol-Version`,
//! and `Mcp-Method` / `Mcp-Name` mirroring the body) and its `_meta` in `params`; the
//! answer is the POST's body. A "session" here is just one client with its own
//! keep-alive connection, opened in the setup phase so that the call phase measures
//! calls only, as for Streamable sessions.

use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, StatusCode};
use std::sync::Arc;
use tokio::time::timeout;

use crate::http::{Pool, Req};
use crate::mcp;
use crate::streamable::{check_body, expect_status};
use crate::{Ctx, Failure, Mode};

const VERSION_HEADER: HeaderName = HeaderName::from_static("mcp-protocol-version");
const METHOD_HEADER: HeaderName = HeaderName::from_static("mcp-method");
const NAME_HEADER: HeaderName = HeaderName::from_static("mcp-name");
const SESSION_HEADER: HeaderName = HeaderName::from_static("mcp-session-id");

pub struct StatelessClient {
    pool: Arc<Pool>,
}

impl StatelessClient {
    /// Opens the client's connection (no MCP traffic: there is nothing to set up).
    pub async fn open(ctx: &Ctx, pool: Arc<Pool>) -> Result<StatelessClient, Failure> {
        timeout(ctx.call_timeout, pool.warm())
            .await
            .map_err(|_| Failure::new("timeout", "connecting timed out"))??;
        Ok(StatelessClient { pool })
    }

    /// One stateless `tools/call` of `echo`, its answer in the POST's body; the answer
    /// must not open a session.
    pub async fn call(&mut self, ctx: &Ctx, id: u64, message: &str) -> Result<(), Failure> {
        let req = Req {
            method: Method::POST,
            path: ctx.mcp_path.clone(),
            headers: vec![
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::ACCEPT,
                    HeaderValue::from_static("application/json, text/event-stream"),
                ),
                (
                    VERSION_HEADER,
                    HeaderValue::from_static(mcp::STATELESS_VERSION),
                ),
                (METHOD_HEADER, HeaderValue::from_static("tools/call")),
                (NAME_HEADER, HeaderValue::from_static("echo")),
            ],
            body: mcp::stateless_call(id, message),
        };
        timeout(ctx.call_timeout, async {
            let answer = self.pool.send(&req).await?;
            expect_status(&answer, StatusCode::OK, "stateless tools/call")?;
            if answer.headers.contains_key(&SESSION_HEADER) {
                return Err(Failure::new(
                    "protocol",
                    "a stateless answer carries Mcp-Session-Id",
                ));
            }
            let expect = (ctx.mode != Mode::Any).then_some(ctx.mode);
            check_body(&answer, expect, |line| mcp::check_call(line, id, message))
        })
        .await
        .map_err(|_| Failure::new("timeout", format!("call {id} timed out")))?
    }
}
