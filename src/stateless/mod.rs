//! The stateless host: serves one 2026-07-28 request with no session — the same
//! router ([`crate::methods`]) and executor ([`crate::executor`]) a session actor uses,
//! with nothing remembered between requests.
//!
//! # Design (2026-07-28 on the Streamable HTTP endpoint)
//!
//! **Recognising a stateless request** (`transport::stateless::is_stateless`). A POST
//! to `/mcp` is stateless when its `params._meta["io.modelcontextprotocol/protocolVersion"]`
//! is present (any value, even one we do not speak) or its `MCP-Protocol-Version`
//! header names the stateless revision. That is the spec's dual-era rule (versioning,
//! "Backward Compatibility"): per-request `_meta` selects stateless handling, an
//! `initialize` selects a session. A legacy client sends neither, so every handshake
//! session, and `server/discover` without `_meta` (404 `-32601` as before), is routed
//! exactly as it was. A stateless request ignores `Mcp-Session-Id` and never gets one.
//! Recognition is switched on by `McpConfig::serve_stateless` (off by default while this
//! revision is partial: a dual-era client such as the Python SDK in `mode="auto"`
//! would otherwise adopt it after `server/discover`).
//!
//! **What is validated, in this order** (each error echoes the request id):
//! 1. `_meta` with a string `protocolVersion` and an object `clientCapabilities`
//!    ([`RequestMeta::read`]) — else 400 `-32602`. `clientInfo` is optional (a SHOULD).
//! 2. the headers mirror the body — `MCP-Protocol-Version` equals that version,
//!    `Mcp-Method` the method, `Mcp-Name` (`=?base64?…?=` decoded) the `params.name` of
//!    `tools/call` / `prompts/get` or the `params.uri` of `resources/read` — else 400
//!    `-32020` (a missing header is a mismatch too). Checked by the transport, which
//!    reads headers; `Mcp-Param-*` (`x-mcp-header`) is not checked yet.
//! 3. the version is one we serve statelessly ([`RequestMeta::version`]) — else 400
//!    `-32022` with `data.supported` (every revision, newest first) and `data.requested`.
//! 4. the method exists at 2026-07-28 and the server offers its feature
//!    ([`crate::methods::admit_stateless`]) — else 404 `-32601`: `initialize`, `ping`,
//!    `logging/setLevel`, `resources/subscribe|unsubscribe` are gone in this revision.
//!
//! Errors of the method itself (unknown tool, bad params, a failed read) are JSON-RPC
//! errors in a 200 answer, as in a session — except a missing client capability
//! (`-32021`, e.g. a tasks method without the tasks extension), which is 400. A notification is taken (202) and dropped:
//! the revision defines none from the client over HTTP. A POSTed response is 400.
//!
//! **How it is answered.** `Request::parse` → `apply` with the request's revision and a
//! scratch [`SessionState`] that is dropped afterwards. `Step::Answer` is sent at once;
//! `Step::Run` goes to the executor with a [`RequestContext`] whose link is a
//! [`link::StatelessLink`], and the answer waits on a oneshot. Dropping the HTTP
//! handler (the client closed the connection) cancels the job — the spec's cancellation
//! for this revision. Every result becomes a 2026-07-28 result ([`complete`]):
//! `resultType: "complete"`, `_meta["io.modelcontextprotocol/serverInfo"]`, and on
//! discovery, the list methods and `resources/read` the caching hints `ttlMs: 0`,
//! `cacheScope: "private"` (lists change at run time and nothing notifies a stateless
//! client yet). Answers are always `application/json`: progress and log notices are
//! dropped (see [`link`]), so nothing ever has to go before the answer.
//!
//! **Tasks.** A request whose client capabilities declare `io.modelcontextprotocol/tasks`
//! gets the task store in its scope ([`crate::tasks`] has the design). A `tools/call`
//! the router turns into `Step::Task` is stored as a task bound to the request's
//! principal, answered at once with the task handle (`resultType: "task"`), and its job
//! runs on the executor under the task's own cancellation token — not the HTTP
//! handler's, so the client hanging up does not stop it; `tasks/cancel` and expiry do.
//! The outcome goes into the store; `tasks/get` reads it from there.
//!
//! Owns: serving one stateless request. Must not: know HTTP (the transport maps
//! [`Refusal`] to status codes and checks headers), keep anything between requests,
//! or change what handshake sessions answer.

pub(crate) mod link;
pub(crate) mod meta;

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::access::Principal;
use crate::context::RequestContext;
use crate::executor::{answer, Answer, Finished};
use crate::methods::lifecycle::{server_identity, ServerInfo};
use crate::methods::{self, Method, Request, Run, Scope, SessionState, Step, TaskAccess};
use crate::protocol::{ErrorCode, ProtocolVersion, RequestId, RpcError};
use crate::state::ServerState;
use crate::tasks::StoreFull;
pub(crate) use meta::RequestMeta;

/// Why a stateless request got an error, which decides its HTTP status.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The request itself is malformed for this revision (400).
    Invalid(RpcError),
    /// No such method at this revision, or a feature we do not offer (404).
    Unknown(RpcError),
    /// The method ran and answered with this error (200, as in a session).
    Answered(RpcError),
}

impl Refusal {
    /// A method's error: a missing client capability (`-32021`) is the request's fault,
    /// which this revision answers with 400; any other error is an answer (200).
    fn of_method(error: RpcError) -> Refusal {
        if error.code == ErrorCode::MissingRequiredClientCapability.code() {
            Refusal::Invalid(error)
        } else {
            Refusal::Answered(error)
        }
    }
}

/// One stateless request, its metadata already read.
pub(crate) struct Call {
    /// Echoed by the answer.
    pub id: RequestId,
    /// The JSON-RPC method, routed by [`Method::from_name`].
    pub method: String,
    /// The params as sent (`_meta` included; methods ignore what they do not know).
    pub params: Option<Map<String, Value>>,
    /// What `_meta` declared.
    pub meta: RequestMeta,
    /// Who asks (when authentication is on): the tasks it creates are bound to it.
    pub principal: Option<Principal>,
}

/// Serves `call`: the serialized 2026-07-28 result, or why not.
pub(crate) async fn serve(state: &Arc<ServerState>, call: Call) -> Result<Box<RawValue>, Refusal> {
    let version = call.meta.version().map_err(Refusal::Invalid)?;
    let Some(method) = Method::from_name(&call.method) else {
        return Err(Refusal::Unknown(RpcError::method_not_found(&call.method)));
    };
    let catalogs = state.catalogs();
    methods::admit_stateless(method, || catalogs.offers()).map_err(Refusal::Unknown)?;
    let cacheable = method.is_cacheable();
    // Nothing a method writes here outlives the request.
    let mut scratch = SessionState::default();
    let tasks = call.meta.tasks.then_some(TaskAccess {
        store: &state.tasks,
        owner: call.principal.as_ref(),
    });
    let step = Request::parse(method, call.params)
        .and_then(|request| {
            request.apply(Scope {
                catalogs: &catalogs,
                info: &state.info,
                config: &state.config,
                version,
                session: &mut scratch,
                tasks,
            })
        })
        .map_err(Refusal::of_method)?;
    let run = match step {
        Step::Answer(result) => {
            return complete(&result, &state.info, cacheable).map_err(Refusal::Answered)
        }
        Step::Run(run) => run,
        Step::Task(run) => {
            return start_task(state, call.id, call.principal, version, run)
                .map_err(Refusal::of_method)
        }
        // admit_stateless refused `initialize` already.
        Step::Initialized(..) => {
            return Err(Refusal::Unknown(RpcError::method_not_found(&call.method)))
        }
    };
    let cancellation = CancellationToken::new();
    // The HTTP handler is dropped when its client goes away: that cancels the job.
    let _cancel_on_drop = cancellation.clone().drop_guard();
    let context = RequestContext::new(
        None,
        call.id,
        version,
        cancellation.clone(),
        Arc::new(link::StatelessLink),
        // Progress cannot reach a stateless client yet (see `link`).
        false,
    );
    let job = run.into_job(context);
    let (done, finished) = oneshot::channel();
    let shared = Arc::clone(state);
    state.executor.spawn(job, cancellation, move |outcome| {
        // On a tool-runtime thread: the result is re-serialized here, not on a worker.
        let outcome = match outcome {
            Finished::Answered(answer) => {
                Some(answer.and_then(|raw| complete(&raw, &shared.info, cacheable)))
            }
            Finished::Cancelled => None,
        };
        let _ = done.send(outcome);
    });
    match finished.await {
        Ok(Some(answer)) => answer.map_err(Refusal::Answered),
        // Only cancelled when this future was dropped, so no one reads this.
        Ok(None) | Err(_) => Err(Refusal::Answered(RpcError::new(
            ErrorCode::InternalError,
            "The request was cancelled",
        ))),
    }
}

/// Stores a task for `run` (bound to `owner`), starts its job on the executor and
/// answers with the task handle. The job's outcome goes to the store, not to anyone
/// waiting: nobody is.
fn start_task(
    state: &Arc<ServerState>,
    id: RequestId,
    owner: Option<Principal>,
    version: ProtocolVersion,
    run: Run,
) -> Answer {
    let (task, cancellation) = state.tasks.create(owner).map_err(StoreFull::to_error)?;
    let context = RequestContext::new(
        None,
        id,
        version,
        cancellation.clone(),
        // Input requests reach the client only as the task's `inputRequests`, which
        // the MRTR glue will park in the store; until then asks fail as elsewhere.
        Arc::new(link::StatelessLink),
        false,
    );
    let job = run.into_job(context);
    let task_id = task.task_id.clone();
    let shared = Arc::clone(state);
    state.executor.spawn(job, cancellation, move |finished| {
        shared.tasks.finish(&task_id, finished);
    });
    envelope(&answer(&task.handle())?, &state.info, "task", false)
}

/// Turns a method's result into a 2026-07-28 result: `resultType`, the server's
/// identity in `_meta`, and caching hints when `cacheable`. What the method set
/// itself (its own `_meta` keys, say) stays.
pub(crate) fn complete(result: &RawValue, info: &ServerInfo, cacheable: bool) -> Answer {
    envelope(result, info, "complete", cacheable)
}

/// [`complete`] with any `resultType` (`"task"` for a task handle).
fn envelope(result: &RawValue, info: &ServerInfo, result_type: &str, cacheable: bool) -> Answer {
    let mut object: Map<String, Value> = serde_json::from_str(result.get())
        .map_err(|e| RpcError::new(ErrorCode::InternalError, format!("Internal error: {e}")))?;
    object.insert("resultType".into(), Value::from(result_type));
    let identity = serde_json::to_value(server_identity(info)).unwrap_or_default();
    let slot = object
        .entry("_meta")
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        // `_meta` must be an object; a handler that set something else loses it.
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(meta) = slot {
        meta.insert(meta::SERVER_INFO.into(), identity);
    }
    if cacheable {
        object.entry("ttlMs").or_insert(Value::from(0));
        object.entry("cacheScope").or_insert(Value::from("private"));
    }
    answer(&object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn info() -> ServerInfo {
        ServerInfo {
            name: "s".into(),
            version: "1".into(),
            title: None,
            instructions: None,
        }
    }

    fn completed(result: Value, cacheable: bool) -> Value {
        let raw = serde_json::value::to_raw_value(&result).unwrap();
        serde_json::from_str(complete(&raw, &info(), cacheable).unwrap().get()).unwrap()
    }

    #[test]
    fn every_result_gets_its_type_and_our_identity_and_lists_get_hints() {
        let call = completed(json!({"content": [], "_meta": {"mine": 1}}), false);
        assert_eq!(call["resultType"], "complete");
        assert_eq!(call["_meta"]["mine"], 1);
        assert_eq!(
            call["_meta"]["io.modelcontextprotocol/serverInfo"],
            json!({"name": "s", "version": "1"})
        );
        assert!(call.get("ttlMs").is_none());
        let list = completed(json!({"tools": []}), true);
        assert_eq!(
            (list["ttlMs"].clone(), list["cacheScope"].clone()),
            (json!(0), json!("private"))
        );
    }
}
