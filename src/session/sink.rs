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

use futures_util::task::AtomicWaker;
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// One item of a response body, before the transport encodes it. Every variant is
/// at most two words: a queue reserves room for items in blocks of 32 (tokio's
/// channel), so the item's size is paid per idle session (see load-tests/FINDINGS.md).
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    /// The legacy transport's first event: where to POST.
    Endpoint(Box<str>),
    /// A JSON-RPC message as an SSE `message` event without an id (the legacy stream).
    Event(Box<str>),
    /// A JSON-RPC message as an SSE `message` event with an id, on a resumable stream.
    ResumableEvent(Box<ResumableEvent>),
    /// The whole answer to a Streamable HTTP POST, sent as `application/json`.
    Json(Box<str>),
    /// Starts a resumable stream for 2025-11-25+ clients: `retry:` and a priming
    /// event (this id, empty data) that gives the client a cursor before any message.
    Prime { event_id: Arc<str> },
}

/// A message on a resumable stream and the id a client resumes after.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumableEvent {
    pub event_id: Arc<str>,
    pub line: Arc<str>,
}

impl StreamItem {
    /// A `message` event with an id, on a resumable stream.
    pub fn resumable(event_id: Arc<str>, line: Arc<str>) -> StreamItem {
        StreamItem::ResumableEvent(Box::new(ResumableEvent { event_id, line }))
    }

    /// Bytes this item holds while it waits.
    fn weight(&self) -> usize {
        match self {
            StreamItem::Endpoint(s) | StreamItem::Json(s) => s.len(),
            StreamItem::Event(line) => line.len(),
            StreamItem::ResumableEvent(event) => event.line.len(),
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
    /// Byte budget and abort flag, shared with the [`EventStream`].
    shared: Arc<Shared>,
    /// What `shared.queued_bytes` may reach.
    max_bytes: usize,
}

/// What both ends of one queue share; one allocation per stream, since every legacy
/// session and every Streamable POST has one.
#[derive(Debug, Default)]
struct Shared {
    /// Bytes queued and not yet taken by the body.
    queued_bytes: AtomicUsize,
    /// Set to end the body at once, before what is still queued.
    aborted: AtomicBool,
    /// The body's task, woken when `aborted` is set.
    abort_waker: AtomicWaker,
}

impl EventSink {
    /// A queue of at most `max_items` items and `max_bytes` bytes, and the body stream
    /// that drains it.
    pub fn channel(max_items: usize, max_bytes: usize) -> (EventSink, EventStream) {
        let (tx, rx) = mpsc::channel(max_items.max(1));
        let shared = Arc::new(Shared::default());
        let stream = EventStream {
            rx,
            shared: Arc::clone(&shared),
        };
        let sink = EventSink {
            tx,
            shared,
            max_bytes,
        };
        (sink, stream)
    }

    pub fn send(&self, item: StreamItem) -> Result<(), SendError> {
        let weight = item.weight();
        let queued_bytes = &self.shared.queued_bytes;
        let queued = queued_bytes.load(Ordering::Acquire);
        if queued > 0 && queued + weight > self.max_bytes {
            return Err(if self.tx.is_closed() {
                SendError::Closed
            } else {
                SendError::Overflow
            });
        }
        // Booked before it is visible to the body, so the stream never books out more.
        queued_bytes.fetch_add(weight, Ordering::AcqRel);
        self.tx.try_send(item).map_err(|e| {
            queued_bytes.fetch_sub(weight, Ordering::AcqRel);
            match e {
                mpsc::error::TrySendError::Full(_) => SendError::Overflow,
                mpsc::error::TrySendError::Closed(_) => SendError::Closed,
            }
        })
    }

    /// Ends the body without delivering what is still queued.
    pub fn abort(&self) {
        self.shared.aborted.store(true, Ordering::Release);
        self.shared.abort_waker.wake();
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
    shared: Arc<Shared>,
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
            self.shared
                .queued_bytes
                .fetch_sub(item.weight(), Ordering::AcqRel);
        }
        item
    }
}

impl Stream for EventStream {
    type Item = Result<StreamItem, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Registered before the check, so an abort between the two still wakes us.
        self.shared.abort_waker.register(cx.waker());
        if self.shared.aborted.load(Ordering::Acquire) {
            // An error (not a clean end) makes actix drop the connection.
            return Poll::Ready(Some(Err(std::io::Error::other(
                "stream closed by the server: the client stopped reading it",
            ))));
        }
        let polled = self.rx.poll_recv(cx);
        polled.map(|item| self.taken(item).map(Ok))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Queues reserve room for items 32 at a time, per stream: keep items two words
    /// (plus the tag), or every idle session pays for it.
    #[test]
    fn stream_items_stay_small() {
        assert!(std::mem::size_of::<StreamItem>() <= 24);
    }
}
