//! What a running tool can know and do: which session and request it serves, whether
//! the call has been cancelled (client cancel, session closed, or timeout), and how to
//! report progress.

use actix::Recipient;
use tokio_util::sync::CancellationToken;

use crate::protocol::{ProtocolVersion, RequestId};
use crate::session::{ReportProgress, SessionId};

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
    /// The session, when the client asked for progress on this call.
    progress: Option<Recipient<ReportProgress>>,
}

impl ToolContext {
    pub fn new(
        session_id: SessionId,
        request_id: RequestId,
        protocol_version: ProtocolVersion,
        cancellation: CancellationToken,
        progress: Option<Recipient<ReportProgress>>,
    ) -> Self {
        ToolContext {
            session_id,
            request_id,
            protocol_version,
            cancellation,
            progress,
        }
    }

    /// Whether the client asked for progress (sent a `progressToken`).
    pub fn wants_progress(&self) -> bool {
        self.progress.is_some()
    }

    /// Sends `notifications/progress` for this call, if the client asked for it.
    /// `progress` must increase from one report to the next (others are dropped);
    /// `total` and `message` are optional. Waits when the session is busy rather than
    /// dropping the report.
    pub async fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        if let Some(session) = &self.progress {
            let report = ReportProgress {
                request_id: self.request_id.clone(),
                progress,
                total,
                message: message.map(str::to_owned),
            };
            // The session may have ended meanwhile; then there is no one to tell.
            let _ = session.send(report).await;
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
