//! The protocol revisions we speak and how a session's revision is negotiated.
//!
//! Two eras: the handshake revisions (2024-11-05 … 2025-11-25), which `initialize`
//! negotiates for a session, and the stateless revision 2026-07-28, which every request
//! names in its own `_meta` and which no handshake ever negotiates. Every field a
//! revision introduced is gated through the predicates here, so a client never
//! receives a field its revision does not know.

use std::fmt;

/// An MCP revision we speak, oldest first: the handshake ones, then the stateless one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    V2024_11_05,
    V2025_03_26,
    V2025_06_18,
    V2025_11_25,
    /// Stateless: served per request (`crate::stateless`), never negotiated.
    V2026_07_28,
}

impl ProtocolVersion {
    /// Every revision we speak, oldest first.
    pub const ALL: [ProtocolVersion; 5] = [
        ProtocolVersion::V2024_11_05,
        ProtocolVersion::V2025_03_26,
        ProtocolVersion::V2025_06_18,
        ProtocolVersion::V2025_11_25,
        ProtocolVersion::V2026_07_28,
    ];

    /// The revisions `initialize` negotiates (and sessions carry), oldest first.
    pub const HANDSHAKE: [ProtocolVersion; 4] = [
        ProtocolVersion::V2024_11_05,
        ProtocolVersion::V2025_03_26,
        ProtocolVersion::V2025_06_18,
        ProtocolVersion::V2025_11_25,
    ];

    /// The latest handshake revision: what we counter-offer when `initialize` asks for
    /// one we do not negotiate (the stateless revision included).
    pub const LATEST: ProtocolVersion = ProtocolVersion::V2025_11_25;

    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::V2024_11_05 => "2024-11-05",
            ProtocolVersion::V2025_03_26 => "2025-03-26",
            ProtocolVersion::V2025_06_18 => "2025-06-18",
            ProtocolVersion::V2025_11_25 => "2025-11-25",
            ProtocolVersion::V2026_07_28 => "2026-07-28",
        }
    }

    /// Any revision we speak, of either era.
    pub fn parse(s: &str) -> Option<ProtocolVersion> {
        ProtocolVersion::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A handshake revision only: what a session's `MCP-Protocol-Version` may name.
    pub fn parse_handshake(s: &str) -> Option<ProtocolVersion> {
        ProtocolVersion::parse(s).filter(|v| !v.is_stateless())
    }

    /// Served per request without a session (2026-07-28 and later).
    pub fn is_stateless(self) -> bool {
        self >= ProtocolVersion::V2026_07_28
    }

    /// Version negotiation: echo the client's revision when it is a handshake revision,
    /// otherwise answer with our latest (a normal result, the client decides whether to
    /// go on). The stateless revision is never negotiated.
    pub fn negotiate(requested: &str) -> ProtocolVersion {
        ProtocolVersion::parse_handshake(requested).unwrap_or(ProtocolVersion::LATEST)
    }

    /// Audio content, tool annotations, `instructions`-era fields.
    pub fn has_audio_and_annotations(self) -> bool {
        self >= ProtocolVersion::V2025_03_26
    }

    /// `outputSchema`, `structuredContent`, `resource_link`, `title`.
    pub fn has_structured_output(self) -> bool {
        self >= ProtocolVersion::V2025_06_18
    }

    /// Icons, `execution`, URL elicitation.
    pub fn has_icons(self) -> bool {
        self >= ProtocolVersion::V2025_11_25
    }

    /// The experimental `tasks/*` of 2025-11-25 (a session's `tasks` capability,
    /// `execution.taskSupport`, task-augmented `tools/call`). 2026-07-28 moved tasks to
    /// an extension with other wire names.
    pub fn has_session_tasks(self) -> bool {
        self >= ProtocolVersion::V2025_11_25 && !self.is_stateless()
    }

    /// SSE priming events (id + empty data) and `retry:`; older clients break on them.
    pub fn has_sse_priming(self) -> bool {
        self >= ProtocolVersion::V2025_11_25
    }

    /// JSON-RPC batches: only 2025-03-26 has them.
    pub fn has_batching(self) -> bool {
        self == ProtocolVersion::V2025_03_26
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_supported_and_counter_offers_unknown() {
        for v in ProtocolVersion::HANDSHAKE {
            assert_eq!(ProtocolVersion::negotiate(v.as_str()), v);
        }
        assert_eq!(
            ProtocolVersion::negotiate("2026-07-28"),
            ProtocolVersion::V2025_11_25
        );
        assert_eq!(
            ProtocolVersion::negotiate("2024-10-07"),
            ProtocolVersion::V2025_11_25
        );
    }

    #[test]
    fn the_stateless_revision_is_known_but_never_a_handshake_revision() {
        let stateless = ProtocolVersion::parse("2026-07-28");
        assert_eq!(stateless, Some(ProtocolVersion::V2026_07_28));
        assert!(stateless.is_some_and(ProtocolVersion::is_stateless));
        assert_eq!(ProtocolVersion::parse_handshake("2026-07-28"), None);
        assert!(!ProtocolVersion::HANDSHAKE
            .into_iter()
            .any(ProtocolVersion::is_stateless));
        assert!(!ProtocolVersion::LATEST.is_stateless());
    }
}
