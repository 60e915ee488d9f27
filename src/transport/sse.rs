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
use actix_web_lab::sse::Sse;
use serde::Deserialize;
use std::sync::Arc;

use super::http_error;
use crate::protocol::parse_message;
use crate::registry::{Register, Route, RouteError};
use crate::server::ServerState;
use crate::session::{Outbound, Session, SessionId};
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
/// the stream they opened (clients reject endpoints on another origin).
fn endpoint_url(req: &HttpRequest, state: &ServerState, id: SessionId) -> String {
    let path = req.path().trim_end_matches('/');
    let prefix = path
        .strip_suffix(state.config.sse_path.trim_end_matches('/'))
        .unwrap_or("");
    format!("{prefix}{}?session_id={id}", state.config.messages_path)
}

/// `GET /sse`: start a session actor, register it, stream its events.
pub async fn open_stream(req: HttpRequest, state: web::Data<ServerState>) -> HttpResponse {
    let id = SessionId::new_random();
    let (outbound, stream) = Outbound::channel(state.config.outbound_queue);
    // The queue is empty and has room, so the endpoint event is always first.
    if outbound
        .send_endpoint(endpoint_url(&req, &state, id))
        .is_err()
    {
        return HttpResponse::InternalServerError().finish();
    }
    let state: Arc<ServerState> = state.into_inner();
    let session = Session::new(id, Arc::clone(&state), outbound).start();
    // Registered before the client can learn the id, so its first POST always routes.
    if state.registry.send(Register { id, session }).await.is_err() {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let mut response = Sse::from_stream(stream)
        .with_keep_alive(state.config.keep_alive)
        .respond_to(&req);
    response.headers_mut().insert(
        header::HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
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
    let id = match session_id_from(&req) {
        Ok(id) => id,
        Err(why) => return http_error::bad_request(why),
    };
    let limit = state.config.max_body_bytes;
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit);
    if declared_too_large {
        return http_error::payload_too_large(limit);
    }
    let bytes = match body.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return http_error::bad_request("Could not read the request body"),
        Err(_) => return http_error::payload_too_large(limit),
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
    match state.registry.send(Route { id, message }).await {
        Ok(Ok(())) => HttpResponse::Accepted().body("Accepted"),
        Ok(Err(RouteError::UnknownSession)) => http_error::session_not_found(),
        // The registry is gone only while the server shuts down.
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
