//! Session actors: one per client session, whichever transport carries it. A session
//! runs the MCP lifecycle, routes each request through [`crate::methods`], runs the
//! handlers it needs on [`crate::executor`] (so many calls run at once and answers
//! leave in completion order), and writes every message to the right stream.
//!
//! Owns: the negotiated terms, in-flight requests and their cancellation, requests to
//! the client, the session's streams (bounded queues, event ids, replay buffer), its
//! own expiry. Must not: run handler code, block, or know HTTP (transports translate
//! to and from [`Envelope`]s).
//!
//! Files: `actor/` is the actor (core, inbound, requests, outbound); `in_flight` and
//! `client_requests` are the plain tables it keeps; `wire`, `sink` and `replay` are
//! where its messages go; `envelope` is what transports hand it.

mod actor;
pub(crate) mod client_requests;
mod envelope;
mod id;
mod in_flight;
mod replay;
mod sink;
mod wire;

pub use actor::{Abandon, Deliver, Drain, ListKind, ServerEvent, Session};
pub use envelope::{Envelope, Refusal};
pub use id::SessionId;
pub use sink::{EventSink, EventStream, SendError, StreamItem};
pub use wire::Wire;
