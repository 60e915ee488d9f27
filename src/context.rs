//! The handler context: what a running tool, resource, prompt or completion handler
//! can know and do — which request (and session, if any) it serves, whether the call
//! has been cancelled (client cancel, session closed, or timeout), reporting progress,
//! sending log messages and asking the client (sampling, elicitation, roots).
//!
//! Owns: the handler-facing API. Must not: know who carries a message to the client.
//! That is a [`ClientLink`]: a session actor today (`session::SessionLink`), a single
//! stateless request's response stream in the next protocol era. A handler written
//! against this context runs unchanged under either.

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use crate::methods::names;
use crate::protocol::{notification, ErrorCode, LogLevel, ProtocolVersion, RequestId, RpcError};
use crate::session::SessionId;

/// A message a handler sends its client about the request it serves.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Notice {
    /// `notifications/progress` (the link adds the request's `progressToken`).
    Progress {
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    },
    /// `notifications/message`.
    Log {
        level: LogLevel,
        logger: Option<String>,
        data: Value,
    },
}

/// A request a handler sends its client (sampling, elicitation, roots).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClientAsk {
    pub method: &'static str,
    pub params: Value,
    /// The client capability the method needs; undeclared → an error, nothing sent.
    pub capability: &'static str,
    /// What a 2026-07-28 `InputRequiredResult` calls this ask (`inputRequests` key);
    /// `None`: a default key by call order. Handshake sessions ignore it.
    pub key: Option<String>,
}

impl Notice {
    /// This notice as a JSON-RPC notification line; progress carries the request's
    /// `progressToken`, and its `message` only when `with_message` (2025-03-26+).
    pub(crate) fn to_line(&self, progress_token: &Value, with_message: bool) -> String {
        match self {
            Notice::Progress {
                progress,
                total,
                message,
            } => notification(
                names::PROGRESS,
                Some(&ProgressParams {
                    progress_token,
                    progress: *progress,
                    total: *total,
                    message: message.as_deref().filter(|_| with_message),
                }),
            ),
            Notice::Log {
                level,
                logger,
                data,
            } => notification(
                names::MESSAGE,
                Some(&LogParams {
                    level: *level,
                    logger: logger.as_deref(),
                    data,
                }),
            ),
        }
    }
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

#[derive(Serialize)]
struct LogParams<'a> {
    level: LogLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    logger: Option<&'a str>,
    data: &'a Value,
}

/// Whatever carries a handler's messages to its client. Implementations decide what
/// reaches the wire (the request must still be live; log levels; capabilities).
pub(crate) trait ClientLink: Send + Sync + 'static {
    /// Sends `notice` about `request`; waits while the carrier is busy (never drops).
    fn notify(&self, request: RequestId, notice: Notice) -> BoxFuture<'static, ()>;
    /// Sends `ask` on behalf of `request`; resolves to the client's answer.
    fn ask(
        &self,
        request: RequestId,
        ask: ClientAsk,
    ) -> BoxFuture<'static, Result<Value, RpcError>>;
    /// Turns the request into a task, if the carrier can (see
    /// [`RequestContext::continue_as_task`]); elsewhere nothing happens.
    fn continue_as_task(&self) -> BoxFuture<'static, Result<(), RpcError>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Handed to every handler call. Cheap to clone.
#[derive(Clone)]
pub struct RequestContext {
    /// The session the call belongs to, for logs and per-session state in a tool;
    /// `None` for a request that has no session.
    session_id: Option<SessionId>,
    /// The JSON-RPC id of the request being handled.
    request_id: RequestId,
    /// The revision the request is served under, for handlers that shape output by it.
    protocol_version: ProtocolVersion,
    /// Fired when the call should stop; long-running handlers should watch it.
    cancellation: CancellationToken,
    /// Carries progress, log messages and requests to the client.
    link: Arc<dyn ClientLink>,
    /// The client sent a `progressToken` with this request.
    wants_progress: bool,
    /// The `inputRequests` key the next ask goes by ([`RequestContext::input_key`]).
    input_key: Option<String>,
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestContext")
            .field("session_id", &self.session_id)
            .field("request_id", &self.request_id)
            .field("protocol_version", &self.protocol_version)
            .finish_non_exhaustive()
    }
}

impl RequestContext {
    pub(crate) fn new(
        session_id: Option<SessionId>,
        request_id: RequestId,
        protocol_version: ProtocolVersion,
        cancellation: CancellationToken,
        link: Arc<dyn ClientLink>,
        wants_progress: bool,
    ) -> Self {
        RequestContext {
            session_id,
            request_id,
            protocol_version,
            cancellation,
            link,
            wants_progress,
            input_key: None,
        }
    }

    /// This context, with its asks (elicitation, sampling, roots) named `key`. At
    /// 2026-07-28 an ask is a key in an `InputRequiredResult`'s `inputRequests`, and the
    /// client's retry answers it under that key; unnamed asks are `elicitation-1`,
    /// `sampling-1`, `roots-1`, … in call order. Use one key per ask. In a handshake
    /// session the key changes nothing.
    ///
    /// ```
    /// # async fn handler(ctx: actix_mcp::ToolContext) -> Result<(), actix_mcp::protocol::RpcError> {
    /// let answer = ctx
    ///     .input_key("user_name")
    ///     .elicit(serde_json::json!({"message": "Your name?", "requestedSchema": {
    ///         "type": "object", "properties": {"name": {"type": "string"}}}}))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn input_key(&self, key: impl Into<String>) -> RequestContext {
        RequestContext {
            input_key: Some(key.into()),
            ..self.clone()
        }
    }

    /// The session this call belongs to (`None` when the request has no session).
    pub fn session_id(&self) -> Option<SessionId> {
        self.session_id
    }

    /// The JSON-RPC id of the request being handled.
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// The protocol revision this request is served under.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.protocol_version
    }

    /// Whether the client asked for progress (sent a `progressToken`).
    pub fn wants_progress(&self) -> bool {
        self.wants_progress
    }

    /// Sends `notifications/message` to the client, if `level` passes the level it set
    /// with `logging/setLevel` (all levels pass until it sets one). `data` is any JSON
    /// value; never put secrets or personal data in it.
    pub async fn log(&self, level: LogLevel, logger: Option<&str>, data: impl Serialize) {
        let Ok(data) = serde_json::to_value(data) else {
            return;
        };
        let notice = Notice::Log {
            level,
            logger: logger.map(str::to_owned),
            data,
        };
        self.link.notify(self.request_id.clone(), notice).await;
    }

    /// Sends `notifications/progress` for this call, if the client asked for it.
    /// `progress` must increase from one report to the next (others are dropped);
    /// `total` and `message` are optional. Waits when the carrier is busy rather than
    /// dropping the report.
    pub async fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        if !self.wants_progress {
            return;
        }
        let notice = Notice::Progress {
            progress,
            total,
            message: message.map(str::to_owned),
        };
        self.link.notify(self.request_id.clone(), notice).await;
    }

    /// Asks the client's model for a completion (`sampling/createMessage`); `params`
    /// as the spec defines them (`messages`, `maxTokens`, …). Errors when the client did
    /// not declare `sampling`, refuses, or does not answer in time.
    pub async fn create_message(&self, params: Value) -> Result<Value, RpcError> {
        self.ask_client("sampling/createMessage", params, "sampling")
            .await
    }

    /// Asks the user for input (`elicitation/create`): form mode with
    /// `{message, requestedSchema}`, URL mode with `{mode: "url", …}`. Errors when the
    /// client did not declare `elicitation` (or that mode).
    pub async fn elicit(&self, params: Value) -> Result<Value, RpcError> {
        self.ask_client("elicitation/create", params, "elicitation")
            .await
    }

    /// The client's roots (`roots/list`). Errors when it did not declare `roots`.
    pub async fn list_roots(&self) -> Result<Value, RpcError> {
        self.ask_client("roots/list", Value::Object(Default::default()), "roots")
            .await
    }

    async fn ask_client(
        &self,
        method: &'static str,
        params: Value,
        capability: &'static str,
    ) -> Result<Value, RpcError> {
        let ask = ClientAsk {
            method,
            params,
            capability,
            key: self.input_key.clone(),
        };
        self.link.ask(self.request_id.clone(), ask).await
    }

    /// In a 2026-07-28 call of a tool declared [`crate::Tool::input_before_task`], from
    /// a client with the tasks extension: answers the call with a task handle now, and
    /// the handler goes on as that task (its asks from here on wait on the task's
    /// `inputRequests`; its result becomes the task's). Asks before this were MRTR
    /// rounds. Anywhere else it does nothing, and the handler simply goes on.
    pub async fn continue_as_task(&self) -> Result<(), RpcError> {
        self.link.continue_as_task().await
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Resolves when the call is cancelled.
    pub async fn cancelled(&self) {
        self.cancellation.cancelled().await
    }
}

/// The error a handler gets when whatever carried its request is gone.
pub(crate) fn link_gone() -> RpcError {
    RpcError::new(
        ErrorCode::InternalError,
        "The session ended before the client answered",
    )
}

/// The context as tools name it.
pub type ToolContext = RequestContext;
