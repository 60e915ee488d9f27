//! Server settings: paths, limits and timers, each with the default we ship.

use std::time::Duration;

use crate::access::AccessPolicy;
use crate::stateless::request_state::RequestStateKey;

/// Everything an operator may tune. `McpConfig::default()` is what the binary runs with.
#[derive(Debug, Clone)]
pub struct McpConfig {
    /// Host/Origin allow-list and optional bearer tokens, checked on every request.
    pub access: AccessPolicy,
    /// Sessions open at once; one more gets 503 with `Retry-After`.
    pub max_sessions: usize,
    /// The Streamable HTTP endpoint (relative to the mount prefix).
    pub mcp_path: String,
    /// How Streamable HTTP answers a request: JSON when the answer is all there is
    /// (`Auto`), or always one of the two.
    pub response_mode: ResponseMode,
    /// A Streamable HTTP session with no request, no open stream and no call in flight
    /// for this long is closed (clients rarely send DELETE).
    pub session_idle_ttl: Duration,
    /// A session whose client has not sent `notifications/initialized` this long after
    /// it opened is closed (half-open sessions would otherwise pile up).
    pub init_timeout: Duration,
    /// Events kept per Streamable HTTP session for `Last-Event-ID` resumption…
    pub replay_buffer_events: usize,
    /// …and at most this many bytes of them (oldest go first).
    pub replay_buffer_bytes: usize,
    /// The reconnect delay (`retry:`) sent to 2025-11-25+ clients on resumable streams.
    pub sse_retry: Duration,
    /// Where the legacy HTTP+SSE stream is opened (relative to the mount prefix).
    pub sse_path: String,
    /// Where legacy clients POST their messages (relative to the mount prefix); the
    /// `endpoint` event points here.
    pub messages_path: String,
    /// Extra POST paths that behave like `messages_path` (e.g. the seed articles'
    /// `/sse/messages` and `/messages/`), for clients configured by hand.
    pub messages_path_aliases: Vec<String>,
    /// A comment line is sent on idle SSE streams this often, so proxies and client
    /// timers do not cut them.
    pub keep_alive: Duration,
    /// Bodies above this size get 413.
    pub max_body_bytes: usize,
    /// Messages queued for one response stream. A legacy SSE client that stops reading
    /// until this many are waiting is disconnected and its session closed; a Streamable
    /// HTTP stream in that state is cut and its events wait in the replay buffer. Either
    /// way per-session memory stays bounded whatever the client does.
    pub outbound_queue: usize,
    /// …and at most this many bytes waiting on one response stream (a larger single
    /// message still goes through when nothing else waits).
    pub outbound_queue_bytes: usize,
    /// Requests one session may have in flight; more are answered with an error.
    pub max_in_flight_per_session: usize,
    /// How long a handler waits for the client to answer a request the server sent it
    /// (sampling, elicitation, roots) before it gets an error.
    pub client_request_timeout: Duration,
    /// Tools per `tools/list` page.
    pub page_size: usize,
    /// A handler (tool call, resource read, prompt, completion) running longer than
    /// this is stopped: a tool call ends with an `isError` result, the others with a
    /// `-32603` error. Either way its in-flight slot is freed.
    pub handler_timeout: Duration,
    /// Threads of the tool runtime that runs every tool call.
    pub tool_threads: usize,
    /// The `ttlMs` of 2026-07-28 discovery, list and `resources/read` results: how long
    /// a client may reuse them (0: not at all, the default, since tools and resources
    /// may change at run time). Scope `public` when no bearer tokens are configured,
    /// else `private`.
    pub cache_ttl: Duration,
    /// Keys that seal 2026-07-28 MRTR `requestState` tokens: the first seals, every one
    /// opens (list a new key first to rotate). Empty: a random key per process, so a
    /// retry reaching another replica is refused — replicas must share their keys.
    pub request_state_keys: Vec<RequestStateKey>,
    /// How long a `requestState` token is honoured after it was issued.
    pub request_state_ttl: Duration,
    /// Serve 2026-07-28 stateless requests on the Streamable HTTP endpoint
    /// (`crate::stateless`), beside the handshake sessions (on by default). Off, such
    /// requests get the handshake-era answers (`server/discover` → 404 `-32601`), so
    /// dual-era clients fall back to `initialize`.
    pub serve_stateless: bool,
    /// Tasks (the 2026-07-28 tasks extension) existing at once, finished ones included
    /// until they expire; a call that would create one more is refused with `-32000`.
    pub max_tasks: usize,
    /// How long a task is kept after it was created (its `ttlMs`), finished or not;
    /// one still running then is cancelled. Keep it above `handler_timeout`.
    pub task_ttl: Duration,
    /// The polling interval suggested to clients (`pollIntervalMs`).
    pub task_poll_interval: Duration,
    /// Scale-out through Redis (`crate::cluster`): `redis://host:port/db`. `None`
    /// (the default): one process, nothing shared.
    pub redis_url: Option<String>,
    /// Every Redis key and channel of this deployment starts with this, so several
    /// deployments can share one Redis.
    pub redis_key_prefix: String,
}

impl Default for McpConfig {
    fn default() -> Self {
        McpConfig {
            access: AccessPolicy::default(),
            max_sessions: 50_000,
            mcp_path: "/mcp".into(),
            response_mode: ResponseMode::Auto,
            session_idle_ttl: Duration::from_secs(30 * 60),
            init_timeout: Duration::from_secs(60),
            replay_buffer_events: 256,
            replay_buffer_bytes: 4 * 1024 * 1024,
            sse_retry: Duration::from_secs(3),
            sse_path: "/sse".into(),
            messages_path: "/messages".into(),
            messages_path_aliases: Vec::new(),
            keep_alive: Duration::from_secs(15),
            max_body_bytes: 4 * 1024 * 1024,
            outbound_queue: 1024,
            outbound_queue_bytes: 16 * 1024 * 1024,
            max_in_flight_per_session: 256,
            client_request_timeout: Duration::from_secs(120),
            page_size: 100,
            handler_timeout: Duration::from_secs(300),
            tool_threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            cache_ttl: Duration::ZERO,
            request_state_keys: Vec::new(),
            request_state_ttl: Duration::from_secs(10 * 60),
            serve_stateless: true,
            max_tasks: 10_000,
            task_ttl: Duration::from_secs(60 * 60),
            task_poll_interval: Duration::from_millis(500),
            redis_url: None,
            redis_key_prefix: "mcp".into(),
        }
    }
}

/// How Streamable HTTP answers a POSTed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    /// `application/json` when the answer is the only message; an SSE stream as soon as
    /// anything (progress, a log message, a server request) has to go before it.
    Auto,
    /// Always `application/json`; messages before the answer (progress, logs, server
    /// requests) go on the standalone GET stream instead.
    JsonOnly,
    /// Always an SSE stream that ends after the answer.
    SseOnly,
}
