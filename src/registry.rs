//! The registry actor: the one place that knows which sessions exist.
//!
//! Owns: the session-id → session-actor table. Sessions register when their stream
//! opens and unregister when they stop; transports route every POSTed message through
//! [`Route`]. Must not: parse or act on messages, or wait on a session inside a handler
//! (forwarding is a future that runs beside the registry, not in it).

use actix::prelude::*;
use futures_util::FutureExt;
use std::collections::HashMap;
use std::time::Instant;
use tokio::sync::oneshot;

use crate::access::Principal;
use crate::session::{Deliver, Drain, Envelope, Refusal, ServerEvent, Session, SessionId};

/// Registrations, lookups and routes waiting in the mailbox before senders wait.
const MAILBOX_CAPACITY: usize = 4096;

pub struct Registry {
    /// Every live session, by id.
    sessions: HashMap<SessionId, Entry>,
    /// Registrations beyond this many live sessions are refused.
    max_sessions: usize,
    /// Set by [`Shutdown`]: no new sessions; waiters hear when the last one is gone.
    shutting_down: bool,
    shutdown_waiters: Vec<oneshot::Sender<()>>,
}

struct Entry {
    session: Addr<Session>,
    /// Who opened it; only they can reach it (`None` when authentication is off).
    principal: Option<Principal>,
}

impl Registry {
    pub fn new(max_sessions: usize) -> Self {
        Registry {
            sessions: HashMap::new(),
            max_sessions,
            shutting_down: false,
            shutdown_waiters: Vec::new(),
        }
    }

    fn wake_shutdown_waiters_if_empty(&mut self) {
        if self.shutting_down && self.sessions.is_empty() {
            for waiter in self.shutdown_waiters.drain(..) {
                let _ = waiter.send(());
            }
        }
    }
}

impl Actor for Registry {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
    }
}

/// The session limit is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryFull;

/// A new session is open; route its messages from now on.
#[derive(Message)]
#[rtype(result = "Result<(), RegistryFull>")]
pub struct Register {
    pub id: SessionId,
    pub session: Addr<Session>,
    pub principal: Option<Principal>,
}

impl Handler<Register> for Registry {
    type Result = Result<(), RegistryFull>;

    fn handle(&mut self, msg: Register, _ctx: &mut Self::Context) -> Self::Result {
        if self.shutting_down || self.sessions.len() >= self.max_sessions {
            return Err(RegistryFull);
        }
        let entry = Entry {
            session: msg.session,
            principal: msg.principal,
        };
        self.sessions.insert(msg.id, entry);
        Ok(())
    }
}

/// A session stopped; its id answers 404 from now on.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Unregister {
    pub id: SessionId,
}

impl Handler<Unregister> for Registry {
    type Result = ();

    fn handle(&mut self, msg: Unregister, _ctx: &mut Self::Context) {
        self.sessions.remove(&msg.id);
        self.wake_shutdown_waiters_if_empty();
    }
}

/// Why an envelope could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// No such session, or it has ended.
    UnknownSession,
    /// The session would not take it.
    Refused(Refusal),
}

/// Forward a client's envelope to its session. The session acknowledges on `ack` once
/// it has taken the envelope (or refused it); the registry only resolves and forwards,
/// so the acknowledgement goes straight from the session to the waiting transport.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Route {
    pub id: SessionId,
    /// Who sent it: another principal's session looks exactly like an unknown one.
    pub principal: Option<Principal>,
    pub envelope: Envelope,
    pub ack: oneshot::Sender<Result<(), RouteError>>,
}

impl Handler<Route> for Registry {
    type Result = ();

    fn handle(&mut self, msg: Route, ctx: &mut Self::Context) {
        let session = match self.sessions.get(&msg.id) {
            Some(entry) if entry.principal == msg.principal => entry.session.clone(),
            _ => {
                let _ = msg.ack.send(Err(RouteError::UnknownSession));
                return;
            }
        };
        let delivery = Deliver {
            envelope: msg.envelope,
            ack: msg.ack,
        };
        match session.try_send(delivery) {
            Ok(()) => {}
            // A busy session: wait for room (backpressure) beside the registry, not in it.
            // If the session stops meanwhile, the dropped `ack` tells the transport.
            Err(SendError::Full(delivery)) => {
                ctx.spawn(session.send(delivery).map(|_| ()).into_actor(self));
            }
            Err(SendError::Closed(delivery)) => {
                let _ = delivery.ack.send(Err(RouteError::UnknownSession));
            }
        }
    }
}

/// How many sessions are live (for operators and tests).
#[derive(Message)]
#[rtype(result = "usize")]
pub struct CountSessions;

impl Handler<CountSessions> for Registry {
    type Result = usize;

    fn handle(&mut self, _: CountSessions, _ctx: &mut Self::Context) -> usize {
        self.sessions.len()
    }
}

/// Graceful shutdown: refuse new sessions, tell every session to drain (finish its
/// calls until `deadline`, then end its streams), resolve when none is left.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Shutdown {
    pub deadline: Instant,
}

impl Handler<Shutdown> for Registry {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, msg: Shutdown, _ctx: &mut Self::Context) -> Self::Result {
        self.shutting_down = true;
        tracing::info!(
            sessions = self.sessions.len(),
            "shutting down: draining sessions"
        );
        for entry in self.sessions.values() {
            // Not `send`: a full mailbox must not make shutdown wait or skip a session.
            entry.session.do_send(Drain {
                deadline: msg.deadline,
            });
        }
        let (done, all_gone) = oneshot::channel();
        self.shutdown_waiters.push(done);
        self.wake_shutdown_waiters_if_empty();
        Box::pin(async move {
            let _ = all_gone.await;
        })
    }
}

/// Hand a server-side event to every session (each decides whether it concerns it).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Broadcast(pub ServerEvent);

impl Handler<Broadcast> for Registry {
    type Result = ();

    fn handle(&mut self, Broadcast(event): Broadcast, _ctx: &mut Self::Context) {
        for entry in self.sessions.values() {
            entry.session.do_send(event.clone());
        }
    }
}
