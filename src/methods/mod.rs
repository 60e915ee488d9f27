//! MCP methods, one module per family. Each turns request params into a result (or a
//! JSON-RPC error) for a given protocol revision.
//!
//! Owns: param parsing, result shapes, version gating of fields. Must not: hold session
//! state, do I/O, or run tools — the session actor calls these and decides what to send.

pub mod completion;
pub mod lifecycle;
pub mod logging;
pub mod prompts;
pub mod resources;
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
    pub const RESOURCES_LIST: &str = "resources/list";
    pub const RESOURCE_TEMPLATES_LIST: &str = "resources/templates/list";
    pub const RESOURCES_READ: &str = "resources/read";
    pub const RESOURCES_SUBSCRIBE: &str = "resources/subscribe";
    pub const RESOURCES_UNSUBSCRIBE: &str = "resources/unsubscribe";
    pub const RESOURCE_UPDATED: &str = "notifications/resources/updated";
    pub const PROMPTS_LIST: &str = "prompts/list";
    pub const PROMPTS_GET: &str = "prompts/get";
    pub const COMPLETE: &str = "completion/complete";

    /// Methods that need an initialized session (others are unknown before and after).
    pub const SESSION_METHODS: [&str; 11] = [
        TOOLS_LIST,
        TOOLS_CALL,
        SET_LOG_LEVEL,
        RESOURCES_LIST,
        RESOURCE_TEMPLATES_LIST,
        RESOURCES_READ,
        RESOURCES_SUBSCRIBE,
        RESOURCES_UNSUBSCRIBE,
        PROMPTS_LIST,
        PROMPTS_GET,
        COMPLETE,
    ];
    /// The 2026-07-28 stateless handshake, which we do not speak yet.
    pub const SERVER_DISCOVER: &str = "server/discover";
}

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::protocol::RpcError;

/// Reads a method's params into its type; a mismatch is `-32602`.
fn parse_params<T: for<'de> Deserialize<'de>>(
    params: Option<Map<String, Value>>,
) -> Result<T, RpcError> {
    serde_json::from_value(Value::Object(params.unwrap_or_default()))
        .map_err(|e| RpcError::invalid_params(format!("Invalid params: {e}")))
}
