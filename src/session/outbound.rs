//! The bounded queue between a session actor and its SSE response body.
//!
//! Policy for a client that stops reading: the queue holds at most `capacity` events;
//! when a message finds it full, the session is closed and the stream ends with an
//! error at its next poll, so the connection is dropped instead of growing memory.

use actix_web_lab::sse;
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// Why a message could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The client is not reading fast enough; the session must close.
    Overflow,
    /// The stream is gone (client disconnected).
    Closed,
}

/// The sending side, owned by the session actor.
#[derive(Debug, Clone)]
pub struct Outbound {
    tx: mpsc::Sender<sse::Event>,
    /// Fired to end the stream at once (before queued events) when the session closes
    /// because the client stopped reading.
    abort: CancellationToken,
}

impl Outbound {
    /// A queue of `capacity` events and the SSE body stream that drains it.
    pub fn channel(capacity: usize) -> (Outbound, OutboundStream) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let abort = CancellationToken::new();
        let stream = OutboundStream {
            rx,
            aborted: Box::pin(abort.clone().cancelled_owned()),
        };
        (Outbound { tx, abort }, stream)
    }

    /// Queues one JSON-RPC message as an `event: message`.
    pub fn send_message(&self, json_line: String) -> Result<(), SendError> {
        self.send(sse::Data::new(json_line).event("message").into())
    }

    /// Queues the legacy transport's `event: endpoint`.
    pub fn send_endpoint(&self, url: String) -> Result<(), SendError> {
        self.send(sse::Data::new(url).event("endpoint").into())
    }

    fn send(&self, event: sse::Event) -> Result<(), SendError> {
        self.tx.try_send(event).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SendError::Overflow,
            mpsc::error::TrySendError::Closed(_) => SendError::Closed,
        })
    }

    /// Ends the stream without delivering what is still queued.
    pub fn abort(&self) {
        self.abort.cancel();
    }

    /// Resolves when the body stream is dropped, i.e. the client went away.
    pub fn closed(&self) -> impl Future<Output = ()> + 'static {
        let tx = self.tx.clone();
        async move { tx.closed().await }
    }
}

/// The receiving side: the SSE response body.
pub struct OutboundStream {
    rx: mpsc::Receiver<sse::Event>,
    aborted: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl Stream for OutboundStream {
    type Item = Result<sse::Event, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.aborted.as_mut().poll(cx).is_ready() {
            // An error (not a clean end) makes actix drop the connection.
            return Poll::Ready(Some(Err(std::io::Error::other(
                "session closed: client stopped reading its event stream",
            ))));
        }
        self.rx.poll_recv(cx).map(|event| event.map(Ok))
    }
}
