//! The `actix-mcp` binary: serves its built-in tools, resource and prompt (`builtins`)
//! over Streamable HTTP and legacy HTTP+SSE.

mod builtins;

use actix_mcp::access::{AccessPolicy, AllowedHosts, BearerToken};
use actix_mcp::{config::ResponseMode, shutdown, telemetry, McpConfig, McpServer, RequestStateKey};
use actix_web::{middleware, App, HttpServer};
use clap::Parser;
use std::time::Duration;

/// An MCP server on actix. Streamable HTTP clients connect to http://HOST:PORT/mcp,
/// legacy HTTP+SSE clients to http://HOST:PORT/sse.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Address to listen on. Keep 127.0.0.1 unless clients on other hosts must connect.
    #[arg(long, env = "MCP_HOST", default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on.
    #[arg(long, env = "MCP_PORT", default_value_t = 8000)]
    port: u16,
    /// Seconds between keep-alive comments on idle event streams.
    #[arg(long, env = "MCP_KEEP_ALIVE_SECS", default_value_t = 15)]
    keep_alive_secs: u64,
    /// How Streamable HTTP answers requests: auto (JSON unless something must be
    /// streamed first), json (always JSON), sse (always an event stream).
    #[arg(long, env = "MCP_RESPONSE_MODE", default_value = "auto", value_parser = ["auto", "json", "sse"])]
    response_mode: String,
    /// Close a Streamable HTTP session after this many idle seconds.
    #[arg(long, env = "MCP_SESSION_IDLE_TTL_SECS", default_value_t = 1800)]
    session_idle_ttl_secs: u64,
    /// Close a session (either transport) whose client has not sent
    /// notifications/initialized this many seconds after opening it.
    #[arg(long, env = "MCP_INIT_TIMEOUT_SECS", default_value_t = 60)]
    init_timeout_secs: u64,
    /// Also accept this Host name (any port), e.g. the name a reverse proxy forwards;
    /// repeatable. By default only the bind address's own names are accepted (on
    /// 127.0.0.1: localhost, 127.0.0.1, [::1]); bound to 0.0.0.0 with no names, Host
    /// is not checked.
    #[arg(
        long = "allowed-host",
        env = "MCP_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    allowed_hosts: Vec<String>,
    /// Also accept this browser Origin (e.g. https://app.example.com); repeatable.
    #[arg(
        long = "allowed-origin",
        env = "MCP_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    allowed_origins: Vec<String>,
    /// Require a bearer token: a file with one `principal:token` per line. Tokens can
    /// also come from MCP_BEARER_TOKENS (`alice:tok1,bob:tok2`); never put them on
    /// the command line, where other users can see them.
    #[arg(long)]
    bearer_tokens_file: Option<std::path::PathBuf>,
    /// Sessions open at once; more get 503 with Retry-After.
    #[arg(long, env = "MCP_MAX_SESSIONS", default_value_t = 50_000)]
    max_sessions: usize,
    /// On SIGINT/SIGTERM, tool calls in flight get this many seconds to finish before
    /// every stream is closed and the process exits.
    #[arg(long, env = "MCP_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    shutdown_grace_secs: u64,
    /// Log filter, RUST_LOG syntax (e.g. info, debug, actix_mcp=debug).
    #[arg(long, env = "MCP_LOG", default_value = "info")]
    log: String,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "MCP_WORKERS")]
    workers: Option<usize>,
    /// Serve 2026-07-28 stateless requests on /mcp beside handshake sessions (`false`:
    /// only the initialize handshake, for clients that mishandle the newer revision).
    #[arg(long, env = "MCP_STATELESS", default_value_t = true, action = clap::ArgAction::Set)]
    stateless: bool,
    /// How long clients may cache 2026-07-28 discovery, list and resources/read
    /// results (ttlMs); 0 = not at all.
    #[arg(long, env = "MCP_CACHE_TTL_SECS", default_value_t = 0)]
    cache_ttl_secs: u64,
    /// A secret (16+ bytes) sealing 2026-07-28 MRTR requestState tokens; repeat to
    /// rotate (the first seals, all open). Replicas behind one balancer need the same
    /// keys. Default: a random key per process.
    #[arg(
        long = "request-state-key",
        env = "MCP_REQUEST_STATE_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    request_state_keys: Vec<String>,
    /// Run as one of several replicas sharing sessions through this Redis
    /// (redis://host:port/db); without it, one process with nothing shared.
    #[arg(long, env = "MCP_REDIS_URL", hide_env_values = true)]
    redis_url: Option<String>,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let cli = Cli::parse();
    telemetry::init(&cli.log);
    let bind_ip: std::net::IpAddr = cli
        .host
        .parse()
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    let mut bearer_tokens = std::env::var("MCP_BEARER_TOKENS")
        .map(|list| BearerToken::parse_list(&list))
        .unwrap_or_default();
    if let Some(path) = &cli.bearer_tokens_file {
        let list = std::fs::read_to_string(path)?;
        bearer_tokens.extend(BearerToken::parse_list(
            &list.lines().collect::<Vec<_>>().join(","),
        ));
    }
    let allowed_hosts = AllowedHosts::for_bind_address(bind_ip).with(&cli.allowed_hosts);
    if allowed_hosts == AllowedHosts::Any {
        tracing::warn!("bound to all interfaces with no --allowed-host: Host is not checked");
    }
    if bearer_tokens.is_empty() && !bind_ip.is_loopback() {
        tracing::warn!("listening beyond loopback without bearer tokens: anyone who can reach the port can use the tools");
    }
    let config = McpConfig {
        access: AccessPolicy {
            allowed_hosts,
            allowed_origins: cli.allowed_origins.clone(),
            bearer_tokens,
        },
        max_sessions: cli.max_sessions,
        keep_alive: Duration::from_secs(cli.keep_alive_secs.max(1)),
        response_mode: match cli.response_mode.as_str() {
            "json" => ResponseMode::JsonOnly,
            "sse" => ResponseMode::SseOnly,
            _ => ResponseMode::Auto,
        },
        session_idle_ttl: Duration::from_secs(cli.session_idle_ttl_secs.max(1)),
        init_timeout: Duration::from_secs(cli.init_timeout_secs.max(1)),
        // The seed articles' clients POST here; the endpoint event names /messages.
        messages_path_aliases: vec!["/sse/messages".into(), "/messages/".into()],
        serve_stateless: cli.stateless,
        cache_ttl: Duration::from_secs(cli.cache_ttl_secs),
        request_state_keys: cli
            .request_state_keys
            .iter()
            .map(RequestStateKey::new)
            .collect::<Result<_, _>>()
            .map_err(std::io::Error::other)?,
        redis_url: cli.redis_url,
        ..McpConfig::default()
    };
    let mcp = builtins::register(McpServer::builder())
        .title("actix-mcp")
        .instructions(
            "Tools: `echo` returns a message unchanged; `uppercase_text` upper-cases text. \
             Resource echo://{message} echoes its message; prompt `echo` asks you to process one.",
        )
        .config(config)
        .build()
        .map_err(std::io::Error::other)?;
    let served = mcp.clone();
    let grace = Duration::from_secs(cli.shutdown_grace_secs);
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::Logger::new("%r %s %Dms").log_target("http"))
            .configure(served.configure())
    })
    .tcp_nodelay(true)
    // Our own signal handling drains MCP sessions first (see shutdown.rs); actix's
    // timeout is only the last resort for plain HTTP responses.
    .disable_signals()
    .shutdown_timeout(grace.as_secs() + 5);
    if let Some(workers) = cli.workers {
        server = server.workers(workers);
    }
    let server = server.bind((cli.host.as_str(), cli.port))?;
    tracing::info!(
        host = %cli.host,
        port = cli.port,
        "serving MCP: Streamable HTTP on /mcp, legacy HTTP+SSE on /sse + /messages"
    );
    let server = server.run();
    actix_web::rt::spawn(shutdown::on(
        shutdown::signal(),
        server.handle(),
        mcp,
        grace,
    ));
    server.await
}
