//! The legacy HTTP+SSE transport (2024-11-05): `GET /sse` opens a session's event
//! stream, whose first event names the URL to POST to; `POST /messages?session_id=…`
//! hands a message to the session and answers 202; every answer travels on the stream.

use actix_web::{
    http::{
        header::{self, HeaderValue},
        StatusCode,
    },
    web, HttpRequest, HttpResponse, Responder,
};
use actix_web_lab::sse::{self, Sse};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use std::sync::Arc;

use super::http_error;
use crate::access::Principal;
use crate::protocol::parse_message;
use crate::registry::RouteError;
use crate::session::{Envelope, Session, SessionId, StreamItem, Wire};
use crate::state::ServerState;
use actix::Actor;

/// Adds the SSE and message routes (relative to the current scope).
pub(crate) fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<ServerState>) {
    let config = &state.config;
    let stream_paths = vec![
        config.sse_path.clone(),
        format!("{}/", config.sse_path.trim_end_matches('/')),
    ];
    cfg.service(
        web::resource(stream_paths)
            .app_data(state.clone())
            .route(web::get().to(open_stream))
            .default_service(web::to(|| async { http_error::method_not_allowed("GET") })),
    );
    let message_paths: Vec<String> = std::iter::once(&config.messages_path)
        .chain(&config.messages_path_aliases)
        .cloned()
        .collect();
    cfg.service(
        web::resource(message_paths)
            .app_data(state.clone())
            .route(web::post().to(post_message))
            .default_service(web::to(|| async { http_error::method_not_allowed("POST") })),
    );
}

/// The URL clients POST to: relative, on our origin, under the same mount prefix as
/// the stream they opened (clients reject endpoints on another origin). `opened_at` is
/// the configured path the stream was opened on (`/sse`, or `/mcp` for legacy clients
/// pointed at the Streamable endpoint).
fn endpoint_url(req: &HttpRequest, opened_at: &str, state: &ServerState, id: SessionId) -> String {
    let path = req.path().trim_end_matches('/');
    let prefix = path
        .strip_suffix(opened_at.trim_end_matches('/'))
        .unwrap_or("");
    format!("{prefix}{}?session_id={id}", state.config.messages_path)
}

/// `GET /sse`: start a session actor, register it, stream its events.
pub async fn open_stream(req: HttpRequest, state: web::Data<ServerState>) -> HttpResponse {
    let principal = match state.config.access.admit(&req) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    let opened_at = state.config.sse_path.clone();
    open_legacy_stream(req, state.into_inner(), &opened_at, principal).await
}

/// Starts a legacy session whose stream was opened at `opened_at`.
pub(crate) async fn open_legacy_stream(
    req: HttpRequest,
    state: Arc<ServerState>,
    opened_at: &str,
    principal: Option<Principal>,
) -> HttpResponse {
    let id = SessionId::new_random();
    let (sink, stream) = super::outbound_queue(&state);
    // The queue is empty and has room, so the endpoint event is always first.
    let endpoint = endpoint_url(&req, opened_at, &state, id);
    if sink.send(StreamItem::Endpoint(endpoint.into())).is_err() {
        return HttpResponse::InternalServerError().finish();
    }
    let session = Session::new(id, Arc::clone(&state), Wire::Legacy(sink)).start();
    // Registered before the client can learn the id, so its first POST always routes.
    // (If this fails, dropping the stream stops the session.)
    if let Err(response) = super::register(&state, id, session, principal).await {
        return *response;
    }
    sse_response(&req, &state, stream.map(|item| item.map(encode)), None)
}

/// An SSE response with our headers and keep-alive; `retry` only for clients that
/// know the field.
pub(crate) fn sse_response<S>(
    req: &HttpRequest,
    state: &ServerState,
    events: S,
    retry: Option<std::time::Duration>,
) -> HttpResponse
where
    S: Stream<Item = Result<sse::Event, std::io::Error>> + 'static,
{
    let mut sse = Sse::from_stream(events).with_keep_alive(state.config.keep_alive);
    if let Some(retry) = retry {
        sse = sse.with_retry_duration(retry);
    }
    let mut response = sse.respond_to(req);
    response.headers_mut().insert(
        header::HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
}

/// One stream item as an SSE event.
pub(crate) fn encode(item: StreamItem) -> sse::Event {
    match item {
        StreamItem::Endpoint(url) => sse::Data::new(String::from(url)).event("endpoint").into(),
        StreamItem::Event(line) => sse::Data::new(String::from(line)).event("message").into(),
        StreamItem::ResumableEvent(event) => sse::Data::new(String::from(&*event.line))
            .event("message")
            .id(String::from(&*event.event_id))
            .into(),
        // Only reached when a JSON answer meets an SSE stream: send it as an event.
        StreamItem::Json(line) => sse::Data::new(String::from(line)).event("message").into(),
        StreamItem::Prime { event_id } => sse::Data::new("").id(String::from(&*event_id)).into(),
    }
}

/// Both spellings clients use: `session_id` (Python SDK) and `sessionId` (TypeScript SDK).
#[derive(Deserialize)]
struct SessionQuery {
    session_id: Option<String>,
    #[serde(rename = "sessionId")]
    session_id_camel: Option<String>,
}

/// The session a POST is for; the `Err` text explains a 400.
fn session_id_from(req: &HttpRequest) -> Result<SessionId, &'static str> {
    let query = web::Query::<SessionQuery>::from_query(req.query_string())
        .map_err(|_| "Malformed query string")?
        .into_inner();
    let raw = query
        .session_id
        .or(query.session_id_camel)
        .ok_or("Missing session_id query parameter")?;
    raw.parse()
        .map_err(|_| "Malformed session_id: expected a UUID")
}

/// `POST /messages?session_id=…`: parse one JSON-RPC message and hand it to its session.
pub async fn post_message(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<ServerState>,
) -> HttpResponse {
    let principal = match state.config.access.admit(&req) {
        Ok(principal) => principal,
        Err(response) => return *response,
    };
    let id = match session_id_from(&req) {
        Ok(id) => id,
        Err(why) => return http_error::bad_request(why),
    };
    let bytes = match super::read_body(&req, body, state.config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(response) => return *response,
    };
    let message = match parse_message(&bytes) {
        Ok(message) => message,
        Err(failure) => {
            return http_error::jsonrpc_error(
                StatusCode::BAD_REQUEST,
                failure.id.as_ref(),
                &failure.error,
            )
        }
    };
    let envelope = Envelope::Legacy(message);
    match super::route(&state, id, principal, envelope).await {
        Ok(()) => HttpResponse::Accepted().body("Accepted"),
        // A Streamable session's id is no legacy session.
        Err(RouteError::UnknownSession | RouteError::Refused(_)) => http_error::session_not_found(),
    }
}
