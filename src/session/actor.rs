//! The session actor.

use actix::prelude::*;
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::envelope::{Envelope, Refusal};
use super::wire::{StreamLost, StreamRefusal, Wire};
use super::SessionId;
use crate::context::RequestContext;
use crate::methods::{self, lifecycle::Negotiated, names};
use crate::protocol::{
    response_error, response_ok, ErrorCode, LogLevel, Message, ProtocolVersion, RequestId, RpcError,
};
use crate::registry::Unregister;
use crate::state::ServerState;
use crate::tool::{Invoke, ToolFinished, ToolOutcome};

/// How many envelopes may wait in a session's mailbox before the HTTP handler waits.
const MAILBOX_CAPACITY: usize = 64;

/// A request being worked on.
struct InFlight {
    /// Cancelling it stops the call.
    cancellation: CancellationToken,
    /// The client's `_meta.progressToken`, which its progress notifications carry.
    progress_token: Option<Value>,
    /// The last progress value sent: progress must strictly increase.
    last_progress: Option<f64>,
}

/// One client's MCP session.
pub struct Session {
    /// Routing key and log identity.
    id: SessionId,
    /// Configuration, tools, server identity and the registry, shared by all sessions.
    server: Arc<ServerState>,
    /// The streams this session writes to, and which message goes where.
    wire: Wire,
    /// Set once `initialize` succeeded; until then only `initialize` and `ping` work.
    negotiated: Option<Negotiated>,
    /// `notifications/initialized` arrived (Streamable sessions expire without it).
    client_initialized: bool,
    /// Requests being worked on. A call whose id is no longer here when it finishes
    /// was cancelled and gets no answer.
    in_flight: HashMap<RequestId, InFlight>,
    /// Last time the client sent anything (Streamable sessions expire when idle).
    last_activity: Instant,
    /// The server is shutting down: no new calls; stop once the running ones finish.
    draining: bool,
    /// Set by `logging/setLevel`: log messages below it are not sent (until then, all are).
    log_level: Option<LogLevel>,
    /// Resource URIs the client subscribed to (`notifications/resources/updated`).
    subscriptions: HashSet<String>,
    /// Requests we sent the client (sampling, elicitation, roots), by id, with the
    /// handler waiting for each answer.
    asked: HashMap<RequestId, oneshot::Sender<Result<Value, RpcError>>>,
    /// Numbers the ids of requests we send the client.
    next_ask: u64,
    /// Carries the session id into every log line this session writes.
    span: tracing::Span,
    /// The pending init timeout, cancelled once the handshake completes so an idle
    /// session holds no timer.
    init_timeout: Option<SpawnHandle>,
}

impl Session {
    pub fn new(id: SessionId, server: Arc<ServerState>, wire: Wire) -> Self {
        Session {
            id,
            server,
            wire,
            negotiated: None,
            client_initialized: false,
            in_flight: HashMap::new(),
            last_activity: Instant::now(),
            draining: false,
            log_level: None,
            subscriptions: HashSet::new(),
            asked: HashMap::new(),
            next_ask: 0,
            span: tracing::info_span!("session", session_id = %id),
            init_timeout: None,
        }
    }

    fn transport_name(&self) -> &'static str {
        match self.wire {
            Wire::Legacy(_) => "sse",
            Wire::Streamable(_) => "streamable-http",
        }
    }

    /// A legacy stream that cannot take a message ends the session.
    fn on_stream_lost(&mut self, lost: Result<(), StreamLost>, ctx: &mut Context<Self>) {
        if let Err(StreamLost(why)) = lost {
            if why == super::SendError::Overflow {
                tracing::warn!(
                    parent: &self.span,
                    max_queued = self.server.config.outbound_queue,
                    max_queued_bytes = self.server.config.outbound_queue_bytes,
                    "client is not reading its event stream; closing the session"
                );
                if let Wire::Legacy(sink) = &self.wire {
                    sink.abort();
                }
            }
            ctx.stop();
        }
    }

    fn reply<T: Serialize>(&mut self, id: &RequestId, result: &T, ctx: &mut Context<Self>) {
        let line = response_ok(id, result);
        let sent = self.wire.answer(id, line);
        self.on_stream_lost(sent, ctx);
    }

    fn reply_error(&mut self, id: &RequestId, error: RpcError, ctx: &mut Context<Self>) {
        tracing::debug!(parent: &self.span, request_id = %id, code = error.code, message = %error.message, "request failed");
        let line = response_error(Some(id), &error);
        let sent = self.wire.answer(id, line);
        self.on_stream_lost(sent, ctx);
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

    fn handle_request(
        &mut self,
        id: RequestId,
        method: &str,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        match method {
            names::PING => return self.reply(&id, &methods::lifecycle::ping_result(), ctx),
            names::INITIALIZE if self.negotiated.is_none() => {
                return self.initialize(id, params, ctx)
            }
            names::INITIALIZE => {
                let error = RpcError::new(
                    ErrorCode::InvalidRequest,
                    "Session is already initialized; open a new session to initialize again",
                );
                return self.reply_error(&id, error, ctx);
            }
            names::SERVER_DISCOVER => {
                return self.reply_error(&id, methods::lifecycle::discover_unsupported(), ctx)
            }
            _ => {}
        }
        let Some(version) = self.negotiated.as_ref().map(|n| n.version) else {
            let error = if names::SESSION_METHODS.contains(&method) {
                RpcError::new(
                    ErrorCode::InvalidRequest,
                    "Session not initialized: send `initialize` first",
                )
            } else {
                RpcError::method_not_found(method)
            };
            return self.reply_error(&id, error, ctx);
        };
        let page_size = self.server.config.page_size;
        let catalogs = self.server.catalogs();
        match method {
            names::TOOLS_LIST => {
                match methods::tools::list(&catalogs.tools, params, version, page_size) {
                    Ok(page) => self.reply(&id, &page, ctx),
                    Err(e) => self.reply_error(&id, e, ctx),
                }
            }
            names::TOOLS_CALL => self.start_tool_call(id, version, params, ctx),
            names::SET_LOG_LEVEL => match methods::logging::set_level(params) {
                Ok(level) => {
                    self.log_level = Some(level);
                    self.reply(&id, &methods::lifecycle::ping_result(), ctx)
                }
                Err(e) => self.reply_error(&id, e, ctx),
            },
            names::RESOURCES_LIST if !catalogs.resources.is_empty() => {
                match methods::resources::list(&catalogs.resources, params, version, page_size) {
                    Ok(page) => self.reply(&id, &page, ctx),
                    Err(e) => self.reply_error(&id, e, ctx),
                }
            }
            names::RESOURCE_TEMPLATES_LIST if !catalogs.resources.is_empty() => {
                match methods::resources::templates_list(
                    &catalogs.resources,
                    params,
                    version,
                    page_size,
                ) {
                    Ok(page) => self.reply(&id, &page, ctx),
                    Err(e) => self.reply_error(&id, e, ctx),
                }
            }
            names::RESOURCES_READ if !catalogs.resources.is_empty() => {
                self.read_resource(id, version, params, ctx)
            }
            names::RESOURCES_SUBSCRIBE | names::RESOURCES_UNSUBSCRIBE
                if !catalogs.resources.is_empty() =>
            {
                match methods::resources::uri_param(params) {
                    Ok(uri) if method == names::RESOURCES_UNSUBSCRIBE => {
                        self.subscriptions.remove(&uri);
                        self.reply(&id, &methods::lifecycle::ping_result(), ctx)
                    }
                    Ok(uri) if catalogs.resources.find(&uri).is_some() => {
                        self.subscriptions.insert(uri);
                        self.reply(&id, &methods::lifecycle::ping_result(), ctx)
                    }
                    Ok(uri) => self.reply_error(&id, methods::resources::not_found(&uri), ctx),
                    Err(e) => self.reply_error(&id, e, ctx),
                }
            }
            names::PROMPTS_LIST if !catalogs.prompts.is_empty() => {
                match methods::prompts::list(&catalogs.prompts, params, version, page_size) {
                    Ok(page) => self.reply(&id, &page, ctx),
                    Err(e) => self.reply_error(&id, e, ctx),
                }
            }
            names::PROMPTS_GET if !catalogs.prompts.is_empty() => {
                self.get_prompt(id, version, params, ctx)
            }
            names::COMPLETE if catalogs.offers().completions => {
                self.complete(id, version, params, ctx)
            }
            _ => self.reply_error(&id, RpcError::method_not_found(method), ctx),
        }
    }

    fn initialize(
        &mut self,
        id: RequestId,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        match methods::lifecycle::negotiate(params) {
            Ok(negotiated) => {
                let result = methods::lifecycle::initialize_result(
                    &self.server.info,
                    negotiated.version,
                    self.server.catalogs().offers(),
                );
                let line = response_ok(&id, &result);
                tracing::info!(
                    parent: &self.span,
                    transport = self.transport_name(),
                    client = %negotiated.client.name,
                    client_version = %negotiated.client.version,
                    protocol = %negotiated.version,
                    "session initialized"
                );
                if let Wire::Streamable(streams) = &mut self.wire {
                    streams.set_priming(negotiated.version.has_sse_priming());
                }
                self.negotiated = Some(negotiated);
                let sent = self.wire.answer(&id, line);
                self.on_stream_lost(sent, ctx);
            }
            Err(e) => {
                self.reply_error(&id, e, ctx);
                if matches!(self.wire, Wire::Streamable(_)) {
                    // No session id was handed out for a failed initialize.
                    ctx.stop();
                }
            }
        }
    }

    fn read_resource(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        let meta = request_meta(&params);
        let uri = match methods::resources::uri_param(params) {
            Ok(uri) => uri,
            Err(e) => return self.reply_error(&id, e, ctx),
        };
        let Some(read) = self.server.catalogs().resources.find(&uri) else {
            return self.reply_error(&id, methods::resources::not_found(&uri), ctx);
        };
        self.spawn_handler(id, version, meta, ctx, move |context| {
            Box::pin(async move {
                let contents = read
                    .run(context)
                    .await
                    .map_err(|e| RpcError::new(ErrorCode::InternalError, e))?;
                to_result_value(&methods::resources::ReadResourceResult { contents })
            })
        });
    }

    fn get_prompt(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        let meta = request_meta(&params);
        let request = match methods::prompts::parse_get(params) {
            Ok(request) => request,
            Err(e) => return self.reply_error(&id, e, ctx),
        };
        let Some(prompt) = self
            .server
            .catalogs()
            .prompts
            .iter()
            .find(|p| p.name() == request.name)
            .cloned()
        else {
            let error = RpcError::invalid_params(format!("Unknown prompt: {}", request.name));
            return self.reply_error(&id, error, ctx);
        };
        let arguments = request.arguments.unwrap_or_default();
        if let Err(problem) = prompt.check_arguments(&arguments) {
            return self.reply_error(&id, RpcError::invalid_params(problem), ctx);
        }
        self.spawn_handler(id, version, meta, ctx, move |context| {
            Box::pin(async move {
                let result = prompt
                    .run(arguments, context)
                    .await
                    .map_err(|e| RpcError::new(ErrorCode::InternalError, e))?;
                to_result_value(&result.to_wire(version))
            })
        });
    }

    fn complete(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        let meta = request_meta(&params);
        let catalogs = self.server.catalogs();
        let request =
            match methods::completion::resolve(params, &catalogs.prompts, &catalogs.resources) {
                Ok(request) => request,
                Err(e) => return self.reply_error(&id, e, ctx),
            };
        self.spawn_handler(id, version, meta, ctx, move |_context| {
            Box::pin(async move {
                let values = request
                    .completer
                    .map(|complete| complete(&request.value, &request.context))
                    .unwrap_or_default();
                to_result_value(&methods::completion::result(values))
            })
        });
    }

    /// Registers a request as in flight and builds its handler context; the `Err` is
    /// the answer when it cannot start (shutting down, id in use, too many in flight).
    fn begin_call(
        &mut self,
        id: &RequestId,
        version: ProtocolVersion,
        progress_token: Option<Value>,
        ctx: &mut Context<Self>,
    ) -> Result<RequestContext, RpcError> {
        if self.draining {
            return Err(RpcError::new(
                ErrorCode::ServerError,
                "Server is shutting down; retry on another instance or after restart",
            ));
        }
        if self.in_flight.contains_key(id) {
            return Err(RpcError::new(
                ErrorCode::InvalidRequest,
                format!("Request id {id} is already in use by a request in flight"),
            ));
        }
        if self.in_flight.len() >= self.server.config.max_in_flight_per_session {
            return Err(RpcError::new(
                ErrorCode::ServerError,
                format!(
                    "Too many requests in flight on this session (limit {}); retry when some finish",
                    self.server.config.max_in_flight_per_session
                ),
            ));
        }
        let cancellation = CancellationToken::new();
        let wants_progress = progress_token.is_some();
        self.in_flight.insert(
            id.clone(),
            InFlight {
                cancellation: cancellation.clone(),
                progress_token,
                last_progress: None,
            },
        );
        Ok(RequestContext::new(
            self.id,
            id.clone(),
            version,
            cancellation,
            ctx.address(),
            wants_progress,
        ))
    }

    /// Runs a resource, prompt or completion handler on the tool runtime (never on this
    /// actor's thread) and answers with what it returns.
    fn spawn_handler<F>(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
        progress_token: Option<Value>,
        ctx: &mut Context<Self>,
        make: F,
    ) where
        F: FnOnce(RequestContext) -> BoxFuture<'static, Result<Value, RpcError>>,
    {
        let context = match self.begin_call(&id, version, progress_token, ctx) {
            Ok(context) => context,
            Err(e) => return self.reply_error(&id, e, ctx),
        };
        let cancellation = context.cancellation().clone();
        let work = make(context);
        let task = AbortOnDrop(self.server.runtime.spawn(async move {
            let mut work = std::pin::pin!(work);
            tokio::select! {
                biased;
                _ = cancellation.cancelled() => {
                    // Let a cooperative handler see the cancellation; then drop it.
                    let _ = tokio::time::timeout(crate::tool::CANCEL_GRACE, &mut work).await;
                    None
                }
                done = &mut work => Some(done),
            }
        }));
        ctx.spawn(task.into_actor(self).map(move |joined, session, ctx| {
            if session.in_flight.remove(&id).is_none() {
                return; // cancelled meanwhile: nothing is sent
            }
            match joined {
                Ok(Some(Ok(result))) => session.reply(&id, &result, ctx),
                Ok(Some(Err(e))) => session.reply_error(&id, e, ctx),
                Ok(None) => session.wire.forget(&id),
                Err(_) => {
                    tracing::error!(parent: &session.span, request_id = %id, "handler panicked");
                    let error =
                        RpcError::new(ErrorCode::InternalError, "Handler failed unexpectedly");
                    session.reply_error(&id, error, ctx)
                }
            }
        }));
    }

    fn start_tool_call(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        let progress_token = request_meta(&params);
        let call = match methods::tools::parse_call(params) {
            Ok(call) => call,
            Err(e) => return self.reply_error(&id, e, ctx),
        };
        let tools = self.server.catalogs().tools;
        let Some(actor) = tools.get(&call.name).map(|e| e.actors.local()) else {
            let error = RpcError::invalid_params(format!("Unknown tool: {}", call.name));
            return self.reply_error(&id, error, ctx);
        };
        let context = match self.begin_call(&id, version, progress_token, ctx) {
            Ok(context) => context,
            Err(e) => return self.reply_error(&id, e, ctx),
        };
        let invoke = Invoke {
            arguments: Value::Object(call.arguments.unwrap_or_default()),
            context,
            reply_to: ctx.address().recipient(),
        };
        tracing::debug!(parent: &self.span, request_id = %id, tool = %call.name, "tool call started");
        match actor.try_send(invoke) {
            Ok(()) => {}
            // A busy tool actor: wait for room (backpressure) without blocking this actor.
            Err(SendError::Full(invoke)) => {
                ctx.spawn(
                    actor
                        .send(invoke)
                        .into_actor(self)
                        .map(move |sent, session, ctx| {
                            if sent.is_err() {
                                session.tool_unavailable(id, ctx);
                            }
                        }),
                );
            }
            Err(SendError::Closed(_)) => self.tool_unavailable(id, ctx),
        }
    }

    fn tool_unavailable(&mut self, id: RequestId, ctx: &mut Context<Self>) {
        let error = RpcError::new(
            ErrorCode::InternalError,
            "Tool is unavailable (its actor stopped)",
        );
        let version = self
            .negotiated
            .as_ref()
            .map_or(ProtocolVersion::LATEST, |n| n.version);
        self.finish_tool_call(id, version, Err(error), ctx);
    }

    fn finish_tool_call(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
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
            Ok(ToolOutcome::Cancelled) => self.wire.forget(&id),
            Err(e) => self.reply_error(&id, e, ctx),
        }
    }

    /// The client's answer to a request we sent it reaches the handler that asked.
    fn client_answered(&mut self, id: &RequestId, answer: Result<Value, RpcError>) {
        match self.asked.remove(id) {
            Some(waiting) => {
                let _ = waiting.send(answer);
            }
            None => {
                tracing::debug!(parent: &self.span, request_id = %id, "answer to no pending request ignored")
            }
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
                self.client_initialized = true;
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
                    if let Some(call) = self.in_flight.remove(&id) {
                        tracing::debug!(parent: &self.span, request_id = %id, "request cancelled by the client");
                        call.cancellation.cancel();
                        self.wire.forget(&id);
                    }
                }
            }
            other => tracing::debug!(parent: &self.span, method = other, "notification ignored"),
        }
    }

    /// `MCP-Protocol-Version` (already known to be a revision we speak) is checked
    /// against what this session negotiated. A different supported revision is
    /// accepted, as the official SDK servers do (the conformance suite sends one), and
    /// the negotiated revision still shapes every answer; it is logged, since it
    /// usually means a client bug.
    fn check_version_header(&self, sent: Option<ProtocolVersion>) -> Result<(), Refusal> {
        if let (Some(sent), Some(negotiated)) = (sent, self.negotiated.as_ref().map(|n| n.version))
        {
            if sent != negotiated {
                tracing::debug!(parent: &self.span, %sent, %negotiated, "MCP-Protocol-Version differs from the negotiated revision");
            }
        }
        Ok(())
    }

    fn streams(&mut self) -> Result<&mut super::wire::Streams, Refusal> {
        match &mut self.wire {
            Wire::Streamable(streams) => Ok(streams),
            Wire::Legacy(_) => Err(Refusal::WrongTransport),
        }
    }

    /// Closes a session whose client never finished the handshake.
    fn schedule_init_timeout(&mut self, ctx: &mut Context<Self>) {
        let timeout = ctx.run_later(self.server.config.init_timeout, |session, ctx| {
            if !session.client_initialized {
                tracing::info!(parent: &session.span, "no notifications/initialized in time; closing");
                ctx.stop();
            }
        });
        self.init_timeout = Some(timeout);
    }

    /// Closes a Streamable session that sat idle too long (no stream ties its life).
    fn schedule_idle_expiry(&mut self, ctx: &mut Context<Self>) {
        let ttl = self.server.config.session_idle_ttl;
        let check_every = (ttl / 10).clamp(Duration::from_millis(50), Duration::from_secs(30));
        ctx.run_interval(check_every, move |session, ctx| {
            let busy = !session.in_flight.is_empty()
                || matches!(&session.wire, Wire::Streamable(s) if s.has_reader());
            if busy {
                session.last_activity = Instant::now();
            } else if session.last_activity.elapsed() >= ttl {
                tracing::info!(parent: &session.span, idle_secs = ttl.as_secs(), "session idle; closing");
                ctx.stop();
            }
        });
    }
}

impl Actor for Session {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        tracing::info!(parent: &self.span, transport = self.transport_name(), "session opened");
        self.schedule_init_timeout(ctx);
        match &self.wire {
            // The legacy stream going away (client disconnected) ends the session.
            Wire::Legacy(sink) => {
                ctx.spawn(sink.closed().into_actor(self).map(|(), _, ctx| ctx.stop()));
            }
            Wire::Streamable(_) => self.schedule_idle_expiry(ctx),
        }
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        for (_, call) in self.in_flight.drain() {
            call.cancellation.cancel();
        }
        self.server.registry.do_send(Unregister { id: self.id });
        tracing::info!(parent: &self.span, "session closed");
    }
}

/// An envelope routed by the registry, with the transport's acknowledgement channel.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Deliver {
    pub envelope: Envelope,
    pub ack: oneshot::Sender<Result<(), crate::registry::RouteError>>,
}

impl Handler<Deliver> for Session {
    type Result = ();

    fn handle(&mut self, deliver: Deliver, ctx: &mut Self::Context) {
        let taken = self.take(deliver.envelope, ctx);
        let _ = deliver
            .ack
            .send(taken.map_err(crate::registry::RouteError::Refused));
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
                self.check_version_header(protocol_version)?;
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
                self.check_version_header(protocol_version)?;
                let version = self.negotiated.as_ref().map(|n| n.version);
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
                self.check_version_header(protocol_version)?;
                self.streams()?
                    .attach(last_event_id.as_deref(), sink)
                    .map_err(refusal)?;
            }
            Envelope::Terminate { protocol_version } => {
                self.check_version_header(protocol_version)?;
                self.streams()?;
                tracing::info!(parent: &self.span, "client ended the session");
                ctx.stop();
            }
        }
        Ok(())
    }
}

fn refusal(refused: StreamRefusal) -> Refusal {
    match refused {
        StreamRefusal::UnknownEventId => Refusal::UnknownEventId,
        StreamRefusal::DuplicateRequestId(id) => Refusal::DuplicateRequestId(id),
    }
}

/// A running tool reports progress on its request.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ReportProgress {
    pub request_id: RequestId,
    pub progress: f64,
    pub total: Option<f64>,
    pub message: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgressParams<'a> {
    progress_token: &'a Value,
    progress: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

impl Handler<ReportProgress> for Session {
    type Result = ();

    fn handle(&mut self, report: ReportProgress, ctx: &mut Self::Context) {
        let version = self.negotiated.as_ref().map(|n| n.version);
        // Only live requests that asked for progress, strictly increasing, never after
        // the answer (an answered request is no longer in flight).
        let Some(call) = self.in_flight.get_mut(&report.request_id) else {
            return;
        };
        let Some(token) = call.progress_token.as_ref() else {
            return;
        };
        if !report.progress.is_finite()
            || call
                .last_progress
                .is_some_and(|last| report.progress <= last)
        {
            tracing::debug!(parent: &self.span, request_id = %report.request_id, "non-increasing progress dropped");
            return;
        }
        call.last_progress = Some(report.progress);
        let params = ProgressParams {
            progress_token: token,
            progress: report.progress,
            total: report.total,
            message: report
                .message
                .as_deref()
                .filter(|_| version.is_some_and(ProtocolVersion::has_audio_and_annotations)),
        };
        let line = crate::protocol::notification("notifications/progress", Some(&params));
        let sent = self.wire.message_for(&report.request_id, line);
        self.on_stream_lost(sent, ctx);
    }
}

/// The server is shutting down: finish running calls until `deadline`, then stop
/// (which ends every stream of the session cleanly).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain {
    pub deadline: Instant,
}

impl Handler<Drain> for Session {
    type Result = ();

    fn handle(&mut self, drain: Drain, ctx: &mut Self::Context) {
        self.draining = true;
        if self.in_flight.is_empty() {
            ctx.stop();
            return;
        }
        tracing::info!(parent: &self.span, calls = self.in_flight.len(), "draining: waiting for calls in flight");
        ctx.run_interval(Duration::from_millis(10), move |session, ctx| {
            if session.in_flight.is_empty() || Instant::now() >= drain.deadline {
                ctx.stop();
            }
        });
    }
}

/// A running handler sends a log message about its request.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ReportLog {
    pub request_id: RequestId,
    pub level: LogLevel,
    pub logger: Option<String>,
    pub data: Value,
}

#[derive(Serialize)]
struct LogParams<'a> {
    level: LogLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    logger: Option<&'a str>,
    data: &'a Value,
}

impl Handler<ReportLog> for Session {
    type Result = ();

    fn handle(&mut self, report: ReportLog, ctx: &mut Self::Context) {
        // Only while the request is live (never after its answer), and at or above the
        // level the client asked for.
        if !self.in_flight.contains_key(&report.request_id)
            || self.log_level.is_some_and(|min| report.level < min)
        {
            return;
        }
        let params = LogParams {
            level: report.level,
            logger: report.logger.as_deref(),
            data: &report.data,
        };
        let line = crate::protocol::notification("notifications/message", Some(&params));
        let sent = self.wire.message_for(&report.request_id, line);
        self.on_stream_lost(sent, ctx);
    }
}

/// The request's `_meta.progressToken`, if it has a usable one.
fn request_meta(params: &Option<Map<String, Value>>) -> Option<Value> {
    params
        .as_ref()
        .and_then(|p| p.get("_meta"))
        .and_then(|meta| meta.get("progressToken"))
        .filter(|t| t.is_string() || t.is_i64() || t.is_u64())
        .cloned()
}

fn to_result_value<T: Serialize>(result: &T) -> Result<Value, RpcError> {
    serde_json::to_value(result)
        .map_err(|e| RpcError::new(ErrorCode::InternalError, format!("Internal error: {e}")))
}

/// A spawned handler task that is aborted if the session stops waiting for it.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
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

/// Which list changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Tools,
    Resources,
    Prompts,
}

impl ListKind {
    fn notification(self) -> &'static str {
        match self {
            ListKind::Tools => "notifications/tools/list_changed",
            ListKind::Resources => "notifications/resources/list_changed",
            ListKind::Prompts => "notifications/prompts/list_changed",
        }
    }
}

#[derive(Serialize)]
struct UriNotification<'a> {
    uri: &'a str,
}

impl Handler<ServerEvent> for Session {
    type Result = ();

    fn handle(&mut self, event: ServerEvent, ctx: &mut Self::Context) {
        match event {
            ServerEvent::ResourceUpdated(uri) => {
                if self.negotiated.is_none() || !self.subscriptions.contains(&*uri) {
                    return;
                }
                let params = UriNotification { uri: &uri };
                let line = crate::protocol::notification(names::RESOURCE_UPDATED, Some(&params));
                let sent = self.wire.unsolicited(line);
                self.on_stream_lost(sent, ctx);
            }
            ServerEvent::ListChanged(kind) => {
                // Only sessions past the handshake know our capabilities.
                if self.negotiated.is_none() {
                    return;
                }
                let line = crate::protocol::notification::<()>(kind.notification(), None);
                let sent = self.wire.unsolicited(line);
                self.on_stream_lost(sent, ctx);
            }
        }
    }
}

/// A handler asks the client something (sampling, elicitation, roots) while handling
/// `related`. Resolves to a receiver of the client's answer.
#[derive(Message)]
#[rtype(result = "oneshot::Receiver<Result<Value, RpcError>>")]
pub struct AskClient {
    pub related: RequestId,
    pub method: &'static str,
    pub params: Value,
    /// The client capability the method needs.
    pub capability: &'static str,
}

#[derive(Serialize)]
struct OutgoingRequest<'a> {
    jsonrpc: &'static str,
    id: &'a RequestId,
    method: &'a str,
    params: &'a Value,
}

impl Handler<AskClient> for Session {
    type Result = MessageResult<AskClient>;

    fn handle(&mut self, ask: AskClient, ctx: &mut Self::Context) -> Self::Result {
        let (answer, waiting) = oneshot::channel();
        let declared = self
            .negotiated
            .as_ref()
            .and_then(|n| n.client_capabilities.get(ask.capability))
            .is_some_and(Value::is_object);
        let url_mode = ask.params.get("mode").and_then(Value::as_str) == Some("url");
        let url_declared = self
            .negotiated
            .as_ref()
            .and_then(|n| n.client_capabilities.get("elicitation"))
            .and_then(|e| e.get("url"))
            .is_some();
        if !declared || (url_mode && !url_declared) {
            let _ = answer.send(Err(RpcError::new(
                ErrorCode::MethodNotFound,
                format!(
                    "The client did not declare the `{}` capability {}",
                    ask.capability, ask.method
                ),
            )));
            return MessageResult(waiting);
        }
        if !self.in_flight.contains_key(&ask.related) {
            let _ = answer.send(Err(RpcError::new(
                ErrorCode::InternalError,
                "The request is no longer in flight",
            )));
            return MessageResult(waiting);
        }
        self.next_ask += 1;
        let id = RequestId::String(format!("srv-{}", self.next_ask));
        let request = OutgoingRequest {
            jsonrpc: "2.0",
            id: &id,
            method: ask.method,
            params: &ask.params,
        };
        let line = serde_json::to_string(&request).unwrap_or_default();
        self.asked.insert(id.clone(), answer);
        let timeout = self.server.config.client_request_timeout;
        ctx.run_later(timeout, move |session, _ctx| {
            if let Some(waiting) = session.asked.remove(&id) {
                let _ = waiting.send(Err(RpcError::new(
                    ErrorCode::InternalError,
                    format!("The client did not answer within {} s", timeout.as_secs()),
                )));
            }
        });
        let sent = self.wire.message_for(&ask.related, line);
        self.on_stream_lost(sent, ctx);
        MessageResult(waiting)
    }
}

impl Handler<ToolFinished> for Session {
    type Result = ();

    fn handle(&mut self, finished: ToolFinished, ctx: &mut Self::Context) {
        let version = self
            .negotiated
            .as_ref()
            .map_or(ProtocolVersion::LATEST, |n| n.version);
        self.finish_tool_call(finished.request_id, version, Ok(finished.outcome), ctx);
    }
}
