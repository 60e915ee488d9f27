//! The session actor: one per client session, whichever transport carries it.
//!
//! This file is its core — state, start and stop, timers, drain, and what happens
//! when a stream cannot take a message. The rest is split by what flows:
//! - [`inbound`]: client actions delivered by transports (messages, GET, DELETE);
//! - [`requests`]: a request routed through [`crate::methods`] and, when it needs a
//!   handler, run on [`crate::executor`] until [`HandlerFinished`] comes back;
//! - [`outbound`]: what handlers and the server send the client (progress, logs,
//!   requests to the client, list changes);
//! - [`tasks`]: the 2025-11-25 `tasks/*`: the session's tasks and their messages;
//! - [`snapshot`]: with replicas, what the session saves of itself, and a session
//!   adopted from another replica.

mod inbound;
mod outbound;
mod requests;
mod snapshot;
mod tasks;

pub use inbound::Deliver;
pub use outbound::{ListKind, ServerEvent};

use actix::prelude::*;
use serde_json::value::RawValue;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::client_requests::ClientRequests;
use super::in_flight::InFlight;
use super::wire::{StreamLost, Wire};
use super::{SendError, SessionId};
use crate::access::Principal;
use crate::methods::lifecycle::Negotiated;
use crate::methods::SessionState;
use crate::protocol::{response_error, response_ok, ProtocolVersion, RequestId, RpcError};
use crate::registry::Unregister;
use crate::state::ServerState;

/// How many envelopes may wait in a session's mailbox before the HTTP handler waits.
const MAILBOX_CAPACITY: usize = 64;

/// Where a session is in the MCP lifecycle.
enum Phase {
    /// Opened: only `initialize` and `ping` are served.
    Opened,
    /// `initialize` succeeded on these terms. Boxed: an idle session keeps only a
    /// pointer until its client negotiates.
    Negotiated(Box<Negotiated>),
}

/// One client's MCP session.
pub struct Session {
    /// Routing key and log identity.
    id: SessionId,
    /// Configuration, catalogs, the executor and the registry, shared by all sessions.
    server: Arc<ServerState>,
    /// The streams this session writes to, and which message goes where.
    wire: Wire,
    /// The handshake's progress; methods are admitted against it.
    phase: Phase,
    /// `notifications/initialized` arrived (sessions close without it; see `init_timeout`).
    client_ready: bool,
    /// What methods remember between requests (log level, subscriptions).
    state: SessionState,
    /// Requests being worked on, and their cancellation.
    in_flight: InFlight,
    /// Requests we sent the client and the handlers waiting for the answers.
    asked: ClientRequests,
    /// Last time the client sent anything (Streamable sessions expire when idle).
    last_activity: Instant,
    /// How handlers reach the client through this session (and how their outcome
    /// finds it again); made at the first call, so an idle session holds none.
    link: Option<Arc<outbound::SessionLink>>,
    /// The session's running tasks (2025-11-25) and where their messages go; made at
    /// the first task, so a session without tasks holds none.
    tasks: Option<Box<tasks::TaskRoutes>>,
    /// Who opened it: saved with its snapshot, so a replica adopting it serves them only.
    principal: Option<Principal>,
    /// The last snapshot written (with replicas): a newer one never loses to an older.
    snapshot_revision: u64,
    /// Stopping because this replica shuts down: its saved state stays for another
    /// replica to adopt.
    handed_over: bool,
    /// Carries the session id into every log line this session writes.
    span: tracing::Span,
    /// The pending init timeout, cancelled once the handshake completes so an idle
    /// session holds no timer.
    init_timeout: Option<SpawnHandle>,
}

impl Session {
    pub fn new(
        id: SessionId,
        server: Arc<ServerState>,
        mut wire: Wire,
        principal: Option<Principal>,
    ) -> Self {
        if let (Wire::Streamable(streams), Some(cluster)) = (&mut wire, &server.cluster) {
            streams.record_to(cluster.journal(id));
        }
        Session {
            id,
            server,
            wire,
            phase: Phase::Opened,
            client_ready: false,
            state: SessionState::default(),
            in_flight: InFlight::default(),
            asked: ClientRequests::default(),
            last_activity: Instant::now(),
            link: None,
            tasks: None,
            principal,
            snapshot_revision: 0,
            handed_over: false,
            span: tracing::info_span!("session", session_id = %id),
            init_timeout: None,
        }
    }

    fn transport_name(&self) -> &'static str {
        match self.wire {
            Wire::Legacy(_) => "sse",
            Wire::Streamable(_) => "streamable-http",
        }
    }

    fn negotiated(&self) -> Option<&Negotiated> {
        match &self.phase {
            Phase::Opened => None,
            Phase::Negotiated(terms) => Some(terms),
        }
    }

    /// The revision answers are shaped for (the latest until one is negotiated).
    fn version(&self) -> ProtocolVersion {
        self.negotiated()
            .map_or(ProtocolVersion::LATEST, |terms| terms.version)
    }

    /// How this session's handlers reach their client (one per session, shared).
    fn link(&mut self, ctx: &Context<Self>) -> &Arc<outbound::SessionLink> {
        self.link
            .get_or_insert_with(|| outbound::SessionLink::shared(ctx.address().downgrade()))
    }

    /// A legacy stream that cannot take a message ends the session.
    fn on_stream_lost(&mut self, lost: Result<(), StreamLost>, ctx: &mut Context<Self>) {
        if let Err(StreamLost(why)) = lost {
            if why == SendError::Overflow {
                tracing::warn!(
                    parent: &self.span,
                    max_queued = self.server.config.outbound_queue,
                    max_queued_bytes = self.server.config.outbound_queue_bytes,
                    "client is not reading its event stream; closing the session"
                );
                if let Wire::Legacy(sink) = &self.wire {
                    sink.abort();
                }
            }
            ctx.stop();
        }
    }

    /// Sends the answer to `id`: a serialized result or an error.
    fn answer(
        &mut self,
        id: &RequestId,
        answer: Result<Box<RawValue>, RpcError>,
        ctx: &mut Context<Self>,
    ) {
        let line = match answer {
            Ok(result) => response_ok(id, &result),
            Err(error) => {
                tracing::debug!(parent: &self.span, request_id = %id, code = error.code, message = %error.message, "request failed");
                response_error(Some(id), &error)
            }
        };
        let sent = self.wire.answer(id, line);
        self.on_stream_lost(sent, ctx);
    }

    /// Closes a session whose client never finished the handshake.
    fn schedule_init_timeout(&mut self, ctx: &mut Context<Self>) {
        let timeout = ctx.run_later(self.server.config.init_timeout, |session, ctx| {
            if !session.client_ready {
                tracing::info!(parent: &session.span, "no notifications/initialized in time; closing");
                ctx.stop();
            }
        });
        self.init_timeout = Some(timeout);
    }

    /// Closes a Streamable session that sat idle too long (no stream ties its life).
    fn schedule_idle_expiry(&mut self, ctx: &mut Context<Self>) {
        let ttl = self.server.config.session_idle_ttl;
        let check_every = (ttl / 10).clamp(Duration::from_millis(50), Duration::from_secs(30));
        ctx.run_interval(check_every, move |session, ctx| {
            let busy = !session.in_flight.is_empty()
                || matches!(&session.wire, Wire::Streamable(s) if s.has_reader());
            if busy {
                session.last_activity = Instant::now();
            } else if session.last_activity.elapsed() >= ttl {
                tracing::info!(parent: &session.span, idle_secs = ttl.as_secs(), "session idle; closing");
                ctx.stop();
            }
        });
    }
}

impl Actor for Session {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        tracing::info!(parent: &self.span, transport = self.transport_name(), "session opened");
        self.schedule_init_timeout(ctx);
        match &self.wire {
            // The legacy stream going away (client disconnected) ends the session.
            Wire::Legacy(sink) => {
                ctx.spawn(sink.closed().into_actor(self).map(|(), _, ctx| ctx.stop()));
            }
            Wire::Streamable(_) => self.schedule_idle_expiry(ctx),
        }
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.in_flight.cancel_all();
        self.drop_tasks();
        self.server.registry.do_send(Unregister {
            id: self.id,
            handed_over: self.handed_over,
        });
        tracing::info!(parent: &self.span, "session closed");
    }
}

/// The server is shutting down: finish running calls until `deadline`, then stop
/// (which ends every stream of the session cleanly).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain {
    pub deadline: Instant,
}

impl Handler<Drain> for Session {
    type Result = ();

    fn handle(&mut self, drain: Drain, ctx: &mut Self::Context) {
        self.in_flight.start_draining();
        self.handed_over = true;
        if self.in_flight.is_empty() {
            ctx.stop();
            return;
        }
        tracing::info!(parent: &self.span, calls = self.in_flight.len(), "draining: waiting for calls in flight");
        ctx.run_interval(Duration::from_millis(10), move |session, ctx| {
            if session.in_flight.is_empty() || Instant::now() >= drain.deadline {
                ctx.stop();
            }
        });
    }
}

/// Stop now: nobody can reach this session (the registry refused to register it).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Abandon;

impl Handler<Abandon> for Session {
    type Result = ();

    fn handle(&mut self, _: Abandon, ctx: &mut Self::Context) {
        ctx.stop();
    }
}
