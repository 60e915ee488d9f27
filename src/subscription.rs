//! `subscriptions/listen` (2026-07-28): a long-lived SSE answer that carries the
//! list-change and resource-update notifications a client asked for, outside any
//! request. Each open subscription is a [`Subscription`] actor that owns its stream's
//! queue and is registered with the registry like a session, so broadcasts reach it,
//! the session limit counts it and shutdown ends it gracefully.
//!
//! On the wire: `notifications/subscriptions/acknowledged` first, with the honoured
//! subset of the filter ([`SubscriptionFilter::honoured`]); then only the requested
//! kinds; every message tagged `_meta["io.modelcontextprotocol/subscriptionId"]` = the
//! listen request's id. A server-side end (shutdown) sends the request's result, then
//! closes; a client that closes its stream ends the actor; one that stops reading until
//! [`crate::McpConfig::outbound_queue`] messages wait is cut off.
//!
//! Owns: the filter, the subscription's stream and its lifetime. Must not: know HTTP
//! (the transport turns the queue into an SSE response) or other subscriptions.

use actix::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

use crate::methods::lifecycle::Offers;
use crate::protocol::{notification, response_ok, RequestId};
use crate::registry::{RegisterSubscription, Registry, RegistryFull, UnregisterSubscription};
use crate::session::{Drain, ServerEvent};
use crate::state::ServerState;

/// The `_meta` key every message of a subscription carries.
pub const SUBSCRIPTION_ID: &str = "io.modelcontextprotocol/subscriptionId";
/// The first message on a listen stream.
const ACKNOWLEDGED: &str = "notifications/subscriptions/acknowledged";
const RESOURCE_UPDATED: &str = "notifications/resources/updated";

/// Which notifications a listen request asks for (the spec's `SubscriptionFilter`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionFilter {
    #[serde(default, skip_serializing_if = "is_false")]
    pub tools_list_changed: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub prompts_list_changed: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub resources_list_changed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_subscriptions: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl SubscriptionFilter {
    /// The part of the filter this server can honour: prompt and resource kinds only
    /// when it serves prompts / resources (tool lists always exist).
    pub fn honoured(&self, offers: Offers) -> SubscriptionFilter {
        SubscriptionFilter {
            tools_list_changed: self.tools_list_changed,
            prompts_list_changed: self.prompts_list_changed && offers.prompts,
            resources_list_changed: self.resources_list_changed && offers.resources,
            resource_subscriptions: if offers.resources {
                self.resource_subscriptions.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// The notification `event` becomes on this subscription, if it asked for it.
    fn notification_for(&self, event: &ServerEvent, id: &RequestId) -> Option<String> {
        use crate::session::ListKind;
        let tag = json!({ SUBSCRIPTION_ID: id });
        match event {
            ServerEvent::ListChanged(kind) => {
                let wanted = match kind {
                    ListKind::Tools => self.tools_list_changed,
                    ListKind::Prompts => self.prompts_list_changed,
                    ListKind::Resources => self.resources_list_changed,
                };
                wanted.then(|| notification(kind.notification(), Some(&json!({"_meta": tag}))))
            }
            ServerEvent::ResourceUpdated(uri) => {
                let wanted = self.resource_subscriptions.iter().any(|u| **u == **uri);
                wanted.then(|| {
                    notification(
                        RESOURCE_UPDATED,
                        Some(&json!({"_meta": tag, "uri": &**uri})),
                    )
                })
            }
        }
    }
}

/// The acknowledgement that opens a listen stream.
pub(crate) fn acknowledgement(id: &RequestId, honoured: &SubscriptionFilter) -> String {
    notification(
        ACKNOWLEDGED,
        Some(&json!({"_meta": {SUBSCRIPTION_ID: id}, "notifications": honoured})),
    )
}

/// A subscription the transport streams: its queued lines (the acknowledgement
/// first), and the actor to tell when the client goes away.
pub(crate) struct Opened {
    pub lines: mpsc::Receiver<String>,
    pub subscription: Addr<Subscription>,
}

/// Opens a subscription for listen request `id`: acknowledges `honoured`, starts its
/// actor and registers it. `Err` when the session limit is reached or the server is
/// shutting down.
pub(crate) async fn open(
    state: &ServerState,
    id: RequestId,
    honoured: SubscriptionFilter,
) -> Result<Opened, RegistryFull> {
    let (out, lines) = mpsc::channel(state.config.outbound_queue.max(2));
    // The queue is empty: the acknowledgement always fits, and goes first.
    let _ = out.try_send(acknowledgement(&id, &honoured));
    let registry = state.registry.clone();
    let subscription = Subscription::new(id, honoured, out, registry.clone()).start();
    match registry
        .send(RegisterSubscription(subscription.clone()))
        .await
    {
        Ok(Ok(())) => Ok(Opened {
            lines,
            subscription,
        }),
        Ok(Err(full)) => {
            subscription.do_send(ClientGone);
            Err(full)
        }
        Err(_) => {
            subscription.do_send(ClientGone);
            Err(RegistryFull)
        }
    }
}

/// One open `subscriptions/listen` stream.
pub struct Subscription {
    /// The listen request's id: the `subscriptionId` of everything it sends.
    id: RequestId,
    /// What it asked for and we honour.
    filter: SubscriptionFilter,
    /// Lines for the SSE answer; a full queue means the client stopped reading.
    out: mpsc::Sender<String>,
    /// Told when this subscription ends, so broadcasts and the limit forget it.
    registry: Addr<Registry>,
    /// The registry's key for it, once registered.
    key: Option<u64>,
}

impl Subscription {
    pub(crate) fn new(
        id: RequestId,
        filter: SubscriptionFilter,
        out: mpsc::Sender<String>,
        registry: Addr<Registry>,
    ) -> Subscription {
        Subscription {
            id,
            filter,
            out,
            registry,
            key: None,
        }
    }

    /// Queues `line`; a client that is gone or not reading ends the subscription.
    fn send(&mut self, line: String, ctx: &mut Context<Self>) {
        if let Err(error) = self.out.try_send(line) {
            tracing::debug!(subscription = %self.id, full = matches!(error, mpsc::error::TrySendError::Full(_)),
                "subscription stream lost or not read: ending it");
            ctx.stop();
        }
    }
}

impl Actor for Subscription {
    type Context = Context<Self>;

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        if let Some(key) = self.key {
            self.registry.do_send(UnregisterSubscription(key));
        }
    }
}

/// The registry took the subscription under `0`.
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct Registered(pub u64);

impl Handler<Registered> for Subscription {
    type Result = ();

    fn handle(&mut self, Registered(key): Registered, _ctx: &mut Self::Context) {
        self.key = Some(key);
    }
}

/// The client closed the stream (its SSE answer was dropped).
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct ClientGone;

impl Handler<ClientGone> for Subscription {
    type Result = ();

    fn handle(&mut self, _: ClientGone, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

impl Handler<ServerEvent> for Subscription {
    type Result = ();

    fn handle(&mut self, event: ServerEvent, ctx: &mut Self::Context) {
        if let Some(line) = self.filter.notification_for(&event, &self.id) {
            self.send(line, ctx);
        }
    }
}

/// Shutdown: the graceful end — the listen request's result, then the stream closes.
impl Handler<Drain> for Subscription {
    type Result = ();

    fn handle(&mut self, _: Drain, ctx: &mut Self::Context) {
        let mut meta = Map::new();
        meta.insert(SUBSCRIPTION_ID.into(), json!(self.id));
        let result = json!({"resultType": "complete", "_meta": Value::Object(meta)});
        let line = response_ok(&self.id, &result);
        self.send(line, ctx);
        ctx.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::ListKind;
    use std::sync::Arc;

    fn offers(prompts: bool, resources: bool) -> Offers {
        Offers {
            tools: true,
            resources,
            prompts,
            completions: false,
            ..Offers::default()
        }
    }

    #[test]
    fn only_what_was_asked_and_is_offered_is_sent_and_every_line_is_tagged() {
        let asked: SubscriptionFilter = serde_json::from_value(json!({
            "promptsListChanged": true, "resourcesListChanged": true,
            "resourceSubscriptions": ["test://a"]
        }))
        .unwrap();
        let honoured = asked.honoured(offers(true, false));
        assert_eq!(
            serde_json::to_value(&honoured).unwrap(),
            json!({"promptsListChanged": true})
        );
        let id = RequestId::Number(7);
        let filter = asked.honoured(offers(true, true));
        assert!(filter
            .notification_for(&ServerEvent::ListChanged(ListKind::Tools), &id)
            .is_none());
        let prompts = filter
            .notification_for(&ServerEvent::ListChanged(ListKind::Prompts), &id)
            .unwrap();
        assert!(
            prompts.contains(r#""io.modelcontextprotocol/subscriptionId":7"#),
            "{prompts}"
        );
        let updated =
            |uri: &str| filter.notification_for(&ServerEvent::ResourceUpdated(Arc::from(uri)), &id);
        assert!(updated("test://a").unwrap().contains(r#""uri":"test://a""#));
        assert!(updated("test://b").is_none());
        let ack = acknowledgement(&id, &filter);
        assert!(
            ack.contains(ACKNOWLEDGED) && ack.contains(r#"subscriptionId":7"#),
            "{ack}"
        );
    }
}
