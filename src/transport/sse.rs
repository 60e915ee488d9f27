//! The legacy HTTP+SSE transport (2024-11-05): `GET /sse` opens a session's event
//! stream, whose first event names the URL to POST to; `POST /messages?session_id=…`
//! hands a message to the session and answers 202; every answer travels on the stream.
//!
//! Owns: the legacy routes and the session id in the query string. Must not: accept
//! batches, or frame SSE itself ([`super::event_stream`] does).

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;

use super::body::{self, Incoming};
use super::error::TransportError;
use super::extract::Admitted;
use super::open::open_legacy_stream;
use crate::protocol::ParseFailure;
use crate::session::{Envelope, SessionId};
use crate::state::ServerState;

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
            .default_service(web::to(|| async {
                TransportError::MethodNotAllowed("GET").error_response()
            })),
    );
    let message_paths: Vec<String> = std::iter::once(&config.messages_path)
        .chain(&config.messages_path_aliases)
        .cloned()
        .collect();
    cfg.service(
        web::resource(message_paths)
            .app_data(state.clone())
            .route(web::post().to(post_message))
            .default_service(web::to(|| async {
                TransportError::MethodNotAllowed("POST").error_response()
            })),
    );
}

/// `GET /sse`: open a legacy session and stream its events.
pub async fn open_stream(
    Admitted(principal): Admitted,
    req: HttpRequest,
    state: web::Data<ServerState>,
) -> Result<HttpResponse, TransportError> {
    let state = state.into_inner();
    open_legacy_stream(&req, &state, &state.config.sse_path, principal).await
}

/// Both spellings clients use: `session_id` (Python SDK) and `sessionId` (TypeScript SDK).
#[derive(Deserialize)]
struct SessionQuery {
    /// The Python SDK's spelling.
    session_id: Option<String>,
    /// The TypeScript SDK's spelling.
    #[serde(rename = "sessionId")]
    session_id_camel: Option<String>,
}

/// The session a POST is for; the `Err` is a 400 saying what is wrong.
fn session_id_from(req: &HttpRequest) -> Result<SessionId, TransportError> {
    let bad = |why: &'static str| TransportError::BadRequest(why.into());
    let query = web::Query::<SessionQuery>::from_query(req.query_string())
        .map_err(|_| bad("Malformed query string"))?
        .into_inner();
    let raw = query
        .session_id
        .or(query.session_id_camel)
        .ok_or_else(|| bad("Missing session_id query parameter"))?;
    raw.parse()
        .map_err(|_| bad("Malformed session_id: expected a UUID"))
}

/// `POST /messages?session_id=…`: parse one JSON-RPC message and hand it to its session.
pub async fn post_message(
    Admitted(principal): Admitted,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<ServerState>,
) -> Result<HttpResponse, TransportError> {
    let id = session_id_from(&req)?;
    let message = match body::read(&req, payload, state.config.max_body_bytes).await? {
        Incoming::Single(message) => message,
        Incoming::Batch(_) => return Err(ParseFailure::batch_not_accepted().into()),
    };
    super::deliver(&state, &id, &principal, Envelope::Legacy(message))
        .await
        .map_err(|e| match e {
            // A Streamable session's id is no legacy session: "not found" too.
            TransportError::Refused(_) => TransportError::SessionNotFound,
            other => other,
        })?;
    Ok(HttpResponse::Accepted().body("Accepted"))
}
