//! The session actor.

use actix::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use super::{Outbound, SendError, SessionId};
use crate::methods::{self, lifecycle::Negotiated, names};
use crate::protocol::{response_error, response_ok, ErrorCode, Message, RequestId, RpcError};
use crate::registry::Unregister;
use crate::server::ServerState;
use crate::tool::{Invoke, ToolContext, ToolOutcome};

/// How many deliveries may wait in a session's mailbox before the POSTing handler waits.
const MAILBOX_CAPACITY: usize = 64;

/// One client's MCP session.
pub struct Session {
    /// Routing key and log identity.
    id: SessionId,
    /// Configuration, tools, server identity and the registry, shared by all sessions.
    server: Arc<ServerState>,
    /// The bounded queue feeding this session's event stream.
    outbound: Outbound,
    /// Set once `initialize` succeeded; until then only `initialize` and `ping` work.
    negotiated: Option<Negotiated>,
    /// Requests being worked on. Cancelling a token stops that call; a call whose id is
    /// no longer here when it finishes was cancelled and gets no answer.
    in_flight: HashMap<RequestId, CancellationToken>,
    /// Carries the session id into every log line this session writes.
    span: tracing::Span,
}

impl Session {
    pub fn new(id: SessionId, server: Arc<ServerState>, outbound: Outbound) -> Self {
        Session {
            id,
            server,
            outbound,
            negotiated: None,
            in_flight: HashMap::new(),
            span: tracing::info_span!("session", session_id = %id),
        }
    }

    /// Queues one line for the client; a client that cannot take it loses the session.
    fn send_line(&mut self, line: String, ctx: &mut Context<Self>) {
        match self.outbound.send_message(line) {
            Ok(()) => {}
            Err(SendError::Overflow) => {
                tracing::warn!(
                    parent: &self.span,
                    queued = self.server.config.outbound_queue,
                    "client is not reading its event stream; closing the session"
                );
                self.outbound.abort();
                ctx.stop();
            }
            Err(SendError::Closed) => ctx.stop(),
        }
    }

    fn reply<T: Serialize>(&mut self, id: &RequestId, result: &T, ctx: &mut Context<Self>) {
        let line = response_ok(id, result);
        self.send_line(line, ctx);
    }

    fn reply_error(&mut self, id: &RequestId, error: RpcError, ctx: &mut Context<Self>) {
        tracing::debug!(parent: &self.span, request_id = %id, code = error.code, message = %error.message, "request failed");
        let line = response_error(Some(id), &error);
        self.send_line(line, ctx);
    }

    fn handle_request(
        &mut self,
        id: RequestId,
        method: &str,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        let negotiated = self.negotiated.as_ref().map(|n| n.version);
        match (method, negotiated) {
            (names::PING, _) => self.reply(&id, &methods::lifecycle::ping_result(), ctx),
            (names::INITIALIZE, None) => match methods::lifecycle::negotiate(params) {
                Ok(negotiated) => {
                    let result = methods::lifecycle::initialize_result(
                        &self.server.info,
                        negotiated.version,
                        !self.server.tools.is_empty(),
                    );
                    let line = response_ok(&id, &result);
                    tracing::info!(
                        parent: &self.span,
                        client = %negotiated.client.name,
                        client_version = %negotiated.client.version,
                        protocol = %negotiated.version,
                        "session initialized"
                    );
                    self.negotiated = Some(negotiated);
                    self.send_line(line, ctx);
                }
                Err(e) => self.reply_error(&id, e, ctx),
            },
            (names::INITIALIZE, Some(_)) => self.reply_error(
                &id,
                RpcError::new(
                    ErrorCode::InvalidRequest,
                    "Session is already initialized; open a new session to initialize again",
                ),
                ctx,
            ),
            (names::SERVER_DISCOVER, _) => self.reply_error(
                &id,
                RpcError::method_not_found(method).with_data(serde_json::json!({
                    "reason": "this server speaks the initialize handshake; send `initialize`",
                    "supported": crate::protocol::ProtocolVersion::ALL.map(|v| v.as_str()),
                })),
                ctx,
            ),
            (names::TOOLS_LIST | names::TOOLS_CALL, None) => self.reply_error(
                &id,
                RpcError::new(
                    ErrorCode::InvalidRequest,
                    "Session not initialized: send `initialize` first",
                ),
                ctx,
            ),
            (names::TOOLS_LIST, Some(version)) => {
                let page_size = self.server.config.page_size;
                let server = Arc::clone(&self.server);
                match methods::tools::list(&server.tools, params, version, page_size) {
                    Ok(page) => self.reply(&id, &page, ctx),
                    Err(e) => self.reply_error(&id, e, ctx),
                }
            }
            (names::TOOLS_CALL, Some(_)) => self.start_tool_call(id, params, ctx),
            _ => self.reply_error(&id, RpcError::method_not_found(method), ctx),
        }
    }

    fn start_tool_call(
        &mut self,
        id: RequestId,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        let Some(version) = self.negotiated.as_ref().map(|n| n.version) else {
            return;
        };
        let call = match methods::tools::parse_call(params) {
            Ok(call) => call,
            Err(e) => return self.reply_error(&id, e, ctx),
        };
        let Some(entry) = self.server.tools.get(&call.name) else {
            let error = RpcError::invalid_params(format!("Unknown tool: {}", call.name));
            return self.reply_error(&id, error, ctx);
        };
        if self.in_flight.contains_key(&id) {
            let error = RpcError::new(
                ErrorCode::InvalidRequest,
                format!("Request id {id} is already in use by a request in flight"),
            );
            return self.reply_error(&id, error, ctx);
        }
        if self.in_flight.len() >= self.server.config.max_in_flight_per_session {
            let error = RpcError::new(
                ErrorCode::ServerError,
                format!(
                    "Too many requests in flight on this session (limit {}); retry when some finish",
                    self.server.config.max_in_flight_per_session
                ),
            );
            return self.reply_error(&id, error, ctx);
        }
        let cancellation = CancellationToken::new();
        self.in_flight.insert(id.clone(), cancellation.clone());
        let invoke = entry.actor.send(Invoke {
            arguments: Value::Object(call.arguments.unwrap_or_default()),
            context: ToolContext::new(self.id, id.clone(), version, cancellation),
        });
        tracing::debug!(parent: &self.span, request_id = %id, tool = %call.name, "tool call started");
        let call = async move {
            match invoke.await {
                Ok(call) => Ok(call.await),
                Err(_) => Err(RpcError::new(
                    ErrorCode::InternalError,
                    "Tool is unavailable (its actor stopped)",
                )),
            }
        };
        ctx.spawn(
            call.into_actor(self).map(move |outcome, session, ctx| {
                session.finish_tool_call(id, version, outcome, ctx)
            }),
        );
    }

    fn finish_tool_call(
        &mut self,
        id: RequestId,
        version: crate::protocol::ProtocolVersion,
        outcome: Result<ToolOutcome, RpcError>,
        ctx: &mut Context<Self>,
    ) {
        if self.in_flight.remove(&id).is_none() {
            // Cancelled by the client while finishing: the spec says send nothing.
            return;
        }
        match outcome {
            Ok(ToolOutcome::Completed(result)) => {
                tracing::debug!(parent: &self.span, request_id = %id, is_error = result.is_error, "tool call finished");
                self.reply(&id, &result.to_wire(version), ctx)
            }
            Ok(ToolOutcome::Cancelled) => {}
            Err(e) => self.reply_error(&id, e, ctx),
        }
    }

    fn handle_notification(&mut self, method: &str, params: Option<Map<String, Value>>) {
        match method {
            names::INITIALIZED => {
                tracing::debug!(parent: &self.span, "client reported initialized")
            }
            names::CANCELLED => {
                let request_id = params
                    .and_then(|mut p| p.remove("requestId"))
                    .and_then(|v| serde_json::from_value::<RequestId>(v).ok());
                // Unknown or finished ids are ignored, as the spec asks.
                if let Some(token) = request_id.and_then(|id| self.in_flight.remove(&id)) {
                    tracing::debug!(parent: &self.span, "request cancelled by the client");
                    token.cancel();
                }
            }
            other => tracing::debug!(parent: &self.span, method = other, "notification ignored"),
        }
    }
}

impl Actor for Session {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        tracing::info!(parent: &self.span, "session opened");
        // The client going away (its stream dropped) ends the session.
        ctx.spawn(
            self.outbound
                .closed()
                .into_actor(self)
                .map(|(), _, ctx| ctx.stop()),
        );
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        for (_, token) in self.in_flight.drain() {
            token.cancel();
        }
        self.server.registry.do_send(Unregister { id: self.id });
        tracing::info!(parent: &self.span, "session closed");
    }
}

/// A message from the client for this session (routed here by the registry).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Deliver(pub Message);

impl Handler<Deliver> for Session {
    type Result = ();

    fn handle(&mut self, Deliver(message): Deliver, ctx: &mut Self::Context) {
        match message {
            Message::Request { id, method, params } => {
                self.handle_request(id, &method, params, ctx)
            }
            Message::Notification { method, params } => self.handle_notification(&method, params),
            Message::Response { id, .. } | Message::Error { id: Some(id), .. } => {
                // We send no server→client requests yet, so nothing waits for these.
                tracing::debug!(parent: &self.span, request_id = %id, "unexpected response from client ignored");
            }
            Message::Error { id: None, error } => {
                tracing::debug!(parent: &self.span, %error, "client reported an error");
            }
        }
    }
}
