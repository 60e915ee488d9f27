//! What transports hand a session (through the registry), and why a session may refuse.

use actix::Message as ActixMessage;

use super::sink::EventSink;
use crate::protocol::{Message, ProtocolVersion, RequestId};

/// One client action for a session.
#[derive(ActixMessage)]
#[rtype(result = "Result<(), Refusal>")]
pub enum Envelope {
    /// Legacy HTTP+SSE: a message whose answer goes to the session's one stream.
    Legacy(Message),
    /// Streamable HTTP POST of one message; a request's answer goes to `reply`.
    Post {
        message: Message,
        /// The `MCP-Protocol-Version` header, if sent.
        protocol_version: Option<ProtocolVersion>,
        reply: Option<EventSink>,
    },
    /// Streamable HTTP POST of a batch (sessions at 2025-03-26 only).
    PostBatch {
        messages: Vec<Message>,
        protocol_version: Option<ProtocolVersion>,
        reply: EventSink,
    },
    /// Streamable HTTP GET: the standalone stream, or a resumption after `Last-Event-ID`.
    OpenStream {
        last_event_id: Option<String>,
        protocol_version: Option<ProtocolVersion>,
        sink: EventSink,
    },
    /// Streamable HTTP DELETE: end the session.
    Terminate {
        protocol_version: Option<ProtocolVersion>,
    },
}

/// Why a session would not take an envelope; transports answer with a 4xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The id belongs to a session of the other transport (treated as unknown: 404).
    WrongTransport,
    /// A batch on a session whose revision has no batches.
    BatchNotAllowed(Option<ProtocolVersion>),
    /// `Last-Event-ID` that names no stream of this session.
    UnknownEventId,
    /// A request id already in flight on this session.
    DuplicateRequestId(RequestId),
}
