//! The one handler executor: every tool call, resource read, prompt get and completion
//! runs here, on the tool runtime (a thread pool apart from the HTTP workers and the
//! actors), under one policy — a time limit, panic isolation, and a grace period for
//! a cancelled handler to notice before it is dropped. The host (a session actor)
//! only keeps the books: it registers the request in flight, hands over a [`Job`],
//! and hears back through the `done` callback exactly once.
//!
//! Owns: how a handler future is run and how its failures become answers. Must not:
//! know who asked (sessions, transports) or touch session state.

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use serde::Serialize;
use serde_json::value::RawValue;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

use crate::protocol::{ErrorCode, ProtocolVersion, RpcError};
use crate::tool::{CallToolResult, Tool};

/// After a cancellation, how long a handler may take to notice it (`ctx.cancelled()`)
/// and wind down before its future is dropped.
pub const CANCEL_GRACE: Duration = Duration::from_secs(1);

/// A result, serialized once where it was produced (on the tool runtime, not on the
/// actor thread that sends it).
pub(crate) type Answer = Result<Box<RawValue>, RpcError>;

/// Serializes a result for sending.
pub(crate) fn answer<T: Serialize>(result: &T) -> Answer {
    serde_json::value::to_raw_value(result)
        .map_err(|e| RpcError::new(ErrorCode::InternalError, format!("Internal error: {e}")))
}

/// A handler to run: its future and how its failures are answered.
pub(crate) struct Job {
    /// Resolves to the answer.
    work: BoxFuture<'static, Answer>,
    /// What a panic or an overrun becomes.
    on_failure: FailureAnswer,
}

/// How a failed handler is answered: tools with an `isError` result the model can
/// read (the spec's advice), everything else with a JSON-RPC error.
pub(crate) enum FailureAnswer {
    ToolResult(Arc<Tool>, ProtocolVersion),
    Error(&'static str),
}

/// Why a handler produced no answer of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Panicked,
    TimedOut(Duration),
}

impl FailureAnswer {
    fn answer(&self, failure: Failure) -> Answer {
        match self {
            FailureAnswer::ToolResult(tool, version) => {
                let name = tool.name();
                let result = match failure {
                    Failure::Panicked => {
                        tracing::error!(tool = %name, "tool panicked; the call ends with an error result");
                        CallToolResult::error(format!("Tool `{name}` failed unexpectedly"))
                    }
                    Failure::TimedOut(limit) => CallToolResult::error(format!(
                        "Tool `{name}` did not finish within {} s and was stopped",
                        limit.as_secs_f64()
                    )),
                };
                answer(&result.to_wire(*version))
            }
            FailureAnswer::Error(what) => Err(match failure {
                Failure::Panicked => {
                    tracing::error!(handler = what, "handler panicked");
                    RpcError::new(
                        ErrorCode::InternalError,
                        format!("{what} failed unexpectedly"),
                    )
                }
                Failure::TimedOut(limit) => RpcError::new(
                    ErrorCode::InternalError,
                    format!(
                        "{what} did not finish within {} s and was stopped",
                        limit.as_secs_f64()
                    ),
                ),
            }),
        }
    }
}

impl Job {
    /// A tool call's job: failures answer as `isError` results.
    pub(crate) fn tool(
        tool: Arc<Tool>,
        version: ProtocolVersion,
        work: BoxFuture<'static, Answer>,
    ) -> Job {
        Job {
            work,
            on_failure: FailureAnswer::ToolResult(tool, version),
        }
    }

    /// The same job with its future wrapped (the stateless host's MRTR gate): the
    /// time limit and panic isolation cover the wrapper too.
    pub(crate) fn gated(
        self,
        wrap: impl FnOnce(BoxFuture<'static, Answer>) -> BoxFuture<'static, Answer>,
    ) -> Job {
        Job {
            work: wrap(self.work),
            on_failure: self.on_failure,
        }
    }

    /// Any other handler's job; `what` names it in error messages ("Resource read").
    pub(crate) fn other(what: &'static str, work: BoxFuture<'static, Answer>) -> Job {
        Job {
            work,
            on_failure: FailureAnswer::Error(what),
        }
    }
}

/// How a job ended.
#[derive(Debug)]
pub(crate) enum Finished {
    /// Send this answer.
    Answered(Answer),
    /// Cancelled: the spec says send nothing.
    Cancelled,
}

/// Where jobs run, and the limit they run under.
#[derive(Clone)]
pub(crate) struct Executor {
    /// The tool runtime: never an actor's or an HTTP worker's thread.
    runtime: tokio::runtime::Handle,
    /// A handler running longer than this is stopped.
    timeout: Duration,
}

impl Executor {
    pub(crate) fn new(runtime: tokio::runtime::Handle, timeout: Duration) -> Self {
        Executor { runtime, timeout }
    }

    /// Runs `job` on the tool runtime; `done` hears how it ended, exactly once, on a
    /// runtime thread. `cancellation` stops it (with [`CANCEL_GRACE`] to wind down).
    pub(crate) fn spawn<D>(&self, job: Job, cancellation: CancellationToken, done: D)
    where
        D: FnOnce(Finished) + Send + 'static,
    {
        let timeout = self.timeout;
        self.runtime.spawn(async move {
            done(run(job, cancellation, timeout).await);
        });
    }
}

async fn run(job: Job, cancellation: CancellationToken, timeout: Duration) -> Finished {
    // Cancelled while it waited for a thread (its session ended, the client gave up):
    // it never starts, so a backlog of abandoned calls costs nothing.
    if cancellation.is_cancelled() {
        return Finished::Cancelled;
    }
    // A panicking handler ends its own call, nothing more.
    let guarded = AssertUnwindSafe(job.work).catch_unwind();
    let mut work = std::pin::pin!(tokio::time::timeout(timeout, guarded));
    let outcome = tokio::select! {
        biased;
        _ = cancellation.cancelled() => {
            // Let a cooperative handler see the cancellation and clean up; then drop it.
            let _ = tokio::time::timeout(CANCEL_GRACE, &mut work).await;
            return Finished::Cancelled;
        }
        outcome = &mut work => outcome,
    };
    Finished::Answered(match outcome {
        Ok(Ok(answer)) => answer,
        Ok(Err(_panic)) => job.on_failure.answer(Failure::Panicked),
        Err(_elapsed) => job.on_failure.answer(Failure::TimedOut(timeout)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot;

    async fn finish(job: Job, cancellation: CancellationToken, timeout: Duration) -> Finished {
        let (tx, rx) = oneshot::channel();
        let executor = Executor::new(tokio::runtime::Handle::current(), timeout);
        executor.spawn(job, cancellation, move |finished| {
            let _ = tx.send(finished);
        });
        rx.await.expect("done is always called")
    }

    fn text(finished: Finished) -> String {
        match finished {
            Finished::Answered(Ok(raw)) => raw.get().to_owned(),
            Finished::Answered(Err(e)) => format!("error {}: {}", e.code, e.message),
            Finished::Cancelled => "cancelled".into(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn answers_times_out_and_isolates_panics() {
        let ok = Job::other("Read", Box::pin(async { answer(&1) }));
        let second = Duration::from_secs(1);
        assert_eq!(
            text(finish(ok, CancellationToken::new(), second).await),
            "1"
        );

        let hung = Job::other("Resource read", Box::pin(std::future::pending()));
        let out = text(finish(hung, CancellationToken::new(), Duration::from_millis(50)).await);
        assert!(
            out.starts_with("error -32603: Resource read did not finish"),
            "{out}"
        );

        let panics = Job::other(
            "Prompt",
            Box::pin(async {
                panic!("boom");
                #[allow(unreachable_code)]
                answer(&())
            }),
        );
        let out = text(finish(panics, CancellationToken::new(), second).await);
        assert_eq!(out, "error -32603: Prompt failed unexpectedly");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_cancelled_before_it_starts_never_runs() {
        let cancellation = CancellationToken::new();
        cancellation.cancel();
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let job = Job::other(
            "Read",
            Box::pin(async move {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                answer(&1)
            }),
        );
        let finished = finish(job, cancellation, Duration::from_secs(5)).await;
        assert_eq!(text(finished), "cancelled");
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancellation_gets_grace_then_nothing_is_answered() {
        let cancellation = CancellationToken::new();
        let seen = cancellation.clone();
        let (noticed_tx, noticed) = oneshot::channel();
        let job = Job::other(
            "Read",
            Box::pin(async move {
                seen.cancelled().await;
                let _ = noticed_tx.send(());
                answer(&"late")
            }),
        );
        let cancel_soon = cancellation.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            cancel_soon.cancel();
        });
        let finished = finish(job, cancellation, Duration::from_secs(5)).await;
        assert_eq!(text(finished), "cancelled");
        assert!(noticed.await.is_ok(), "the handler saw its cancellation");
    }
}
