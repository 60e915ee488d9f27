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
//! Recognition is switched by `McpConfig::serve_stateless` (on by default; a dual-era
//! client such as the Python SDK in `mode="auto"` then adopts 2026-07-28 after
//! `server/discover`; off, it falls back to `initialize`).
//!
//! **What is validated, in this order** (each error echoes the request id):
//! 1. `_meta` with a string `protocolVersion` and an object `clientCapabilities`
//!    ([`RequestMeta::read`]) — else 400 `-32602`. `clientInfo` is optional (a SHOULD).
//! 2. the headers mirror the body — `MCP-Protocol-Version` equals that version,
//!    `Mcp-Method` the method, `Mcp-Name` (`=?base64?…?=` decoded) the `params.name` of
//!    `tools/call` / `prompts/get` or the `params.uri` of `resources/read`, and on a
//!    `tools/call` of a known tool each `Mcp-Param-{Name}` its input schema declares
//!    (`x-mcp-header`, read once at registration) the argument it names — sent exactly
//!    when the argument has a non-null value, equal once decoded, integers compared as
//!    numbers — else 400 `-32020` (a missing header is a mismatch too). Checked by the
//!    transport, which reads headers.
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
//! scratch [`SessionState`] that is dropped afterwards. `Step::Answer` is sent at once
//! ([`Served::Now`]); `Step::Run` goes to the executor with a [`RequestContext`] whose
//! link is a [`link::StatelessLink`], and the transport waits on the [`Running`]
//! handler: `application/json` when the answer comes first, an SSE stream when a notice
//! the request asked for (progress with a `progressToken`, logs at or above its
//! `logLevel`) comes first, then the answer. Dropping [`Running`] (the client closed
//! the connection or the stream) cancels the job — the spec's cancellation for this
//! revision. Every result becomes a 2026-07-28 result ([`complete`]):
//! `resultType: "complete"`, `_meta["io.modelcontextprotocol/serverInfo"]`, and on
//! discovery, the list methods and `resources/read` the caching hints `ttlMs: 0`,
//! `cacheScope: "private"` (lists change at run time).
//!
//! **MRTR.** On `tools/call`, `prompts/get` and `resources/read` a handler's asks
//! (elicitation, sampling, roots) are answered from the request's `inputResponses` and
//! sealed `requestState`, or end the run with an `InputRequiredResult` — the re-run
//! model is written in [`input`], the token in [`request_state`]. A malformed
//! `inputResponses` or a `requestState` that fails its check is 400 `-32602`; a handler
//! that failed after being refused an undeclared capability is 400 `-32021`.
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

pub(crate) mod input;
pub(crate) mod link;
pub(crate) mod meta;
pub mod request_state;
mod result;
mod running;

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::access::Principal;
use crate::context::RequestContext;
use crate::executor::{answer, Answer, Finished};
use crate::methods::lifecycle::Offers;
use crate::methods::{self, Method, Request, Run, Scope, SessionState, Step, TaskAccess};
use crate::protocol::{ErrorCode, ProtocolVersion, RequestId, RpcError};
use crate::state::{Catalogs, ServerState};
use crate::subscription::SubscriptionFilter;
use crate::tasks::{StoreFull, TaskOwner};
use input::{Concluded, Gate, InputRound};
use link::{NoticeSink, StatelessLink, NOTICE_QUEUE};
pub(crate) use meta::RequestMeta;
pub(crate) use result::{complete, envelope, CacheHints};
pub(crate) use running::{Next, Running};

/// Why a stateless request got an error, which decides its HTTP status.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The request itself is malformed for this revision, or needs a client capability
    /// it did not declare (400).
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
    /// Who sent it (when authentication is on): binds its `requestState` and the tasks
    /// it creates.
    pub principal: Option<Principal>,
    /// What the server offers, taken once for the request: the tool whose
    /// `Mcp-Param-*` headers the transport checked is the tool that runs.
    pub catalogs: Catalogs,
}

/// What serving a stateless request gives the transport.
pub(crate) enum Served {
    /// The whole answer, now.
    Now(Box<RawValue>),
    /// `subscriptions/listen`: open a subscription for request `0` with this filter
    /// (already cut to what the server honours).
    Listen(RequestId, SubscriptionFilter),
    /// A handler is running: its notices, then its answer.
    Running(Running),
}

/// Serves `call`: the 2026-07-28 result (or a running handler's), or why not.
pub(crate) fn serve(state: &Arc<ServerState>, call: Call) -> Result<Served, Refusal> {
    let version = call.meta.version().map_err(Refusal::Invalid)?;
    let Some(method) = Method::from_name(&call.method) else {
        return Err(Refusal::Unknown(RpcError::method_not_found(&call.method)));
    };
    let catalogs = call.catalogs.clone();
    methods::admit_stateless(method, || catalogs.offers()).map_err(Refusal::Unknown)?;
    if method == Method::SubscriptionsListen {
        return listen(call, catalogs.offers());
    }
    let cacheable = method.is_cacheable().then(|| CacheHints::of(&state.config));
    let allows_input = method.may_need_input();
    // What a requestState is bound to, kept (cheaply: without `_meta`) and digested
    // only when one is opened or sealed.
    let binding = allows_input.then(|| {
        request_state::Binding::new(
            &call.method,
            call.params.as_ref(),
            principal_name(&call.principal),
        )
    });
    let offered = match &binding {
        Some(binding) => offered_answers(state, &call, binding).map_err(Refusal::Invalid)?,
        None => Map::new(),
    };
    let progress_token = methods::progress_token(&call.params);
    // Nothing a method writes here outlives the request.
    let mut scratch = SessionState::default();
    // Only a request that declared the tasks extension reaches the store.
    let owner = call
        .meta
        .tasks
        .then(|| TaskOwner::Principal(call.principal.clone()));
    let tasks = owner.as_ref().map(|owner| TaskAccess {
        store: &state.tasks,
        owner,
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
    let (run, may_become_task) = match step {
        Step::Answer(result) => {
            return complete(&result, &state.info, cacheable)
                .map(Served::Now)
                .map_err(Refusal::Answered)
        }
        Step::Run(run) => (run, false),
        Step::RunThenTask(run) => (run, true),
        Step::Task(run) => {
            let capabilities = call.meta.capabilities.clone();
            return start_task(state, call.id, call.principal, capabilities, version, run)
                .map(Served::Now)
                .map_err(Refusal::of_method);
        }
        // admit_stateless refused `initialize` and `tasks/result` already.
        Step::Initialized(..) | Step::TaskResult(_) => {
            return Err(Refusal::Unknown(RpcError::method_not_found(&call.method)))
        }
    };
    let round = Arc::new(InputRound::new(
        call.meta.capabilities.clone(),
        allows_input,
        offered,
    ));
    let (notices, sink) = if progress_token.is_some() || call.meta.log_level.is_some() {
        let (lines, notices) = mpsc::channel(NOTICE_QUEUE);
        let sink = NoticeSink {
            lines,
            progress_token: progress_token.clone(),
            log_level: call.meta.log_level,
            last_progress: Mutex::new(None),
        };
        (Some(notices), Some(sink))
    } else {
        (None, None)
    };
    let cancellation = CancellationToken::new();
    let (done, answer) = oneshot::channel();
    // A call that may turn into a task shares its answer with the link: the handler's
    // `continue_as_task` answers with the task handle, else the outcome does.
    let (escalation, done) = if may_become_task {
        let escalation = Arc::new(link::Escalation::new(
            Arc::clone(state),
            call.principal.clone(),
            call.meta.capabilities.clone(),
            cancellation.clone(),
            done,
        ));
        (Some(escalation), None)
    } else {
        (None, Some(done))
    };
    let link = StatelessLink {
        round: Arc::clone(&round),
        notices: sink,
        escalation: escalation.clone(),
    };
    let context = RequestContext::new(
        None,
        call.id,
        version,
        cancellation.clone(),
        Arc::new(link),
        progress_token.is_some(),
    );
    let gate_round = Arc::clone(&round);
    let job = run
        .into_job(context)
        .gated(move |work| Box::pin(Gate::new(work, gate_round)));
    let shared = Arc::clone(state);
    let outcome_escalation = escalation.clone();
    state
        .executor
        .spawn(job, cancellation.clone(), move |outcome| {
            // A handler that became a task answers into the task.
            if let Some(task) = outcome_escalation.as_ref().and_then(|e| e.finish()) {
                shared.tasks.finish(&task, outcome);
                return;
            }
            // On a tool-runtime thread: the result is re-serialized here, not on a worker.
            let finished = match outcome {
                Finished::Answered(answer) => answer,
                Finished::Cancelled => return, // the client is gone; no one reads this
            };
            let Some(done) = done.or_else(|| outcome_escalation.and_then(|e| e.take_answer()))
            else {
                return;
            };
            let _ = done.send(conclude(
                &shared,
                &round,
                finished,
                cacheable,
                binding.as_ref(),
            ));
        });
    Ok(Served::Running(Running::new(
        notices,
        answer,
        cancellation,
        escalation,
    )))
}

/// What a `requestState` is bound to for `principal` (empty without authentication).
fn principal_name(principal: &Option<Principal>) -> &str {
    principal.as_ref().map_or("", |p| &p.0)
}

/// Reads a listen request's filter (`params.notifications`, required).
fn listen(call: Call, offers: Offers) -> Result<Served, Refusal> {
    #[derive(serde::Deserialize)]
    struct ListenParams {
        notifications: SubscriptionFilter,
    }
    let params = Value::Object(call.params.unwrap_or_default());
    let ListenParams { notifications } = serde_json::from_value(params)
        .map_err(|e| Refusal::Answered(RpcError::invalid_params(format!("Invalid params: {e}"))))?;
    Ok(Served::Listen(call.id, notifications.honoured(offers)))
}

/// The answers a request brings: those sealed in its `requestState` (earlier rounds)
/// and its `inputResponses` (this round). Malformed ones are `-32602`.
fn offered_answers(
    state: &ServerState,
    call: &Call,
    binding: &request_state::Binding,
) -> Result<Map<String, Value>, RpcError> {
    let params = call.params.as_ref();
    let bad = |why: &str| RpcError::invalid_params(format!("Invalid params: {why}"));
    let mut offered = match params.and_then(|p| p.get("requestState")) {
        None => Map::new(),
        Some(Value::String(token)) => state.request_state.open(token, &binding.digest())?,
        Some(_) => return Err(bad("requestState must be the string the server sent")),
    };
    match params.and_then(|p| p.get("inputResponses")) {
        None => {}
        Some(Value::Object(responses)) => {
            for (key, response) in responses {
                if !response.is_object() {
                    return Err(bad(&format!(
                        "inputResponses[{key:?}] must be a result object (an ElicitResult, \
                         CreateMessageResult or ListRootsResult)"
                    )));
                }
                // An answer sealed in requestState is not the client's to replace.
                offered
                    .entry(key.clone())
                    .or_insert_with(|| response.clone());
            }
        }
        Some(_) => return Err(bad("inputResponses must be an object of results by key")),
    }
    Ok(offered)
}

/// A finished handler's answer as this revision sends it.
fn conclude(
    state: &ServerState,
    round: &InputRound,
    finished: Answer,
    cacheable: Option<CacheHints>,
    binding: Option<&request_state::Binding>,
) -> Result<Box<RawValue>, Refusal> {
    match round.conclude(finished) {
        Concluded::Answered(Ok(raw)) => {
            complete(&raw, &state.info, cacheable).map_err(Refusal::Answered)
        }
        Concluded::Answered(Err(error))
            if error.code == ErrorCode::MissingClientCapability.code() =>
        {
            Err(Refusal::Invalid(error))
        }
        Concluded::Answered(Err(error)) => Err(Refusal::Answered(error)),
        Concluded::InputRequired { requests, used } => {
            // Only methods that may ask have a binding, and only they reach here.
            let bind = binding
                .map(request_state::Binding::digest)
                .unwrap_or_default();
            let sealed = state
                .request_state
                .seal(&bind, used)
                .map_err(Refusal::Answered)?;
            let mut result = Map::new();
            result.insert("resultType".into(), Value::from("input_required"));
            result.insert("inputRequests".into(), Value::Object(requests));
            result.insert("requestState".into(), Value::from(sealed));
            let raw = answer(&result).map_err(Refusal::Answered)?;
            // Never cached: the caching hints are for complete results only.
            complete(&raw, &state.info, None).map_err(Refusal::Answered)
        }
    }
}

/// Stores a task for `run` (bound to `owner`), starts its job on the executor and
/// answers with the task handle. The job's outcome goes to the store, not to anyone
/// waiting: nobody is.
fn start_task(
    state: &Arc<ServerState>,
    id: RequestId,
    owner: Option<Principal>,
    capabilities: Map<String, Value>,
    version: ProtocolVersion,
    run: Run,
) -> Answer {
    let (task, cancellation) = state
        .tasks
        .create(TaskOwner::Principal(owner))
        .map_err(StoreFull::to_error)?;
    // Its asks become the task's `inputRequests`, answered through `tasks/update`.
    let link = link::TaskLink {
        state: Arc::clone(state),
        task_id: task.task_id.clone(),
        capabilities,
    };
    let context = RequestContext::new(
        None,
        id,
        version,
        cancellation.clone(),
        Arc::new(link),
        false,
    );
    let job = run.into_job(context);
    let task_id = task.task_id.clone();
    let shared = Arc::clone(state);
    state.executor.spawn(job, cancellation, move |finished| {
        shared.tasks.finish(&task_id, finished);
    });
    envelope(&answer(&task.handle())?, &state.info, "task", None)
}
