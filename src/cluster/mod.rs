//! Scale-out through Redis (`--redis-url`, off by default): replicas behind one
//! balancer share one session space.
//!
//! # Design
//!
//! - **Directory** ([`directory`]): every session this replica opens is claimed in
//!   Redis (`<prefix>:session:<id>` → this replica's id, with a TTL the replica keeps
//!   refreshing while the session lives) before its client can learn the id; it is
//!   released when the session ends. Each replica also keeps a short-lived liveness
//!   key, so an owner that died is known as gone within seconds, not at its
//!   sessions' TTL.
//! - **Forwarding** ([`forward`]): a request (legacy POST, Streamable POST, GET or
//!   DELETE) that reaches a replica which does not hold the session is published to
//!   the owner's inbox channel; the owner hands it to the session exactly as a local
//!   request would and publishes the outcome on the sender's reply channel; only then
//!   is the request answered (`202` for a legacy POST, as locally: the owner holds
//!   it). What the session writes to a forwarded POST's or GET's response is relayed
//!   back item by item ([`relay`]). No owner, or a dead one: `404`, so the client
//!   starts over. Redis unreachable, or no reply in time: `503`. Pub/sub rather than
//!   streams: a forward is answered within its request or not at all, so there is
//!   nothing to keep for a replica that is not listening, and a round trip costs one
//!   PUBLISH each way.
//! - **Fan-out** ([`events`]): resource updates and list changes made on one replica
//!   are announced on a shared channel, and every other replica broadcasts them to
//!   its sessions and subscription streams.
//! - **Adoption** ([`snapshot`]): a Streamable session's terms are saved in Redis;
//!   when its replica dies (or shuts down), the next replica that gets one of its
//!   requests takes it over atomically and serves it from then on. Its resumable
//!   streams' recent events are kept in Redis too ([`history`]), so a `Last-Event-ID`
//!   on the adopter replays what the client missed.
//! - **Faults**: commands go through a connection manager that reconnects by itself;
//!   the subscription is re-made by its own loop. While Redis is away, local sessions
//!   go on; only work that needs it fails, at once.
//!
//! Owns: the replica's Redis connections, its keys and channels, and forwarded
//! deliveries. Must not: parse or act on MCP messages (sessions do), or decide which
//! sessions exist (the registry does; this module mirrors them into Redis).

mod directory;
mod events;
mod forward;
mod history;
mod relay;
mod snapshot;

use dashmap::DashMap;
use redis::aio::ConnectionManager;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::config::McpConfig;
use crate::registry::{Registry, SessionDirectory};
use crate::session::SessionId;
use actix::Addr;

pub use directory::{ClaimError, Owner};
use forward::Outcome;
pub use forward::{ForwardError, Forwarded};
pub use history::{incarnation_base, starts_incarnation, EventJournal, PastEvent};
pub use snapshot::SessionSnapshot;

/// How long one Redis command may take before the work that needs it fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

/// This replica's link to Redis.
pub struct Cluster {
    /// This replica's name in Redis: fresh for every process, so a restarted replica
    /// never inherits a dead one's sessions.
    replica: String,
    /// Key and channel names start with this (`mcp` unless configured).
    prefix: String,
    /// Opens connections (the subscription's, re-made after a fault).
    client: redis::Client,
    /// Commands; set once the first connection is up, then it reconnects by itself.
    commands: OnceLock<ConnectionManager>,
    /// The inbox and reply subscription is live: forwarding in either direction needs it.
    subscribed: AtomicBool,
    /// The last heartbeat reached Redis: other replicas count this one as alive.
    heartbeat: AtomicBool,
    /// Forwards of ours waiting for their owner's outcome, by correlation number.
    pending: DashMap<u64, oneshot::Sender<Outcome>>,
    /// Responses held here whose session is on another replica, by stream number.
    relayed: DashMap<u64, relay::Relayed>,
    /// Streams of our sessions relayed to other replicas, by (replica, its stream
    /// number): fired when that replica's client goes away.
    relays: DashMap<(String, u64), CancellationToken>,
    /// The bounds of a session's outbound queue (items, bytes), for the queues of
    /// forwarded streams.
    queue: (usize, usize),
    /// How long a session's saved state outlives its last refresh (the idle TTL).
    state_ttl: Duration,
    /// Events kept per session for a replay on another replica (the replay buffer's
    /// event budget).
    history_len: usize,
    /// The queue of the writer that records sessions' events ([`history`]).
    history: tokio::sync::mpsc::Sender<history::Write>,
    /// Sessions this replica let go for another one to adopt (it shuts down): a
    /// request forwarded here for one of them is told to look again, not `404`.
    handed_over: DashMap<SessionId, ()>,
    /// Held while a session is adopted here: two requests of one session arriving at
    /// once must not build it twice.
    pub(crate) adoption: tokio::sync::Mutex<()>,
    /// The next correlation number.
    next_correlation: AtomicU64,
    /// This replica's sessions: where messages forwarded to us are delivered.
    sessions: SessionDirectory,
    /// This replica's registry, for events other replicas announce; set once it runs.
    registry: OnceLock<Addr<Registry>>,
    /// Where the background work runs (the tool runtime: never an HTTP worker).
    runtime: tokio::runtime::Handle,
}

impl Cluster {
    /// Connects to `url` in the background on `runtime` and keeps this replica's keys
    /// and subscription up from then on. Fails only on a malformed URL.
    pub(crate) fn start(
        url: &str,
        config: &McpConfig,
        sessions: SessionDirectory,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Arc<Cluster>, redis::RedisError> {
        let (history, history_queue) = history::queue();
        let cluster = Arc::new(Cluster {
            replica: uuid::Uuid::new_v4().to_string(),
            prefix: config.redis_key_prefix.clone(),
            client: redis::Client::open(url)?,
            commands: OnceLock::new(),
            subscribed: AtomicBool::new(false),
            heartbeat: AtomicBool::new(false),
            pending: DashMap::new(),
            relayed: DashMap::new(),
            relays: DashMap::new(),
            queue: (config.outbound_queue, config.outbound_queue_bytes),
            state_ttl: config.session_idle_ttl,
            history_len: config.replay_buffer_events,
            history,
            handed_over: DashMap::new(),
            adoption: tokio::sync::Mutex::new(()),
            next_correlation: AtomicU64::new(1),
            sessions,
            registry: OnceLock::new(),
            runtime: runtime.clone(),
        });
        runtime.spawn(Arc::clone(&cluster).connect());
        runtime.spawn(forward::listen(Arc::clone(&cluster)));
        runtime.spawn(directory::keep_alive(Arc::clone(&cluster)));
        runtime.spawn(history::write(Arc::clone(&cluster), history_queue));
        tracing::info!(replica = %cluster.replica, "scale-out through Redis: connecting");
        Ok(cluster)
    }

    /// Hands announced events to `registry` from now on.
    pub(crate) fn attach(&self, registry: Addr<Registry>) {
        let _ = self.registry.set(registry);
    }

    /// This replica's id (in logs and in the directory).
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// Whether this replica can reach Redis now (commands and its subscription): what
    /// `/readyz` reports.
    pub fn is_connected(&self) -> bool {
        self.commands.get().is_some()
            && self.subscribed.load(Ordering::Acquire)
            && self.heartbeat.load(Ordering::Acquire)
    }

    /// Makes the command connection, retrying until Redis answers.
    async fn connect(self: Arc<Self>) {
        let mut delay = Duration::from_millis(100);
        loop {
            match self.client.get_connection_manager().await {
                Ok(manager) => {
                    let _ = self.commands.set(manager);
                    tracing::info!(replica = %self.replica, "connected to Redis");
                    return;
                }
                Err(error) => {
                    tracing::warn!(%error, "Redis unreachable; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// A handle for one command (cheap: the manager multiplexes), or `None` while the
    /// first connection is not up yet.
    fn commands(&self) -> Option<ConnectionManager> {
        self.commands.get().cloned()
    }

    fn key(&self, kind: &str, name: &str) -> String {
        format!("{}:{kind}:{name}", self.prefix)
    }

    fn correlation(&self) -> u64 {
        self.next_correlation.fetch_add(1, Ordering::Relaxed)
    }
}

/// Runs `command` with the [`COMMAND_TIMEOUT`]; `None` when Redis did not answer in
/// time or answered with an error.
async fn within<T>(command: impl std::future::Future<Output = redis::RedisResult<T>>) -> Option<T> {
    match tokio::time::timeout(COMMAND_TIMEOUT, command).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(error)) => {
            tracing::warn!(%error, "Redis command failed");
            None
        }
        Err(_) => {
            tracing::warn!("Redis command timed out");
            None
        }
    }
}
