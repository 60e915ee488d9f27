//! Graceful shutdown for a served `McpServer`: on SIGINT or SIGTERM, stop accepting
//! connections, let tool calls in flight finish within a grace period, end every
//! stream cleanly, and return — never hang on open streams.
//!
//! Owns: the order of the steps. Must not: decide what a session does while draining
//! (the session actor does).

use actix_web::dev::ServerHandle;
use std::time::Duration;

use crate::McpServer;

/// Resolves on the first SIGINT or SIGTERM (Ctrl-C only where there are no Unix signals).
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => tracing::info!("SIGINT received"),
                    _ = terminate.recv() => tracing::info!("SIGTERM received"),
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Waits for `trigger`, then shuts down in order: the listener stops accepting, the
/// MCP sessions drain (calls get `grace` to finish) and close their streams, and the
/// HTTP server finishes the responses that are left.
pub async fn on(
    trigger: impl std::future::Future<Output = ()>,
    http: ServerHandle,
    mcp: McpServer,
    grace: Duration,
) {
    trigger.await;
    tracing::info!(
        grace_secs = grace.as_secs_f64(),
        "graceful shutdown started"
    );
    // Stop accepting first, so no new session starts while the others drain.
    http.pause().await;
    mcp.shutdown(grace).await;
    http.stop(true).await;
    tracing::info!("shutdown complete");
}
