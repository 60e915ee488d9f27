//! Forwarded deliveries: what a client sent for a session another replica holds — a
//! legacy POST, a Streamable POST (one message or a batch), a GET, a DELETE.
//!
//! Channels: `<prefix>:inbox:<replica>` carries an [`InboxMessage`] to the replica
//! holding the session (a delivery, or word that a relayed response's client went
//! away); `<prefix>:reply:<replica>` carries each [`Reply`] back to the replica whose
//! client is waiting; a forwarded POST's or GET's response follows as frames
//! ([`super::relay`]). One subscription per replica listens on its inbox, replies and
//! frames and on the events channel of [`super::events`], re-made after every fault.
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
use tokio_util::sync::CancellationToken;

use super::relay::WireItem;
use super::{within, Cluster, Owner};
use crate::access::Principal;
use crate::protocol::{Message, ProtocolVersion, RequestId};
use crate::registry::RouteError;
use crate::session::{Envelope, EventSink, Refusal, SessionId};

/// How long a forwarded request waits for its owner's reply before it is a 503.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request for a session its replica is letting go waits for the
/// directory to stop naming that replica (its events are flushed first: at most one
/// command timeout) before it is a 503.
const MOVE_WAIT: Duration = Duration::from_secs(3);

/// What became of a forwarded delivery that did not fail.
pub enum Forwarded {
    /// The owner's session holds it.
    Delivered,
    /// The owner has let the session go for another replica to adopt, and the
    /// directory says so now: route `Envelope` again.
    Moved(Envelope),
}

/// Why a delivery could not be forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardError {
    /// No live replica holds the session (for this principal): 404, start over.
    UnknownSession,
    /// The owner's session would not take it, as it would say locally.
    Refused(Refusal),
    /// Redis is unreachable or the owner did not answer in time: 503.
    Unavailable,
}

/// An [`Envelope`] on the wire; each response stream is named by its number on the
/// sending replica.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum WireEnvelope {
    Legacy {
        message: Value,
    },
    Post {
        message: Value,
        protocol_version: Option<String>,
        stream: Option<u64>,
    },
    PostBatch {
        messages: Vec<Value>,
        protocol_version: Option<String>,
        stream: u64,
    },
    OpenStream {
        last_event_id: Option<String>,
        protocol_version: Option<String>,
        stream: u64,
    },
    Terminate {
        protocol_version: Option<String>,
    },
}

/// What a replica's inbox carries.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum InboxMessage {
    /// A client action for one of the receiver's sessions.
    Deliver {
        /// The replica waiting for the reply.
        from: String,
        /// Its number for this forward.
        correlation: u64,
        session: String,
        /// The request's principal: the owner checks it like a local request's.
        principal: Option<String>,
        envelope: WireEnvelope,
    },
    /// The client of relayed stream `stream` (held on `from`) went away.
    Close { from: String, stream: u64 },
}

/// The owner's outcome for one delivery.
#[derive(Serialize, Deserialize)]
pub(super) struct Reply {
    correlation: u64,
    outcome: Outcome,
    /// The forwarded response stream, when there is one, and what the session had
    /// queued on it when it said yes: put in place before any later frame, as the
    /// subscription handles messages in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stream: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    first: Vec<WireItem>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Outcome {
    Delivered,
    Unknown,
    Moving,
    Refused(WireRefusal),
}

/// A [`Refusal`] on the wire.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum WireRefusal {
    WrongTransport,
    BatchNotAllowed(Option<String>),
    UnknownEventId,
    DuplicateRequestId(RequestId),
}

fn version_out(version: Option<ProtocolVersion>) -> Option<String> {
    version.map(|v| v.as_str().to_owned())
}

fn version_in(version: Option<String>) -> Option<ProtocolVersion> {
    version.as_deref().and_then(ProtocolVersion::parse)
}

impl From<&Refusal> for WireRefusal {
    fn from(refusal: &Refusal) -> WireRefusal {
        match refusal {
            Refusal::WrongTransport => WireRefusal::WrongTransport,
            Refusal::BatchNotAllowed(v) => WireRefusal::BatchNotAllowed(version_out(*v)),
            Refusal::UnknownEventId => WireRefusal::UnknownEventId,
            Refusal::DuplicateRequestId(id) => WireRefusal::DuplicateRequestId(id.clone()),
        }
    }
}

impl From<WireRefusal> for Refusal {
    fn from(refusal: WireRefusal) -> Refusal {
        match refusal {
            WireRefusal::WrongTransport => Refusal::WrongTransport,
            WireRefusal::BatchNotAllowed(v) => Refusal::BatchNotAllowed(version_in(v)),
            WireRefusal::UnknownEventId => Refusal::UnknownEventId,
            WireRefusal::DuplicateRequestId(id) => Refusal::DuplicateRequestId(id),
        }
    }
}

impl WireEnvelope {
    /// `envelope` on the wire; `hold` keeps each response stream it carries here and
    /// names it.
    fn from_envelope(envelope: Envelope, mut hold: impl FnMut(EventSink) -> u64) -> WireEnvelope {
        match envelope {
            Envelope::Legacy(message) => WireEnvelope::Legacy {
                message: message.to_value(),
            },
            Envelope::Post {
                message,
                protocol_version,
                reply,
            } => WireEnvelope::Post {
                message: message.to_value(),
                protocol_version: version_out(protocol_version),
                stream: reply.map(hold),
            },
            Envelope::PostBatch {
                messages,
                protocol_version,
                reply,
            } => WireEnvelope::PostBatch {
                messages: messages.iter().map(Message::to_value).collect(),
                protocol_version: version_out(protocol_version),
                stream: hold(reply),
            },
            Envelope::OpenStream {
                last_event_id,
                protocol_version,
                sink,
            } => WireEnvelope::OpenStream {
                last_event_id,
                protocol_version: version_out(protocol_version),
                stream: hold(sink),
            },
            Envelope::Terminate { protocol_version } => WireEnvelope::Terminate {
                protocol_version: version_out(protocol_version),
            },
        }
    }

    /// Back to an envelope for a local session; `queue` makes the local end of each
    /// named response stream. `None` when a message does not parse (the sending
    /// replica parsed it first, so only a foreign sender gets here).
    fn into_envelope(self, mut queue: impl FnMut(u64) -> EventSink) -> Option<Envelope> {
        Some(match self {
            WireEnvelope::Legacy { message } => {
                Envelope::Legacy(Message::from_value(message).ok()?)
            }
            WireEnvelope::Post {
                message,
                protocol_version,
                stream,
            } => Envelope::Post {
                message: Message::from_value(message).ok()?,
                protocol_version: version_in(protocol_version),
                reply: stream.map(&mut queue),
            },
            WireEnvelope::PostBatch {
                messages,
                protocol_version,
                stream,
            } => Envelope::PostBatch {
                messages: messages
                    .into_iter()
                    .map(Message::from_value)
                    .collect::<Result<_, _>>()
                    .ok()?,
                protocol_version: version_in(protocol_version),
                reply: queue(stream),
            },
            WireEnvelope::OpenStream {
                last_event_id,
                protocol_version,
                stream,
            } => Envelope::OpenStream {
                last_event_id,
                protocol_version: version_in(protocol_version),
                sink: queue(stream),
            },
            WireEnvelope::Terminate { protocol_version } => Envelope::Terminate {
                protocol_version: version_in(protocol_version),
            },
        })
    }
}

impl Cluster {
    /// Hands `envelope` to session `id` on `owner`, a live replica that holds it
    /// ([`Cluster::owner`]); resolves once that replica's session has taken it (the
    /// guarantee a local delivery has). Its response streams are fed from the owner
    /// from then on.
    pub async fn forward_to(
        self: &Arc<Self>,
        owner: &str,
        id: &SessionId,
        principal: &Option<Principal>,
        envelope: Envelope,
    ) -> Result<Forwarded, ForwardError> {
        if !self.subscribed.load(Ordering::Acquire) {
            return Err(ForwardError::Unavailable); // no reply could reach us
        }
        let mut held = None;
        let mut hold = |sink: EventSink| {
            let stream = self.hold(sink, owner);
            held = Some(stream);
            stream
        };
        let envelope = WireEnvelope::from_envelope(envelope, &mut hold);
        let correlation = self.correlation();
        let message = InboxMessage::Deliver {
            from: self.replica.clone(),
            correlation,
            session: id.to_string(),
            principal: principal.as_ref().map(|p| p.0.to_string()),
            envelope,
        };
        let (reply, replied) = oneshot::channel();
        self.pending.insert(correlation, reply);
        let outcome = match serde_json::to_string(&message) {
            Ok(payload) => self.publish_and_wait(owner, payload, replied).await,
            Err(_) => None,
        };
        self.pending.remove(&correlation);
        let refused = match outcome {
            Some(Outcome::Delivered) => return Ok(Forwarded::Delivered),
            Some(Outcome::Unknown) => ForwardError::UnknownSession,
            Some(Outcome::Moving) => return self.moved(owner, id, message, held).await,
            Some(Outcome::Refused(refusal)) => ForwardError::Refused(refusal.into()),
            None => ForwardError::Unavailable,
        };
        if let Some(stream) = held {
            self.unhold(stream); // the response is the error instead
        }
        Err(refused)
    }

    /// `owner` is letting session `id` go: once the directory no longer names it, the
    /// delivery (rebuilt from `message`, with its response stream taken back) is
    /// routed again — to whichever replica adopts the session.
    async fn moved(
        &self,
        owner: &str,
        id: &SessionId,
        message: InboxMessage,
        held: Option<u64>,
    ) -> Result<Forwarded, ForwardError> {
        let mut sink = held.and_then(|stream| self.unhold(stream)).map(|r| r.sink);
        let InboxMessage::Deliver { envelope, .. } = message else {
            return Err(ForwardError::Unavailable);
        };
        let envelope = envelope
            .into_envelope(|_| sink.take().unwrap_or_else(|| EventSink::channel(1, 1).0))
            .ok_or(ForwardError::Unavailable)?;
        let deadline = tokio::time::Instant::now() + MOVE_WAIT;
        while tokio::time::Instant::now() < deadline {
            match self.owner(id).await {
                Some(Owner::Replica(still)) if still == owner => {}
                Some(_) => return Ok(Forwarded::Moved(envelope)),
                None => break,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(ForwardError::Unavailable)
    }

    async fn publish_and_wait(
        &self,
        owner: &str,
        payload: String,
        replied: oneshot::Receiver<Outcome>,
    ) -> Option<Outcome> {
        let receivers = self.publish(&self.key("inbox", owner), payload).await?;
        if receivers == 0 {
            // Alive a moment ago, not listening now (restarting, or cut off from Redis).
            return None;
        }
        tokio::time::timeout(REPLY_TIMEOUT, replied)
            .await
            .ok()?
            .ok()
    }

    /// PUBLISH, returning how many replicas heard it (`None`: Redis did not answer).
    pub(super) async fn publish(&self, channel: &str, payload: String) -> Option<i64> {
        let mut redis = self.commands()?;
        within(
            redis::cmd("PUBLISH")
                .arg(channel)
                .arg(payload)
                .query_async(&mut redis),
        )
        .await
    }

    /// Tells `owner` that the client of relayed stream `stream` went away.
    pub(super) async fn tell_closed(&self, owner: &str, stream: u64) {
        let close = InboxMessage::Close {
            from: self.replica.clone(),
            stream,
        };
        if let Ok(payload) = serde_json::to_string(&close) {
            self.publish(&self.key("inbox", owner), payload).await;
        }
    }

    /// Delivers one forwarded envelope to the local session, replies to its sender,
    /// and relays the response streams it names.
    async fn deliver_forwarded(
        self: Arc<Self>,
        from: String,
        correlation: u64,
        session: String,
        principal: Option<String>,
        envelope: WireEnvelope,
    ) {
        let (queue_items, queue_bytes) = self.queue;
        let mut relayed = None;
        let mut local_queue = |stream: u64| {
            let (sink, events) = EventSink::channel(queue_items, queue_bytes);
            relayed = Some((stream, events));
            sink
        };
        let parsed = envelope.into_envelope(&mut local_queue);
        let outcome = match (session.parse::<SessionId>(), parsed) {
            (Ok(id), Some(envelope)) => {
                let principal = principal.map(|p| Principal(p.into()));
                match self.sessions.deliver(&id, &principal, envelope).await {
                    Ok(()) => Outcome::Delivered,
                    Err(RouteError::UnknownSession) if self.handed_over.contains_key(&id) => {
                        Outcome::Moving
                    }
                    Err(RouteError::UnknownSession) => Outcome::Unknown,
                    Err(RouteError::Refused(refusal)) => Outcome::Refused((&refusal).into()),
                }
            }
            // The sending replica parsed it before forwarding: not ours to explain.
            _ => Outcome::Unknown,
        };
        let delivered = matches!(outcome, Outcome::Delivered);
        let mut first = Vec::new();
        if let (true, Some((_, events))) = (delivered, relayed.as_mut()) {
            while let Some(item) = events.ready_item() {
                first.push(WireItem::from(item));
            }
        }
        let reply = Reply {
            correlation,
            outcome,
            stream: relayed.as_ref().map(|(stream, _)| *stream),
            first,
        };
        if let Ok(payload) = serde_json::to_string(&reply) {
            self.publish(&self.key("reply", &from), payload).await;
        }
        if let (true, Some((stream, events))) = (delivered, relayed) {
            let stop = CancellationToken::new();
            self.relays.insert((from.clone(), stream), stop.clone());
            self.relay(from, stream, events, stop);
        }
    }

    /// An owner's reply to one of our forwards.
    fn replied(&self, reply: Reply) {
        if let (Some(stream), false) = (reply.stream, reply.first.is_empty()) {
            self.prefill(stream, reply.first);
        }
        if let Some((_, waiter)) = self.pending.remove(&reply.correlation) {
            let _ = waiter.send(reply.outcome);
        }
    }

    fn inbox(self: &Arc<Self>, message: InboxMessage) {
        match message {
            InboxMessage::Deliver {
                from,
                correlation,
                session,
                principal,
                envelope,
            } => {
                // Its session may make it wait (backpressure): not the loop.
                self.runtime.spawn(Arc::clone(self).deliver_forwarded(
                    from,
                    correlation,
                    session,
                    principal,
                    envelope,
                ));
            }
            InboxMessage::Close { from, stream } => {
                if let Some((_, stop)) = self.relays.remove(&(from, stream)) {
                    stop.cancel();
                }
            }
        }
    }
}

/// Keeps this replica subscribed to its channels, re-subscribing after every fault,
/// for as long as the process runs.
pub(super) async fn listen(cluster: Arc<Cluster>) {
    let inbox = cluster.key("inbox", &cluster.replica);
    let replies = cluster.key("reply", &cluster.replica);
    let frames = cluster.key("frames", &cluster.replica);
    let events = cluster.events_channel();
    let mut delay = Duration::from_millis(100);
    loop {
        match cluster.client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if pubsub
                    .subscribe(&[&inbox, &replies, &frames, &events])
                    .await
                    .is_ok()
                {
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
                        if channel == frames {
                            if let Ok(frame) = serde_json::from_str(&payload) {
                                cluster.framed(frame);
                            }
                        } else if channel == inbox {
                            if let Ok(message) = serde_json::from_str(&payload) {
                                cluster.inbox(message);
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
