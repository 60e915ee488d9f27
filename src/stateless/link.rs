//! The [`ClientLink`] of a stateless request: what a handler's progress, log messages
//! and requests to the client become when there is no session to carry them.
//!
//! This slice's choice: notices (progress, log messages) are dropped, so every answer
//! is one `application/json` body; requests to the client (sampling, elicitation,
//! roots) fail at once with an error saying so. At 2026-07-28 the server may never send
//! a JSON-RPC request to the client: they become MRTR `input_required` results, a
//! later slice; progress and per-request `logLevel` logs on an SSE answer come with it.
//!
//! Owns: that policy. Must not: block or wait for anything.

use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::context::{ClientAsk, ClientLink, Notice};
use crate::protocol::{ErrorCode, RequestId, RpcError};

/// The link every stateless request's context carries; it holds nothing.
pub(crate) struct StatelessLink;

impl ClientLink for StatelessLink {
    fn notify(&self, _request: RequestId, _notice: Notice) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }

    fn ask(
        &self,
        _request: RequestId,
        ask: ClientAsk,
    ) -> BoxFuture<'static, Result<Value, RpcError>> {
        let error = RpcError::new(
            ErrorCode::InternalError,
            format!(
                "`{}` cannot reach a 2026-07-28 client yet: this server does not send \
                 input_required results (MRTR); call the tool over an initialize session",
                ask.method
            ),
        );
        Box::pin(std::future::ready(Err(error)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn asks_fail_clearly_and_notices_vanish() {
        let link = StatelessLink;
        let ask = ClientAsk {
            method: "sampling/createMessage",
            params: Value::Null,
            capability: "sampling",
        };
        let err = link.ask(RequestId::Number(1), ask).await.unwrap_err();
        assert!(
            err.message.contains("sampling/createMessage"),
            "{}",
            err.message
        );
        let notice = Notice::Progress {
            progress: 1.0,
            total: None,
            message: None,
        };
        link.notify(RequestId::Number(1), notice).await;
    }
}
