//! HTTP error responses that carry a JSON-RPC error body, so both an HTTP client and
//! a JSON-RPC client can tell what went wrong.

use actix_web::{http::StatusCode, HttpResponse};

use crate::protocol::{response_error, ErrorCode, RequestId, RpcError};

/// JSON-RPC code for "no such session" (the TypeScript SDK's convention).
pub const SESSION_NOT_FOUND: i64 = -32001;

pub fn jsonrpc_error(status: StatusCode, id: Option<&RequestId>, error: &RpcError) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(response_error(id, error))
}

pub fn bad_request(message: impl Into<String>) -> HttpResponse {
    jsonrpc_error(
        StatusCode::BAD_REQUEST,
        None,
        &RpcError::new(ErrorCode::InvalidRequest, message),
    )
}

pub fn session_not_found() -> HttpResponse {
    jsonrpc_error(
        StatusCode::NOT_FOUND,
        None,
        &RpcError {
            code: SESSION_NOT_FOUND,
            message: "Session not found: it ended or never existed; open a new session".into(),
            data: None,
        },
    )
}

pub fn payload_too_large(limit: usize) -> HttpResponse {
    jsonrpc_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        None,
        &RpcError::new(
            ErrorCode::InvalidRequest,
            format!("Request body exceeds the limit of {limit} bytes"),
        ),
    )
}

/// 405 with the `Allow` header naming what the route does take.
pub fn method_not_allowed(allow: &'static str) -> HttpResponse {
    let mut response = jsonrpc_error(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        &RpcError::new(
            ErrorCode::InvalidRequest,
            format!("Method not allowed here; use {allow}"),
        ),
    );
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static(allow),
    );
    response
}
