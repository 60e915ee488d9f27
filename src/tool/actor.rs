//! Tool actors: one per tool. A tool actor receives [`Invoke`], starts the call on the
//! tool runtime (a separate thread pool) and hands back a [`ToolCall`] at once, so no
//! tool work ever runs on a session's, the registry's or an HTTP worker's thread.

use actix::prelude::*;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context as TaskContext, Poll};
use std::time::Duration;
use tokio::task::JoinHandle;

use super::{CallToolResult, Tool, ToolContext};

/// How many invocations may wait in a tool actor's mailbox before senders wait.
const MAILBOX_CAPACITY: usize = 1024;

/// After a cancellation, how long a tool may take to notice it (`ctx.cancelled()`)
/// and wind down before its future is dropped.
pub const CANCEL_GRACE: Duration = Duration::from_secs(1);

/// Owns one tool and the policy for running it.
pub struct ToolActor {
    /// The tool this actor runs.
    tool: Tool,
    /// The thread pool calls run on: never an actor's thread.
    runtime: tokio::runtime::Handle,
    /// A call running longer than this ends with an error result.
    call_timeout: Duration,
}

impl ToolActor {
    pub fn new(tool: Tool, runtime: tokio::runtime::Handle, call_timeout: Duration) -> Self {
        ToolActor {
            tool,
            runtime,
            call_timeout,
        }
    }
}

impl Actor for ToolActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
    }
}

/// Start a call of this actor's tool.
#[derive(Message)]
#[rtype(result = "ToolCall")]
pub struct Invoke {
    /// The `arguments` of `tools/call` (`{}` when the client sent none).
    pub arguments: Value,
    pub context: ToolContext,
}

impl Handler<Invoke> for ToolActor {
    type Result = MessageResult<Invoke>;

    fn handle(&mut self, msg: Invoke, _ctx: &mut Self::Context) -> Self::Result {
        let handle = self.runtime.spawn(run_call(
            self.tool.clone(),
            msg.arguments,
            msg.context,
            self.call_timeout,
        ));
        MessageResult(ToolCall {
            handle,
            tool_name: self.tool.name().to_owned(),
        })
    }
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolOutcome {
    /// Answer the request with this result (which may be an `isError` result).
    Completed(CallToolResult),
    /// The call was cancelled: no response is sent.
    Cancelled,
}

async fn run_call(
    tool: Tool,
    arguments: Value,
    ctx: ToolContext,
    timeout: Duration,
) -> ToolOutcome {
    if let Err(problem) = tool.validate_arguments(&arguments) {
        return ToolOutcome::Completed(CallToolResult::error(problem));
    }
    let cancellation = ctx.cancellation().clone();
    let mut call = std::pin::pin!(tokio::time::timeout(timeout, tool.call(arguments, ctx)));
    tokio::select! {
        biased;
        _ = cancellation.cancelled() => {
            // Let a cooperative tool see the cancellation and clean up; then drop it.
            let _ = tokio::time::timeout(CANCEL_GRACE, &mut call).await;
            ToolOutcome::Cancelled
        }
        finished = &mut call => ToolOutcome::Completed(
            finished.unwrap_or_else(|_| {
                CallToolResult::error(format!(
                    "Tool `{}` did not finish within {} s and was stopped",
                    tool.name(),
                    timeout.as_secs_f64()
                ))
            }),
        ),
    }
}

/// A call in progress. Await it for the outcome; dropping it aborts the call.
pub struct ToolCall {
    handle: JoinHandle<ToolOutcome>,
    tool_name: String,
}

impl Future for ToolCall {
    type Output = ToolOutcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<ToolOutcome> {
        let joined = ready!(Pin::new(&mut self.handle).poll(cx));
        Poll::Ready(match joined {
            Ok(outcome) => outcome,
            Err(e) if e.is_panic() => {
                tracing::error!(tool = %self.tool_name, "tool panicked; the call ends with an error result");
                ToolOutcome::Completed(CallToolResult::error(format!(
                    "Tool `{}` failed unexpectedly",
                    self.tool_name
                )))
            }
            Err(_) => ToolOutcome::Cancelled,
        })
    }
}

impl Drop for ToolCall {
    fn drop(&mut self) {
        // A finished task ignores this; a running one stops at its next await point.
        self.handle.abort();
    }
}
