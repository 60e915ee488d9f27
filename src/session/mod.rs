//! Session actors: one per client session, whichever transport carries it. A session
//! runs the MCP lifecycle, answers protocol methods itself, hands each `tools/call` to
//! the tool's actor (so many calls run at once and answers leave in completion order),
//! and writes every message to the right stream.
//!
//! Owns: negotiated version, in-flight calls and their cancellation, the session's
//! streams (bounded queues, event ids, replay buffer), its own expiry. Must not: run
//! tool code, block, or know HTTP (transports translate to and from [`Envelope`]s).

mod actor;
mod envelope;
mod id;
mod replay;
mod sink;
mod wire;

pub use actor::{
    AskClient, Deliver, Drain, ListKind, ReportLog, ReportProgress, ServerEvent, Session,
};
pub use envelope::{Envelope, Refusal};
pub use id::SessionId;
pub use sink::{EventSink, EventStream, SendError, StreamItem};
pub use wire::Wire;
