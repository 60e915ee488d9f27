//! The registry actor: the one place that knows which sessions exist.
//!
//! Owns: the session-id → session-actor table. Sessions register when their stream
//! opens and unregister when they stop; transports route every POSTed message through
//! [`Route`]. Must not: parse or act on messages, or wait on a session inside a handler
//! (forwarding is a future that runs beside the registry, not in it).

use actix::prelude::*;
use std::collections::HashMap;

use crate::session::{Envelope, Refusal, Session, SessionId};

/// Registrations, lookups and routes waiting in the mailbox before senders wait.
const MAILBOX_CAPACITY: usize = 4096;

#[derive(Default)]
pub struct Registry {
    /// Every live session's actor, by id.
    sessions: HashMap<SessionId, Addr<Session>>,
}

impl Actor for Registry {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
    }
}

/// A new session's stream is open; route its messages from now on.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Register {
    pub id: SessionId,
    pub session: Addr<Session>,
}

impl Handler<Register> for Registry {
    type Result = ();

    fn handle(&mut self, msg: Register, _ctx: &mut Self::Context) {
        self.sessions.insert(msg.id, msg.session);
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

/// Forward a client's envelope to its session. Resolves once the session has taken it.
#[derive(Message)]
#[rtype(result = "Result<(), RouteError>")]
pub struct Route {
    pub id: SessionId,
    pub envelope: Envelope,
}

impl Handler<Route> for Registry {
    type Result = ResponseFuture<Result<(), RouteError>>;

    fn handle(&mut self, msg: Route, _ctx: &mut Self::Context) -> Self::Result {
        match self.sessions.get(&msg.id) {
            Some(session) => {
                let delivery = session.send(msg.envelope);
                Box::pin(async move {
                    match delivery.await {
                        Ok(taken) => taken.map_err(RouteError::Refused),
                        // The session stopped while the envelope waited.
                        Err(_) => Err(RouteError::UnknownSession),
                    }
                })
            }
            None => Box::pin(async { Err(RouteError::UnknownSession) }),
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
