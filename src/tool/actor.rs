//! Tool actors: one per tool on each actor thread that calls it (see
//! [`super::ToolActors`]). A tool actor receives [`Invoke`] and starts the call on the
//! tool runtime (a separate thread pool); the call's task sends its outcome straight
//! back to the session as a [`ToolFinished`]. No tool work ever runs on a session's,
//! the registry's or an HTTP worker's thread, and a call costs the fewest thread
//! hand-offs that allows: two (onto the runtime, back to the session), since the
//! session and its tool actor share a thread.

use actix::prelude::*;
use futures_util::FutureExt;
use serde_json::Value;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use super::{CallToolResult, Tool, ToolContext};
use crate::protocol::RequestId;

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

/// How a call ended, sent to the session that asked for it.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ToolFinished {
    pub request_id: RequestId,
    pub outcome: ToolOutcome,
}

/// Start a call of this actor's tool; its outcome goes to `reply_to`.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Invoke {
    /// The `arguments` of `tools/call` (`{}` when the client sent none).
    pub arguments: Value,
    pub context: ToolContext,
    pub reply_to: Recipient<ToolFinished>,
}

impl Handler<Invoke> for ToolActor {
    type Result = ();

    fn handle(&mut self, msg: Invoke, _ctx: &mut Self::Context) {
        let tool = self.tool.clone();
        let timeout = self.call_timeout;
        self.runtime.spawn(async move {
            let request_id = msg.context.request_id.clone();
            let outcome = run_call(tool, msg.arguments, msg.context, timeout).await;
            // The session may have ended meanwhile; then no one waits for this.
            msg.reply_to.do_send(ToolFinished {
                request_id,
                outcome,
            });
        });
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
    // A panicking tool ends its own call with an error result, nothing more.
    let guarded = AssertUnwindSafe(tool.call(arguments, ctx)).catch_unwind();
    let mut call = std::pin::pin!(tokio::time::timeout(timeout, guarded));
    let finished = tokio::select! {
        biased;
        _ = cancellation.cancelled() => {
            // Let a cooperative tool see the cancellation and clean up; then drop it.
            let _ = tokio::time::timeout(CANCEL_GRACE, &mut call).await;
            return ToolOutcome::Cancelled;
        }
        finished = &mut call => finished,
    };
    ToolOutcome::Completed(match finished {
        Ok(Ok(result)) => result,
        Ok(Err(_panic)) => {
            tracing::error!(tool = %tool.name(), "tool panicked; the call ends with an error result");
            CallToolResult::error(format!("Tool `{}` failed unexpectedly", tool.name()))
        }
        Err(_elapsed) => CallToolResult::error(format!(
            "Tool `{}` did not finish within {} s and was stopped",
            tool.name(),
            timeout.as_secs_f64()
        )),
    })
}
