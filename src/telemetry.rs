//! Log set-up for the binary: `tracing` events with their span fields (session id,
//! request id) on stderr; actix-web's own `log` records are bridged in.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber. `filter` uses `RUST_LOG` syntax (e.g. `info`, `actix_mcp=debug`).
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call (e.g. from tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
