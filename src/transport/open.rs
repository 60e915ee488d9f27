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
use crate::cluster::Cluster;
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
    let session = Session::new(id, Arc::clone(state), wire, principal.clone()).start();
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
                    state.registry.do_send(crate::registry::Unregister {
                        id,
                        handed_over: false,
                    });
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

/// With replicas: makes session `id`, whose replica is gone, this replica's, rebuilt
/// from the state it saved in Redis. `Ok(true)` when it is here now (adopted, or
/// adopted meanwhile by a concurrent request); `Ok(false)` when a live replica holds
/// it after all (forward there). Nothing saved, or another principal's: not found.
pub(crate) async fn adopt(
    state: &Arc<ServerState>,
    cluster: &Cluster,
    id: &SessionId,
    principal: &Option<Principal>,
) -> Result<bool, TransportError> {
    let _one_at_a_time = cluster.adoption.lock().await;
    if state.sessions.is_local(id) {
        return Ok(true);
    }
    let snapshot = cluster
        .load_snapshot(id)
        .await
        .ok_or(TransportError::SessionNotFound)?;
    if snapshot.principal.as_deref() != principal.as_ref().map(|p| &*p.0) {
        return Err(TransportError::SessionNotFound);
    }
    let incarnation = match cluster.take_over(id).await {
        None => return Err(TransportError::DirectoryUnavailable),
        Some(0) => return Ok(false),
        Some(incarnation) => incarnation,
    };
    // Read once it is ours: the old owner records nothing more.
    let history = cluster.load_history(id).await;
    let session = Session::adopted(*id, Arc::clone(state), snapshot, incarnation, history)
        .ok_or(TransportError::SessionNotFound)?
        .start();
    let registration = Register {
        id: *id,
        session: session.clone(),
        principal: principal.clone(),
    };
    match state.registry.send(registration).await {
        Ok(Ok(())) => {
            tracing::info!(session_id = %id, "session adopted: its replica is gone");
            Ok(true)
        }
        Ok(Err(RegistryFull)) => {
            stop_unregistered(&session);
            Err(TransportError::SessionLimit)
        }
        Err(_) => {
            stop_unregistered(&session);
            Err(TransportError::ShuttingDown)
        }
    }
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
