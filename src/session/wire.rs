//! Where a session's messages go: the legacy transport's one stream, or Streamable
//! HTTP's per-request streams plus the standalone GET stream.
//!
//! Owns: which stream answers which request, event ids, the JSON-vs-SSE decision for
//! Streamable answers, resumption. Must not: decide what to say (the session does).

use std::collections::HashMap;
use std::sync::Arc;

use super::replay::{event_id, parse_event_id, ReplayBuffer};
use super::sink::{EventSink, SendError, StreamItem};
use crate::cluster::{incarnation_base, starts_incarnation, EventJournal, PastEvent};
use crate::config::{McpConfig, ResponseMode};
use crate::protocol::RequestId;

/// The standalone GET stream's number for a session's first owner; POST streams count
/// up from the one after it. An adopting replica starts from its incarnation's base.
const STANDALONE: u64 = 0;

/// Why the transport's request cannot be served (answered with a 4xx).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamRefusal {
    /// `Last-Event-ID` names no stream of this session.
    UnknownEventId,
    /// A request with this id is already being answered.
    DuplicateRequestId(RequestId),
}

pub enum Wire {
    /// Legacy HTTP+SSE: one stream carries every message.
    Legacy(EventSink),
    /// Streamable HTTP. Boxed: most of a legacy session's `Wire` would otherwise be
    /// room for these tables.
    Streamable(Box<Streams>),
}

/// A legacy stream that can take no more: the session must close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLost(pub SendError);

impl Wire {
    pub fn streamable(config: &McpConfig) -> Wire {
        let mut open = HashMap::new();
        open.insert(STANDALONE, OpenStream::new(None, 0));
        if let Some(standalone) = open.get_mut(&STANDALONE) {
            standalone.resumable = true;
        }
        Wire::Streamable(Box::new(Streams {
            mode: config.response_mode,
            priming: false,
            standalone: STANDALONE,
            next_stream: STANDALONE + 1,
            open,
            by_request: HashMap::new(),
            replay: ReplayBuffer::new(config.replay_buffer_events, config.replay_buffer_bytes),
            forgive_unknown_ids: false,
            journal: None,
        }))
    }

    /// The final answer to `request`.
    pub fn answer(&mut self, request: &RequestId, line: String) -> Result<(), StreamLost> {
        match self {
            Wire::Legacy(sink) => legacy_send(sink, line),
            Wire::Streamable(streams) => {
                streams.answer(request, line);
                Ok(())
            }
        }
    }

    /// A message about `request` sent before its answer (progress, log, a server request).
    pub fn message_for(&mut self, request: &RequestId, line: String) -> Result<(), StreamLost> {
        match self {
            Wire::Legacy(sink) => legacy_send(sink, line),
            Wire::Streamable(streams) => {
                streams.message_for(request, line);
                Ok(())
            }
        }
    }

    /// A message not tied to any request (list changes, resource updates).
    pub fn unsolicited(&mut self, line: String) -> Result<(), StreamLost> {
        match self {
            Wire::Legacy(sink) => legacy_send(sink, line),
            Wire::Streamable(streams) => {
                streams.unsolicited(line);
                Ok(())
            }
        }
    }

    /// A client reads the stream that [`Wire::unsolicited`] writes to (the legacy
    /// stream always counts: the session ends with it).
    pub fn has_standalone_reader(&self) -> bool {
        match self {
            Wire::Legacy(_) => true,
            Wire::Streamable(streams) => streams
                .open
                .get(&streams.standalone)
                .and_then(|standalone| standalone.sink.as_ref())
                .is_some_and(|sink| !sink.is_closed()),
        }
    }

    /// `request` will get no answer (cancelled): end its stream if nothing else waits.
    pub fn forget(&mut self, request: &RequestId) {
        if let Wire::Streamable(streams) = self {
            streams.forget(request);
        }
    }
}

fn legacy_send(sink: &EventSink, line: String) -> Result<(), StreamLost> {
    sink.send(StreamItem::Event(line.into()))
        .map_err(StreamLost)
}

struct OpenStream {
    /// The connection currently reading this stream, if any.
    sink: Option<EventSink>,
    /// Sequence number of the next event.
    next_seq: u64,
    /// Switched to SSE: its events carry ids and are kept for replay.
    resumable: bool,
    /// Requests on this stream still to be answered; the stream ends at zero.
    unanswered: usize,
    /// A batch's JSON answers, collected until all are in.
    batch: Option<Vec<String>>,
}

impl OpenStream {
    fn new(sink: Option<EventSink>, unanswered: usize) -> Self {
        OpenStream {
            sink,
            next_seq: 1,
            resumable: false,
            unanswered,
            batch: None,
        }
    }
}

/// A Streamable HTTP session's streams.
pub struct Streams {
    mode: ResponseMode,
    /// The session negotiated 2025-11-25 or later: resumable streams start with a
    /// priming event (older clients break on its empty `data:`).
    priming: bool,
    /// The standalone stream's number: [`STANDALONE`], or an adopter's incarnation
    /// base, so that no event id it hands out repeats one of an earlier owner's.
    standalone: u64,
    /// Number of the next POST stream.
    next_stream: u64,
    /// Streams still expected to carry messages (the standalone one always).
    open: HashMap<u64, OpenStream>,
    /// Which stream answers which request.
    by_request: HashMap<RequestId, u64>,
    /// Recent events of resumable streams, for `Last-Event-ID`.
    replay: ReplayBuffer,
    /// Adopted from another replica: a `Last-Event-ID` it handed out names no stream
    /// here, and opens the standalone stream without a replay instead of a 400.
    forgive_unknown_ids: bool,
    /// With replicas: where resumable events are also recorded, for a replay on the
    /// replica that adopts this session if this one goes.
    journal: Option<EventJournal>,
}

impl Streams {
    pub fn set_priming(&mut self, priming: bool) {
        self.priming = priming;
    }

    /// See [`Streams::forgive_unknown_ids`].
    pub fn forgive_unknown_event_ids(&mut self) {
        self.forgive_unknown_ids = true;
    }

    /// See [`Streams::journal`].
    pub fn record_to(&mut self, journal: EventJournal) {
        self.journal = Some(journal);
    }

    /// This replica is the session's `incarnation`-th owner: its streams are numbered
    /// from that incarnation's base, and `history` (the earlier owners' recorded
    /// events, oldest first) can be replayed.
    pub fn resume_from(&mut self, incarnation: u64, history: Vec<PastEvent>) {
        let base = incarnation_base(incarnation);
        if let Some(standalone) = self.open.remove(&self.standalone) {
            self.open.insert(base, standalone);
        }
        self.standalone = base;
        self.next_stream = base + 1;
        for past in history.into_iter().filter(|past| past.stream < base) {
            self.replay.push(past.stream, past.seq, past.line);
        }
    }

    /// Whether `stream` was an earlier owner's standalone stream, which this one's
    /// standalone stream continues.
    fn continues_standalone(&self, stream: u64) -> bool {
        stream < self.standalone && starts_incarnation(stream)
    }

    /// A POST carrying `requests` (one, or a batch's) will be answered on `sink`.
    pub fn open_post(
        &mut self,
        requests: Vec<RequestId>,
        sink: EventSink,
        is_batch: bool,
    ) -> Result<(), StreamRefusal> {
        if let Some(taken) = requests.iter().find(|r| self.by_request.contains_key(*r)) {
            return Err(StreamRefusal::DuplicateRequestId(taken.clone()));
        }
        let stream = self.next_stream;
        self.next_stream += 1;
        let mut state = OpenStream::new(Some(sink), requests.len());
        state.batch = is_batch.then(Vec::new);
        self.open.insert(stream, state);
        for request in requests {
            self.by_request.insert(request, stream);
        }
        if self.mode == ResponseMode::SseOnly {
            self.make_resumable(stream);
        }
        Ok(())
    }

    /// Turns `stream` into an SSE stream with ids (priming first, for clients that
    /// know it), flushing any batch answers already collected.
    fn make_resumable(&mut self, stream: u64) {
        let priming = self.priming;
        let Some(state) = self.open.get_mut(&stream) else {
            return;
        };
        if state.resumable {
            return;
        }
        state.resumable = true;
        if priming {
            let prime = StreamItem::Prime {
                event_id: event_id(stream, 0),
            };
            send_or_detach(&mut state.sink, prime);
        }
        for line in state.batch.take().unwrap_or_default() {
            self.emit(stream, line);
        }
    }

    /// Sends one event on a resumable stream and keeps it for replay.
    fn emit(&mut self, stream: u64, line: String) {
        let Some(state) = self.open.get_mut(&stream) else {
            return;
        };
        let seq = state.next_seq;
        state.next_seq += 1;
        if let Some(journal) = &self.journal {
            journal.record(stream, seq, &line);
        }
        let line: Arc<str> = line.into();
        self.replay.push(stream, seq, Arc::clone(&line));
        let item = StreamItem::resumable(event_id(stream, seq), line);
        send_or_detach(&mut state.sink, item);
    }

    fn answer(&mut self, request: &RequestId, line: String) {
        let Some(stream) = self.by_request.remove(request) else {
            return; // cancelled meanwhile: nothing is sent
        };
        let Some(state) = self.open.get_mut(&stream) else {
            return;
        };
        state.unanswered = state.unanswered.saturating_sub(1);
        let done = state.unanswered == 0;
        if state.resumable {
            self.emit(stream, line);
        } else if let Some(collected) = state.batch.as_mut() {
            collected.push(line);
            if done {
                let body = format!("[{}]", collected.join(","));
                send_or_detach(&mut state.sink, StreamItem::Json(body.into()));
            }
        } else {
            send_or_detach(&mut state.sink, StreamItem::Json(line.into()));
        }
        if done {
            // Dropping the sink ends the response once its queue is drained.
            self.open.remove(&stream);
        }
    }

    fn message_for(&mut self, request: &RequestId, line: String) {
        let Some(&stream) = self.by_request.get(request) else {
            return;
        };
        if self.mode == ResponseMode::JsonOnly {
            // The answer's response cannot stream: use the standalone stream instead.
            self.emit(self.standalone, line);
            return;
        }
        self.make_resumable(stream);
        self.emit(stream, line);
    }

    fn forget(&mut self, request: &RequestId) {
        let Some(stream) = self.by_request.remove(request) else {
            return;
        };
        if let Some(state) = self.open.get_mut(&stream) {
            state.unanswered = state.unanswered.saturating_sub(1);
            if state.unanswered == 0 {
                self.open.remove(&stream);
            }
        }
    }

    /// A message not tied to any request: the standalone stream.
    fn unsolicited(&mut self, line: String) {
        self.emit(self.standalone, line);
    }

    /// A GET: without `Last-Event-ID` it takes over the standalone stream (a second
    /// GET replaces the first, the session and its calls go on); with one, it replays
    /// that stream's events after the id, then carries the rest of it.
    pub fn attach(
        &mut self,
        last_event_id: Option<&str>,
        sink: EventSink,
    ) -> Result<(), StreamRefusal> {
        let known =
            |last: &str| parse_event_id(last).is_some_and(|(stream, _)| stream < self.next_stream);
        let last_event_id = last_event_id.filter(|last| known(last) || !self.forgive_unknown_ids);
        let Some(last) = last_event_id else {
            let cursor = self
                .open
                .get(&self.standalone)
                .map_or(0, |s| s.next_seq - 1);
            if self.priming {
                let _ = sink.send(StreamItem::Prime {
                    event_id: event_id(self.standalone, cursor),
                });
            }
            if let Some(standalone) = self.open.get_mut(&self.standalone) {
                standalone.sink = Some(sink);
            }
            return Ok(());
        };
        let (stream, seq) = parse_event_id(last)
            .filter(|&(stream, _)| stream < self.next_stream)
            .ok_or(StreamRefusal::UnknownEventId)?;
        for (replayed_seq, line) in self.replay.after(stream, seq) {
            let item = StreamItem::resumable(event_id(stream, replayed_seq), line);
            if sink.send(item).is_err() {
                break;
            }
        }
        // An earlier owner's standalone stream goes on as this one's.
        let live = if self.continues_standalone(stream) {
            self.standalone
        } else {
            stream
        };
        if let Some(state) = self.open.get_mut(&live) {
            // Still open: live events follow the replay on this connection.
            state.sink = Some(sink);
        }
        // Otherwise the stream is complete; dropping `sink` ends the response.
        Ok(())
    }

    /// A client connection is reading one of this session's streams.
    pub fn has_reader(&self) -> bool {
        self.open
            .values()
            .any(|s| s.sink.as_ref().is_some_and(|sink| !sink.is_closed()))
    }
}

/// Queues `item`; a connection that cannot take it is detached (the event stays in
/// the replay buffer when the stream is resumable).
fn send_or_detach(sink: &mut Option<EventSink>, item: StreamItem) {
    if let Some(connection) = sink {
        if let Err(e) = connection.send(item) {
            if e == SendError::Overflow {
                connection.abort();
            }
            *sink = None;
        }
    }
}
