//! Transports: where HTTP requests enter. They turn requests into [`crate::protocol::Message`]s
//! for the registry and session actors, and session output into HTTP responses.
//!
//! Owns: routes, status codes, headers, body limits. Must not: interpret MCP methods
//! (sessions do) or keep session state of their own.

pub mod http_error;
pub mod sse;
