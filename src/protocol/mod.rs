//! Protocol types: JSON-RPC 2.0 envelopes, MCP error codes and protocol revisions.
//!
//! This module owns the wire shapes every transport shares. It parses bytes into a
//! [`Message`] and builds outgoing envelopes; it must not know about HTTP, actors or tools.

mod error;
mod jsonrpc;
mod version;

pub use error::{ErrorCode, RpcError};
pub use jsonrpc::{
    notification, parse_message, response_error, response_ok, Message, ParseFailure, RequestId,
};
pub use version::ProtocolVersion;

mod content;
mod icon;
mod logging;
pub use content::{Annotations, Content, ResourceContents, Role};
pub use icon::Icon;
pub use logging::LogLevel;
