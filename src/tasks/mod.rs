//! Tasks: the store every task lives in, and the wire shapes of a task — for the
//! `io.modelcontextprotocol/tasks` extension (SEP-2663) of 2026-07-28 requests, and for
//! the experimental `tasks/*` of 2025-11-25 sessions (started, waited on and carried
//! by the session: `crate::session`'s `tasks` module; v1 names in [`SessionTask`]).
//!
//! # Design (the extension)
//!
//! A `tools/call` of a tool whose `execution.taskSupport` is `optional` or `required`,
//! from a request that declared the extension in its `_meta` client capabilities, is
//! answered with a task handle (`CreateTaskResult`, `resultType: "task"`) as soon as
//! the task is in the store; the call itself runs on the executor like any other, and
//! its outcome is written back to the task. The client then polls `tasks/get` (which
//! inlines the result or the JSON-RPC error once terminal), answers input requests with
//! `tasks/update`, and may `tasks/cancel`. There is no `tasks/list` or `tasks/result`
//! in this revision of the extension (`-32601`).
//!
//! The store ([`TaskStore`]) is one concrete type with a handful of synchronous calls
//! — `create`, `get`, `cancel`, `respond`, `finish`, and `request_input` for the
//! handler side — so a shared (Redis-backed) store can later replace it by offering
//! the same calls. It is:
//! - **bounded**: at most `McpConfig::max_tasks` tasks exist at once, finished ones
//!   included until they expire; one more is refused with a clear `-32000` error;
//! - **expiring**: every task is dropped `McpConfig::task_ttl` after it was created
//!   (the `ttlMs` it announces), running or not; a running one is cancelled then;
//! - **bound to its owner** ([`TaskOwner`]): a 2026-07-28 request's principal, or a
//!   session; any other caller is told it does not exist (`-32602`), as for an
//!   unknown id; a session's tasks are dropped (and cancelled) when it ends;
//! - **cancellable**: `tasks/cancel` settles the task to `cancelled` at once and fires
//!   the job's `CancellationToken` (the executor then gives it its grace period);
//! - **ready for input**: a task can hold pending input requests (`inputRequests`,
//!   keyed by server-minted unique keys) and hand each response to whoever waits for
//!   it; the task reads `input_required` while any is pending. A task's handler asks
//!   through `stateless::link::TaskLink`, whose `ask` parks the request here
//!   ([`TaskStore::request_input`]) and waits: unlike a stateless request's MRTR round,
//!   the handler is resumed where it waited, not re-run.
//!
//! Owns: task state, its limits and expiry, and the wire form of a task. Must not:
//! parse requests (the `tasks` family in [`crate::methods`] does), run handlers (the
//! executor does), or know HTTP.

mod store;
mod wire;

// `InputRequest` is what the MRTR glue will hand `TaskStore::request_input`.
#[allow(unused_imports)]
pub(crate) use store::InputRequest;
pub(crate) use store::{Cancelled, Settled, StoreFull, TaskLimits, TaskOwner, TaskStore};
pub(crate) use wire::SessionTask;

/// The extension's identifier, in client and server capabilities.
pub const EXTENSION: &str = "io.modelcontextprotocol/tasks";
