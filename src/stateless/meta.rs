//! The per-request `_meta` of a 2026-07-28 request: its reserved keys, reading the
//! required ones, and checking the revision it names.
//!
//! Owns: the `io.modelcontextprotocol/*` keys and their `-32602` / `-32022` errors.
//! Must not: look at HTTP headers (the transport compares `MCP-Protocol-Version`
//! with [`RequestMeta::requested`]).

use serde_json::{json, Map, Value};

use crate::methods::lifecycle::supported_versions;
use crate::protocol::{ErrorCode, LogLevel, ProtocolVersion, RpcError};

/// The revision a request is sent under (required).
pub const PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
/// What the client can do (required; its `extensions` say whether it takes tasks).
pub const CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
/// Who we are, on every result.
pub const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";
/// The least severe log level the request wants on its answer stream (optional;
/// absent: no log messages).
pub const LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";

/// What a request's `_meta` declared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RequestMeta {
    /// `io.modelcontextprotocol/protocolVersion` as sent (compared with the header as is).
    pub requested: String,
    /// What the client declared it can do: only these are asked for (MRTR).
    pub capabilities: Map<String, Value>,
    /// The request's log level opt-in.
    pub log_level: Option<LogLevel>,
    /// The client capabilities name the tasks extension: it may get a task handle.
    pub tasks: bool,
}

/// Whether `params` declare a 2026-07-28-style protocol version (whatever its value):
/// such a request is stateless even if the version is one we do not speak.
pub(crate) fn declares_version(params: Option<&Map<String, Value>>) -> bool {
    params
        .and_then(|p| p.get("_meta"))
        .and_then(Value::as_object)
        .is_some_and(|meta| meta.contains_key(PROTOCOL_VERSION))
}

impl RequestMeta {
    /// Reads the required `_meta` fields; a missing or mistyped one is `-32602`.
    pub fn read(params: Option<&Map<String, Value>>) -> Result<RequestMeta, RpcError> {
        let Some(meta) = params
            .and_then(|p| p.get("_meta"))
            .and_then(Value::as_object)
        else {
            return Err(missing(
                "params._meta is required: 2026-07-28 requests carry their protocol version and client capabilities there",
            ));
        };
        let Some(requested) = meta.get(PROTOCOL_VERSION).and_then(Value::as_str) else {
            return Err(missing(&format!(
                "_meta[\"{PROTOCOL_VERSION}\"] must be a string"
            )));
        };
        let Some(capabilities) = meta.get(CLIENT_CAPABILITIES).and_then(Value::as_object) else {
            return Err(missing(&format!(
                "_meta[\"{CLIENT_CAPABILITIES}\"] must be an object"
            )));
        };
        let tasks = capabilities
            .get("extensions")
            .and_then(Value::as_object)
            .is_some_and(|extensions| extensions.contains_key(crate::tasks::EXTENSION));
        let log_level = match meta.get(LOG_LEVEL) {
            None => None,
            Some(level) => Some(serde_json::from_value(level.clone()).map_err(|_| {
                missing(&format!(
                    "_meta[\"{LOG_LEVEL}\"] must be a log level (debug, info, notice, warning, error, critical, alert, emergency)"
                ))
            })?),
        };
        Ok(RequestMeta {
            requested: requested.to_owned(),
            capabilities: capabilities.clone(),
            log_level,
            tasks,
        })
    }

    /// The revision to serve: one we serve statelessly, or `-32022` naming those we speak.
    pub fn version(&self) -> Result<ProtocolVersion, RpcError> {
        ProtocolVersion::parse(&self.requested)
            .filter(|v| v.is_stateless())
            .ok_or_else(|| {
                RpcError::new(
                    ErrorCode::UnsupportedProtocolVersion,
                    format!("Unsupported protocol version {:?}", self.requested),
                )
                .with_data(json!({
                    "supported": supported_versions(),
                    "requested": self.requested,
                }))
            })
    }
}

fn missing(why: &str) -> RpcError {
    RpcError::invalid_params(format!("Invalid params: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(v: Value) -> Option<Map<String, Value>> {
        v.as_object().cloned()
    }

    #[test]
    fn requires_version_and_capabilities_but_not_client_info() {
        let ok =
            params(json!({"_meta": {PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: {}}}));
        let meta = RequestMeta::read(ok.as_ref()).unwrap();
        assert_eq!(meta.version().unwrap(), ProtocolVersion::V2026_07_28);
        assert_eq!(meta.log_level, None);
        let opted = params(
            json!({"_meta": {PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: {}, LOG_LEVEL: "warning"}}),
        );
        assert_eq!(
            RequestMeta::read(opted.as_ref()).unwrap().log_level,
            Some(LogLevel::Warning)
        );
        assert!(!meta.tasks);
        let tasks = params(json!({"_meta": {PROTOCOL_VERSION: "2026-07-28",
            CLIENT_CAPABILITIES: {"extensions": {"io.modelcontextprotocol/tasks": {}}}}}));
        assert!(RequestMeta::read(tasks.as_ref()).unwrap().tasks);
        for bad in [
            json!({}),
            json!({"_meta": {CLIENT_CAPABILITIES: {}}}),
            json!({"_meta": {PROTOCOL_VERSION: 7, CLIENT_CAPABILITIES: {}}}),
            json!({"_meta": {PROTOCOL_VERSION: "2026-07-28"}}),
            json!({"_meta": {PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: {}, LOG_LEVEL: "loud"}}),
        ] {
            let err = RequestMeta::read(params(bad.clone()).as_ref()).unwrap_err();
            assert_eq!(err.code, -32602, "{bad}");
        }
        assert!(!declares_version(params(json!({"_meta": {}})).as_ref()));
        assert!(declares_version(
            params(json!({"_meta": {PROTOCOL_VERSION: 1}})).as_ref()
        ));
    }

    #[test]
    fn a_handshake_or_unknown_revision_is_unsupported_here() {
        for requested in ["2025-11-25", "v999.0.0"] {
            let meta = RequestMeta {
                requested: requested.into(),
                capabilities: Map::new(),
                log_level: None,
                tasks: false,
            };
            let err = meta.version().unwrap_err();
            assert_eq!(err.code, -32022);
            let data = err.data.unwrap();
            assert_eq!(data["requested"], requested);
            assert_eq!(data["supported"][0], "2026-07-28");
        }
    }
}
