//! Streamable HTTP (revisions 2025-03-26 to 2025-11-25) on one endpoint, `/mcp`:
//! POST carries client messages (`initialize` opens a session and returns its
//! `Mcp-Session-Id`), GET opens the standalone stream or resumes one after
//! `Last-Event-ID`, DELETE ends the session. Sessions are the same actors the legacy
//! transport uses; only the way their output reaches the client differs.
//!
//! A GET without a session id comes from a legacy-only client pointed at `/mcp`: it
//! gets a legacy HTTP+SSE session (first event `endpoint`), so it connects too.
//!
//! With `McpConfig::serve_stateless`, a POST carrying 2026-07-28 metadata is handed to
//! [`super::stateless`] before any session routing; everything else goes as before.
//!
//! Owns: the `/mcp` routes, content negotiation (`Accept`, `Content-Type`) and the
//! choice between a JSON and an SSE answer. Must not: frame SSE itself
//! ([`super::event_stream`] does) or look into a message beyond what routing needs.

use actix_web::{
    http::{
        header::{self, HeaderName, HeaderValue},
        StatusCode,
    },
    web, HttpRequest, HttpResponse, ResponseError,
};
use serde_json::Value;
use std::sync::Arc;

use super::body::{self, Batch, Incoming};
use super::error::{jsonrpc_error, TransportError};
use super::event_stream;
use super::extract::{Admitted, McpHeaders, SessionHeaders, SESSION_HEADER};
use super::open::{open_legacy_stream, open_session};
use super::outbound_queue;
use super::stateless;
use crate::access::Principal;
use crate::methods::{lifecycle::discover_unsupported, names};
use crate::protocol::{Message, ProtocolVersion};
use crate::session::{Envelope, EventStream, SessionId, StreamItem, Wire};
use crate::state::ServerState;

/// Adds the `/mcp` route (relative to the current scope).
pub(crate) fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<ServerState>) {
    cfg.service(
        web::resource(state.config.mcp_path.clone())
            .app_data(state.clone())
            .route(web::post().to(post))
            .route(web::get().to(get))
            .route(web::delete().to(delete))
            .default_service(web::to(|| async {
                TransportError::MethodNotAllowed("GET, POST, DELETE").error_response()
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
        // Every POST asks this twice: compare in place, without building `type/*`.
        range.eq_ignore_ascii_case(mime)
            || range == "*/*"
            || range
                .split_once('/')
                .is_some_and(|(t, sub)| sub == "*" && t.eq_ignore_ascii_case(kind))
    })
}

/// Whether the body is declared as `application/json` (parameters allowed).
fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

fn missing_session() -> TransportError {
    TransportError::BadRequest(
        "Missing Mcp-Session-Id header: send `initialize` first to open a session".into(),
    )
}

/// A session's whole answer as `application/json`.
fn json_answer(body: Box<str>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(String::from(body))
}

/// Turns a POST's answer stream into the response: JSON when the session's first item
/// is the whole answer, SSE otherwise.
async fn answer_from(
    req: &HttpRequest,
    state: &ServerState,
    mut answers: EventStream,
) -> HttpResponse {
    match answers.first().await {
        Some(StreamItem::Json(body)) => json_answer(body),
        Some(first) => event_stream::starting_with(req, state, first, answers),
        // Cancelled before it was answered: nothing will follow.
        None => HttpResponse::Accepted().finish(),
    }
}

/// `POST /mcp`.
pub async fn post(
    Admitted(principal): Admitted,
    headers: McpHeaders,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<ServerState>,
) -> Result<HttpResponse, TransportError> {
    if !(accepts(&req, "application/json") && accepts(&req, "text/event-stream")) {
        return Err(TransportError::NotAcceptable(
            "both application/json and text/event-stream",
        ));
    }
    if !is_json(&req) {
        return Err(TransportError::UnsupportedMediaType);
    }
    // Checked before the body as always, but reported after it: a stateless request
    // may carry a revision (or an Mcp-Session-Id) the session checks would refuse.
    let checked = headers.session();
    let incoming = body::read(&req, payload, state.config.max_body_bytes).await;
    let incoming = match incoming {
        Ok(Incoming::Single(message))
            if state.config.serve_stateless && stateless::is_stateless(&headers, &message) =>
        {
            return stateless::answer(&req, &headers, &state, principal, message).await;
        }
        other => other,
    };
    let SessionHeaders { session, version } = checked?;
    let message = match incoming? {
        Incoming::Single(message) => message,
        Incoming::Batch(batch) => {
            let id = session.ok_or_else(missing_session)?;
            return post_batch(&req, &state, id, principal, version, batch).await;
        }
    };
    let is_request = matches!(message, Message::Request { .. });
    match (message.method(), session) {
        (Some(names::INITIALIZE), None) if is_request => {
            initialize(&req, &state.into_inner(), principal, version, message).await
        }
        (Some(names::INITIALIZE), Some(_)) => Err(TransportError::BadRequest(
            "initialize opens a new session: send it without an Mcp-Session-Id header".into(),
        )),
        (Some(names::SERVER_DISCOVER), None) => {
            // 2026-07-28 clients probe with this; a JSON-RPC error makes them fall back.
            let id = match &message {
                Message::Request { id, .. } => Some(id),
                _ => None,
            };
            Ok(jsonrpc_error(
                StatusCode::NOT_FOUND,
                id,
                &discover_unsupported(),
            ))
        }
        (_, None) => Err(missing_session()),
        (_, Some(id)) if is_request => {
            let (sink, answers) = outbound_queue(&state);
            let envelope = Envelope::Post {
                message,
                protocol_version: version,
                reply: Some(sink),
            };
            super::deliver(&state, &id, &principal, envelope).await?;
            Ok(answer_from(&req, &state, answers).await)
        }
        (_, Some(id)) => {
            let envelope = Envelope::Post {
                message,
                protocol_version: version,
                reply: None,
            };
            super::deliver(&state, &id, &principal, envelope).await?;
            Ok(HttpResponse::Accepted().finish())
        }
    }
}

/// `initialize` without a session: open one, hand it the request, answer with its id.
async fn initialize(
    req: &HttpRequest,
    state: &Arc<ServerState>,
    principal: Option<Principal>,
    version: Option<ProtocolVersion>,
    initialize: Message,
) -> Result<HttpResponse, TransportError> {
    let id = SessionId::new_random();
    let wire = Wire::streamable(&state.config);
    open_session(state, id, wire, principal.clone()).await?;
    let (sink, mut answers) = outbound_queue(state);
    let envelope = Envelope::Post {
        message: initialize,
        protocol_version: version,
        reply: Some(sink),
    };
    super::deliver(state, &id, &principal, envelope).await?;
    let mut response = match answers.first().await {
        Some(StreamItem::Json(body)) => {
            // A failed initialize stops its session: hand out no id for it.
            let initialized =
                serde_json::from_str::<Value>(&body).is_ok_and(|v| v.get("result").is_some());
            let response = json_answer(body);
            if !initialized {
                return Ok(response);
            }
            response
        }
        Some(first) => event_stream::starting_with(req, state, first, answers),
        None => return Err(TransportError::Internal),
    };
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(SESSION_HEADER), value);
    }
    Ok(response)
}

/// A JSON-RPC batch for session `id` (the session refuses it unless at 2025-03-26).
async fn post_batch(
    req: &HttpRequest,
    state: &Arc<ServerState>,
    id: SessionId,
    principal: Option<Principal>,
    version: Option<ProtocolVersion>,
    batch: Batch,
) -> Result<HttpResponse, TransportError> {
    let messages = batch.into_messages()?;
    let has_requests = messages
        .iter()
        .any(|m| matches!(m, Message::Request { .. }));
    let (sink, answers) = outbound_queue(state);
    let envelope = Envelope::PostBatch {
        messages,
        protocol_version: version,
        reply: sink,
    };
    super::deliver(state, &id, &principal, envelope).await?;
    if has_requests {
        Ok(answer_from(req, state, answers).await)
    } else {
        Ok(HttpResponse::Accepted().finish())
    }
}

/// `GET /mcp`: the standalone stream, a resumption, or (no session) a legacy stream.
pub async fn get(
    Admitted(principal): Admitted,
    headers: McpHeaders,
    req: HttpRequest,
    state: web::Data<ServerState>,
) -> Result<HttpResponse, TransportError> {
    if !accepts(&req, "text/event-stream") {
        return Err(TransportError::NotAcceptable("text/event-stream"));
    }
    let SessionHeaders { session, version } = headers.session()?;
    let state = state.into_inner();
    let Some(id) = session else {
        return open_legacy_stream(&req, &state, &state.config.mcp_path, principal).await;
    };
    let (sink, mut events) = outbound_queue(&state);
    let envelope = Envelope::OpenStream {
        last_event_id: headers.last_event_id().map(str::to_owned),
        protocol_version: version,
        sink,
    };
    super::deliver(&state, &id, &principal, envelope).await?;
    // The session queued a priming event (2025-11-25+) before it said yes.
    Ok(match events.ready_item() {
        Some(first) => event_stream::starting_with(&req, &state, first, events),
        None => event_stream::from_queue(&req, &state, events),
    })
}

/// `DELETE /mcp`: end the session; its calls are cancelled and its id answers 404.
pub async fn delete(
    Admitted(principal): Admitted,
    headers: McpHeaders,
    state: web::Data<ServerState>,
) -> Result<HttpResponse, TransportError> {
    let SessionHeaders { session, version } = headers.session()?;
    let id = session.ok_or_else(missing_session)?;
    let envelope = Envelope::Terminate {
        protocol_version: version,
    };
    super::deliver(&state, &id, &principal, envelope).await?;
    Ok(HttpResponse::Ok().finish())
}

#[cfg(test)]
mod tests {
    use super::accepts;
    use actix_web::test::TestRequest;

    #[test]
    fn accept_ranges_match_exactly_by_type_wildcard_or_anything() {
        let with = |accept: &str| {
            TestRequest::default()
                .insert_header(("accept", accept))
                .to_http_request()
        };
        let both = with("application/json, text/event-stream;q=0.9");
        assert!(accepts(&both, "application/json") && accepts(&both, "text/event-stream"));
        assert!(accepts(&with("TEXT/*"), "text/event-stream"));
        assert!(accepts(&with("*/*"), "application/json"));
        assert!(!accepts(&with("text/*"), "application/json"));
        assert!(!accepts(&with("application/json"), "text/event-stream"));
        assert!(!accepts(&with("text/event-streams"), "text/event-stream"));
        assert!(!accepts(
            &TestRequest::default().to_http_request(),
            "application/json"
        ));
    }
}
