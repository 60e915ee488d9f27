//! The protocol revisions we speak and how a session's revision is negotiated.
//!
//! Every field a revision introduced is gated through the predicates here, so a
//! client never receives a field its negotiated revision does not know.

use std::fmt;

/// A legacy-era MCP revision (the ones with the `initialize` handshake), oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    V2024_11_05,
    V2025_03_26,
    V2025_06_18,
    V2025_11_25,
}

impl ProtocolVersion {
    /// Every revision we accept, oldest first.
    pub const ALL: [ProtocolVersion; 4] = [
        ProtocolVersion::V2024_11_05,
        ProtocolVersion::V2025_03_26,
        ProtocolVersion::V2025_06_18,
        ProtocolVersion::V2025_11_25,
    ];

    /// The revision we counter-offer when the client asks for one we do not know.
    pub const LATEST: ProtocolVersion = ProtocolVersion::V2025_11_25;

    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::V2024_11_05 => "2024-11-05",
            ProtocolVersion::V2025_03_26 => "2025-03-26",
            ProtocolVersion::V2025_06_18 => "2025-06-18",
            ProtocolVersion::V2025_11_25 => "2025-11-25",
        }
    }

    pub fn parse(s: &str) -> Option<ProtocolVersion> {
        ProtocolVersion::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Version negotiation: echo the client's revision when we support it, otherwise
    /// answer with our latest (a normal result, the client decides whether to go on).
    pub fn negotiate(requested: &str) -> ProtocolVersion {
        ProtocolVersion::parse(requested).unwrap_or(ProtocolVersion::LATEST)
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
        for v in ProtocolVersion::ALL {
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
}
