//! What a session sends its client beyond answers: handlers' progress and log
//! messages and their requests to the client (through [`SessionLink`], the session's
//! [`ClientLink`]), and server-side events (list changes, resource updates).

use actix::prelude::*;
use actix::WeakAddr;
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::oneshot;

use super::Session;
use crate::context::{link_gone, ClientAsk, ClientLink, Notice};
use crate::methods::names;
use crate::protocol::{notification, ErrorCode, ProtocolVersion, RequestId, RpcError};
use crate::session::client_requests::{may_ask, Asked, ClientAnswer};

/// A running handler tells its client something about its request.
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct Notify {
    pub request_id: RequestId,
    pub notice: Notice,
}

/// A running handler asks the client something (sampling, elicitation, roots) while
/// handling `related`; resolves to where the answer will arrive.
#[derive(Message)]
#[rtype(result = "oneshot::Receiver<ClientAnswer>")]
pub(crate) struct AskClient {
    pub related: RequestId,
    pub ask: ClientAsk,
}

/// Something that happened server-side that sessions may have to tell their client.
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub enum ServerEvent {
    /// A resource changed: subscribed sessions send `notifications/resources/updated`.
    ResourceUpdated(Arc<str>),
    /// Tools, resources or prompts were added or removed.
    ListChanged(ListKind),
}

/// Which list changed (serializable: replicas announce it to each other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    Tools,
    Resources,
    Prompts,
}

impl ListKind {
    pub(crate) fn notification(self) -> &'static str {
        match self {
            ListKind::Tools => "notifications/tools/list_changed",
            ListKind::Resources => "notifications/resources/list_changed",
            ListKind::Prompts => "notifications/prompts/list_changed",
        }
    }
}

/// A session as its handlers' [`ClientLink`]. Weak: a handler still running must not
/// keep its ended session alive.
pub(crate) struct SessionLink(WeakAddr<Session>);

impl SessionLink {
    pub fn shared(session: WeakAddr<Session>) -> Arc<SessionLink> {
        Arc::new(SessionLink(session))
    }

    /// The session, for a handler's outcome to find it (a weak-count bump; making a
    /// new `Addr` per call would allocate its sender state each time).
    pub fn session(&self) -> WeakAddr<Session> {
        self.0.clone()
    }
}

impl ClientLink for SessionLink {
    fn notify(&self, request_id: RequestId, notice: Notice) -> BoxFuture<'static, ()> {
        let session = self.0.upgrade();
        Box::pin(async move {
            // The session may have ended meanwhile; then there is no one to tell.
            if let Some(session) = session {
                let _ = session.send(Notify { request_id, notice }).await;
            }
        })
    }

    fn ask(&self, related: RequestId, ask: ClientAsk) -> BoxFuture<'static, ClientAnswer> {
        let session = self.0.upgrade();
        Box::pin(async move {
            let ended = || RpcError::new(ErrorCode::InternalError, "The session has ended");
            let session = session.ok_or_else(ended)?;
            match session.send(AskClient { related, ask }).await {
                Ok(answer) => answer.await.unwrap_or_else(|_| Err(link_gone())),
                Err(_) => Err(ended()),
            }
        })
    }
}

impl Handler<Notify> for Session {
    type Result = ();

    fn handle(&mut self, notify: Notify, ctx: &mut Self::Context) {
        let version = self.negotiated().map(|terms| terms.version);
        let id = &notify.request_id;
        let line = match &notify.notice {
            // Only live requests that asked for progress, strictly increasing, never
            // after the answer (an answered request is no longer in flight).
            Notice::Progress { progress, .. } => {
                let Some(token) = self.in_flight.progress(id, *progress) else {
                    tracing::debug!(parent: &self.span, request_id = %id, "progress dropped (not live, no token, or not increasing)");
                    return;
                };
                let with_message = version.is_some_and(ProtocolVersion::has_audio_and_annotations);
                notify.notice.to_line(token, with_message)
            }
            // Only while the request is live, and at or above the client's level.
            Notice::Log { level, .. } => {
                let below_level = self.state.log_level.is_some_and(|min| *level < min);
                if !self.in_flight.is_live(id) || below_level {
                    return;
                }
                notify.notice.to_line(&Value::Null, false)
            }
        };
        let sent = self.wire.message_for(id, line);
        self.on_stream_lost(sent, ctx);
    }
}

impl Handler<AskClient> for Session {
    type Result = MessageResult<AskClient>;

    fn handle(&mut self, request: AskClient, ctx: &mut Self::Context) -> Self::Result {
        let live = self.in_flight.is_live(&request.related);
        let asked = if live {
            self.ask_client(&request.ask, ctx)
        } else {
            Err(RpcError::new(
                ErrorCode::InternalError,
                "The request is no longer in flight",
            ))
        };
        match asked {
            Ok(asked) => {
                let sent = self.wire.message_for(&request.related, asked.line);
                self.on_stream_lost(sent, ctx);
                MessageResult(asked.answer)
            }
            Err(refused) => {
                let (answer, waiting) = oneshot::channel();
                let _ = answer.send(Err(refused));
                MessageResult(waiting)
            }
        }
    }
}

impl Session {
    /// Registers `ask` as a request to the client, expiring after the configured
    /// wait, if the client declared the capability it needs; the caller sends the
    /// line where it belongs.
    pub(super) fn ask_client(
        &mut self,
        ask: &ClientAsk,
        ctx: &mut Context<Self>,
    ) -> Result<Asked, RpcError> {
        let no_capabilities = serde_json::Map::new();
        let capabilities = self
            .negotiated()
            .map_or(&no_capabilities, |terms| &terms.client_capabilities);
        may_ask(capabilities, ask)?;
        let asked = self.asked.ask(ask);
        let timeout = self.server.config.client_request_timeout;
        let id = asked.id.clone();
        ctx.run_later(timeout, move |session, _ctx| {
            session.asked.expire(&id, timeout);
        });
        Ok(asked)
    }
}

#[derive(Serialize)]
struct UriNotification<'a> {
    uri: &'a str,
}

impl Handler<ServerEvent> for Session {
    type Result = ();

    fn handle(&mut self, event: ServerEvent, ctx: &mut Self::Context) {
        // Only sessions past the handshake know our capabilities.
        if self.negotiated().is_none() {
            return;
        }
        let line = match event {
            ServerEvent::ResourceUpdated(uri) => {
                if !self.state.subscriptions.contains(&*uri) {
                    return;
                }
                notification(
                    names::RESOURCE_UPDATED,
                    Some(&UriNotification { uri: &uri }),
                )
            }
            ServerEvent::ListChanged(kind) => notification::<()>(kind.notification(), None),
        };
        let sent = self.wire.unsolicited(line);
        self.on_stream_lost(sent, ctx);
    }
}
