//! The per-session replay buffer for Streamable HTTP resumability.
//!
//! Every event sent on a resumable stream is kept here, tagged with its stream and
//! sequence number, until the buffer's event or byte budget evicts it (oldest first).
//! A `Last-Event-ID` of `<stream>:<seq>` replays that stream's events after `seq` —
//! never another stream's, and a session's buffer is reachable only through that
//! session, so never another session's.

use std::collections::VecDeque;
use std::sync::Arc;

struct Buffered {
    stream: u64,
    seq: u64,
    line: Arc<str>,
}

pub struct ReplayBuffer {
    events: VecDeque<Buffered>,
    /// Sum of the buffered lines' lengths.
    bytes: usize,
    max_events: usize,
    max_bytes: usize,
}

/// The id of an event: which stream, which position on it.
pub fn event_id(stream: u64, seq: u64) -> Arc<str> {
    format!("{stream}:{seq}").into()
}

/// Parses a `Last-Event-ID` we issued.
pub fn parse_event_id(id: &str) -> Option<(u64, u64)> {
    let (stream, seq) = id.trim().split_once(':')?;
    Some((stream.parse().ok()?, seq.parse().ok()?))
}

impl ReplayBuffer {
    pub fn new(max_events: usize, max_bytes: usize) -> Self {
        ReplayBuffer {
            events: VecDeque::new(),
            bytes: 0,
            max_events,
            max_bytes,
        }
    }

    pub fn push(&mut self, stream: u64, seq: u64, line: Arc<str>) {
        self.bytes += line.len();
        self.events.push_back(Buffered { stream, seq, line });
        while self.events.len() > self.max_events || self.bytes > self.max_bytes {
            match self.events.pop_front() {
                Some(old) => self.bytes -= old.line.len(),
                None => break,
            }
        }
    }

    /// `stream`'s buffered events after `seq`, oldest first.
    pub fn after(&self, stream: u64, seq: u64) -> impl Iterator<Item = (u64, Arc<str>)> + '_ {
        self.events
            .iter()
            .filter(move |e| e.stream == stream && e.seq > seq)
            .map(|e| (e.seq, Arc::clone(&e.line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_only_the_named_stream_after_the_cursor() {
        let mut buffer = ReplayBuffer::new(100, 1 << 20);
        for seq in 1..=3 {
            buffer.push(1, seq, format!("a{seq}").into());
            buffer.push(2, seq, format!("b{seq}").into());
        }
        let replayed: Vec<_> = buffer
            .after(1, 1)
            .map(|(s, l)| (s, l.to_string()))
            .collect();
        assert_eq!(replayed, vec![(2, "a2".to_owned()), (3, "a3".to_owned())]);
        assert_eq!(buffer.after(2, 3).count(), 0);
        assert_eq!(buffer.after(9, 0).count(), 0);
    }

    #[test]
    fn stays_within_its_budgets() {
        let mut buffer = ReplayBuffer::new(3, 1 << 20);
        for seq in 1..=10 {
            buffer.push(0, seq, "x".into());
        }
        assert_eq!(
            buffer.after(0, 0).map(|(s, _)| s).collect::<Vec<_>>(),
            vec![8, 9, 10]
        );
        let mut by_bytes = ReplayBuffer::new(100, 10);
        for seq in 1..=5 {
            by_bytes.push(0, seq, "abcd".into());
        }
        assert_eq!(by_bytes.after(0, 0).count(), 2);
    }

    #[test]
    fn event_ids_round_trip() {
        assert_eq!(parse_event_id(&event_id(4, 17)), Some((4, 17)));
        assert_eq!(parse_event_id("garbage"), None);
        assert_eq!(parse_event_id("1:x"), None);
    }
}
