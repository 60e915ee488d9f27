//! `loadgen`: an MCP load generator for actix-mcp (and the reference relay).
//!
//! Speaks real MCP over either transport — legacy HTTP+SSE (`--transport sse`) or
//! Streamable HTTP (`--transport streamable`) — or sends 2026-07-28 stateless
//! requests (`--transport stateless`: no session; each "session" is one client with
//! its own connection, calls mode only). Two modes:
//!
//! - calls (default): open `--sessions` sessions (the setup phase), then every
//!   session makes `--calls` sequential `tools/call`s of `echo`, all sessions at once
//!   (the call phase). Reports the setup rate, calls/s, latency percentiles, errors,
//!   and (with `--server-pid`) the server's CPU use during the call phase.
//! - idle (`--idle-sessions N`): read the server's VmRSS (`--server-pid`), open and
//!   initialize N sessions, hold them idle for `--hold-secs`, read VmRSS again and
//!   report (after - before) / N KiB per session; then one verifying call per session.
//!
//! Legacy answers are matched by id and content on their own session's stream;
//! Streamable and stateless answers in the POST's body, which must be JSON or SSE
//! per `--mode`.
//! Any mismatch, timeout or unexpected status counts as an error. The last line of
//! output is `RESULT {json}`; the exit status is non-zero on any error.

mod http;
mod legacy;
mod mcp;
mod sse;
mod stateless;
mod streamable;

use clap::{Parser, ValueEnum};
use serde_json::json;
use std::collections::BTreeMap;
use std::net::ToSocketAddrs;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use http::{Pool, Target};
use legacy::LegacySession;
use stateless::StatelessClient;
use streamable::StreamableSession;

#[derive(Parser, Debug)]
#[command(about = "MCP load generator: legacy HTTP+SSE, Streamable HTTP, 2026-07-28 stateless")]
#[command(args_override_self = true)]
struct Args {
    /// Server base URL (http only), e.g. http://127.0.0.1:8000.
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    url: String,
    /// Which MCP transport to speak (stateless: 2026-07-28 requests, no session;
    /// calls mode only).
    #[arg(long, value_enum, default_value_t = Transport::Sse)]
    transport: Transport,
    /// Sessions (calls mode; stateless: clients, each with its own connection).
    #[arg(long, default_value_t = 10)]
    sessions: usize,
    /// Sequential tools/call requests per session (calls mode).
    #[arg(long, default_value_t = 10)]
    calls: usize,
    /// Streamable HTTP and stateless: the Content-Type tools/call answers must have
    /// (json = application/json, sse = text/event-stream, any = either).
    #[arg(long, value_enum, default_value_t = Mode::Json)]
    mode: Mode,
    /// Idle mode: open this many initialized sessions and measure server memory.
    #[arg(long, default_value_t = 0)]
    idle_sessions: usize,
    /// The server's process id, for VmRSS (idle mode) and CPU use.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Idle mode: seconds to hold the sessions before reading VmRSS again.
    #[arg(long, default_value_t = 3.0)]
    hold_secs: f64,
    /// Idle mode, legacy: every stream must deliver a keep-alive comment while held.
    #[arg(long)]
    expect_keepalive: bool,
    /// Safety cap on the whole run, in seconds (exit 3 when hit).
    #[arg(long, default_value_t = 120.0)]
    duration_limit: f64,
    /// Seconds one call (or one session's setup) may take before it is an error.
    #[arg(long, default_value_t = 10.0)]
    call_timeout: f64,
    /// Sessions being set up at once.
    #[arg(long, default_value_t = 64)]
    connect_concurrency: usize,
    /// Keep-alive connections shared by POSTs (legacy messages; Streamable in idle
    /// mode). In calls mode every Streamable session has its own connection.
    #[arg(long, default_value_t = 32)]
    post_pool: usize,
    /// Padding added to every echoed message.
    #[arg(long, default_value_t = 16)]
    payload_bytes: usize,
    /// Runtime threads (1 = a current-thread runtime).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Streamable HTTP: end sessions without DELETE.
    #[arg(long)]
    no_delete: bool,
    /// Free text copied into the RESULT line.
    #[arg(long, default_value = "")]
    label: String,
    #[arg(long, default_value = "/sse")]
    sse_path: String,
    #[arg(long, default_value = "/mcp")]
    mcp_path: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Transport {
    Sse,
    Streamable,
    Stateless,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Json,
    Sse,
    Any,
}

/// Why an operation failed; `kind` groups failures in the report.
#[derive(Debug)]
pub struct Failure {
    pub kind: &'static str,
    pub detail: String,
}

impl Failure {
    pub fn new(kind: &'static str, detail: impl Into<String>) -> Failure {
        Failure {
            kind,
            detail: detail.into(),
        }
    }
}

/// What every session needs.
pub struct Ctx {
    pub target: Target,
    pub sse_path: String,
    pub mcp_path: String,
    pub mode: Mode,
    pub call_timeout: Duration,
    /// The shared POST pool.
    pub pool: Arc<Pool>,
    pub padding: String,
    pub delete: bool,
}

enum Session {
    Legacy(LegacySession),
    Streamable(StreamableSession),
    Stateless(StatelessClient),
}

impl Session {
    async fn open(ctx: &Ctx, transport: Transport, shared_pool: bool) -> Result<Session, Failure> {
        match transport {
            Transport::Sse => LegacySession::open(ctx).await.map(Session::Legacy),
            Transport::Streamable => {
                let pool = if shared_pool {
                    Arc::clone(&ctx.pool)
                } else {
                    Arc::new(Pool::new(ctx.target.clone(), 1))
                };
                StreamableSession::open(ctx, pool)
                    .await
                    .map(Session::Streamable)
            }
            Transport::Stateless => {
                let pool = Arc::new(Pool::new(ctx.target.clone(), 1));
                StatelessClient::open(ctx, pool)
                    .await
                    .map(Session::Stateless)
            }
        }
    }

    async fn call(&mut self, ctx: &Ctx, id: u64, message: &str) -> Result<(), Failure> {
        match self {
            Session::Legacy(s) => s.call(ctx, id, message).await,
            Session::Streamable(s) => s.call(ctx, id, message).await,
            Session::Stateless(s) => s.call(ctx, id, message).await,
        }
    }

    /// Ends the session: DELETE for Streamable, dropping the stream for legacy,
    /// nothing for stateless.
    async fn close(self, ctx: &Ctx) -> Result<(), Failure> {
        match self {
            Session::Legacy(_) | Session::Stateless(_) => Ok(()),
            Session::Streamable(s) if ctx.delete => s.delete(ctx).await,
            Session::Streamable(_) => Ok(()),
        }
    }
}

/// Latencies and failures, merged across sessions.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: BTreeMap<String, u64>,
    examples: Vec<String>,
    skipped_calls: u64,
}

impl Tally {
    fn fail(&mut self, phase: &str, failure: Failure) {
        *self
            .errors
            .entry(format!("{phase}:{}", failure.kind))
            .or_default() += 1;
        if self.examples.len() < 5 {
            self.examples
                .push(format!("{phase}: {}: {}", failure.kind, failure.detail));
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        for example in other.examples {
            if self.examples.len() < 5 {
                self.examples.push(example);
            }
        }
        self.skipped_calls += other.skipped_calls;
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn latency_json(latencies: &mut [u64]) -> serde_json::Value {
    latencies.sort_unstable();
    let ms = |us: u64| us as f64 / 1000.0;
    let mean = if latencies.is_empty() {
        0.0
    } else {
        latencies.iter().sum::<u64>() as f64 / latencies.len() as f64
    };
    json!({
        "p50": ms(percentile(latencies, 0.50)),
        "p90": ms(percentile(latencies, 0.90)),
        "p99": ms(percentile(latencies, 0.99)),
        "max": ms(latencies.last().copied().unwrap_or(0)),
        "mean": round3(mean / 1000.0),
        "samples": latencies.len(),
    })
}

/// utime + stime of a process, in clock ticks (USER_HZ = 100 on Linux).
fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Context switches of all a process's threads so far (voluntary + involuntary),
/// from `/proc/<pid>/task/*/status`. Unlike CPU time, other tenants of the machine
/// barely move it: the steadiest measure of thread hand-offs in the server.
fn context_switches(pid: &str) -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let Ok(status) = std::fs::read_to_string(task.ok()?.path().join("status")) else {
            continue; // the thread ended meanwhile
        };
        total += status
            .lines()
            .filter_map(|line| {
                let value = line
                    .strip_prefix("voluntary_ctxt_switches:")
                    .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))?;
                value.trim().parse::<u64>().ok()
            })
            .sum::<u64>();
    }
    Some(total)
}

/// A `/proc/<pid>/status` field in kB (e.g. VmRSS).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// (busy, total) clock ticks of the whole machine, from `/proc/stat`.
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle, total))
}

/// CPU use of the server, of this process and of everything else over an interval.
struct CpuMeter {
    server: Option<String>,
    start: Instant,
    server_ticks: Option<u64>,
    /// The server's context switches at the start (threads that end meanwhile are lost).
    server_switches: Option<u64>,
    own_ticks: Option<u64>,
    machine: Option<(u64, u64)>,
}

impl CpuMeter {
    fn start(server_pid: Option<u32>) -> CpuMeter {
        let server = server_pid.map(|p| p.to_string());
        CpuMeter {
            server_ticks: server.as_deref().and_then(cpu_ticks),
            server_switches: server.as_deref().and_then(context_switches),
            own_ticks: cpu_ticks("self"),
            machine: machine_ticks(),
            server,
            start: Instant::now(),
        }
    }

    /// Percent of one core used by the server, by this process and by all other
    /// processes (background load that disturbs the measurement).
    fn stop(&self) -> CpuUse {
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        let pct = |before: Option<u64>, after: Option<u64>| {
            Some(round1(after?.saturating_sub(before?) as f64 / secs))
        };
        let server = pct(
            self.server_ticks,
            self.server.as_deref().and_then(cpu_ticks),
        );
        let loadgen = pct(self.own_ticks, cpu_ticks("self"));
        let busy = pct(self.machine.map(|m| m.0), machine_ticks().map(|m| m.0));
        let other =
            busy.map(|b| round1((b - server.unwrap_or(0.0) - loadgen.unwrap_or(0.0)).max(0.0)));
        let switches = self.server.as_deref().and_then(context_switches);
        CpuUse {
            server,
            loadgen,
            other,
            server_switches: switches
                .zip(self.server_switches)
                .map(|(a, b)| a.saturating_sub(b)),
        }
    }
}

struct CpuUse {
    server: Option<f64>,
    loadgen: Option<f64>,
    other: Option<f64>,
    /// Context switches of the server's threads over the interval.
    server_switches: Option<u64>,
}

/// Opens `n` sessions, `concurrency` at a time; the ones that failed are tallied.
async fn open_all(
    ctx: &Arc<Ctx>,
    transport: Transport,
    n: usize,
    concurrency: usize,
    shared_pool: bool,
    tally: &mut Tally,
) -> Vec<(usize, Session)> {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut set = JoinSet::new();
    for index in 0..n {
        let ctx = Arc::clone(ctx);
        let permits = Arc::clone(&permits);
        set.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore");
            (index, Session::open(&ctx, transport, shared_pool).await)
        });
    }
    let mut sessions = Vec::with_capacity(n);
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, Ok(session))) => sessions.push((index, session)),
            Ok((_, Err(failure))) => tally.fail("setup", failure),
            Err(e) => tally.fail("setup", Failure::new("panic", e.to_string())),
        }
    }
    sessions.sort_by_key(|(index, _)| *index);
    sessions
}

/// Ends every session, `concurrency` at a time.
async fn close_all(
    ctx: &Arc<Ctx>,
    sessions: Vec<(usize, Session)>,
    concurrency: usize,
    tally: &mut Tally,
) {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut set = JoinSet::new();
    for (_, session) in sessions {
        let ctx = Arc::clone(ctx);
        let permits = Arc::clone(&permits);
        set.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore");
            session.close(&ctx).await
        });
    }
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => tally.fail("close", failure),
            Err(e) => tally.fail("close", Failure::new("panic", e.to_string())),
        }
    }
}

fn message(ctx: &Ctx, session: usize, call: usize) -> String {
    format!("m-{session}-{call}-{}", ctx.padding)
}

/// Calls mode.
async fn run_calls(args: &Args, ctx: Arc<Ctx>) -> (serde_json::Value, Tally) {
    let mut tally = Tally::default();
    let setup = Instant::now();
    let sessions = open_all(
        &ctx,
        args.transport,
        args.sessions,
        args.connect_concurrency,
        false,
        &mut tally,
    )
    .await;
    let setup_secs = setup.elapsed().as_secs_f64();
    let opened = sessions.len();
    tally.skipped_calls += ((args.sessions - opened) * args.calls) as u64;

    let calls = args.calls;
    let cpu = CpuMeter::start(args.server_pid);
    let start = Instant::now();
    let mut set = JoinSet::new();
    for (index, mut session) in sessions {
        let ctx = Arc::clone(&ctx);
        set.spawn(async move {
            let mut tally = Tally::default();
            tally.latencies_us.reserve(calls);
            for call in 1..=calls {
                let message = message(&ctx, index, call);
                let sent = Instant::now();
                match session.call(&ctx, call as u64, &message).await {
                    Ok(()) => tally.latencies_us.push(sent.elapsed().as_micros() as u64),
                    Err(failure) => {
                        tally.fail("call", failure);
                        tally.skipped_calls += (calls - call) as u64;
                        break;
                    }
                }
            }
            (index, session, tally)
        });
    }
    let mut sessions = Vec::with_capacity(opened);
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, session, session_tally)) => {
                tally.merge(session_tally);
                sessions.push((index, session));
            }
            Err(e) => tally.fail("call", Failure::new("panic", e.to_string())),
        }
    }
    let call_secs = start.elapsed().as_secs_f64();
    let cpu = cpu.stop();
    close_all(&ctx, sessions, args.connect_concurrency, &mut tally).await;

    let ok_calls = tally.latencies_us.len();
    let report = json!({
        "setup_secs": round3(setup_secs),
        "setup_rate": round1(opened as f64 / setup_secs.max(1e-9)),
        "calls_ok": ok_calls,
        "call_secs": round3(call_secs),
        "calls_per_sec": round1(ok_calls as f64 / call_secs.max(1e-9)),
        "latency_ms": latency_json(&mut tally.latencies_us),
        "server_cpu_pct": cpu.server,
        "server_switches_per_call": cpu
            .server_switches
            .filter(|_| ok_calls > 0)
            .map(|n| round3(n as f64 / ok_calls as f64)),
        "loadgen_cpu_pct": cpu.loadgen,
        "other_cpu_pct": cpu.other,
    });
    (report, tally)
}

/// Idle mode.
async fn run_idle(args: &Args, ctx: Arc<Ctx>) -> (serde_json::Value, Tally) {
    let mut tally = Tally::default();
    let n = args.idle_sessions;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before = args.server_pid.and_then(|p| status_kib(p, "VmRSS"));
    let setup = Instant::now();
    let sessions = open_all(
        &ctx,
        args.transport,
        n,
        args.connect_concurrency,
        true,
        &mut tally,
    )
    .await;
    let setup_secs = setup.elapsed().as_secs_f64();
    let opened = sessions.len();

    // Legacy streams are read while held (keep-alives, and to notice one ending).
    let (go, _) = watch::channel(false);
    let mut holders = JoinSet::new();
    let mut streamable = Vec::new();
    for (index, session) in sessions {
        match session {
            Session::Legacy(mut legacy) => {
                let mut go = go.subscribe();
                holders.spawn(async move {
                    let before = legacy.events.parser.keepalives;
                    let held = legacy.hold(&mut go).await;
                    let keepalives = legacy.events.parser.keepalives - before;
                    (index, Session::Legacy(legacy), held, keepalives)
                });
            }
            other => streamable.push((index, other)),
        }
    }
    tokio::time::sleep(Duration::from_secs_f64(args.hold_secs)).await;
    let rss_after = args.server_pid.and_then(|p| status_kib(p, "VmRSS"));
    let rss_anon_after = args.server_pid.and_then(|p| status_kib(p, "RssAnon"));
    let _ = go.send(true);

    let mut sessions = streamable;
    let mut keepalives_min: Option<u64> = None;
    while let Some(joined) = holders.join_next().await {
        match joined {
            Ok((index, session, held, keepalives)) => {
                keepalives_min = Some(keepalives_min.map_or(keepalives, |m| m.min(keepalives)));
                match held {
                    Ok(()) if args.expect_keepalive && keepalives == 0 => tally.fail(
                        "hold",
                        Failure::new("keepalive", "no keep-alive arrived while held"),
                    ),
                    Ok(()) => sessions.push((index, session)),
                    Err(failure) => tally.fail("hold", failure),
                }
            }
            Err(e) => tally.fail("hold", Failure::new("panic", e.to_string())),
        }
    }

    // One call per session shows every one of them still works.
    let verify = Instant::now();
    let mut set = JoinSet::new();
    for (index, mut session) in sessions {
        let ctx = Arc::clone(&ctx);
        set.spawn(async move {
            let mut tally = Tally::default();
            let message = message(&ctx, index, 1);
            let sent = Instant::now();
            match session.call(&ctx, 1, &message).await {
                Ok(()) => tally.latencies_us.push(sent.elapsed().as_micros() as u64),
                Err(failure) => tally.fail("verify", failure),
            }
            (index, session, tally)
        });
    }
    let mut sessions = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, session, session_tally)) => {
                tally.merge(session_tally);
                sessions.push((index, session));
            }
            Err(e) => tally.fail("verify", Failure::new("panic", e.to_string())),
        }
    }
    let verify_secs = verify.elapsed().as_secs_f64();
    let verified = tally.latencies_us.len();
    close_all(&ctx, sessions, args.connect_concurrency, &mut tally).await;

    let per_session_kib = match (rss_before, rss_after) {
        (Some(before), Some(after)) if opened > 0 => {
            Some(round3((after as f64 - before as f64) / opened as f64))
        }
        _ => None,
    };
    let report = json!({
        "setup_secs": round3(setup_secs),
        "setup_rate": round1(opened as f64 / setup_secs.max(1e-9)),
        "sessions_open": opened,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "rss_anon_after_kib": rss_anon_after,
        "per_session_kib": per_session_kib,
        "keepalives_min": keepalives_min,
        "verified": verified,
        "verify_secs": round3(verify_secs),
        "latency_ms": latency_json(&mut tally.latencies_us),
    });
    (report, tally)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The target and paths from `--url`.
fn target(args: &Args) -> Result<(Target, String), String> {
    let uri: hyper::Uri = args
        .url
        .parse()
        .map_err(|e| format!("bad --url {:?}: {e}", args.url))?;
    if uri.scheme_str() != Some("http") {
        return Err("--url must be http://HOST:PORT[/prefix]".into());
    }
    let authority = uri.authority().ok_or("--url needs a host")?;
    let port = authority.port_u16().unwrap_or(80);
    let addr = (authority.host(), port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {authority}"))?;
    let host = hyper::header::HeaderValue::from_str(authority.as_str())
        .map_err(|e| format!("bad host: {e}"))?;
    let prefix = uri.path().trim_end_matches('/').to_owned();
    Ok((Target { addr, host }, prefix))
}

async fn run(args: Args) -> i32 {
    let (target, prefix) = match target(&args) {
        Ok(t) => t,
        Err(why) => {
            eprintln!("loadgen: {why}");
            return 2;
        }
    };
    let ctx = Arc::new(Ctx {
        pool: Arc::new(Pool::new(target.clone(), args.post_pool)),
        target,
        sse_path: format!("{prefix}{}", args.sse_path),
        mcp_path: format!("{prefix}{}", args.mcp_path),
        mode: args.mode,
        call_timeout: Duration::from_secs_f64(args.call_timeout),
        padding: "x".repeat(args.payload_bytes),
        delete: !args.no_delete,
    });
    let idle = args.idle_sessions > 0;
    if idle && args.transport == Transport::Stateless {
        eprintln!("loadgen: --idle-sessions needs sessions: --transport sse or streamable");
        return 2;
    }
    let mut summary = json!({
        "label": args.label,
        "transport": match args.transport {
            Transport::Sse => "sse",
            Transport::Streamable => "streamable",
            Transport::Stateless => "stateless",
        },
        "mode": match args.mode { Mode::Json => "json", Mode::Sse => "sse", Mode::Any => "any" },
        "url": args.url,
        "kind": if idle { "idle" } else { "calls" },
        "sessions": if idle { args.idle_sessions } else { args.sessions },
        "calls_per_session": if idle { 1 } else { args.calls },
    });
    let limit = Duration::from_secs_f64(args.duration_limit);
    let outcome = tokio::time::timeout(limit, async {
        if idle {
            run_idle(&args, ctx).await
        } else {
            run_calls(&args, ctx).await
        }
    })
    .await;
    let Ok((report, tally)) = outcome else {
        eprintln!(
            "loadgen: duration limit of {}s exceeded",
            args.duration_limit
        );
        summary["errors"] = json!(1);
        summary["error_kinds"] = json!({ "duration-limit": 1 });
        summary["ok"] = json!(false);
        println!("RESULT {summary}");
        return 3;
    };
    for (key, value) in report.as_object().expect("an object") {
        summary[key] = value.clone();
    }
    let errors = tally.error_count();
    summary["errors"] = json!(errors);
    summary["error_kinds"] = json!(tally.errors);
    summary["skipped_calls"] = json!(tally.skipped_calls);
    summary["ok"] = json!(errors == 0);
    print_human(&summary);
    for example in &tally.examples {
        eprintln!("loadgen: error: {example}");
    }
    println!("RESULT {summary}");
    i32::from(errors > 0)
}

fn print_human(s: &serde_json::Value) {
    println!(
        "{} {} {} sessions",
        s["kind"], s["transport"], s["sessions"]
    );
    println!(
        "  setup: {}s ({} sessions/s)",
        s["setup_secs"], s["setup_rate"]
    );
    if s["kind"] == "calls" {
        println!(
            "  calls: {} ok in {}s = {} calls/s; server CPU {}%, {} context switches/call; loadgen CPU {}%",
            s["calls_ok"],
            s["call_secs"],
            s["calls_per_sec"],
            s["server_cpu_pct"],
            s["server_switches_per_call"],
            s["loadgen_cpu_pct"]
        );
    } else {
        println!(
            "  server VmRSS {} -> {} KiB = {} KiB/session; keep-alives while held >= {}; verified {}",
            s["rss_before_kib"], s["rss_after_kib"], s["per_session_kib"], s["keepalives_min"], s["verified"]
        );
    }
    let l = &s["latency_ms"];
    println!(
        "  latency ms: p50 {} p90 {} p99 {} max {}",
        l["p50"], l["p90"], l["p99"], l["max"]
    );
    println!("  errors: {} {}", s["errors"], s["error_kinds"]);
}

fn main() {
    let args = Args::parse();
    let runtime = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()
    }
    .expect("tokio runtime");
    let code = runtime.block_on(run(args));
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), 50);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&v, 1.0), 100);
        assert_eq!(percentile(&[], 0.5), 0);
    }
}
