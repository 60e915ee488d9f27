//! Extractors every MCP handler starts with: [`Admitted`] (who is calling, or the
//! refusal) and [`McpHeaders`] (the session and protocol headers).
//!
//! Owns: reading and checking those request headers. Must not: read the body or
//! reach a session. [`McpHeaders`] is lazy — a handler reads it when its own order of
//! checks gets there (POST checks `Accept` and `Content-Type` first), so moving a
//! check into an extractor never changes which error a client sees.

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use std::convert::Infallible;
use std::future::{ready, Ready};

use super::error::TransportError;
use crate::access::Principal;
use crate::protocol::ProtocolVersion;
use crate::session::SessionId;
use crate::state::ServerState;

pub const SESSION_HEADER: &str = "mcp-session-id";
pub const VERSION_HEADER: &str = "mcp-protocol-version";
pub const LAST_EVENT_ID: &str = "last-event-id";
/// 2026-07-28: mirrors the body's `method`.
pub const METHOD_HEADER: &str = "mcp-method";
/// 2026-07-28: mirrors `params.name` / `params.uri`.
pub const NAME_HEADER: &str = "mcp-name";

/// A request that passed the Host / Origin / bearer-token checks, and its principal
/// (`None` when authentication is off). Extract it first: its refusal (421 / 403 /
/// 401) goes before any other answer.
pub struct Admitted(
    /// Whom the request's session must belong to; `None` when authentication is off.
    pub Option<Principal>,
);

impl FromRequest for Admitted {
    type Error = TransportError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let admitted = match req.app_data::<web::Data<ServerState>>() {
            Some(state) => state
                .config
                .access
                .admit(req)
                .map(Admitted)
                .map_err(TransportError::from),
            // Only reachable if the routes were mounted without their state.
            None => Err(TransportError::Internal),
        };
        ready(admitted)
    }
}

/// `Mcp-Session-Id`, `MCP-Protocol-Version` and `Last-Event-ID`, read on demand.
pub struct McpHeaders {
    /// The request the headers are read from (a reference-counted handle, no copy).
    req: HttpRequest,
}

/// The session a request names and the revision it claims, both checked.
pub struct SessionHeaders {
    /// `Mcp-Session-Id`, if sent.
    pub session: Option<SessionId>,
    /// `MCP-Protocol-Version`, if sent (the session's negotiated revision applies either way).
    pub version: Option<ProtocolVersion>,
}

impl FromRequest for McpHeaders {
    type Error = Infallible;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(McpHeaders { req: req.clone() }))
    }
}

impl McpHeaders {
    /// Checks the version header, then the session header: an unsupported revision is
    /// 400, an id we could never have issued is unknown (404, so the client starts
    /// over with `initialize`). Absent headers are fine here.
    pub fn session(&self) -> Result<SessionHeaders, TransportError> {
        let version = self.version()?;
        let session = match self.req.headers().get(SESSION_HEADER) {
            None => None,
            Some(raw) => Some(
                raw.to_str()
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or(TransportError::SessionNotFound)?,
            ),
        };
        Ok(SessionHeaders { session, version })
    }

    /// `MCP-Protocol-Version`: absent is fine (without a session the spec's default,
    /// 2025-03-26, applies); anything but a handshake revision is 400 (a stateless
    /// request never gets here: [`super::stateless`] takes it first).
    fn version(&self) -> Result<Option<ProtocolVersion>, TransportError> {
        let Some(raw) = self.req.headers().get(VERSION_HEADER) else {
            return Ok(None);
        };
        raw.to_str()
            .ok()
            .and_then(ProtocolVersion::parse_handshake)
            .map(Some)
            .ok_or_else(|| {
                TransportError::UnsupportedVersion(
                    String::from_utf8_lossy(raw.as_bytes()).into_owned(),
                )
            })
    }

    /// `MCP-Protocol-Version` as sent, when it is text (a stateless request compares it
    /// with its `_meta`).
    pub fn raw_version(&self) -> Option<&str> {
        self.req
            .headers()
            .get(VERSION_HEADER)
            .and_then(|v| v.to_str().ok())
    }

    /// A header mirroring a body field (2026-07-28 `Mcp-Method`, `Mcp-Name`,
    /// `Mcp-Param-*`), as text
    /// without surrounding whitespace; `None` when absent or not visible ASCII.
    pub fn mirrored(&self, name: &str) -> Option<&str> {
        self.req
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    }

    /// Whether the request carries the header `name` at all, readable or not (a
    /// mirrored header that [`Self::mirrored`] cannot read is garbled, not missing).
    pub fn sent(&self, name: &str) -> bool {
        self.req.headers().contains_key(name)
    }

    /// Whether `MCP-Protocol-Version` names a stateless revision (2026-07-28).
    pub fn names_stateless_revision(&self) -> bool {
        self.raw_version()
            .and_then(ProtocolVersion::parse)
            .is_some_and(ProtocolVersion::is_stateless)
    }

    /// `Last-Event-ID`, when sent as text: where a resumed stream picks up.
    pub fn last_event_id(&self) -> Option<&str> {
        self.req
            .headers()
            .get(LAST_EVENT_ID)
            .and_then(|v| v.to_str().ok())
    }
}
