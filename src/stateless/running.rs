//! A running stateless request as its HTTP answer sees it: notices the request asked
//! for, then its answer; and the guard that cancels the handler when the answer is
//! dropped (the client left), unless the handler became a task.
//!
//! Owns: ordering notices before the answer, and that cancellation. Must not: know
//! HTTP (the transport frames these as JSON or SSE).

use serde_json::value::RawValue;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::{link, Refusal};
use crate::protocol::{ErrorCode, RpcError};

/// A running handler's side of its HTTP answer. Dropping it (the client closed the
/// connection or the stream) cancels the handler: this revision's cancellation.
pub(crate) struct Running {
    /// Progress and log lines the request asked for; `None` when it asked for none
    /// (or the handler is done with them).
    notices: Option<mpsc::Receiver<String>>,
    /// The answer, once.
    answer: oneshot::Receiver<Result<Box<RawValue>, Refusal>>,
    /// The answer, received while notices were still queued ahead of it.
    ready: Option<Result<Box<RawValue>, Refusal>>,
    /// Cancels the handler when this is dropped.
    _cancel_on_drop: CancelOnDrop,
}

/// Cancels a request's handler when its HTTP answer is dropped — unless the handler
/// turned into a task, which outlives the request.
struct CancelOnDrop {
    job: CancellationToken,
    escalation: Option<Arc<link::Escalation>>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if !self.escalation.as_ref().is_some_and(|e| e.is_task()) {
            self.job.cancel();
        }
    }
}

/// The next thing a running request sends.
pub(crate) enum Next {
    /// A notification line about the request.
    Notice(String),
    /// The answer; nothing follows it.
    Answer(Result<Box<RawValue>, Refusal>),
}

impl Running {
    pub(crate) fn new(
        notices: Option<mpsc::Receiver<String>>,
        answer: oneshot::Receiver<Result<Box<RawValue>, Refusal>>,
        job: CancellationToken,
        escalation: Option<Arc<link::Escalation>>,
    ) -> Running {
        Running {
            notices,
            answer,
            ready: None,
            _cancel_on_drop: CancelOnDrop { job, escalation },
        }
    }

    /// The next notice, or the answer (call no more after it). Notices sent before the
    /// handler finished come before its answer: the handler waits until each is queued.
    pub(crate) async fn next(&mut self) -> Next {
        let answer = match self.ready.take() {
            Some(answer) => answer,
            None => loop {
                let Some(notices) = self.notices.as_mut() else {
                    break recv_answer(&mut self.answer).await;
                };
                tokio::select! {
                    biased;
                    line = notices.recv() => match line {
                        Some(line) => return Next::Notice(line),
                        None => self.notices = None,
                    },
                    answer = recv_answer(&mut self.answer) => break answer,
                }
            },
        };
        match self.notices.as_mut().and_then(|n| n.try_recv().ok()) {
            Some(line) => {
                self.ready = Some(answer);
                Next::Notice(line)
            }
            None => Next::Answer(answer),
        }
    }
}

async fn recv_answer(
    answer: &mut oneshot::Receiver<Result<Box<RawValue>, Refusal>>,
) -> Result<Box<RawValue>, Refusal> {
    answer.await.unwrap_or_else(|_| {
        Err(Refusal::Answered(RpcError::new(
            ErrorCode::InternalError,
            "The request was cancelled",
        )))
    })
}
