//! Server settings: paths, limits and timers, each with the default we ship.

use std::time::Duration;

/// Everything an operator may tune. `McpConfig::default()` is what the binary runs with.
#[derive(Debug, Clone)]
pub struct McpConfig {
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
    /// Server→client messages queued for one SSE stream. A client that stops reading
    /// until this many are waiting is disconnected and its session closed: per-session
    /// memory stays bounded whatever the client does.
    pub outbound_queue: usize,
    /// Requests one session may have in flight; more are answered with an error.
    pub max_in_flight_per_session: usize,
    /// Tools per `tools/list` page.
    pub page_size: usize,
    /// A tool call running longer than this ends with an error result.
    pub tool_call_timeout: Duration,
    /// Threads of the tool runtime that runs every tool call.
    pub tool_threads: usize,
}

impl Default for McpConfig {
    fn default() -> Self {
        McpConfig {
            sse_path: "/sse".into(),
            messages_path: "/messages".into(),
            messages_path_aliases: Vec::new(),
            keep_alive: Duration::from_secs(15),
            max_body_bytes: 4 * 1024 * 1024,
            outbound_queue: 1024,
            max_in_flight_per_session: 256,
            page_size: 100,
            tool_call_timeout: Duration::from_secs(300),
            tool_threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        }
    }
}
