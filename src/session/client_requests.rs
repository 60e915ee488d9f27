//! Requests a session sends its client on a handler's behalf (sampling, elicitation,
//! roots): whether the client may be asked at all, the ids they go out with, the
//! handlers waiting for the answers, and what a handler hears when none comes.
//!
//! Owns: ids, waiters, expiry. Must not: send anything or start timers — the session
//! actor writes the request line and schedules [`ClientRequests::expire`].

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::oneshot;

use crate::context::ClientAsk;
use crate::protocol::{ErrorCode, RequestId, RpcError};

/// What the handler that asked receives.
pub(crate) type ClientAnswer = Result<Value, RpcError>;

/// The requests in flight toward the client.
#[derive(Default)]
pub(crate) struct ClientRequests {
    /// The handler waiting for each answer, by the id we sent.
    waiting: HashMap<RequestId, oneshot::Sender<ClientAnswer>>,
    /// Numbers the ids (`srv-1`, `srv-2`, …), never reused within a session.
    sent: u64,
}

#[derive(Serialize)]
struct OutgoingRequest<'a> {
    jsonrpc: &'static str,
    id: &'a RequestId,
    method: &'a str,
    params: &'a Value,
}

/// An asked request, ready to go out.
pub(crate) struct Asked {
    /// The id the client will answer with.
    pub id: RequestId,
    /// The JSON-RPC line to send.
    pub line: String,
    /// Where the answer (or the timeout) arrives.
    pub answer: oneshot::Receiver<ClientAnswer>,
}

impl ClientRequests {
    /// Registers `ask` under a fresh id and builds its request line.
    pub fn ask(&mut self, ask: &ClientAsk) -> Asked {
        self.sent += 1;
        let id = RequestId::String(format!("srv-{}", self.sent));
        let request = OutgoingRequest {
            jsonrpc: "2.0",
            id: &id,
            method: ask.method,
            params: &ask.params,
        };
        let line = serde_json::to_string(&request).unwrap_or_default();
        let (waiter, answer) = oneshot::channel();
        self.waiting.insert(id.clone(), waiter);
        Asked { id, line, answer }
    }

    /// The client answered `id`; `false` when no handler waits for it.
    pub fn answered(&mut self, id: &RequestId, answer: ClientAnswer) -> bool {
        match self.waiting.remove(id) {
            Some(waiter) => {
                let _ = waiter.send(answer);
                true
            }
            None => false,
        }
    }

    /// `id`'s time is up: its handler hears so, unless the answer came first.
    pub fn expire(&mut self, id: &RequestId, waited: Duration) {
        let error = RpcError::new(
            ErrorCode::InternalError,
            format!("The client did not answer within {} s", waited.as_secs()),
        );
        self.answered(id, Err(error));
    }
}

/// Whether a client that declared `capabilities` may be sent `ask` (URL-mode
/// elicitation needs `elicitation.url` too); the `Err` goes to the handler.
pub(crate) fn may_ask(capabilities: &Map<String, Value>, ask: &ClientAsk) -> Result<(), RpcError> {
    let declared = capabilities
        .get(ask.capability)
        .is_some_and(Value::is_object);
    let url_mode = ask.params.get("mode").and_then(Value::as_str) == Some("url");
    let url_declared = capabilities
        .get("elicitation")
        .and_then(|e| e.get("url"))
        .is_some();
    if !declared || (url_mode && !url_declared) {
        return Err(RpcError::new(
            ErrorCode::MethodNotFound,
            format!(
                "The client did not declare the `{}` capability {}",
                ask.capability, ask.method
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn roots() -> ClientAsk {
        ClientAsk {
            method: "roots/list",
            params: json!({}),
            capability: "roots",
            key: None,
        }
    }

    #[tokio::test]
    async fn answers_reach_their_waiter_once() {
        let mut broker = ClientRequests::default();
        let first = broker.ask(&roots());
        let second = broker.ask(&roots());
        assert_ne!(first.id, second.id);
        let sent: Value = serde_json::from_str(&first.line).unwrap();
        assert_eq!(
            sent,
            json!({"jsonrpc":"2.0","id":"srv-1","method":"roots/list","params":{}})
        );
        assert!(broker.answered(&second.id, Ok(json!({"roots": []}))));
        assert!(!broker.answered(&second.id, Ok(json!(null))), "only once");
        assert_eq!(second.answer.await.unwrap(), Ok(json!({"roots": []})));
        broker.expire(&first.id, Duration::from_secs(3));
        let timed_out = first.answer.await.unwrap().unwrap_err();
        assert!(
            timed_out.message.contains("within 3 s"),
            "{}",
            timed_out.message
        );
        assert!(!broker.answered(&first.id, Ok(json!(1))), "expired is gone");
    }

    #[test]
    fn only_declared_capabilities_are_asked() {
        let none = Map::new();
        assert_eq!(may_ask(&none, &roots()).unwrap_err().code, -32601);
        let caps = json!({"roots": {}, "elicitation": {}});
        let caps = caps.as_object().unwrap();
        assert!(may_ask(caps, &roots()).is_ok());
        let url = ClientAsk {
            method: "elicitation/create",
            params: json!({"mode": "url", "url": "https://example.com"}),
            capability: "elicitation",
            key: None,
        };
        assert!(
            may_ask(caps, &url).is_err(),
            "URL mode needs elicitation.url"
        );
        let with_url = json!({"elicitation": {"url": {}}});
        assert!(may_ask(with_url.as_object().unwrap(), &url).is_ok());
    }
}
