//! The handler context: what a running tool, resource or prompt handler can know and
//! do — which session and request it serves, whether the call has been cancelled
//! (client cancel, session closed, or timeout), reporting progress, and sending log
//! messages to the client. One small type shared by every kind of handler.

use actix::Addr;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::protocol::{ErrorCode, LogLevel, ProtocolVersion, RequestId, RpcError};
use crate::session::{AskClient, ReportLog, ReportProgress, Session, SessionId};
use serde_json::Value;

/// Handed to every handler call. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The session the call belongs to (for logs and per-session state in the tool).
    pub session_id: SessionId,
    /// The JSON-RPC id of the request being handled.
    pub request_id: RequestId,
    /// The revision the session negotiated, for tools that shape output by revision.
    pub protocol_version: ProtocolVersion,
    /// Fired when the call should stop; long-running tools should watch it.
    cancellation: CancellationToken,
    /// The session, to send progress and log messages through.
    session: Addr<Session>,
    /// The client sent a `progressToken` with this request.
    wants_progress: bool,
}

impl RequestContext {
    pub fn new(
        session_id: SessionId,
        request_id: RequestId,
        protocol_version: ProtocolVersion,
        cancellation: CancellationToken,
        session: Addr<Session>,
        wants_progress: bool,
    ) -> Self {
        RequestContext {
            session_id,
            request_id,
            protocol_version,
            cancellation,
            session,
            wants_progress,
        }
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
        let report = ReportLog {
            request_id: self.request_id.clone(),
            level,
            logger: logger.map(str::to_owned),
            data,
        };
        // The session may have ended meanwhile; then there is no one to tell.
        let _ = self.session.send(report).await;
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
        let ask = AskClient {
            related: self.request_id.clone(),
            method,
            params,
            capability,
        };
        match self.session.send(ask).await {
            Ok(answer) => answer.await.unwrap_or_else(|_| {
                Err(RpcError::new(
                    ErrorCode::InternalError,
                    "The session ended before the client answered",
                ))
            }),
            Err(_) => Err(RpcError::new(
                ErrorCode::InternalError,
                "The session has ended",
            )),
        }
    }

    /// Sends `notifications/progress` for this call, if the client asked for it.
    /// `progress` must increase from one report to the next (others are dropped);
    /// `total` and `message` are optional. Waits when the session is busy rather than
    /// dropping the report.
    pub async fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        if self.wants_progress {
            let report = ReportProgress {
                request_id: self.request_id.clone(),
                progress,
                total,
                message: message.map(str::to_owned),
            };
            // The session may have ended meanwhile; then there is no one to tell.
            let _ = self.session.send(report).await;
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Resolves when the call is cancelled.
    pub async fn cancelled(&self) {
        self.cancellation.cancelled().await
    }

    pub(crate) fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }
}

/// The context as tools name it.
pub type ToolContext = RequestContext;
