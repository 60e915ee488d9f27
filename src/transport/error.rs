//! Every way a transport can refuse a request, as one error type handlers return with
//! `?`. Each renders as the status code, headers and JSON-RPC error body clients have
//! always seen, so both an HTTP client and a JSON-RPC client can tell what went wrong.
//!
//! Owns: the mapping from a refusal to its HTTP answer. Must not: decide when to
//! refuse (handlers, extractors and [`crate::access`] do) or log (they know the context).

use actix_web::{
    http::{
        header::{self, HeaderValue},
        StatusCode,
    },
    HttpResponse, ResponseError,
};
use std::borrow::Cow;
use std::fmt;

use crate::access::AccessDenied;
use crate::cluster::ForwardError;
use crate::protocol::{
    response_error, ErrorCode, ParseFailure, ProtocolVersion, RequestId, RpcError,
};
use crate::registry::RouteError;
use crate::session::Refusal;

/// JSON-RPC code for "no such session" (the TypeScript SDK's convention).
pub const SESSION_NOT_FOUND: i64 = -32001;

/// Why a transport did not take a request.
#[derive(Debug)]
pub enum TransportError {
    /// Host, Origin or bearer token refused (421 / 403 / 401 + `WWW-Authenticate`).
    Access(AccessDenied),
    /// 400 `-32600` with this explanation.
    BadRequest(Cow<'static, str>),
    /// 406: the `Accept` header must list what this names.
    NotAcceptable(&'static str),
    /// 415: the body is not declared as JSON.
    UnsupportedMediaType,
    /// 400: `MCP-Protocol-Version` names no revision we speak (holds what was sent).
    UnsupportedVersion(String),
    /// 404 `-32001`: unknown, ended or foreign session; clients start over.
    SessionNotFound,
    /// 413: the body is over this many bytes.
    PayloadTooLarge(usize),
    /// 400 with the parser's JSON-RPC error (`-32700` or `-32600`), echoing the request
    /// id when it could be read.
    Parse(ParseFailure),
    /// The session would not take the message (404, or 400 saying why).
    Refused(Refusal),
    /// 503 + `Retry-After: 5`: the registry refused a new session (at its limit, or
    /// draining for shutdown).
    SessionLimit,
    /// 503, empty: the registry actor is gone, so the server is shutting down.
    ShuttingDown,
    /// 503 + `Retry-After`: the shared session directory (Redis) cannot be reached,
    /// so a session cannot be opened or a message for another replica's session
    /// cannot be forwarded now.
    DirectoryUnavailable,
    /// 405 with `Allow` naming what the route does take.
    MethodNotAllowed(&'static str),
    /// A JSON-RPC error answered with this status, echoing the request id (how a
    /// 2026-07-28 request is refused: 400 `-32602`/`-32020`/`-32022`, 404 `-32601`).
    Rpc {
        status: StatusCode,
        id: Option<RequestId>,
        error: Box<RpcError>,
    },
    /// 500, empty: a fault of ours (a queue that could not take its first item, a
    /// session that stopped without answering `initialize`, routes mounted without
    /// their state).
    Internal,
}

/// An HTTP response carrying a JSON-RPC error body.
pub fn jsonrpc_error(status: StatusCode, id: Option<&RequestId>, error: &RpcError) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(response_error(id, error))
}

impl From<ForwardError> for TransportError {
    fn from(error: ForwardError) -> Self {
        match error {
            ForwardError::UnknownSession => TransportError::SessionNotFound,
            ForwardError::Refused(refusal) => TransportError::Refused(refusal),
            ForwardError::Unavailable => TransportError::DirectoryUnavailable,
        }
    }
}

impl From<RouteError> for TransportError {
    fn from(error: RouteError) -> Self {
        match error {
            RouteError::UnknownSession => TransportError::SessionNotFound,
            RouteError::Refused(refusal) => TransportError::Refused(refusal),
        }
    }
}

impl From<AccessDenied> for TransportError {
    fn from(denied: AccessDenied) -> Self {
        TransportError::Access(denied)
    }
}

impl From<ParseFailure> for TransportError {
    fn from(failure: ParseFailure) -> Self {
        TransportError::Parse(failure)
    }
}

/// What a session's refusal tells the client; `None` for the one that means "no such
/// session" (an id of the other transport).
fn refusal_message(refusal: &Refusal) -> Option<String> {
    Some(match refusal {
        Refusal::WrongTransport => return None,
        Refusal::BatchNotAllowed(version) => format!(
            "JSON-RPC batches are accepted only from sessions at protocol 2025-03-26 (this session: {})",
            version.map_or("not initialized", ProtocolVersion::as_str)
        ),
        Refusal::UnknownEventId => "Last-Event-ID does not name a stream of this session".into(),
        Refusal::DuplicateRequestId(id) => {
            format!("Request id {id} is already in use by a request in flight")
        }
    })
}

fn invalid_request(status: StatusCode, message: impl Into<String>) -> HttpResponse {
    jsonrpc_error(
        status,
        None,
        &RpcError::new(ErrorCode::InvalidRequest, message),
    )
}

fn session_not_found() -> HttpResponse {
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

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Access(denied) => denied.fmt(f),
            TransportError::BadRequest(why) => f.write_str(why),
            TransportError::NotAcceptable(needs) => write!(f, "Accept must list {needs}"),
            TransportError::UnsupportedMediaType => f.write_str("Content-Type is not JSON"),
            TransportError::UnsupportedVersion(sent) => {
                write!(f, "unsupported MCP-Protocol-Version {sent:?}")
            }
            TransportError::SessionNotFound => f.write_str("session not found"),
            TransportError::PayloadTooLarge(limit) => write!(f, "body over {limit} bytes"),
            TransportError::Parse(failure) => f.write_str(&failure.error.message),
            TransportError::Refused(refusal) => write!(f, "session refused: {refusal:?}"),
            TransportError::SessionLimit => f.write_str("session limit reached"),
            TransportError::ShuttingDown => f.write_str("shutting down"),
            TransportError::DirectoryUnavailable => {
                f.write_str("shared session directory unavailable")
            }
            TransportError::MethodNotAllowed(allow) => write!(f, "method not allowed; use {allow}"),
            TransportError::Rpc { error, .. } => f.write_str(&error.message),
            TransportError::Internal => f.write_str("internal error"),
        }
    }
}

impl ResponseError for TransportError {
    fn status_code(&self) -> StatusCode {
        match self {
            TransportError::Access(denied) => denied.status(),
            TransportError::BadRequest(_)
            | TransportError::UnsupportedVersion(_)
            | TransportError::Parse(_) => StatusCode::BAD_REQUEST,
            TransportError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            TransportError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            TransportError::SessionNotFound | TransportError::Refused(Refusal::WrongTransport) => {
                StatusCode::NOT_FOUND
            }
            TransportError::Refused(_) => StatusCode::BAD_REQUEST,
            TransportError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            TransportError::SessionLimit
            | TransportError::ShuttingDown
            | TransportError::DirectoryUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            TransportError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            TransportError::Rpc { status, .. } => *status,
            TransportError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            TransportError::Access(denied) => {
                let mut response = invalid_request(status, denied.to_string());
                if let Some(challenge) = denied.challenge() {
                    response.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static(challenge),
                    );
                }
                response
            }
            TransportError::BadRequest(why) => invalid_request(status, why.clone()),
            TransportError::NotAcceptable(needs) => invalid_request(
                status,
                format!("Not Acceptable: the Accept header must list {needs}"),
            ),
            TransportError::UnsupportedMediaType => invalid_request(
                status,
                "Unsupported Media Type: Content-Type must be application/json",
            ),
            TransportError::UnsupportedVersion(sent) => invalid_request(
                status,
                format!(
                    "Unsupported MCP-Protocol-Version {sent:?}; supported: {}",
                    ProtocolVersion::HANDSHAKE
                        .map(ProtocolVersion::as_str)
                        .join(", ")
                ),
            ),
            TransportError::SessionNotFound => session_not_found(),
            TransportError::PayloadTooLarge(limit) => invalid_request(
                status,
                format!("Request body exceeds the limit of {limit} bytes"),
            ),
            TransportError::Parse(failure) => {
                jsonrpc_error(status, failure.id.as_ref(), &failure.error)
            }
            TransportError::Refused(refusal) => match refusal_message(refusal) {
                Some(message) => invalid_request(status, message),
                None => session_not_found(),
            },
            TransportError::SessionLimit => {
                let mut response = jsonrpc_error(
                    status,
                    None,
                    &RpcError::new(
                        ErrorCode::ServerError,
                        "Too many sessions open; retry shortly",
                    ),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                response
            }
            TransportError::DirectoryUnavailable => {
                let mut response = jsonrpc_error(
                    status,
                    None,
                    &RpcError::new(
                        ErrorCode::ServerError,
                        "The shared session directory (Redis) is unreachable; retry shortly",
                    ),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
                response
            }
            TransportError::MethodNotAllowed(allow) => {
                let mut response =
                    invalid_request(status, format!("Method not allowed here; use {allow}"));
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
                response
            }
            TransportError::Rpc { id, error, .. } => jsonrpc_error(status, id.as_ref(), error),
            TransportError::ShuttingDown | TransportError::Internal => {
                HttpResponse::build(status).finish()
            }
        }
    }
}
