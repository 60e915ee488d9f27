//! What transports deliver to a session: one client action per [`Envelope`] (a
//! legacy message, a Streamable POST, GET or DELETE), taken in arrival order. Requests
//! go on to [`super::requests`]; notifications and the client's answers to our own
//! requests are settled here.

use actix::prelude::*;
use serde_json::{Map, Value};
use std::time::Instant;
use tokio::sync::oneshot;

use super::Session;
use crate::methods::names;
use crate::protocol::{Message, ProtocolVersion, RequestId, RpcError};
use crate::registry::RouteError;
use crate::session::envelope::{Envelope, Refusal};
use crate::session::wire::{StreamRefusal, Streams, Wire};

/// An envelope routed to this session, with the transport's acknowledgement channel:
/// the transport answers its HTTP request once the session has taken it.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Deliver {
    pub envelope: Envelope,
    pub ack: oneshot::Sender<Result<(), RouteError>>,
}

impl Handler<Deliver> for Session {
    type Result = ();

    fn handle(&mut self, deliver: Deliver, ctx: &mut Self::Context) {
        let taken = self.take(deliver.envelope, ctx);
        let _ = deliver.ack.send(taken.map_err(RouteError::Refused));
    }
}

impl Handler<Envelope> for Session {
    type Result = Result<(), Refusal>;

    fn handle(&mut self, envelope: Envelope, ctx: &mut Self::Context) -> Self::Result {
        self.take(envelope, ctx)
    }
}

impl Session {
    /// Takes one client action (the legacy message, POST, GET or DELETE it stands for).
    fn take(&mut self, envelope: Envelope, ctx: &mut Context<Self>) -> Result<(), Refusal> {
        self.last_activity = Instant::now();
        match envelope {
            Envelope::Legacy(message) => {
                if !matches!(self.wire, Wire::Legacy(_)) {
                    return Err(Refusal::WrongTransport);
                }
                self.dispatch(message, ctx);
            }
            Envelope::Post {
                message,
                protocol_version,
                reply,
            } => {
                self.check_version_header(protocol_version);
                let streams = self.streams()?;
                if let (Message::Request { id, .. }, Some(reply)) = (&message, reply) {
                    streams
                        .open_post(vec![id.clone()], reply, false)
                        .map_err(refusal)?;
                }
                self.dispatch(message, ctx);
            }
            Envelope::PostBatch {
                messages,
                protocol_version,
                reply,
            } => {
                self.check_version_header(protocol_version);
                let version = self.negotiated().map(|terms| terms.version);
                if !version.is_some_and(ProtocolVersion::has_batching) {
                    return Err(Refusal::BatchNotAllowed(version));
                }
                let requests: Vec<RequestId> = messages
                    .iter()
                    .filter_map(|m| match m {
                        Message::Request { id, .. } => Some(id.clone()),
                        _ => None,
                    })
                    .collect();
                let streams = self.streams()?;
                if !requests.is_empty() {
                    streams.open_post(requests, reply, true).map_err(refusal)?;
                }
                for message in messages {
                    self.dispatch(message, ctx);
                }
            }
            Envelope::OpenStream {
                last_event_id,
                protocol_version,
                sink,
            } => {
                self.check_version_header(protocol_version);
                self.streams()?
                    .attach(last_event_id.as_deref(), sink)
                    .map_err(refusal)?;
            }
            Envelope::Terminate { protocol_version } => {
                self.check_version_header(protocol_version);
                self.streams()?;
                tracing::info!(parent: &self.span, "client ended the session");
                ctx.stop();
            }
        }
        Ok(())
    }

    fn dispatch(&mut self, message: Message, ctx: &mut Context<Self>) {
        match message {
            Message::Request { id, method, params } => {
                self.handle_request(id, &method, params, ctx)
            }
            Message::Notification { method, params } => {
                self.handle_notification(&method, params, ctx)
            }
            Message::Response { id, result } => self.client_answered(&id, Ok(result)),
            Message::Error {
                id: Some(id),
                error,
            } => {
                let error = RpcError {
                    code: error.get("code").and_then(Value::as_i64).unwrap_or(-32603),
                    message: error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("The client answered with an error")
                        .to_owned(),
                    data: error.get("data").cloned(),
                };
                self.client_answered(&id, Err(error))
            }
            Message::Error { id: None, error } => {
                tracing::debug!(parent: &self.span, %error, "client reported an error");
            }
        }
    }

    /// The client's answer to a request we sent it reaches the handler that asked.
    fn client_answered(&mut self, id: &RequestId, answer: Result<Value, RpcError>) {
        if !self.asked.answered(id, answer) {
            tracing::debug!(parent: &self.span, request_id = %id, "answer to no pending request ignored");
        }
    }

    fn handle_notification(
        &mut self,
        method: &str,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        match method {
            names::INITIALIZED => {
                self.client_ready = true;
                if let Some(timeout) = self.init_timeout.take() {
                    ctx.cancel_future(timeout);
                }
                tracing::debug!(parent: &self.span, "client reported initialized")
            }
            names::CANCELLED => {
                let request_id = params
                    .and_then(|mut p| p.remove("requestId"))
                    .and_then(|v| serde_json::from_value::<RequestId>(v).ok());
                // Unknown or finished ids are ignored, as the spec asks.
                if let Some(id) = request_id {
                    if self.in_flight.cancel(&id) {
                        tracing::debug!(parent: &self.span, request_id = %id, "request cancelled by the client");
                        self.wire.forget(&id);
                    }
                }
            }
            other => tracing::debug!(parent: &self.span, method = other, "notification ignored"),
        }
    }

    /// `MCP-Protocol-Version` (already known to be a revision we speak) against what
    /// this session negotiated. A different supported revision is accepted, as the
    /// official SDK servers do (the conformance suite sends one), and the negotiated
    /// revision still shapes every answer; it is logged, since it usually means a
    /// client bug.
    fn check_version_header(&self, sent: Option<ProtocolVersion>) {
        if let (Some(sent), Some(negotiated)) = (sent, self.negotiated().map(|n| n.version)) {
            if sent != negotiated {
                tracing::debug!(parent: &self.span, %sent, %negotiated, "MCP-Protocol-Version differs from the negotiated revision");
            }
        }
    }

    fn streams(&mut self) -> Result<&mut Streams, Refusal> {
        match &mut self.wire {
            Wire::Streamable(streams) => Ok(streams),
            Wire::Legacy(_) => Err(Refusal::WrongTransport),
        }
    }
}

fn refusal(refused: StreamRefusal) -> Refusal {
    match refused {
        StreamRefusal::UnknownEventId => Refusal::UnknownEventId,
        StreamRefusal::DuplicateRequestId(id) => Refusal::DuplicateRequestId(id),
    }
}
