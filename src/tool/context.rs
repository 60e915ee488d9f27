//! What a running tool can know and do: which session and request it serves, and
//! whether the call has been cancelled (client cancel, session closed, or timeout).

use tokio_util::sync::CancellationToken;

use crate::protocol::{ProtocolVersion, RequestId};
use crate::session::SessionId;

/// Handed to every tool call. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ToolContext {
    /// The session the call belongs to (for logs and per-session state in the tool).
    pub session_id: SessionId,
    /// The JSON-RPC id of the `tools/call` request.
    pub request_id: RequestId,
    /// The revision the session negotiated, for tools that shape output by revision.
    pub protocol_version: ProtocolVersion,
    /// Fired when the call should stop; long-running tools should watch it.
    cancellation: CancellationToken,
}

impl ToolContext {
    pub fn new(
        session_id: SessionId,
        request_id: RequestId,
        protocol_version: ProtocolVersion,
        cancellation: CancellationToken,
    ) -> Self {
        ToolContext {
            session_id,
            request_id,
            protocol_version,
            cancellation,
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Resolves when the call is cancelled.
    pub async fn cancelled(&self) {
        self.cancellation.cancelled().await
    }

    pub(crate) fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }
}
