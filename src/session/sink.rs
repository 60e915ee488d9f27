//! The bounded queue between a session actor and one HTTP response body.
//!
//! Every stream a session writes to — the legacy SSE stream, a Streamable HTTP POST's
//! answer, the standalone GET stream — is an [`EventSink`] / [`EventStream`] pair
//! bounded twice: in items and in bytes waiting (a single item larger than the byte
//! budget still goes through an empty queue). Policy for a client that stops reading: a message that finds the
//! queue full is not queued; the session decides what that means (the legacy stream
//! closes the session; a Streamable stream is detached and the message stays in the
//! replay buffer for `Last-Event-ID`). [`EventSink::abort`] ends the body at once with
//! an error, so the connection is dropped rather than left holding queued events.

use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// One item of a response body, before the transport encodes it.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    /// The legacy transport's first event: where to POST.
    Endpoint(String),
    /// A JSON-RPC message as an SSE `message` event, with an id when resumable.
    Event {
        event_id: Option<Arc<str>>,
        line: Arc<str>,
    },
    /// The whole answer to a Streamable HTTP POST, sent as `application/json`.
    Json(String),
    /// Starts a resumable stream for 2025-11-25+ clients: `retry:` and a priming
    /// event (this id, empty data) that gives the client a cursor before any message.
    Prime { event_id: Arc<str> },
}

impl StreamItem {
    /// Bytes this item holds while it waits.
    fn weight(&self) -> usize {
        match self {
            StreamItem::Endpoint(s) | StreamItem::Json(s) => s.len(),
            StreamItem::Event { line, .. } => line.len(),
            StreamItem::Prime { event_id } => event_id.len(),
        }
    }
}

/// Why an item could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The client is not reading fast enough.
    Overflow,
    /// The body is gone (client disconnected).
    Closed,
}

/// The sending side, held by the session actor.
#[derive(Debug, Clone)]
pub struct EventSink {
    tx: mpsc::Sender<StreamItem>,
    /// Fired to end the body at once, before what is still queued.
    abort: CancellationToken,
    /// Bytes queued and not yet taken by the body; shared with the [`EventStream`].
    queued_bytes: Arc<AtomicUsize>,
    /// What `queued_bytes` may reach.
    max_bytes: usize,
}

impl EventSink {
    /// A queue of at most `max_items` items and `max_bytes` bytes, and the body stream
    /// that drains it.
    pub fn channel(max_items: usize, max_bytes: usize) -> (EventSink, EventStream) {
        let (tx, rx) = mpsc::channel(max_items.max(1));
        let abort = CancellationToken::new();
        let queued_bytes = Arc::new(AtomicUsize::new(0));
        let stream = EventStream {
            rx,
            aborted: Box::pin(abort.clone().cancelled_owned()),
            queued_bytes: Arc::clone(&queued_bytes),
        };
        let sink = EventSink {
            tx,
            abort,
            queued_bytes,
            max_bytes,
        };
        (sink, stream)
    }

    pub fn send(&self, item: StreamItem) -> Result<(), SendError> {
        let weight = item.weight();
        let queued = self.queued_bytes.load(Ordering::Acquire);
        if queued > 0 && queued + weight > self.max_bytes {
            return Err(if self.tx.is_closed() {
                SendError::Closed
            } else {
                SendError::Overflow
            });
        }
        // Booked before it is visible to the body, so the stream never books out more.
        self.queued_bytes.fetch_add(weight, Ordering::AcqRel);
        self.tx.try_send(item).map_err(|e| {
            self.queued_bytes.fetch_sub(weight, Ordering::AcqRel);
            match e {
                mpsc::error::TrySendError::Full(_) => SendError::Overflow,
                mpsc::error::TrySendError::Closed(_) => SendError::Closed,
            }
        })
    }

    /// Ends the body without delivering what is still queued.
    pub fn abort(&self) {
        self.abort.cancel();
    }

    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Resolves when the body is dropped, i.e. the client went away.
    pub fn closed(&self) -> impl Future<Output = ()> + 'static {
        let tx = self.tx.clone();
        async move { tx.closed().await }
    }
}

/// The receiving side: what a transport turns into a response body.
pub struct EventStream {
    rx: mpsc::Receiver<StreamItem>,
    aborted: Pin<Box<WaitForCancellationFutureOwned>>,
    queued_bytes: Arc<AtomicUsize>,
}

impl EventStream {
    /// The next item, for a transport deciding between a JSON and an SSE response.
    pub async fn first(&mut self) -> Option<StreamItem> {
        let item = self.rx.recv().await;
        self.taken(item)
    }

    /// The next item if one is already queued (never waits).
    pub fn ready_item(&mut self) -> Option<StreamItem> {
        let item = self.rx.try_recv().ok();
        self.taken(item)
    }

    /// Books an item out of the queue's byte budget.
    fn taken(&self, item: Option<StreamItem>) -> Option<StreamItem> {
        if let Some(item) = &item {
            self.queued_bytes.fetch_sub(item.weight(), Ordering::AcqRel);
        }
        item
    }
}

impl Stream for EventStream {
    type Item = Result<StreamItem, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.aborted.as_mut().poll(cx).is_ready() {
            // An error (not a clean end) makes actix drop the connection.
            return Poll::Ready(Some(Err(std::io::Error::other(
                "stream closed by the server: the client stopped reading it",
            ))));
        }
        let polled = self.rx.poll_recv(cx);
        polled.map(|item| self.taken(item).map(Ok))
    }
}
