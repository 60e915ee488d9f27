//! A bare actix-web SSE relay: the reference server actix-mcp is benchmarked against.
//!
//! It has the same wire shape as actix-mcp but no MCP semantics, so it measures what
//! actix-web + actix-web-lab SSE cost on their own:
//!
//! - `GET /sse` opens an event stream whose first event is `endpoint`
//!   (`/messages?session_id=<id>`); keep-alive comments follow every `--keep-alive-secs`.
//! - `POST /messages?session_id=<id>` answers 202 `Accepted` and sends a JSON-RPC
//!   result for the POSTed request on that session's stream (`event: message`). A
//!   `tools/call` gets `{"content":[{"type":"text","text":<arguments.message>}]}`,
//!   `initialize` a plausible initialize result, anything else `{}`; notifications
//!   (no `id`) get nothing.
//! - `POST /mcp` answers the same results at once as `application/json` (`initialize`
//!   also gets an `Mcp-Session-Id` header; notifications get 202). `DELETE /mcp` is 200.
//!
//! Sessions are a `DashMap` of tokio mpsc senders; a stream's entry is removed when
//! its response body is dropped (the client went away).

use actix_web::{http::StatusCode, web, App, HttpRequest, HttpResponse, HttpServer, Responder};
use actix_web_lab::sse;
use clap::Parser;
use dashmap::DashMap;
use futures_util::Stream;
use serde::Deserialize;
use serde_json::Value;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

#[derive(Parser, Debug)]
#[command(about = "Bare actix-web SSE relay (benchmark reference for actix-mcp)")]
struct Cli {
    /// Address to listen on (keep loopback).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on.
    #[arg(long, default_value_t = 8001)]
    port: u16,
    /// HTTP worker threads (default: one per core).
    #[arg(long)]
    workers: Option<usize>,
    /// Seconds between keep-alive comments on event streams.
    #[arg(long, default_value_t = 15)]
    keep_alive_secs: u64,
    /// Events queued per stream before POSTs for it are refused (503).
    #[arg(long, default_value_t = 64)]
    queue: usize,
}

type Sessions = DashMap<String, mpsc::Sender<sse::Event>>;

struct State {
    sessions: Sessions,
    keep_alive: Duration,
    queue: usize,
}

/// The part of a JSON-RPC request the relay looks at.
#[derive(Deserialize)]
struct Incoming {
    id: Option<Value>,
    #[serde(default)]
    method: String,
    params: Option<Params>,
}

#[derive(Deserialize)]
struct Params {
    arguments: Option<Arguments>,
}

#[derive(Deserialize)]
struct Arguments {
    message: Option<String>,
    text: Option<String>,
}

/// The one-line JSON-RPC result for `request` (which has an id).
fn answer(id: &Value, request: Incoming) -> String {
    let result = match request.method.as_str() {
        "initialize" => serde_json::json!({
            "protocolVersion": "2025-06-18",
            "capabilities": { "tools": { "listChanged": false } },
            "serverInfo": { "name": "relay", "version": env!("CARGO_PKG_VERSION") }
        }),
        "tools/call" => {
            let args = request.params.and_then(|p| p.arguments);
            let text = match args {
                Some(Arguments {
                    message: Some(m), ..
                }) => m,
                Some(Arguments { text: Some(t), .. }) => t.to_uppercase(),
                _ => String::new(),
            };
            serde_json::json!({ "content": [{ "type": "text", "text": text }] })
        }
        _ => serde_json::json!({}),
    };
    serde_json::json!({ "jsonrpc": "2.0", "id": id, "result": result }).to_string()
}

fn bad_request(why: &str) -> HttpResponse {
    HttpResponse::BadRequest().body(why.to_owned())
}

/// The receiving side of a session's stream; removes the session when dropped.
struct SessionStream {
    id: String,
    rx: mpsc::Receiver<sse::Event>,
    state: web::Data<State>,
}

impl Stream for SessionStream {
    type Item = Result<sse::Event, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx).map(|e| e.map(Ok))
    }
}

impl Drop for SessionStream {
    fn drop(&mut self) {
        self.state.sessions.remove(&self.id);
    }
}

/// `GET /sse`.
async fn open_stream(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (tx, rx) = mpsc::channel(state.queue.max(2));
    let endpoint = sse::Data::new(format!("/messages?session_id={id}")).event("endpoint");
    // Empty channel with room: cannot fail.
    let _ = tx.try_send(endpoint.into());
    state.sessions.insert(id.clone(), tx);
    let keep_alive = state.keep_alive;
    let stream = SessionStream {
        id,
        rx,
        state: state.clone(),
    };
    sse::Sse::from_stream(stream)
        .with_keep_alive(keep_alive)
        .respond_to(&req)
        .map_into_boxed_body()
}

#[derive(Deserialize)]
struct SessionQuery {
    session_id: Option<String>,
}

/// `POST /messages?session_id=…`.
async fn post_message(
    query: web::Query<SessionQuery>,
    body: web::Bytes,
    state: web::Data<State>,
) -> HttpResponse {
    let Some(session_id) = query.into_inner().session_id else {
        return bad_request("missing session_id");
    };
    let request: Incoming = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => return bad_request("not a JSON-RPC message"),
    };
    let Some(tx) = state.sessions.get(&session_id).map(|tx| tx.clone()) else {
        return HttpResponse::NotFound().body("unknown session");
    };
    if let Some(id) = request.id.clone() {
        let line = answer(&id, request);
        if tx
            .try_send(sse::Data::new(line).event("message").into())
            .is_err()
        {
            return HttpResponse::ServiceUnavailable().body("stream full or gone");
        }
    }
    HttpResponse::Accepted().body("Accepted")
}

/// `POST /mcp`: answer at once as JSON.
async fn post_mcp(body: web::Bytes) -> HttpResponse {
    let request: Incoming = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => return bad_request("not a JSON-RPC message"),
    };
    let Some(id) = request.id.clone() else {
        return HttpResponse::Accepted().finish();
    };
    let is_initialize = request.method == "initialize";
    let mut response = HttpResponse::Ok();
    response.content_type("application/json");
    if is_initialize {
        response.insert_header(("mcp-session-id", uuid::Uuid::new_v4().simple().to_string()));
    }
    response.body(answer(&id, request))
}

/// `DELETE /mcp`.
async fn delete_mcp() -> HttpResponse {
    HttpResponse::new(StatusCode::OK)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let cli = Cli::parse();
    let state = web::Data::new(State {
        sessions: DashMap::new(),
        keep_alive: Duration::from_secs(cli.keep_alive_secs.max(1)),
        queue: cli.queue,
    });
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            .route("/sse", web::get().to(open_stream))
            .route("/messages", web::post().to(post_message))
            .route("/mcp", web::post().to(post_mcp))
            .route("/mcp", web::delete().to(delete_mcp))
    })
    .tcp_nodelay(true)
    .shutdown_timeout(1);
    if let Some(workers) = cli.workers {
        server = server.workers(workers);
    }
    eprintln!("relay listening on http://{}:{}", cli.host, cli.port);
    server.bind((cli.host.as_str(), cli.port))?.run().await
}
