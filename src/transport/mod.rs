//! Transports: where HTTP requests enter. Every MCP request comes in through a route
//! [`mount`] adds — `streamable` (`/mcp`) or `sse` (`/sse` + `/messages`); `/healthz`
//! and `/readyz` are for balancers — and goes
//! the same way: [`extract::Admitted`] (Host, Origin, bearer token), the MCP headers
//! ([`extract::McpHeaders`]), the body ([`body::read`]), then an
//! [`crate::session::Envelope`] handed to the session ([`deliver`]: through the
//! registry's directory, or to the replica holding it). What sessions write comes back as JSON or as SSE ([`event_stream`]);
//! every refusal is a [`error::TransportError`].
//!
//! Owns: routes, status codes, headers, body limits. Must not: interpret MCP methods
//! beyond what routing needs (sessions do), keep session state of their own, or
//! change what clients see on the wire without changing the tests in `tests/`.

pub mod body;
pub mod error;
pub mod event_stream;
pub mod extract;
mod health;
mod mirrored;
pub mod open;
pub mod sse;
pub mod stateless;
pub mod streamable;

use actix_web::web;

use crate::access::Principal;
use crate::cluster::{Forwarded, Owner};
use crate::session::{Envelope, EventSink, EventStream, SessionId};
use crate::state::ServerState;
use error::TransportError;
use std::sync::Arc;

/// Adds every MCP route (Streamable HTTP and legacy HTTP+SSE) to the current scope.
pub(crate) fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<ServerState>) {
    streamable::mount(cfg, state);
    sse::mount(cfg, state);
    health::mount(cfg, state);
}

/// Hands `envelope` to session `id`: here when this process holds it, else (with
/// replicas sharing Redis) on the replica that does — or, when that replica is gone
/// and the session was saved, here after adopting it ([`open::adopt`]). Resolves once
/// the session has taken it; every failure is the answer to send.
pub(crate) async fn deliver(
    state: &Arc<ServerState>,
    id: &SessionId,
    principal: &Option<Principal>,
    mut envelope: Envelope,
) -> Result<(), TransportError> {
    let Some(cluster) = state
        .cluster
        .as_ref()
        .filter(|_| !state.sessions.is_local(id))
    else {
        return Ok(state.sessions.deliver(id, principal, envelope).await?);
    };
    // Three rounds at most: a replica that adopted the session just before us is its
    // owner; one that let it go (shutting down) has a successor by the next round.
    for _ in 0..3 {
        let owner = cluster
            .owner(id)
            .await
            .ok_or(TransportError::DirectoryUnavailable)?;
        match owner {
            Owner::Replica(owner) => {
                match cluster.forward_to(&owner, id, principal, envelope).await? {
                    Forwarded::Delivered => return Ok(()),
                    Forwarded::Moved(back) => envelope = back,
                }
            }
            Owner::Nobody => {
                if open::adopt(state, cluster, id, principal).await? {
                    return Ok(state.sessions.deliver(id, principal, envelope).await?);
                }
            }
        }
    }
    Err(TransportError::SessionNotFound)
}

/// A new outbound queue (a stream's body and the session's end of it), bounded by the
/// configured per-stream limits.
pub(crate) fn outbound_queue(state: &ServerState) -> (EventSink, EventStream) {
    EventSink::channel(
        state.config.outbound_queue,
        state.config.outbound_queue_bytes,
    )
}
