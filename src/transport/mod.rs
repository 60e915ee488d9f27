//! Transports: where HTTP requests enter. They turn requests into
//! [`crate::session::Envelope`]s for the registry and session actors, and the items
//! sessions write into HTTP responses (JSON or SSE).
//!
//! Owns: routes, status codes, headers, body limits. Must not: interpret MCP methods
//! beyond what routing needs (sessions do) or keep session state of their own.

pub mod http_error;
pub mod sse;
pub mod streamable;

use actix::Addr;
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use bytes::Bytes;

use crate::access::Principal;
use crate::registry::{Register, RegistryFull, RouteError};
use crate::session::{Envelope, EventSink, EventStream, Session, SessionId};
use crate::state::ServerState;

/// Adds every MCP route (Streamable HTTP and legacy HTTP+SSE) to the current scope.
pub(crate) fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<ServerState>) {
    streamable::mount(cfg, state);
    sse::mount(cfg, state);
}

/// Hands `envelope` to session `id` (resolved through the registry's directory);
/// resolves once the session has taken it, or with why it could not.
pub(crate) async fn route(
    state: &ServerState,
    id: SessionId,
    principal: Option<Principal>,
    envelope: Envelope,
) -> Result<(), RouteError> {
    state.sessions.deliver(&id, &principal, envelope).await
}

/// A new outbound queue (a stream's body and the session's end of it), bounded by the
/// configured per-stream limits.
pub(crate) fn outbound_queue(state: &ServerState) -> (EventSink, EventStream) {
    EventSink::channel(
        state.config.outbound_queue,
        state.config.outbound_queue_bytes,
    )
}

/// Registers a new session; `Err` is the answer when the server is full (503 with
/// `Retry-After`) or shutting down (503).
pub(crate) async fn register(
    state: &ServerState,
    id: SessionId,
    session: Addr<Session>,
    principal: Option<Principal>,
) -> Result<(), Box<HttpResponse>> {
    match state
        .registry
        .send(Register {
            id,
            session,
            principal,
        })
        .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(RegistryFull)) => {
            tracing::warn!(
                limit = state.config.max_sessions,
                "session refused: server is at its session limit"
            );
            let mut response = http_error::jsonrpc_error(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                None,
                &crate::protocol::RpcError::new(
                    crate::protocol::ErrorCode::ServerError,
                    "Too many sessions open; retry shortly",
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            Err(Box::new(response))
        }
        Err(_) => Err(Box::new(HttpResponse::ServiceUnavailable().finish())),
    }
}

/// Reads a request body of at most `limit` bytes; the `Err` is the response to send.
pub(crate) async fn read_body(
    req: &HttpRequest,
    body: web::Payload,
    limit: usize,
) -> Result<Bytes, Box<HttpResponse>> {
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit);
    if declared_too_large {
        return Err(Box::new(http_error::payload_too_large(limit)));
    }
    match body.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(Box::new(http_error::bad_request(
            "Could not read the request body",
        ))),
        Err(_) => Err(Box::new(http_error::payload_too_large(limit))),
    }
}
