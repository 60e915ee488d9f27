//! Response streams between replicas: a forwarded Streamable POST or GET is answered
//! by the session on its owner, but its HTTP response is on the replica the client
//! reached. The owner gives the session a local queue as usual and relays what the
//! session writes there, item by item, to that replica, which feeds the client's
//! response (JSON, SSE, priming events and event ids exactly as the session made
//! them).
//!
//! Channel `<prefix>:frames:<replica>` carries each [`Frame`] to the replica holding
//! the response; the end of the owner's queue is a frame without an item. A client
//! that goes away is told back to the owner ([`super::forward`]'s close message), so
//! the session sees its stream closed as it would locally. A relayed response whose
//! owner stops heartbeating is ended (its session is gone with it).
//!
//! Owns: the relayed streams on both ends. Must not: frame SSE (the transport does)
//! or decide what a session writes.

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use super::Cluster;
use crate::session::{EventSink, EventStream, StreamItem};

/// A response stream held here for a session on another replica.
pub(super) struct Relayed {
    /// The client's response body.
    pub(super) sink: EventSink,
    /// The replica whose session writes it.
    owner: String,
    /// Fired when it is no longer held: its watcher lets go of the body's queue too
    /// (a watcher's handle would otherwise keep the response from ever ending).
    held: CancellationToken,
}

/// One item of a relayed stream; `None`: the stream is complete.
#[derive(Serialize, Deserialize)]
pub(super) struct Frame {
    stream: u64,
    item: Option<WireItem>,
}

/// A [`StreamItem`] on the wire.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum WireItem {
    Endpoint(String),
    Event(String),
    Resumable { event_id: String, line: String },
    Json(String),
    Prime { event_id: String },
}

impl From<StreamItem> for WireItem {
    fn from(item: StreamItem) -> WireItem {
        match item {
            StreamItem::Endpoint(s) => WireItem::Endpoint(s.into()),
            StreamItem::Event(s) => WireItem::Event(s.into()),
            StreamItem::ResumableEvent(event) => WireItem::Resumable {
                event_id: event.event_id.to_string(),
                line: event.line.to_string(),
            },
            StreamItem::Json(s) => WireItem::Json(s.into()),
            StreamItem::Prime { event_id } => WireItem::Prime {
                event_id: event_id.to_string(),
            },
        }
    }
}

impl From<WireItem> for StreamItem {
    fn from(item: WireItem) -> StreamItem {
        match item {
            WireItem::Endpoint(s) => StreamItem::Endpoint(s.into()),
            WireItem::Event(s) => StreamItem::Event(s.into()),
            WireItem::Resumable { event_id, line } => {
                StreamItem::resumable(event_id.into(), line.into())
            }
            WireItem::Json(s) => StreamItem::Json(s.into()),
            WireItem::Prime { event_id } => StreamItem::Prime {
                event_id: event_id.into(),
            },
        }
    }
}

impl Cluster {
    /// Holds `sink` (a client's response here) for a stream `owner` will relay;
    /// returns the stream's number, which the forward names.
    pub(super) fn hold(self: &Arc<Self>, sink: EventSink, owner: &str) -> u64 {
        let stream = self.correlation();
        let closed = sink.closed();
        let held = CancellationToken::new();
        let released = held.clone();
        self.relayed.insert(
            stream,
            Relayed {
                sink,
                owner: owner.to_owned(),
                held,
            },
        );
        // The client went away: the owner's session must see its stream closed.
        let cluster = Arc::clone(self);
        self.runtime.spawn(async move {
            tokio::select! {
                _ = closed => {
                    if let Some(relayed) = cluster.unhold(stream) {
                        cluster.tell_closed(&relayed.owner, stream).await;
                    }
                }
                _ = released.cancelled() => {}
            }
        });
        stream
    }

    /// Stops holding `stream`; dropping what it returns ends the client's response
    /// once its queue has drained.
    pub(super) fn unhold(&self, stream: u64) -> Option<Relayed> {
        let (_, relayed) = self.relayed.remove(&stream)?;
        relayed.held.cancel();
        Some(relayed)
    }

    /// Items the owner's session queued before it said yes (a GET's priming event),
    /// sent with the reply so the response starts with them, as it would locally.
    pub(super) fn prefill(&self, stream: u64, items: Vec<WireItem>) {
        if let Some(relayed) = self.relayed.get(&stream) {
            for item in items {
                let _ = relayed.sink.send(item.into());
            }
        }
    }

    /// A frame for a stream held here.
    pub(super) fn framed(self: &Arc<Self>, frame: Frame) {
        let Some(item) = frame.item else {
            self.unhold(frame.stream); // complete
            return;
        };
        let lost = match self.relayed.get(&frame.stream) {
            Some(relayed) => relayed.sink.send(item.into()).is_err(),
            None => return,
        };
        if lost {
            // The client stopped reading: end it, and the owner hears of it.
            if let Some(relayed) = self.unhold(frame.stream) {
                relayed.sink.abort();
                let cluster = Arc::clone(self);
                self.runtime.spawn(async move {
                    cluster.tell_closed(&relayed.owner, frame.stream).await;
                });
            }
        }
    }

    /// Ends every response relayed from a replica that is no longer alive.
    pub(super) async fn drop_orphans(&self, redis: &mut redis::aio::ConnectionManager) {
        let owners: HashSet<String> = self
            .relayed
            .iter()
            .map(|entry| entry.owner.clone())
            .collect();
        for owner in owners {
            if self.is_alive(&owner, redis).await == Some(false) {
                let orphans: Vec<u64> = self
                    .relayed
                    .iter()
                    .filter(|entry| entry.owner == owner)
                    .map(|entry| *entry.key())
                    .collect();
                for stream in orphans {
                    self.unhold(stream);
                }
            }
        }
    }

    /// The owner's side: relays what its session writes to `events` to replica `to`
    /// as `stream`, until the queue ends or `stop` fires (the client went away).
    pub(super) fn relay(
        self: &Arc<Self>,
        to: String,
        stream: u64,
        mut events: EventStream,
        stop: CancellationToken,
    ) {
        let cluster = Arc::clone(self);
        self.runtime.spawn(async move {
            let channel = cluster.key("frames", &to);
            loop {
                let item = tokio::select! {
                    // An aborted queue ends the relayed response like a complete one.
                    item = events.next() => item.and_then(Result::ok),
                    _ = stop.cancelled() => break,
                };
                let done = item.is_none();
                let frame = Frame {
                    stream,
                    item: item.map(WireItem::from),
                };
                let Ok(payload) = serde_json::to_string(&frame) else {
                    break;
                };
                let sent = cluster.publish(&channel, payload).await;
                if done || sent.is_none() {
                    break;
                }
            }
            cluster.relays.remove(&(to, stream));
            // Dropping `events` here tells the session its stream is closed.
        });
    }
}
