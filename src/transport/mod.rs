//! Transports: where HTTP requests enter. Every MCP request comes in through a route
//! [`mount`] adds — `streamable` (`/mcp`) or `sse` (`/sse` + `/messages`); `/healthz`
//! and `/readyz` are for balancers — and goes
//! the same way: [`extract::Admitted`] (Host, Origin, bearer token), the MCP headers
//! ([`extract::McpHeaders`]), the body ([`body::read`]), then an
//! [`crate::session::Envelope`] handed to the session through the registry's
//! directory. What sessions write comes back as JSON or as SSE ([`event_stream`]);
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

use crate::session::{EventSink, EventStream};
use crate::state::ServerState;

/// Adds every MCP route (Streamable HTTP and legacy HTTP+SSE) to the current scope.
pub(crate) fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<ServerState>) {
    streamable::mount(cfg, state);
    sse::mount(cfg, state);
    health::mount(cfg, state);
}

/// A new outbound queue (a stream's body and the session's end of it), bounded by the
/// configured per-stream limits.
pub(crate) fn outbound_queue(state: &ServerState) -> (EventSink, EventStream) {
    EventSink::channel(
        state.config.outbound_queue,
        state.config.outbound_queue_bytes,
    )
}
