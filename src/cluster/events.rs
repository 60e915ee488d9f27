//! Server-side events heard on every replica: a resource update or a list change made
//! on one replica reaches the sessions and `subscriptions/listen` streams of all.
//!
//! Channel: `<prefix>:events`, every replica subscribed; each [`Announced`] names the
//! replica it came from, which ignores its own (it broadcast locally already).
//! At-most-once like any notification: a replica cut off from Redis at that moment
//! misses it, as a client whose stream was down would.
//!
//! Owns: the events' wire form. Must not: decide who hears an event (the registry
//! and each session do).

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::Cluster;
use crate::registry::Broadcast;
use crate::session::{ListKind, ServerEvent};

/// An event as it travels between replicas.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum WireEvent {
    ResourceUpdated(String),
    ListChanged(ListKind),
}

/// One event and the replica that announced it.
#[derive(Serialize, Deserialize)]
pub(super) struct Announced {
    from: String,
    event: WireEvent,
}

impl Cluster {
    /// Tells the other replicas about `event` (in the background: announcing never
    /// holds up the change that caused it).
    pub fn announce(self: &Arc<Self>, event: &ServerEvent) {
        let event = match event {
            ServerEvent::ResourceUpdated(uri) => WireEvent::ResourceUpdated(uri.to_string()),
            ServerEvent::ListChanged(kind) => WireEvent::ListChanged(*kind),
        };
        let announced = Announced {
            from: self.replica.clone(),
            event,
        };
        let Ok(payload) = serde_json::to_string(&announced) else {
            return;
        };
        let cluster = Arc::clone(self);
        self.runtime.spawn(async move {
            cluster.publish(&cluster.events_channel(), payload).await;
        });
    }

    pub(super) fn events_channel(&self) -> String {
        format!("{}:events", self.prefix)
    }

    /// An event another replica announced: broadcast it here.
    pub(super) fn heard(&self, announced: Announced) {
        if announced.from == self.replica {
            return;
        }
        let event = match announced.event {
            WireEvent::ResourceUpdated(uri) => ServerEvent::ResourceUpdated(uri.into()),
            WireEvent::ListChanged(kind) => ServerEvent::ListChanged(kind),
        };
        if let Some(registry) = self.registry.get() {
            registry.do_send(Broadcast(event));
        }
    }
}
