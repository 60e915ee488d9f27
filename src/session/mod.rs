//! Session actors: one per client connection. A session owns its outbound event stream,
//! runs the MCP lifecycle, answers protocol methods itself, and hands each `tools/call`
//! to the tool's actor, so many calls run at once and answers leave in completion order.
//!
//! Owns: negotiated version, in-flight calls (and their cancellation), the bounded
//! outbound queue. Must not: run tool code, block, or know which transport carries it.

mod actor;
mod id;
mod outbound;

pub use actor::{Deliver, Session};
pub use id::SessionId;
pub use outbound::{Outbound, OutboundStream, SendError};
