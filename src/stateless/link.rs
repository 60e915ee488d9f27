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
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::{envelope, Refusal};
use crate::access::Principal;
use crate::executor::answer;
use crate::tasks::{StoreFull, TaskOwner};

use super::input::{check_declared, InputRound};
use crate::context::{ClientAsk, ClientLink, Notice};
use crate::protocol::{ErrorCode, LogLevel, RequestId, RpcError};
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
    /// For a call that may turn into a task (`ctx.continue_as_task()`).
    pub escalation: Option<Arc<Escalation>>,
}

/// The answer to a stateless request, sent once.
pub(crate) type AnswerSender = oneshot::Sender<Result<Box<RawValue>, Refusal>>;

/// A call that may turn into a task midway: what it takes, and whether it did. Shared
/// by the request's link (which turns it), its executor callback (which routes the
/// outcome) and its HTTP answer (which must not cancel a task when it is dropped).
pub(crate) struct Escalation {
    state: Arc<ServerState>,
    /// The task's owner, as for a task started with the call.
    owner: Option<Principal>,
    /// What the request declared: the task's asks may only use these.
    capabilities: Map<String, Value>,
    /// The handler's cancellation: a cancelled task stops it.
    job: CancellationToken,
    /// The request's answer: the task handle, or the handler's own answer.
    answer: Mutex<Option<AnswerSender>>,
    /// Set once the handler became a task.
    task: OnceLock<TaskLink>,
}

impl Escalation {
    pub(crate) fn new(
        state: Arc<ServerState>,
        owner: Option<Principal>,
        capabilities: Map<String, Value>,
        job: CancellationToken,
        answer: AnswerSender,
    ) -> Escalation {
        Escalation {
            state,
            owner,
            capabilities,
            job,
            answer: Mutex::new(Some(answer)),
            task: OnceLock::new(),
        }
    }

    /// Whether the handler became a task.
    pub(crate) fn is_task(&self) -> bool {
        self.task.get().is_some()
    }

    /// The request's answer, if nobody sent it yet.
    pub(crate) fn take_answer(&self) -> Option<AnswerSender> {
        self.answer.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// The handler finished: the task its outcome goes to, if it became one (its
    /// cancellation watcher ends too).
    pub(crate) fn finish(&self) -> Option<String> {
        let task = self.task.get()?;
        self.job.cancel();
        Some(task.task_id.clone())
    }

    /// Turns the call into a task: stores one, answers the request with its handle,
    /// and lets a `tasks/cancel` stop the handler.
    fn become_task(&self) -> Result<(), RpcError> {
        if self.is_task() {
            return Ok(());
        }
        let (task, task_cancel) = self
            .state
            .tasks
            .create(TaskOwner::Principal(self.owner.clone()))
            .map_err(StoreFull::to_error)?;
        let task_id = task.task_id.clone();
        let handle = envelope(&answer(&task.handle())?, &self.state.info, "task", None)?;
        let _ = self.task.set(TaskLink {
            state: Arc::clone(&self.state),
            task_id,
            capabilities: self.capabilities.clone(),
        });
        let job = self.job.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = task_cancel.cancelled() => job.cancel(),
                // The handler finished (`finish` cancels `job`): nothing to watch.
                _ = job.cancelled() => {}
            }
        });
        if let Some(sender) = self.take_answer() {
            let _ = sender.send(Ok(handle));
        }
        Ok(())
    }
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
        // Once the call became a task, its asks wait on the task.
        if let Some(task) = self.escalation.as_ref().and_then(|e| e.task.get()) {
            return task.ask(_request, ask);
        }
        match self.round.ask(&ask) {
            Some(answer) => Box::pin(std::future::ready(answer)),
            // Left open: the gate ends the run at the handler's next wait.
            None => Box::pin(std::future::pending()),
        }
    }

    fn continue_as_task(&self) -> BoxFuture<'static, Result<(), RpcError>> {
        let turned = match &self.escalation {
            Some(escalation) => escalation.become_task(),
            // Not a task-eligible call: the handler just goes on.
            None => Ok(()),
        };
        Box::pin(std::future::ready(turned))
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
        if let Err(missing) = check_declared(&self.capabilities, &ask) {
            let mut required = Map::new();
            required.insert(ask.capability.to_owned(), missing.required.clone());
            let error = missing.error(Value::Object(required));
            return Box::pin(std::future::ready(Err(error)));
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
