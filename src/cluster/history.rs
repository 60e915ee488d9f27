//! A Streamable session's recent events, kept in Redis beside its saved state, so
//! that a `GET` with `Last-Event-ID` on the replica that adopted the session replays
//! what the client missed on the one that is gone.
//!
//! Key `<prefix>:events:<id>`: a list of `<stream>:<seq> <line>` entries, oldest
//! first, trimmed to the replay buffer's event budget and expiring with the session's
//! state. Entries leave the session in order through one writer task per replica,
//! which batches them into pipelines; a replica shutting down flushes it before it
//! lets its sessions go ([`Cluster::flush_history`]), so the adopter reads all of them.
//!
//! Event ids stay unique across replicas because each owner of a session numbers
//! its streams from its own *incarnation* ([`incarnation_base`]): the count of
//! takeovers, kept in Redis and bumped by the atomic takeover itself.
//!
//! Owns: the entries' shape, the key and the writer. Must not: decide which events
//! are resumable or what a replay sends (the session's streams do).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::{within, Cluster};
use crate::session::SessionId;

/// Entries waiting for the writer; beyond this an entry is dropped (the event still
/// reaches a connected client; only a replay on another replica would miss it).
const PENDING_WRITES: usize = 16_384;
/// Entries written in one pipeline.
const BATCH: usize = 512;
/// Bits of a stream number that count streams within one incarnation.
const INCARNATION_SHIFT: u32 = 32;

/// The first stream number of a session's `incarnation`-th owner (0 for the
/// replica that opened it).
pub fn incarnation_base(incarnation: u64) -> u64 {
    incarnation << INCARNATION_SHIFT
}

/// Whether `stream` is the first of an incarnation's (its standalone stream).
pub fn starts_incarnation(stream: u64) -> bool {
    stream.trailing_zeros() >= INCARNATION_SHIFT
}

/// One event of a resumable stream, as the adopter reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastEvent {
    pub stream: u64,
    pub seq: u64,
    pub line: Arc<str>,
}

impl PastEvent {
    fn encode(stream: u64, seq: u64, line: &str) -> String {
        format!("{stream}:{seq} {line}")
    }

    fn decode(entry: &str) -> Option<PastEvent> {
        let (id, line) = entry.split_once(' ')?;
        let (stream, seq) = id.split_once(':')?;
        Some(PastEvent {
            stream: stream.parse().ok()?,
            seq: seq.parse().ok()?,
            line: line.into(),
        })
    }
}

pub(super) enum Write {
    Event {
        session: SessionId,
        entry: String,
    },
    /// Answered once every entry queued before it is in Redis (or given up on).
    Flush(oneshot::Sender<()>),
}

/// Where one session's resumable events are recorded (held by its streams).
#[derive(Clone)]
pub struct EventJournal {
    cluster: Arc<Cluster>,
    session: SessionId,
}

impl EventJournal {
    /// Records event `seq` of `stream`, in the background (a session never waits on
    /// Redis).
    pub fn record(&self, stream: u64, seq: u64, line: &str) {
        let entry = PastEvent::encode(stream, seq, line);
        let write = Write::Event {
            session: self.session,
            entry,
        };
        if self.cluster.history.try_send(write).is_err() {
            tracing::warn!(session_id = %self.session,
                "event not kept in Redis: the writer is behind");
        }
    }
}

impl Cluster {
    /// The journal for session `id`'s resumable events.
    pub fn journal(self: &Arc<Self>, id: SessionId) -> EventJournal {
        EventJournal {
            cluster: Arc::clone(self),
            session: id,
        }
    }

    /// Waits (up to `limit`) until every event recorded so far is in Redis.
    pub async fn flush_history(&self, limit: Duration) {
        let (done, flushed) = oneshot::channel();
        if self.history.send(Write::Flush(done)).await.is_ok() {
            let _ = tokio::time::timeout(limit, flushed).await;
        }
    }

    /// Session `id`'s recorded events, oldest first; empty when Redis cannot tell.
    pub(crate) async fn load_history(&self, id: &SessionId) -> Vec<PastEvent> {
        let Some(mut redis) = self.commands() else {
            return Vec::new();
        };
        let entries: Option<Vec<String>> = within(
            redis::cmd("LRANGE")
                .arg(self.key("events", &id.to_string()))
                .arg(0)
                .arg(-1)
                .query_async(&mut redis),
        )
        .await;
        entries
            .unwrap_or_default()
            .iter()
            .filter_map(|entry| PastEvent::decode(entry))
            .collect()
    }
}

/// The queue the writer drains: `Cluster::history`'s other end.
pub(super) fn queue() -> (mpsc::Sender<Write>, mpsc::Receiver<Write>) {
    mpsc::channel(PENDING_WRITES)
}

/// Writes queued entries in order, a pipeline per batch: for each session touched,
/// one `RPUSH` of its entries, then `LTRIM` and `EXPIRE`.
pub(super) async fn write(cluster: Arc<Cluster>, mut queue: mpsc::Receiver<Write>) {
    let keep = i64::try_from(cluster.history_len).unwrap_or(i64::MAX);
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let mut touched: HashMap<SessionId, Vec<String>> = HashMap::new();
        let mut flushes = Vec::new();
        for write in batch.drain(..) {
            match write {
                Write::Event { session, entry } => touched.entry(session).or_default().push(entry),
                Write::Flush(done) => flushes.push(done),
            }
        }
        let mut pipe = redis::pipe();
        for (session, entries) in &touched {
            let key = cluster.key("events", &session.to_string());
            pipe.cmd("RPUSH").arg(&key).arg(entries).ignore();
            pipe.cmd("LTRIM").arg(&key).arg(-keep).arg(-1).ignore();
            pipe.cmd("EXPIRE")
                .arg(&key)
                .arg(cluster.state_ttl.as_secs().max(1))
                .ignore();
        }
        if !touched.is_empty() {
            match cluster.commands() {
                Some(mut redis) => {
                    let written: Option<()> = within(pipe.query_async(&mut redis)).await;
                    if written.is_none() {
                        tracing::warn!(
                            sessions = touched.len(),
                            "events not kept in Redis: a replay on another replica would miss them"
                        );
                    }
                }
                None => tracing::warn!("events not kept in Redis: not connected yet"),
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_with_spaces_and_colons_in_the_line() {
        let line = r#"{"jsonrpc":"2.0","method":"a b:c"}"#;
        let entry = PastEvent::encode(incarnation_base(2) + 3, 7, line);
        assert_eq!(
            PastEvent::decode(&entry),
            Some(PastEvent {
                stream: (2 << 32) + 3,
                seq: 7,
                line: line.into()
            })
        );
        assert_eq!(PastEvent::decode("garbage"), None);
    }
}
