//! Streamable HTTP (revisions 2025-03-26 to 2025-11-25) on one endpoint, `/mcp`:
//! POST carries client messages (`initialize` opens a session and returns its
//! `Mcp-Session-Id`), GET opens the standalone stream or resumes one after
//! `Last-Event-ID`, DELETE ends the session. Sessions are the same actors the legacy
//! transport uses; only the way their output reaches the client differs.
//!
//! A GET without a session id comes from a legacy-only client pointed at `/mcp`: it
//! gets a legacy HTTP+SSE session (first event `endpoint`), so it connects too.

use actix::Actor;
use actix_web::{
    http::{header, StatusCode},
    web, HttpRequest, HttpResponse,
};
use futures_util::{stream, StreamExt};
use serde_json::Value;
use std::sync::Arc;

use super::http_error::{self, jsonrpc_error};
use super::sse::{encode, open_legacy_stream, sse_response};
use crate::access::Principal;
use crate::methods::{lifecycle::discover_unsupported, names};
use crate::protocol::{ErrorCode, Message, ParseFailure, ProtocolVersion, RpcError};
use crate::registry::RouteError;
use crate::session::{Envelope, EventStream, Refusal, Session, SessionId, StreamItem, Wire};
use crate::state::ServerState;

pub const SESSION_HEADER: &str = "mcp-session-id";
pub const VERSION_HEADER: &str = "mcp-protocol-version";
const LAST_EVENT_ID: &str = "last-event-id";

/// Adds the `/mcp` route (relative to the current scope).
pub(crate) fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<ServerState>) {
    cfg.service(
        web::resource(state.config.mcp_path.clone())
            .app_data(state.clone())
            .route(web::post().to(post))
            .route(web::get().to(get))
            .route(web::delete().to(delete))
            .default_service(web::to(|| async {
                http_error::method_not_allowed("GET, POST, DELETE")
            })),
    );
}

/// Whether the `Accept` header admits `mime` (`*/*` and `type/*` count).
fn accepts(req: &HttpRequest, mime: &str) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let kind = mime.split('/').next().unwrap_or_default();
    accept.split(',').any(|range| {
        let range = range.split(';').next().unwrap_or_default().trim();
        range.eq_ignore_ascii_case(mime)
            || range == "*/*"
            || range.eq_ignore_ascii_case(&format!("{kind}/*"))
    })
}

fn not_acceptable(needs: &str) -> HttpResponse {
    jsonrpc_error(
        StatusCode::NOT_ACCEPTABLE,
        None,
        &RpcError::new(
            ErrorCode::InvalidRequest,
            format!("Not Acceptable: the Accept header must list {needs}"),
        ),
    )
}

/// `MCP-Protocol-Version`: absent is fine (the session's negotiated revision applies;
/// without a session the spec's default, 2025-03-26); a revision we do not speak is 400.
fn version_header(req: &HttpRequest) -> Result<Option<ProtocolVersion>, Box<HttpResponse>> {
    let Some(raw) = req.headers().get(VERSION_HEADER) else {
        return Ok(None);
    };
    raw.to_str()
        .ok()
        .and_then(ProtocolVersion::parse)
        .map(Some)
        .ok_or_else(|| {
            Box::new(jsonrpc_error(
                StatusCode::BAD_REQUEST,
                None,
                &RpcError::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "Unsupported MCP-Protocol-Version {:?}; supported: {}",
                        String::from_utf8_lossy(raw.as_bytes()),
                        ProtocolVersion::ALL.map(ProtocolVersion::as_str).join(", ")
                    ),
                ),
            ))
        })
}

/// `Mcp-Session-Id`, if sent. An id we could never have issued is unknown (404), so
/// the client starts over with `initialize`.
fn session_header(req: &HttpRequest) -> Result<Option<SessionId>, Box<HttpResponse>> {
    match req.headers().get(SESSION_HEADER) {
        None => Ok(None),
        Some(raw) => raw
            .to_str()
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| Box::new(http_error::session_not_found())),
    }
}

fn missing_session() -> HttpResponse {
    http_error::bad_request(
        "Missing Mcp-Session-Id header: send `initialize` first to open a session",
    )
}

fn refused(refusal: Refusal) -> HttpResponse {
    let message = match refusal {
        Refusal::WrongTransport => return http_error::session_not_found(),
        Refusal::BatchNotAllowed(version) => format!(
            "JSON-RPC batches are accepted only from sessions at protocol 2025-03-26 (this session: {})",
            version.map_or("not initialized", ProtocolVersion::as_str)
        ),
        Refusal::UnknownEventId => "Last-Event-ID does not name a stream of this session".into(),
        Refusal::DuplicateRequestId(id) => {
            format!("Request id {id} is already in use by a request in flight")
        }
    };
    http_error::bad_request(message)
}

fn route_failed(error: RouteError) -> HttpResponse {
    match error {
        RouteError::UnknownSession => http_error::session_not_found(),
        RouteError::Refused(refusal) => refused(refusal),
    }
}

fn parse_failed(failure: ParseFailure) -> HttpResponse {
    jsonrpc_error(StatusCode::BAD_REQUEST, failure.id.as_ref(), &failure.error)
}

async fn route(
    state: &ServerState,
    id: SessionId,
    principal: Option<Principal>,
    envelope: Envelope,
) -> Result<(), HttpResponse> {
    super::route(state, id, principal, envelope)
        .await
        .map_err(route_failed)
}

/// Turns a POST's answer stream into the response: JSON when the session's first item
/// is the whole answer, SSE otherwise.
async fn answer_from(
    req: &HttpRequest,
    state: &ServerState,
    mut answers: EventStream,
) -> HttpResponse {
    match answers.first().await {
        Some(StreamItem::Json(body)) => HttpResponse::Ok()
            .content_type("application/json")
            .body(String::from(body)),
        Some(first) => stream_response(req, state, first, answers),
        // Cancelled before it was answered: nothing will follow.
        None => HttpResponse::Accepted().finish(),
    }
}

fn stream_response(
    req: &HttpRequest,
    state: &ServerState,
    first: StreamItem,
    rest: EventStream,
) -> HttpResponse {
    let retry = matches!(first, StreamItem::Prime { .. }).then_some(state.config.sse_retry);
    let events =
        stream::once(async move { Ok(encode(first)) }).chain(rest.map(|item| item.map(encode)));
    sse_response(req, state, events, retry)
}

/// `POST /mcp`.
pub async fn post(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<ServerState>,
) -> HttpResponse {
    let principal = match state.config.access.admit(&req) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    if !(accepts(&req, "application/json") && accepts(&req, "text/event-stream")) {
        return not_acceptable("both application/json and text/event-stream");
    }
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return jsonrpc_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            &RpcError::new(
                ErrorCode::InvalidRequest,
                "Unsupported Media Type: Content-Type must be application/json",
            ),
        );
    }
    let (version, session) = match (version_header(&req), session_header(&req)) {
        (Ok(version), Ok(session)) => (version, session),
        (Err(response), _) | (_, Err(response)) => return *response,
    };
    let bytes = match super::read_body(&req, body, state.config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(response) => return *response,
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => {
            return jsonrpc_error(
                StatusCode::BAD_REQUEST,
                None,
                &RpcError::new(ErrorCode::ParseError, format!("Parse error: {e}")),
            )
        }
    };
    let state = state.into_inner();
    if let Value::Array(items) = value {
        let Some(id) = session else {
            return missing_session();
        };
        return post_batch(&req, &state, id, principal, version, items).await;
    }
    let message = match Message::from_value(value) {
        Ok(message) => message,
        Err(failure) => return parse_failed(failure),
    };
    let is_request = matches!(message, Message::Request { .. });
    match (message.method(), session) {
        (Some(names::INITIALIZE), None) if is_request => {
            open_session(&req, &state, principal, version, message).await
        }
        (Some(names::INITIALIZE), Some(_)) => http_error::bad_request(
            "initialize opens a new session: send it without an Mcp-Session-Id header",
        ),
        (Some(names::SERVER_DISCOVER), None) => {
            // 2026-07-28 clients probe with this; a JSON-RPC error makes them fall back.
            let id = match &message {
                Message::Request { id, .. } => Some(id),
                _ => None,
            };
            jsonrpc_error(StatusCode::NOT_FOUND, id, &discover_unsupported())
        }
        (_, None) => missing_session(),
        (_, Some(id)) if is_request => {
            let (sink, answers) = super::outbound_queue(&state);
            let envelope = Envelope::Post {
                message,
                protocol_version: version,
                reply: Some(sink),
            };
            match route(&state, id, principal.clone(), envelope).await {
                Ok(()) => answer_from(&req, &state, answers).await,
                Err(response) => response,
            }
        }
        (_, Some(id)) => {
            let envelope = Envelope::Post {
                message,
                protocol_version: version,
                reply: None,
            };
            match route(&state, id, principal.clone(), envelope).await {
                Ok(()) => HttpResponse::Accepted().finish(),
                Err(response) => response,
            }
        }
    }
}

/// `initialize` without a session: start a session actor, register it, answer with its id.
async fn open_session(
    req: &HttpRequest,
    state: &Arc<ServerState>,
    principal: Option<Principal>,
    version: Option<ProtocolVersion>,
    initialize: Message,
) -> HttpResponse {
    let id = SessionId::new_random();
    let session = Session::new(id, Arc::clone(state), Wire::streamable(&state.config)).start();
    if let Err(response) = super::register(state, id, session.clone(), principal.clone()).await {
        // Never registered, never reachable: stop it now rather than at its init timeout.
        session.do_send(Envelope::Terminate {
            protocol_version: None,
        });
        return *response;
    }
    let (sink, mut answers) = super::outbound_queue(state);
    let envelope = Envelope::Post {
        message: initialize,
        protocol_version: version,
        reply: Some(sink),
    };
    if let Err(response) = route(state, id, principal.clone(), envelope).await {
        return response;
    }
    let mut response = match answers.first().await {
        Some(StreamItem::Json(body)) => {
            // A failed initialize stops its session: hand out no id for it.
            let initialized =
                serde_json::from_str::<Value>(&body).is_ok_and(|v| v.get("result").is_some());
            let response = HttpResponse::Ok()
                .content_type("application/json")
                .body(String::from(body));
            if !initialized {
                return response;
            }
            response
        }
        Some(first) => stream_response(req, state, first, answers),
        None => return HttpResponse::InternalServerError().finish(),
    };
    if let Ok(value) = header::HeaderValue::from_str(&id.to_string()) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static(SESSION_HEADER), value);
    }
    response
}

async fn post_batch(
    req: &HttpRequest,
    state: &ServerState,
    id: SessionId,
    principal: Option<Principal>,
    version: Option<ProtocolVersion>,
    items: Vec<Value>,
) -> HttpResponse {
    if items.is_empty() {
        return http_error::bad_request("Invalid Request: empty batch");
    }
    let mut messages = Vec::with_capacity(items.len());
    for item in items {
        match Message::from_value(item) {
            Ok(message) => messages.push(message),
            Err(failure) => return parse_failed(failure),
        }
    }
    let has_requests = messages
        .iter()
        .any(|m| matches!(m, Message::Request { .. }));
    let (sink, answers) = super::outbound_queue(state);
    let envelope = Envelope::PostBatch {
        messages,
        protocol_version: version,
        reply: sink,
    };
    match route(state, id, principal.clone(), envelope).await {
        Ok(()) if has_requests => answer_from(req, state, answers).await,
        Ok(()) => HttpResponse::Accepted().finish(),
        Err(response) => response,
    }
}

/// `GET /mcp`: the standalone stream, a resumption, or (no session) a legacy stream.
pub async fn get(req: HttpRequest, state: web::Data<ServerState>) -> HttpResponse {
    let principal = match state.config.access.admit(&req) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    if !accepts(&req, "text/event-stream") {
        return not_acceptable("text/event-stream");
    }
    let (version, session) = match (version_header(&req), session_header(&req)) {
        (Ok(version), Ok(session)) => (version, session),
        (Err(response), _) | (_, Err(response)) => return *response,
    };
    let state = state.into_inner();
    let Some(id) = session else {
        let opened_at = state.config.mcp_path.clone();
        return open_legacy_stream(req, state, &opened_at, principal).await;
    };
    let last_event_id = req
        .headers()
        .get(LAST_EVENT_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (sink, mut events) = super::outbound_queue(&state);
    let envelope = Envelope::OpenStream {
        last_event_id,
        protocol_version: version,
        sink,
    };
    if let Err(response) = route(&state, id, principal.clone(), envelope).await {
        return response;
    }
    // The session queued a priming event (2025-11-25+) before it said yes.
    match events.ready_item() {
        Some(first) => stream_response(&req, &state, first, events),
        None => sse_response(&req, &state, events.map(|item| item.map(encode)), None),
    }
}

/// `DELETE /mcp`: end the session; its calls are cancelled and its id answers 404.
pub async fn delete(req: HttpRequest, state: web::Data<ServerState>) -> HttpResponse {
    let principal = match state.config.access.admit(&req) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    let (version, session) = match (version_header(&req), session_header(&req)) {
        (Ok(version), Ok(session)) => (version, session),
        (Err(response), _) | (_, Err(response)) => return *response,
    };
    let Some(id) = session else {
        return missing_session();
    };
    let envelope = Envelope::Terminate {
        protocol_version: version,
    };
    match route(&state, id, principal.clone(), envelope).await {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(response) => response,
    }
}
