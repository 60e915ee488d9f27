//! Incremental `text/event-stream` parsing.

use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::Failure;

/// One dispatched event (comments are counted, not returned).
#[derive(Debug, Default)]
pub struct Event {
    pub event: Option<String>,
    pub data: String,
    pub id: Option<String>,
}

/// Buffers bytes and splits them into events at blank lines.
#[derive(Default)]
pub struct Parser {
    buf: Vec<u8>,
    /// Where to resume looking for a blank line.
    scanned: usize,
    /// `: keep-alive` comments seen so far.
    pub keepalives: u64,
}

impl Parser {
    pub fn push(&mut self, bytes: &[u8]) {
        if bytes.contains(&b'\r') {
            // CRLF or CR line endings: normalise to LF.
            let text = String::from_utf8_lossy(bytes)
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            self.buf.extend_from_slice(text.as_bytes());
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// The next complete event, if one is buffered.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            let start = self.scanned.saturating_sub(1);
            let Some(offset) = self.buf[start..].windows(2).position(|w| w == b"\n\n") else {
                self.scanned = self.buf.len();
                return None;
            };
            let end = start + offset;
            let block: Vec<u8> = self.buf.drain(..end + 2).collect();
            self.scanned = 0;
            if let Some(event) = self.parse_block(&block[..end]) {
                return Some(event);
            }
        }
    }

    fn parse_block(&mut self, block: &[u8]) -> Option<Event> {
        let text = String::from_utf8_lossy(block);
        let mut event = Event::default();
        let mut has_field = false;
        for line in text.split('\n') {
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix(':') {
                if comment.trim() == "keep-alive" {
                    self.keepalives += 1;
                }
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
                None => (line, ""),
            };
            has_field = true;
            match field {
                "event" => event.event = Some(value.to_owned()),
                "data" => {
                    if !event.data.is_empty() {
                        event.data.push('\n');
                    }
                    event.data.push_str(value);
                }
                "id" => event.id = Some(value.to_owned()),
                _ => {}
            }
        }
        has_field.then_some(event)
    }

    /// Every complete event in `body` (a buffered SSE response).
    pub fn all_events(body: &[u8]) -> Vec<Event> {
        let mut parser = Parser::default();
        parser.push(body);
        parser.push(b"\n\n");
        std::iter::from_fn(|| parser.next_event()).collect()
    }
}

/// An event stream being read from a live response body.
pub struct EventStream {
    body: Incoming,
    pub parser: Parser,
}

impl EventStream {
    pub fn new(body: Incoming) -> EventStream {
        EventStream {
            body,
            parser: Parser::default(),
        }
    }

    /// The next event; an error when the stream ends or fails. Cancel-safe.
    pub async fn next_event(&mut self) -> Result<Event, Failure> {
        loop {
            if let Some(event) = self.parser.next_event() {
                return Ok(event);
            }
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.parser.push(&data);
                    }
                }
                Some(Err(e)) => {
                    return Err(Failure::new("closed", format!("event stream failed: {e}")))
                }
                None => return Err(Failure::new("closed", "event stream ended")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_events_and_counts_keepalives() {
        let mut p = Parser::default();
        p.push(b"event: endpoint\ndata: /messages?session_id=1\n\n: keep-alive\n\nevent: mes");
        let e = p.next_event().unwrap();
        assert_eq!(e.event.as_deref(), Some("endpoint"));
        assert_eq!(e.data, "/messages?session_id=1");
        assert!(p.next_event().is_none());
        assert_eq!(p.keepalives, 1);
        p.push(b"sage\ndata: {\"a\":1}\r\n\r\n");
        let e = p.next_event().unwrap();
        assert_eq!(e.event.as_deref(), Some("message"));
        assert_eq!(e.data, "{\"a\":1}");
    }

    #[test]
    fn buffered_body() {
        let events = Parser::all_events(b"id: 7\nevent: message\ndata: x\ndata: y");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "x\ny");
        assert_eq!(events[0].id.as_deref(), Some("7"));
    }
}
