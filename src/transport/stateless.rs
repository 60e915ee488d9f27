//! The HTTP edge of 2026-07-28 stateless requests on `/mcp`: which POSTs are stateless,
//! the header checks only HTTP can make, and the status codes of the answer. The
//! request itself is served by [`crate::stateless`] (the design is written there).
//!
//! Owns: recognising a stateless POST, the headers that mirror the body —
//! `MCP-Protocol-Version` against `_meta`, `Mcp-Method` against `method`, `Mcp-Name`
//! against `params.name` / `params.uri` / the tasks extension's `params.taskId`, on
//! `tools/call` the tool's `Mcp-Param-*` ([`super::mirrored`] compares them; each
//! missing or different: 400 `-32020`) —
//! and mapping a [`Refusal`] to 400 / 404 / 200. Must not: route or run
//! methods (the stateless host does), or touch sessions (a stateless request ignores
//! `Mcp-Session-Id` and never gets one).

use actix_web::{http::StatusCode, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

use super::error::TransportError;
use super::event_stream;
use super::extract::{McpHeaders, METHOD_HEADER, NAME_HEADER};
use super::mirrored;
use crate::access::Principal;
use crate::methods::Method;
use crate::protocol::{response_error, response_ok, ErrorCode, Message, RequestId, RpcError};
use crate::state::{Catalogs, ServerState};
use crate::stateless::{self, meta, Call, Next, Refusal, RequestMeta, Served};
use crate::subscription::{self, ClientGone, Subscription, SubscriptionFilter};
use actix::Addr;

/// A call still running this long after it arrived is answered on an SSE stream.
const STREAM_AFTER: Duration = Duration::from_secs(1);

/// Whether `message` is a 2026-07-28 request: its `_meta` names a protocol version, or
/// the `MCP-Protocol-Version` header names the stateless revision. Handshake clients
/// send neither.
pub(crate) fn is_stateless(headers: &McpHeaders, message: &Message) -> bool {
    let params = match message {
        Message::Request { params, .. } | Message::Notification { params, .. } => params.as_ref(),
        Message::Response { .. } | Message::Error { .. } => None,
    };
    headers.names_stateless_revision() || meta::declares_version(params)
}

/// Answers a stateless `message`: `application/json` when the answer is all there is,
/// an SSE stream when a notice the request asked for (progress, a log message) comes
/// first; or the refusal with its status and the request's id.
pub(crate) async fn answer(
    req: &HttpRequest,
    headers: &McpHeaders,
    state: &Arc<ServerState>,
    principal: Option<Principal>,
    message: Message,
) -> Result<HttpResponse, TransportError> {
    let (id, method, params) = match message {
        Message::Request { id, method, params } => (id, method, params),
        // This revision defines no client notifications over HTTP: taken, not acted on.
        Message::Notification { .. } => return Ok(HttpResponse::Accepted().finish()),
        Message::Response { .. } | Message::Error { .. } => {
            return Err(TransportError::BadRequest(
                "2026-07-28 clients do not POST responses: this server sends no requests".into(),
            ))
        }
    };
    let refuse = |status, error| TransportError::Rpc {
        status,
        id: Some(id.clone()),
        error: Box::new(error),
    };
    let meta =
        RequestMeta::read(params.as_ref()).map_err(|e| refuse(StatusCode::BAD_REQUEST, e))?;
    let catalogs = state.catalogs();
    check_version_header(headers, &meta)
        .and_then(|()| check_mirrors(headers, &method, params.as_ref()))
        .and_then(|()| check_param_headers(headers, &catalogs, &method, params.as_ref()))
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, e))?;
    let call = Call {
        id: id.clone(),
        method,
        params,
        meta,
        principal,
        catalogs,
    };
    let respond = |answer: Result<_, Refusal>| match answer {
        Ok(result) => Ok(json(response_ok(&id, &result))),
        Err(Refusal::Invalid(error)) => Err(refuse(StatusCode::BAD_REQUEST, error)),
        Err(Refusal::Unknown(error)) => Err(refuse(StatusCode::NOT_FOUND, error)),
        Err(Refusal::Answered(error)) => Err(refuse(StatusCode::OK, error)),
    };
    let mut running = match stateless::serve(state, call) {
        Ok(Served::Now(result)) => return respond(Ok(result)),
        Ok(Served::Listen(id, filter)) => return listen(req, state, id, filter).await,
        Ok(Served::Running(running)) => running,
        Err(refusal) => return respond(Err(refusal)),
    };
    // A JSON answer when it comes soon; a call still running after STREAM_AFTER gets
    // an SSE answer instead, whose keep-alive writes notice a client that went away
    // (actix-web does not drop a pending handler when its connection closes).
    let first = tokio::select! {
        next = running.next() => match next {
            Next::Answer(answer) => return respond(answer),
            Next::Notice(line) => Some(line),
        },
        _ = tokio::time::sleep(STREAM_AFTER) => None,
    };
    // From here the status is 200 and the answer, success or error, is the last event.
    let rest = futures_util::stream::unfold(Some(running), move |running| {
        let id = id.clone();
        async move {
            let mut running = running?;
            match running.next().await {
                Next::Notice(line) => Some((line, Some(running))),
                Next::Answer(Ok(result)) => Some((response_ok(&id, &result), None)),
                Next::Answer(Err(
                    Refusal::Invalid(error) | Refusal::Unknown(error) | Refusal::Answered(error),
                )) => Some((response_error(Some(&id), &error), None)),
            }
        }
    });
    let lines = futures_util::stream::iter(first).chain(rest);
    Ok(event_stream::from_lines(req, state, lines))
}

/// `subscriptions/listen`: an SSE answer that stays open, fed by the subscription's
/// actor; closing it (the client's way to cancel) ends the subscription.
async fn listen(
    req: &HttpRequest,
    state: &Arc<ServerState>,
    id: RequestId,
    filter: SubscriptionFilter,
) -> Result<HttpResponse, TransportError> {
    let opened = subscription::open(state, id, filter)
        .await
        .map_err(|_| TransportError::SessionLimit)?;
    /// Tells the subscription when the SSE answer is dropped.
    struct EndOnDrop(Addr<Subscription>);
    impl Drop for EndOnDrop {
        fn drop(&mut self) {
            self.0.do_send(ClientGone);
        }
    }
    let guard = EndOnDrop(opened.subscription);
    let lines =
        futures_util::stream::unfold((opened.lines, guard), |(mut lines, guard)| async move {
            let line = lines.recv().await?;
            Some((line, (lines, guard)))
        });
    Ok(event_stream::from_lines(req, state, lines))
}

/// `MCP-Protocol-Version` must be sent and equal the `_meta` version, so intermediaries
/// routing on the header see what the server executes.
fn check_version_header(headers: &McpHeaders, meta: &RequestMeta) -> Result<(), RpcError> {
    match headers.raw_version() {
        Some(sent) if sent == meta.requested => Ok(()),
        Some(sent) => Err(RpcError::new(
            ErrorCode::HeaderMismatch,
            format!(
                "Header mismatch: MCP-Protocol-Version {sent:?} does not match _meta[\"{}\"] {:?}",
                meta::PROTOCOL_VERSION,
                meta.requested
            ),
        )),
        None => Err(RpcError::new(
            ErrorCode::HeaderMismatch,
            format!(
                "Header mismatch: the MCP-Protocol-Version header is required (here {:?})",
                meta.requested
            ),
        )),
    }
}

/// `Mcp-Method` must equal `method`; `Mcp-Name` must equal `params.name` (`tools/call`,
/// `prompts/get`), `params.uri` (`resources/read`) or `params.taskId` (`tasks/get`,
/// `tasks/update`, `tasks/cancel`: load balancers route a task by it) when the body has
/// one, after decoding a `=?base64?…?=` value.
fn check_mirrors(
    headers: &McpHeaders,
    method: &str,
    params: Option<&Map<String, Value>>,
) -> Result<(), RpcError> {
    let mismatch = |what: String| {
        RpcError::new(
            ErrorCode::HeaderMismatch,
            format!("Header mismatch: {what}"),
        )
    };
    match headers.mirrored(METHOD_HEADER) {
        Some(sent) if sent == method => {}
        Some(sent) => {
            return Err(mismatch(format!(
                "Mcp-Method {sent:?} does not match the body's method {method:?}"
            )))
        }
        None => return Err(mismatch("the Mcp-Method header is required".into())),
    }
    let field = match Method::from_name(method) {
        Some(Method::ToolsCall | Method::PromptsGet) => "name",
        Some(Method::ResourcesRead) => "uri",
        Some(Method::TasksGet | Method::TasksUpdate | Method::TasksCancel) => "taskId",
        _ => return Ok(()),
    };
    let Some(body) = params.and_then(|p| p.get(field)).and_then(Value::as_str) else {
        return Ok(()); // the method's own params check answers for it
    };
    match headers.mirrored(NAME_HEADER).map(mirrored::decode) {
        Some(Some(sent)) if sent == body => Ok(()),
        Some(Some(sent)) => Err(mismatch(format!(
            "Mcp-Name {sent:?} does not match params.{field} {body:?}"
        ))),
        Some(None) => Err(mismatch("Mcp-Name is not valid =?base64?…?= UTF-8".into())),
        None => Err(mismatch(format!(
            "the Mcp-Name header is required with params.{field}"
        ))),
    }
}

/// On `tools/call` of a tool in `catalogs`, the `Mcp-Param-*` headers its input schema
/// declares. An unknown tool is the method's own error to answer.
fn check_param_headers(
    headers: &McpHeaders,
    catalogs: &Catalogs,
    method: &str,
    params: Option<&Map<String, Value>>,
) -> Result<(), RpcError> {
    if Method::from_name(method) != Some(Method::ToolsCall) {
        return Ok(());
    }
    let Some(params) = params else {
        return Ok(());
    };
    let tool = params
        .get("name")
        .and_then(Value::as_str)
        .and_then(|name| catalogs.tools.get(name));
    match tool {
        Some(tool) => mirrored::check_params(headers, tool, params.get("arguments")),
        None => Ok(()),
    }
}

fn json(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    use actix_web::test::TestRequest;
    use actix_web::FromRequest;

    fn headers(version: Option<&str>) -> McpHeaders {
        let mut req = TestRequest::default();
        if let Some(v) = version {
            req = req.insert_header(("mcp-protocol-version", v));
        }
        let (req, mut payload) = req.to_http_parts();
        futures_util::FutureExt::now_or_never(McpHeaders::from_request(&req, &mut payload))
            .and_then(Result::ok)
            .expect("McpHeaders is infallible")
    }

    #[test]
    fn the_version_header_must_be_sent_and_match() {
        let meta = RequestMeta {
            requested: "2026-07-28".into(),
            capabilities: Map::new(),
            log_level: None,
            tasks: false,
        };
        assert!(check_version_header(&headers(Some("2026-07-28")), &meta).is_ok());
        for sent in [None, Some("2025-11-25")] {
            let err = check_version_header(&headers(sent), &meta).unwrap_err();
            assert_eq!(err.code, -32020, "{sent:?}");
        }
    }

    #[test]
    fn recognised_by_meta_or_by_header_never_by_neither() {
        let legacy = Message::Request {
            id: RequestId::Number(1),
            method: "server/discover".into(),
            params: serde_json::json!({}).as_object().cloned(),
        };
        assert!(!is_stateless(&headers(None), &legacy));
        assert!(!is_stateless(&headers(Some("2025-11-25")), &legacy));
        assert!(is_stateless(&headers(Some("2026-07-28")), &legacy));
        let modern = Message::Request {
            id: RequestId::Number(1),
            method: "server/discover".into(),
            params: serde_json::json!({"_meta": {meta::PROTOCOL_VERSION: "v9"}})
                .as_object()
                .cloned(),
        };
        assert!(is_stateless(&headers(None), &modern));
    }
}
