//! Forwarded deliveries: a legacy POST for a session another replica holds.
//!
//! Channels: `<prefix>:inbox:<replica>` carries [`Inbound`] messages to the replica
//! holding the session; `<prefix>:reply:<replica>` carries each [`Reply`] back to the
//! replica whose client is waiting. One subscription per replica listens on both (and
//! on the events channel of [`super::events`]), re-made after every fault.
//!
//! Owns: the wire form of a forward and the waiting for its reply. Must not: parse
//! MCP messages beyond JSON-RPC (the session does) or answer HTTP.

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

use super::directory::Owner;
use super::{within, Cluster};
use crate::access::Principal;
use crate::protocol::Message;
use crate::registry::RouteError;
use crate::session::{Envelope, SessionId};

/// How long a forwarded POST waits for its owner's reply before it is a 503.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// How a forward ended, as the owner tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Forwarded {
    /// The session took the message (the POST is answered 202).
    Delivered,
    /// The owner has no such session for that principal (404).
    Unknown,
}

/// Why a POST could not be forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardError {
    /// No live replica holds the session: 404, the client starts over.
    UnknownSession,
    /// Redis is unreachable or the owner did not answer in time: 503.
    Unavailable,
}

/// A message for a session on the replica that receives it.
#[derive(Serialize, Deserialize)]
struct Inbound {
    /// The replica waiting for the reply.
    from: String,
    /// Its number for this forward.
    correlation: u64,
    session: String,
    /// The POST's principal: the owner checks it like a local POST's.
    principal: Option<String>,
    /// The JSON-RPC message, as the client sent it.
    message: Value,
}

/// The owner's outcome for one [`Inbound`].
#[derive(Serialize, Deserialize)]
struct Reply {
    correlation: u64,
    outcome: Forwarded,
}

impl Cluster {
    /// Hands `message` to session `id` on whichever live replica holds it; resolves
    /// once that replica's session has taken it (the guarantee a local POST's 202 has).
    pub async fn forward(
        &self,
        id: &SessionId,
        principal: &Option<Principal>,
        message: &Message,
    ) -> Result<(), ForwardError> {
        if !self.subscribed.load(Ordering::Acquire) {
            return Err(ForwardError::Unavailable); // no reply could reach us
        }
        let owner = match self.owner(id).await.ok_or(ForwardError::Unavailable)? {
            Owner::Replica(owner) => owner,
            Owner::Nobody => return Err(ForwardError::UnknownSession),
        };
        let correlation = self.correlation();
        let inbound = Inbound {
            from: self.replica.clone(),
            correlation,
            session: id.to_string(),
            principal: principal.as_ref().map(|p| p.0.to_string()),
            message: message.to_value(),
        };
        let payload = serde_json::to_string(&inbound).map_err(|_| ForwardError::Unavailable)?;
        let (reply, replied) = oneshot::channel();
        self.pending.insert(correlation, reply);
        let outcome = self.publish_and_wait(&owner, payload, replied).await;
        self.pending.remove(&correlation);
        match outcome {
            Some(Forwarded::Delivered) => Ok(()),
            Some(Forwarded::Unknown) => Err(ForwardError::UnknownSession),
            None => Err(ForwardError::Unavailable),
        }
    }

    async fn publish_and_wait(
        &self,
        owner: &str,
        payload: String,
        replied: oneshot::Receiver<Forwarded>,
    ) -> Option<Forwarded> {
        let mut redis = self.commands()?;
        let receivers: i64 = within(
            redis::cmd("PUBLISH")
                .arg(self.key("inbox", owner))
                .arg(payload)
                .query_async(&mut redis),
        )
        .await?;
        if receivers == 0 {
            // Alive a moment ago, not listening now (restarting, or cut off from Redis).
            return None;
        }
        tokio::time::timeout(REPLY_TIMEOUT, replied)
            .await
            .ok()?
            .ok()
    }

    /// Delivers one forwarded message to the local session and replies to its sender.
    async fn deliver_forwarded(self: Arc<Self>, inbound: Inbound) {
        let outcome = match (
            inbound.session.parse::<SessionId>(),
            Message::from_value(inbound.message),
        ) {
            (Ok(id), Ok(message)) => {
                let principal = inbound.principal.map(|p| Principal(p.into()));
                match self
                    .sessions
                    .deliver(&id, &principal, Envelope::Legacy(message))
                    .await
                {
                    Ok(()) => Forwarded::Delivered,
                    Err(RouteError::UnknownSession | RouteError::Refused(_)) => Forwarded::Unknown,
                }
            }
            // Another replica validated it before forwarding: not ours to explain.
            _ => Forwarded::Unknown,
        };
        let reply = Reply {
            correlation: inbound.correlation,
            outcome,
        };
        let (Some(mut redis), Ok(payload)) = (self.commands(), serde_json::to_string(&reply))
        else {
            return;
        };
        let _: Option<i64> = within(
            redis::cmd("PUBLISH")
                .arg(self.key("reply", &inbound.from))
                .arg(payload)
                .query_async(&mut redis),
        )
        .await;
    }

    /// An owner's reply to one of our forwards.
    fn replied(&self, reply: Reply) {
        if let Some((_, waiter)) = self.pending.remove(&reply.correlation) {
            let _ = waiter.send(reply.outcome);
        }
    }
}

/// Keeps this replica subscribed to its inbox and reply channels, re-subscribing after
/// every fault, for as long as the process runs.
pub(super) async fn listen(cluster: Arc<Cluster>) {
    let inbox = cluster.key("inbox", &cluster.replica);
    let replies = cluster.key("reply", &cluster.replica);
    let events = cluster.events_channel();
    let mut delay = Duration::from_millis(100);
    loop {
        match cluster.client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if pubsub.subscribe(&[&inbox, &replies, &events]).await.is_ok() {
                    cluster.subscribed.store(true, Ordering::Release);
                    delay = Duration::from_millis(100);
                    tracing::info!(replica = %cluster.replica, "listening for forwarded messages");
                    // After a Redis restart our keys are gone: put them back now. The
                    // command connection's first use after the fault may fail while
                    // it reconnects, hence a few tries.
                    if let Some(mut redis) = cluster.commands() {
                        for _ in 0..10 {
                            if super::directory::refresh_sessions(&cluster, &mut redis).await {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let Ok(payload) = message.get_payload::<String>() else {
                            continue;
                        };
                        let channel = message.get_channel_name();
                        if channel == inbox {
                            if let Ok(inbound) = serde_json::from_str::<Inbound>(&payload) {
                                // Its session may make it wait (backpressure): not the loop.
                                tokio::spawn(Arc::clone(&cluster).deliver_forwarded(inbound));
                            }
                        } else if channel == events {
                            if let Ok(announced) = serde_json::from_str(&payload) {
                                cluster.heard(announced);
                            }
                        } else if let Ok(reply) = serde_json::from_str::<Reply>(&payload) {
                            cluster.replied(reply);
                        }
                    }
                }
                cluster.subscribed.store(false, Ordering::Release);
                tracing::warn!("lost the Redis subscription; re-subscribing");
            }
            Err(error) => {
                tracing::warn!(%error, "Redis unreachable for the subscription; retrying")
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}
