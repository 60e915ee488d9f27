//! The one place a session is opened, for either transport: start its actor, register
//! it with the registry, and stop it again if the registry refuses. Also the legacy
//! stream's opening, which both `GET /sse` and a session-less `GET /mcp` use.
//!
//! Owns: the order "start, register, then reachable" and its one rollback path.
//! Must not: route messages to a session or answer a Streamable `initialize` (the
//! Streamable transport does both once the session is open).

use actix::{Actor, Addr};
use actix_web::{HttpRequest, HttpResponse};
use std::sync::Arc;

use super::error::TransportError;
use super::event_stream;
use crate::access::Principal;
use crate::registry::{Register, RegistryFull};
use crate::session::{Abandon, Session, SessionId, StreamItem, Wire};
use crate::state::ServerState;

/// Starts session `id` writing to `wire` and registers it for `principal`. On `Ok`
/// the session is reachable through the registry's directory. On `Err` it never was,
/// and it is stopped now rather than at its init timeout; the error is the answer:
/// 503 + `Retry-After` when the registry is full or draining, 503 when it is gone.
pub async fn open_session(
    state: &Arc<ServerState>,
    id: SessionId,
    wire: Wire,
    principal: Option<Principal>,
) -> Result<(), TransportError> {
    let session = Session::new(id, Arc::clone(state), wire).start();
    let registration = Register {
        id,
        session: session.clone(),
        principal,
    };
    let refused = match state.registry.send(registration).await {
        Ok(Ok(())) => match &state.cluster {
            None => return Ok(()),
            // Entered in the shared directory before the client can learn the id, so
            // a POST reaching another replica finds it too.
            Some(cluster) => match cluster.claim(id).await {
                Ok(()) => return Ok(()),
                Err(_) => {
                    tracing::warn!(
                        "session refused: the shared session directory (Redis) is unreachable"
                    );
                    state.registry.do_send(crate::registry::Unregister { id });
                    TransportError::DirectoryUnavailable
                }
            },
        },
        Ok(Err(RegistryFull)) => {
            tracing::warn!(
                limit = state.config.max_sessions,
                "session refused: server is at its session limit"
            );
            TransportError::SessionLimit
        }
        Err(_) => TransportError::ShuttingDown,
    };
    stop_unregistered(&session);
    Err(refused)
}

/// Stops a session nobody can reach, whichever transport it is on.
fn stop_unregistered(session: &Addr<Session>) {
    session.do_send(Abandon);
}

/// Opens a legacy HTTP+SSE session and answers with its event stream, whose first
/// event names the URL to POST to. `opened_at` is the configured path the stream was
/// opened on: `/sse`, or `/mcp` for a legacy-only client pointed at the Streamable
/// endpoint.
pub async fn open_legacy_stream(
    req: &HttpRequest,
    state: &Arc<ServerState>,
    opened_at: &str,
    principal: Option<Principal>,
) -> Result<HttpResponse, TransportError> {
    let id = SessionId::new_random();
    let (sink, queue) = super::outbound_queue(state);
    // The queue is empty and has room, so the endpoint event is always first.
    let endpoint = endpoint_url(req, opened_at, state, id);
    sink.send(StreamItem::Endpoint(endpoint.into()))
        .map_err(|_| TransportError::Internal)?;
    // Registered before the client can learn the id, so its first POST always routes.
    open_session(state, id, Wire::Legacy(sink), principal).await?;
    Ok(event_stream::from_queue(req, state, queue))
}

/// The URL clients POST to: relative, on our origin, under the same mount prefix as
/// the stream they opened (clients reject endpoints on another origin).
fn endpoint_url(req: &HttpRequest, opened_at: &str, state: &ServerState, id: SessionId) -> String {
    let path = req.path().trim_end_matches('/');
    let prefix = path
        .strip_suffix(opened_at.trim_end_matches('/'))
        .unwrap_or("");
    format!("{prefix}{}?session_id={id}", state.config.messages_path)
}
