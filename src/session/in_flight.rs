//! The requests a session is working on: admission (limit, draining, duplicate ids),
//! cancellation, and the progress rule (strictly increasing, only while live).
//!
//! Owns: the table and its rules. Must not: send anything — it tells the session
//! actor what may be sent, and the actor sends it.

use serde_json::Value;
use std::collections::HashMap;
use tokio_util::sync::CancellationToken;

use crate::protocol::{ErrorCode, RequestId, RpcError};

/// One request being worked on.
struct Call {
    /// Cancelling it stops the handler.
    cancellation: CancellationToken,
    /// The client's `_meta.progressToken`, which its progress notifications carry.
    progress_token: Option<Value>,
    /// The last progress value sent: progress must strictly increase.
    last_progress: Option<f64>,
}

/// Requests in flight, by id. A request whose id is no longer here when its handler
/// finishes was cancelled (or its session is draining it away) and gets no answer.
#[derive(Default)]
pub(crate) struct InFlight {
    calls: HashMap<RequestId, Call>,
    /// The server is shutting down: no new requests start.
    draining: bool,
}

impl InFlight {
    /// Admits request `id`; the `Err` is the answer when it cannot start.
    pub fn begin(
        &mut self,
        id: &RequestId,
        progress_token: Option<Value>,
        limit: usize,
    ) -> Result<CancellationToken, RpcError> {
        if self.draining {
            return Err(RpcError::new(
                ErrorCode::ServerError,
                "Server is shutting down; retry on another instance or after restart",
            ));
        }
        if self.calls.contains_key(id) {
            return Err(RpcError::new(
                ErrorCode::InvalidRequest,
                format!("Request id {id} is already in use by a request in flight"),
            ));
        }
        if self.calls.len() >= limit {
            return Err(RpcError::new(
                ErrorCode::ServerError,
                format!(
                    "Too many requests in flight on this session (limit {limit}); retry when some finish"
                ),
            ));
        }
        let cancellation = CancellationToken::new();
        let call = Call {
            cancellation: cancellation.clone(),
            progress_token,
            last_progress: None,
        };
        self.calls.insert(id.clone(), call);
        Ok(cancellation)
    }

    /// The handler of `id` finished; `true` when its answer is still wanted.
    pub fn finish(&mut self, id: &RequestId) -> bool {
        self.calls.remove(id).is_some()
    }

    /// The client cancelled `id`: its handler is told; `true` if it was live.
    pub fn cancel(&mut self, id: &RequestId) -> bool {
        match self.calls.remove(id) {
            Some(call) => {
                call.cancellation.cancel();
                true
            }
            None => false,
        }
    }

    /// Every handler is told to stop (the session is ending).
    pub fn cancel_all(&mut self) {
        for (_, call) in self.calls.drain() {
            call.cancellation.cancel();
        }
    }

    /// A progress report for `id`: the token to send it with, if it may be sent (the
    /// request is live, asked for progress, and `progress` is above the last one).
    pub fn progress(&mut self, id: &RequestId, progress: f64) -> Option<&Value> {
        let call = self.calls.get_mut(id)?;
        let token = call.progress_token.as_ref()?;
        let increasing = call.last_progress.is_none_or(|last| progress > last);
        if !progress.is_finite() || !increasing {
            return None;
        }
        call.last_progress = Some(progress);
        Some(token)
    }

    pub fn is_live(&self, id: &RequestId) -> bool {
        self.calls.contains_key(id)
    }

    /// No new requests from now on.
    pub fn start_draining(&mut self) {
        self.draining = true;
    }

    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(n: i64) -> RequestId {
        RequestId::Number(n)
    }

    #[test]
    fn admits_within_the_limit_and_refuses_duplicates() {
        let mut table = InFlight::default();
        assert!(table.begin(&id(1), None, 2).is_ok());
        assert_eq!(table.begin(&id(1), None, 2).unwrap_err().code, -32600);
        assert!(table.begin(&id(2), None, 2).is_ok());
        let full = table.begin(&id(3), None, 2).unwrap_err();
        assert_eq!(full.code, -32000);
        assert!(full.message.contains("limit 2"), "{}", full.message);
        assert!(table.finish(&id(1)));
        assert!(!table.finish(&id(1)), "a finished request is gone");
        assert!(table.begin(&id(3), None, 2).is_ok(), "a slot came free");
    }

    #[test]
    fn cancelling_fires_the_token_and_drops_the_answer() {
        let mut table = InFlight::default();
        let token = table.begin(&id(1), None, 8).unwrap();
        assert!(table.cancel(&id(1)));
        assert!(token.is_cancelled());
        assert!(!table.finish(&id(1)), "a cancelled request gets no answer");
        assert!(!table.cancel(&id(1)), "unknown ids are ignored");
        let other = table.begin(&id(2), None, 8).unwrap();
        table.cancel_all();
        assert!(other.is_cancelled() && table.is_empty());
    }

    #[test]
    fn draining_refuses_new_requests() {
        let mut table = InFlight::default();
        table.start_draining();
        assert_eq!(table.begin(&id(1), None, 8).unwrap_err().code, -32000);
    }

    #[test]
    fn progress_strictly_increases_and_needs_a_token() {
        let mut table = InFlight::default();
        table.begin(&id(1), Some(json!("tok")), 8).unwrap();
        table.begin(&id(2), None, 8).unwrap();
        assert_eq!(table.progress(&id(1), 1.0), Some(&json!("tok")));
        assert_eq!(table.progress(&id(1), 1.0), None, "not increasing");
        assert_eq!(table.progress(&id(1), 0.5), None, "decreasing");
        assert_eq!(table.progress(&id(1), f64::NAN), None);
        assert_eq!(table.progress(&id(1), 2.0), Some(&json!("tok")));
        assert_eq!(table.progress(&id(2), 1.0), None, "no token was sent");
        table.finish(&id(1));
        assert_eq!(table.progress(&id(1), 3.0), None, "never after the answer");
    }
}
