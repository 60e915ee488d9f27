//! JSON-RPC and MCP error codes, and the error object sent in a response.

use serde::Serialize;
use serde_json::Value;

/// Error codes used on the wire. JSON-RPC's own codes plus the MCP ones we emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The body is not JSON.
    ParseError,
    /// The JSON is not a valid JSON-RPC message, or the request is not allowed now.
    InvalidRequest,
    /// No such method (or a capability we do not offer).
    MethodNotFound,
    /// The params do not fit the method (unknown tool, bad cursor, …).
    InvalidParams,
    /// Something failed on our side.
    InternalError,
    /// Implementation-defined server error (SDK convention), e.g. a per-session limit.
    ServerError,
    /// 2026-07-28: an HTTP header disagrees with the body it mirrors, or is missing.
    HeaderMismatch,
    /// 2026-07-28: the request needs a client capability it did not declare (the
    /// tasks extension, say); `data.requiredCapabilities` names it.
    MissingRequiredClientCapability,
    /// 2026-07-28: the request names a protocol revision we do not serve statelessly.
    UnsupportedProtocolVersion,
    /// 2026-07-28: serving the request needs a client capability it did not declare.
    MissingClientCapability,
}

impl ErrorCode {
    pub fn code(self) -> i64 {
        match self {
            ErrorCode::ParseError => -32700,
            ErrorCode::InvalidRequest => -32600,
            ErrorCode::MethodNotFound => -32601,
            ErrorCode::InvalidParams => -32602,
            ErrorCode::InternalError => -32603,
            ErrorCode::ServerError => -32000,
            ErrorCode::HeaderMismatch => -32020,
            ErrorCode::MissingRequiredClientCapability => -32021,
            ErrorCode::UnsupportedProtocolVersion => -32022,
            ErrorCode::MissingClientCapability => -32021,
        }
    }
}

/// The `error` member of a JSON-RPC response.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        RpcError {
            code: code.code(),
            message: message.into(),
            data: None,
        }
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    pub fn method_not_found(method: &str) -> Self {
        RpcError::new(
            ErrorCode::MethodNotFound,
            format!("Method not found: {method}"),
        )
    }

    pub fn invalid_params(message: impl Into<String>) -> Self {
        RpcError::new(ErrorCode::InvalidParams, message)
    }
}
