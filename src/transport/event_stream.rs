//! SSE framing for both transports: how a session's [`StreamItem`]s become
//! `text/event-stream` events, and the response headers every event stream carries
//! (keep-alive comments, `X-Accel-Buffering: no`, `retry:` for clients that know it).
//!
//! Owns: the wire shape of an SSE event and of an SSE response. Must not: choose
//! between JSON and SSE (the Streamable transport does) or touch sessions.

use actix_web::{
    http::header::{HeaderName, HeaderValue},
    HttpRequest, HttpResponse, Responder,
};
use actix_web_lab::sse::{self, Sse};
use futures_util::{stream, Stream, StreamExt};

use crate::session::{EventStream, StreamItem};
use crate::state::ServerState;

/// One stream item as an SSE event.
pub fn encode(item: StreamItem) -> sse::Event {
    match item {
        StreamItem::Endpoint(url) => sse::Data::new(String::from(url)).event("endpoint").into(),
        StreamItem::Event(line) => sse::Data::new(String::from(line)).event("message").into(),
        StreamItem::ResumableEvent(event) => sse::Data::new(String::from(&*event.line))
            .event("message")
            .id(String::from(&*event.event_id))
            .into(),
        // Only reached when a JSON answer meets an SSE stream: send it as an event.
        StreamItem::Json(line) => sse::Data::new(String::from(line)).event("message").into(),
        StreamItem::Prime { event_id } => sse::Data::new("").id(String::from(&*event_id)).into(),
    }
}

/// A session's queue as an SSE response, from its next item on.
pub fn from_queue(req: &HttpRequest, state: &ServerState, queue: EventStream) -> HttpResponse {
    sse_response(req, state, queue.map(|item| item.map(encode)), None)
}

/// A session's queue as an SSE response whose first item was already taken off it
/// (to tell JSON from SSE, or to see a priming event). A priming event means the
/// client knows `retry:`, so the response sends it.
pub fn starting_with(
    req: &HttpRequest,
    state: &ServerState,
    first: StreamItem,
    rest: EventStream,
) -> HttpResponse {
    let retry = matches!(first, StreamItem::Prime { .. }).then_some(state.config.sse_retry);
    let events =
        stream::once(async move { Ok(encode(first)) }).chain(rest.map(|item| item.map(encode)));
    sse_response(req, state, events, retry)
}

/// Serialized JSON-RPC lines as an SSE response (a 2026-07-28 request's answer stream:
/// its notices, then its answer).
pub fn from_lines<S>(req: &HttpRequest, state: &ServerState, lines: S) -> HttpResponse
where
    S: Stream<Item = String> + 'static,
{
    let events = lines.map(|line| Ok(sse::Data::new(line).event("message").into()));
    sse_response(req, state, events, None)
}

/// An SSE response with our headers and keep-alive; `retry` only for clients that
/// know the field.
fn sse_response<S>(
    req: &HttpRequest,
    state: &ServerState,
    events: S,
    retry: Option<std::time::Duration>,
) -> HttpResponse
where
    S: Stream<Item = Result<sse::Event, std::io::Error>> + 'static,
{
    let mut sse = Sse::from_stream(events).with_keep_alive(state.config.keep_alive);
    if let Some(retry) = retry {
        sse = sse.with_retry_duration(retry);
    }
    let mut response = sse.respond_to(req);
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
}
