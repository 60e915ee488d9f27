//! Transports: where HTTP requests enter. They turn requests into
//! [`crate::session::Envelope`]s for the registry and session actors, and the items
//! sessions write into HTTP responses (JSON or SSE).
//!
//! Owns: routes, status codes, headers, body limits. Must not: interpret MCP methods
//! beyond what routing needs (sessions do) or keep session state of their own.

pub mod http_error;
pub mod sse;
pub mod streamable;

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use bytes::Bytes;

/// Reads a request body of at most `limit` bytes; the `Err` is the response to send.
pub(crate) async fn read_body(
    req: &HttpRequest,
    body: web::Payload,
    limit: usize,
) -> Result<Bytes, Box<HttpResponse>> {
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit);
    if declared_too_large {
        return Err(Box::new(http_error::payload_too_large(limit)));
    }
    match body.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(Box::new(http_error::bad_request(
            "Could not read the request body",
        ))),
        Err(_) => Err(Box::new(http_error::payload_too_large(limit))),
    }
}
