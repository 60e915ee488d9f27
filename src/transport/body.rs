//! The one body parser both transports use: read the body within the size limit,
//! parse it as JSON, classify it as one JSON-RPC message or a batch.
//!
//! Owns: the body's limit (413), JSON errors (`-32700`) and message errors (`-32600`).
//! Must not: decide whether a batch is allowed (the legacy transport never allows one;
//! on Streamable HTTP the session decides by its revision).

use actix_web::{http::header, web, HttpRequest};
use serde_json::Value;

use super::error::TransportError;
use crate::protocol::{Message, ParseFailure};

/// What a POST body holds.
pub enum Incoming {
    /// One JSON-RPC message, already checked.
    Single(Message),
    /// A JSON array; its items are checked by [`Batch::into_messages`], after the
    /// handler's own checks (a batch without a session is refused for that first).
    Batch(Batch),
}

/// A JSON-RPC batch whose items are not checked yet.
pub struct Batch {
    /// The array's items, as sent.
    items: Vec<Value>,
}

impl Batch {
    /// The batch's messages; an empty batch or any malformed item refuses the whole
    /// batch (with that item's error and id).
    pub fn into_messages(self) -> Result<Vec<Message>, TransportError> {
        if self.items.is_empty() {
            return Err(TransportError::BadRequest(
                "Invalid Request: empty batch".into(),
            ));
        }
        self.items
            .into_iter()
            .map(|item| Message::from_value(item).map_err(TransportError::from))
            .collect()
    }
}

/// Reads and parses a POST body of at most `limit` bytes.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Incoming, TransportError> {
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit);
    if declared_too_large {
        return Err(TransportError::PayloadTooLarge(limit));
    }
    let bytes = match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return Err(TransportError::BadRequest(
                "Could not read the request body".into(),
            ))
        }
        Err(_) => return Err(TransportError::PayloadTooLarge(limit)),
    };
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| ParseFailure::not_json(&e))?;
    match value {
        Value::Array(items) => Ok(Incoming::Batch(Batch { items })),
        value => Ok(Incoming::Single(Message::from_value(value)?)),
    }
}
