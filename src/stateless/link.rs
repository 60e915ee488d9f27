//! The [`ClientLink`] of a stateless request: what a handler's progress, log messages
//! and requests to the client become when there is no session to carry them.
//!
//! - Requests to the client (sampling, elicitation, roots) go to the request's
//!   [`InputRound`]: answered from the client's `inputResponses`, or left open to
//!   become an `InputRequiredResult` (MRTR; the model is written in [`super::input`]).
//!   At 2026-07-28 the server never sends the client a JSON-RPC request.
//! - Progress goes on the request's own SSE answer when it carried a `progressToken`
//!   (strictly increasing, as in a session); log messages only when it opted in with
//!   `_meta["io.modelcontextprotocol/logLevel"]`, at or above that level. Otherwise
//!   they are dropped and the answer stays one `application/json` body.
//!
//! A task's handler gets a [`TaskLink`] instead: its asks wait on the task.
//!
//! Owns: that policy. Must not: keep anything beyond its request.

use futures_util::future::BoxFuture;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

use super::input::InputRound;
use crate::context::{ClientAsk, ClientLink, Notice};
use crate::protocol::{ErrorCode, LogLevel, RequestId, RpcError};
use crate::session::client_requests::may_ask;
use crate::state::ServerState;
use crate::tasks::InputRequest;

/// Notices waiting for the SSE answer; the handler waits when the client reads slowly.
pub(crate) const NOTICE_QUEUE: usize = 64;

/// The link one stateless request's context carries.
pub(crate) struct StatelessLink {
    /// Where its asks are answered or recorded.
    pub round: Arc<InputRound>,
    /// The request's SSE answer, when it wants notices at all.
    pub notices: Option<NoticeSink>,
}

/// Where one request's notices go, and which of them it asked for.
pub(crate) struct NoticeSink {
    /// Serialized notifications, read by the SSE answer.
    pub lines: mpsc::Sender<String>,
    /// The request's `progressToken`; `None`: no progress wanted.
    pub progress_token: Option<Value>,
    /// The request's `logLevel`; `None`: no log messages wanted.
    pub log_level: Option<LogLevel>,
    /// The last progress sent: a report must exceed it.
    pub last_progress: Mutex<Option<f64>>,
}

impl NoticeSink {
    /// The line for `notice`, if the request wants it.
    fn line_for(&self, notice: &Notice) -> Option<String> {
        match notice {
            Notice::Progress { progress, .. } => {
                let token = self.progress_token.as_ref()?;
                let mut last = self.last_progress.lock().unwrap_or_else(|p| p.into_inner());
                if last.is_some_and(|last| *progress <= last) {
                    return None;
                }
                *last = Some(*progress);
                Some(notice.to_line(token, true))
            }
            Notice::Log { level, .. } => {
                let wanted = self.log_level.is_some_and(|min| *level >= min);
                wanted.then(|| notice.to_line(&Value::Null, true))
            }
        }
    }
}

impl ClientLink for StatelessLink {
    fn notify(&self, _request: RequestId, notice: Notice) -> BoxFuture<'static, ()> {
        let Some(sink) = &self.notices else {
            return Box::pin(std::future::ready(()));
        };
        let Some(line) = sink.line_for(&notice) else {
            return Box::pin(std::future::ready(()));
        };
        let lines = sink.lines.clone();
        Box::pin(async move {
            // The answer stream is gone only when the client left: nothing to tell.
            let _ = lines.send(line).await;
        })
    }

    fn ask(
        &self,
        _request: RequestId,
        ask: ClientAsk,
    ) -> BoxFuture<'static, Result<Value, RpcError>> {
        match self.round.ask(&ask) {
            Some(answer) => Box::pin(std::future::ready(answer)),
            // Left open: the gate ends the run at the handler's next wait.
            None => Box::pin(std::future::pending()),
        }
    }
}

/// The link of a task's handler (the tasks extension): a task outlives its request, so
/// its asks are parked on the task — its `inputRequests`, status `input_required` —
/// until `tasks/update` delivers the client's answer, which resumes the handler where
/// it waited (no re-run). Notices have no stream to go on and are dropped.
pub(crate) struct TaskLink {
    /// Where the task's pending asks live.
    pub state: Arc<ServerState>,
    /// The task the handler runs for.
    pub task_id: String,
    /// What the creating request declared: only these may be asked for.
    pub capabilities: Map<String, Value>,
}

impl ClientLink for TaskLink {
    fn notify(&self, _request: RequestId, _notice: Notice) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }

    fn ask(
        &self,
        _request: RequestId,
        ask: ClientAsk,
    ) -> BoxFuture<'static, Result<Value, RpcError>> {
        if let Err(refused) = may_ask(&self.capabilities, &ask) {
            let missing = RpcError::new(ErrorCode::MissingClientCapability, refused.message)
                .with_data(json!({"requiredCapabilities": {ask.capability: {}}}));
            return Box::pin(std::future::ready(Err(missing)));
        }
        let name = ask.key.clone().unwrap_or_else(|| ask.capability.to_owned());
        let request = InputRequest {
            method: ask.method.to_owned(),
            params: ask.params,
        };
        let parked = self
            .state
            .tasks
            .request_input(&self.task_id, &name, request);
        Box::pin(async move {
            let (_key, answer) = parked.ok_or_else(|| {
                RpcError::new(ErrorCode::InternalError, "The task has already ended")
            })?;
            answer.await.map_err(|_| {
                RpcError::new(
                    ErrorCode::InternalError,
                    "The task ended before the client answered",
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sink(progress: bool, level: Option<LogLevel>) -> (NoticeSink, mpsc::Receiver<String>) {
        let (lines, received) = mpsc::channel(8);
        let sink = NoticeSink {
            lines,
            progress_token: progress.then(|| json!("t1")),
            log_level: level,
            last_progress: Mutex::new(None),
        };
        (sink, received)
    }

    fn progress(p: f64) -> Notice {
        Notice::Progress {
            progress: p,
            total: Some(100.0),
            message: None,
        }
    }

    fn log(level: LogLevel) -> Notice {
        Notice::Log {
            level,
            logger: None,
            data: json!("x"),
        }
    }

    #[test]
    fn progress_needs_a_token_and_must_increase() {
        let (with, _rx) = sink(true, None);
        assert!(with
            .line_for(&progress(0.0))
            .unwrap()
            .contains("\"progressToken\":\"t1\""));
        assert!(with.line_for(&progress(0.0)).is_none());
        assert!(with.line_for(&progress(50.0)).is_some());
        let (without, _rx) = sink(false, None);
        assert!(without.line_for(&progress(1.0)).is_none());
    }

    #[test]
    fn logs_only_when_opted_in_and_at_or_above_the_level() {
        let (none, _rx) = sink(true, None);
        assert!(none.line_for(&log(LogLevel::Emergency)).is_none());
        let (warn, _rx) = sink(false, Some(LogLevel::Warning));
        assert!(warn.line_for(&log(LogLevel::Info)).is_none());
        assert!(warn.line_for(&log(LogLevel::Warning)).is_some());
        assert!(warn.line_for(&log(LogLevel::Error)).is_some());
    }
}
