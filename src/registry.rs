//! The registry actor: the one place that decides which sessions (and 2026-07-28
//! `subscriptions/listen` streams) exist.
//!
//! Owns: the session-id → session-actor table, and the open subscriptions (which
//! nothing routes to by id: they only hear broadcasts and shutdown, and count toward
//! the session limit as the long-lived streams they are). Sessions register when their stream
//! opens and unregister when they stop; only the registry actor writes the table, so
//! the session limit, shutdown and broadcasts see one consistent set. Transports
//! resolve a POST's session id through [`SessionDirectory`], the registry's read-only
//! view of that table, and hand the envelope to the session themselves: a lookup is
//! a shared-map read, not a round trip through the registry's mailbox on another
//! thread (two thread wake-ups per message — a third of a call's cost in the
//! benchmark, see `load-tests/RESULTS.md`). Must not: parse or act on messages, or
//! wait on a session inside a handler.

use actix::prelude::*;
use dashmap::DashMap;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::oneshot;

use crate::access::Principal;
use crate::cluster::Cluster;
use crate::session::{Deliver, Drain, Envelope, Refusal, ServerEvent, Session, SessionId};
use crate::subscription::{Registered, Subscription};

/// Registrations and broadcasts waiting in the mailbox before senders wait.
const MAILBOX_CAPACITY: usize = 4096;

pub struct Registry {
    /// Every live session, by id; shared read-only with the transports.
    sessions: SessionDirectory,
    /// Registrations beyond this many live sessions are refused.
    max_sessions: usize,
    /// Set by [`Shutdown`]: no new sessions; waiters hear when the last one is gone.
    shutting_down: bool,
    shutdown_waiters: Vec<oneshot::Sender<()>>,
    /// Every open `subscriptions/listen` stream, by a key of ours.
    subscriptions: HashMap<u64, Addr<Subscription>>,
    /// The next subscription's key.
    next_subscription: u64,
    /// The shared directory, when replicas share one session space: an ended
    /// session is removed from it too.
    cluster: Option<Arc<Cluster>>,
}

struct Entry {
    session: Addr<Session>,
    /// Who opened it; only they can reach it (`None` when authentication is off).
    principal: Option<Principal>,
}

/// The registry's table as transports see it: they may look sessions up, never
/// add or remove one (that goes through [`Register`] and [`Unregister`]).
#[derive(Clone, Default)]
pub struct SessionDirectory {
    entries: Arc<DashMap<SessionId, Entry>>,
}

impl SessionDirectory {
    /// The session `id`, if it is live and was opened by `principal`. Another
    /// principal's session looks exactly like an unknown one.
    fn resolve(&self, id: &SessionId, principal: &Option<Principal>) -> Option<Addr<Session>> {
        let entry = self.entries.get(id)?;
        (entry.principal == *principal).then(|| entry.session.clone())
    }

    /// Hands `envelope` to session `id`; resolves once the session has taken it (or
    /// refused it). A session whose mailbox is full makes this wait: backpressure on
    /// the client that is POSTing, not on the registry or other sessions.
    pub async fn deliver(
        &self,
        id: &SessionId,
        principal: &Option<Principal>,
        envelope: Envelope,
    ) -> Result<(), RouteError> {
        let session = self
            .resolve(id, principal)
            .ok_or(RouteError::UnknownSession)?;
        let (ack, acked) = oneshot::channel();
        let delivery = Deliver { envelope, ack };
        match session.try_send(delivery) {
            Ok(()) => {}
            Err(SendError::Full(delivery)) => {
                if session.send(delivery).await.is_err() {
                    return Err(RouteError::UnknownSession);
                }
            }
            Err(SendError::Closed(_)) => return Err(RouteError::UnknownSession),
        }
        // A dropped acknowledgement means the session stopped before taking it.
        acked.await.unwrap_or(Err(RouteError::UnknownSession))
    }

    /// Whether session `id` lives in this process (with replicas, another may hold it).
    pub fn is_local(&self, id: &SessionId) -> bool {
        self.entries.contains_key(id)
    }

    /// Every live session's id, at this moment.
    pub fn ids(&self) -> Vec<SessionId> {
        self.entries.iter().map(|entry| *entry.key()).collect()
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Registry {
    pub fn new(
        max_sessions: usize,
        sessions: SessionDirectory,
        cluster: Option<Arc<Cluster>>,
    ) -> Self {
        Registry {
            cluster,
            sessions,
            max_sessions,
            shutting_down: false,
            shutdown_waiters: Vec::new(),
            subscriptions: HashMap::new(),
            next_subscription: 0,
        }
    }

    /// Whether one more session or subscription would exceed the limit.
    fn is_full(&self) -> bool {
        self.shutting_down || self.sessions.len() + self.subscriptions.len() >= self.max_sessions
    }

    fn wake_shutdown_waiters_if_empty(&mut self) {
        if self.shutting_down && self.sessions.is_empty() && self.subscriptions.is_empty() {
            for waiter in self.shutdown_waiters.drain(..) {
                let _ = waiter.send(());
            }
        }
    }

    /// Every live session (a snapshot: the map is not locked while messages are sent).
    fn all_sessions(&self) -> Vec<Addr<Session>> {
        self.sessions
            .entries
            .iter()
            .map(|entry| entry.session.clone())
            .collect()
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
        if self.is_full() {
            return Err(RegistryFull);
        }
        let entry = Entry {
            session: msg.session,
            principal: msg.principal,
        };
        self.sessions.entries.insert(msg.id, entry);
        Ok(())
    }
}

/// A session stopped; its id answers 404 here from now on.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Unregister {
    pub id: SessionId,
    /// It stopped because this replica shuts down: with replicas, its saved state stays
    /// in Redis for another replica to adopt it. Otherwise it ended for good.
    pub handed_over: bool,
}

impl Handler<Unregister> for Registry {
    type Result = ();

    fn handle(&mut self, msg: Unregister, _ctx: &mut Self::Context) {
        self.sessions.entries.remove(&msg.id);
        if let Some(cluster) = &self.cluster {
            // In the background: the registry never waits on I/O.
            cluster.release(msg.id, msg.handed_over);
        }
        self.wake_shutdown_waiters_if_empty();
    }
}

/// A `subscriptions/listen` stream opened; it hears broadcasts from now on.
#[derive(Message)]
#[rtype(result = "Result<(), RegistryFull>")]
pub struct RegisterSubscription(pub Addr<Subscription>);

impl Handler<RegisterSubscription> for Registry {
    type Result = Result<(), RegistryFull>;

    fn handle(&mut self, msg: RegisterSubscription, _ctx: &mut Self::Context) -> Self::Result {
        if self.is_full() {
            return Err(RegistryFull);
        }
        let key = self.next_subscription;
        self.next_subscription += 1;
        msg.0.do_send(Registered(key));
        self.subscriptions.insert(key, msg.0);
        Ok(())
    }
}

/// A subscription ended.
#[derive(Message)]
#[rtype(result = "()")]
pub struct UnregisterSubscription(pub u64);

impl Handler<UnregisterSubscription> for Registry {
    type Result = ();

    fn handle(&mut self, msg: UnregisterSubscription, _ctx: &mut Self::Context) {
        self.subscriptions.remove(&msg.0);
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
        for session in self.all_sessions() {
            // Not `send`: a full mailbox must not make shutdown wait or skip a session.
            session.do_send(Drain {
                deadline: msg.deadline,
            });
        }
        for subscription in self.subscriptions.values() {
            subscription.do_send(Drain {
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
        for session in self.all_sessions() {
            session.do_send(event.clone());
        }
        for subscription in self.subscriptions.values() {
            subscription.do_send(event.clone());
        }
    }
}
