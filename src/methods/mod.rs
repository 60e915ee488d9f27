//! MCP methods, one module per family. Each turns request params into a result (or a
//! JSON-RPC error) for a given protocol revision.
//!
//! Owns: param parsing, result shapes, version gating of fields. Must not: hold session
//! state, do I/O, or run tools — the session actor calls these and decides what to send.

pub mod lifecycle;
pub mod logging;
pub mod tools;

/// Names of the methods and notifications we handle.
pub mod names {
    pub const INITIALIZE: &str = "initialize";
    pub const INITIALIZED: &str = "notifications/initialized";
    pub const PING: &str = "ping";
    pub const CANCELLED: &str = "notifications/cancelled";
    pub const TOOLS_LIST: &str = "tools/list";
    pub const TOOLS_CALL: &str = "tools/call";
    pub const SET_LOG_LEVEL: &str = "logging/setLevel";
    /// The 2026-07-28 stateless handshake, which we do not speak yet.
    pub const SERVER_DISCOVER: &str = "server/discover";
}
