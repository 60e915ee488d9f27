//! A session's tasks (the 2025-11-25 experimental `tasks/*`): a task-augmented
//! `tools/call` stored as a task this session owns and answered with its handle at
//! once, `tasks/result` waiting for one, and a running task's messages to the client
//! — its requests (elicitation, sampling, roots) and progress tagged with
//! `_meta["io.modelcontextprotocol/related-task"]`, and `notifications/tasks/status`
//! whenever its status changes.
//!
//! Where a task's messages go: on the stream of a `tasks/result` waiting for that
//! task, if there is one (the spec's "maintain an SSE stream on `tasks/result`");
//! else on the standalone GET stream while a client reads it; else they wait, in the
//! task's route, for the next `tasks/result`. Legacy SSE has one stream for all.
//!
//! Owns: the session's task routes and the task link. Must not: change a task except
//! through the store, or run handlers itself (the executor does).

use actix::prelude::*;
use actix::WeakAddr;
use futures_util::future::BoxFuture;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::oneshot;

use super::requests::HandlerFinished;
use super::Session;
use crate::context::{link_gone, ClientAsk, ClientLink, Notice, RequestContext};
use crate::executor::{answer, Answer, Job};
use crate::methods::Run;
use crate::protocol::{notification, ErrorCode, ProtocolVersion, RequestId, RpcError};
use crate::session::client_requests::ClientAnswer;
use crate::state::ServerState;
use crate::tasks::{Settled, StoreFull, TaskOwner};

/// The `_meta` key tying a message to its task.
const RELATED_TASK: &str = "io.modelcontextprotocol/related-task";
/// Sent when a task's status changes.
const TASK_STATUS: &str = "notifications/tasks/status";
/// Lines a task may hold for a `tasks/result` that has not come yet; more means the
/// client is not collecting them, and the oldest are dropped.
const QUEUED_LINES: usize = 64;

/// The session's running tasks and where their messages go.
#[derive(Default)]
pub(super) struct TaskRoutes {
    /// By task id; a task leaves when it settles.
    by_task: HashMap<String, Route>,
    /// `tasks/result` requests in flight, and the task each waits for.
    readers: HashMap<RequestId, String>,
    /// Some task was created: the session's end must drop its tasks from the store.
    created_any: bool,
}

/// One running task's delivery state.
#[derive(Default)]
struct Route {
    /// The `progressToken` of the call that started it (valid for the task's life).
    progress_token: Option<Value>,
    /// The last progress sent: progress must increase.
    last_progress: Option<f64>,
    /// `tasks/result` requests waiting on it; the newest carries its messages.
    readers: Vec<RequestId>,
    /// Lines that found no stream yet, oldest first.
    queued: Vec<String>,
}

/// A task's handler tells its client something (progress, a log message).
#[derive(Message)]
#[rtype(result = "()")]
pub(super) struct TaskNotify {
    task_id: String,
    notice: Notice,
}

/// A task's handler asks its client something; resolves to where the answer arrives.
#[derive(Message)]
#[rtype(result = "oneshot::Receiver<ClientAnswer>")]
pub(super) struct TaskAsk {
    task_id: String,
    ask: ClientAsk,
}

/// A task's status changed (input asked or answered, or it settled).
#[derive(Message)]
#[rtype(result = "()")]
pub(super) struct TaskChanged {
    task_id: String,
}

/// A task's [`ClientLink`]: its messages go through the session, which routes them.
struct SessionTaskLink {
    session: WeakAddr<Session>,
    state: Arc<ServerState>,
    task_id: String,
}

impl ClientLink for SessionTaskLink {
    fn notify(&self, _request: RequestId, notice: Notice) -> BoxFuture<'static, ()> {
        let session = self.session.upgrade();
        let task_id = self.task_id.clone();
        Box::pin(async move {
            if let Some(session) = session {
                let _ = session.send(TaskNotify { task_id, notice }).await;
            }
        })
    }

    fn ask(&self, _request: RequestId, ask: ClientAsk) -> BoxFuture<'static, ClientAnswer> {
        let session = self.session.upgrade();
        let state = Arc::clone(&self.state);
        let task_id = self.task_id.clone();
        Box::pin(async move {
            let session = session.ok_or_else(link_gone)?;
            if !state.tasks.begin_asking(&task_id) {
                return Err(link_gone());
            }
            session.do_send(TaskChanged {
                task_id: task_id.clone(),
            });
            let asked = session.send(TaskAsk {
                task_id: task_id.clone(),
                ask,
            });
            let answer = match asked.await {
                Ok(waiting) => waiting.await.unwrap_or_else(|_| Err(link_gone())),
                Err(_) => Err(link_gone()),
            };
            state.tasks.end_asking(&task_id);
            session.do_send(TaskChanged { task_id });
            answer
        })
    }
}

impl Session {
    /// Stores a task for `run`, answers the call with its handle and starts the
    /// handler on the executor; its outcome goes to the store, and the session hears
    /// of it ([`TaskChanged`]).
    pub(super) fn start_task(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
        progress_token: Option<Value>,
        run: Run,
        ctx: &mut Context<Self>,
    ) {
        // One session must not fill the server-wide store with running tasks.
        let limit = self.server.config.max_in_flight_per_session;
        let running = self.tasks.as_ref().map_or(0, |routes| routes.by_task.len());
        if running >= limit {
            let refused = RpcError::new(
                ErrorCode::ServerError,
                format!(
                    "Too many running tasks: this session runs at most {limit} at once; \
                     wait for one to end or cancel one"
                ),
            )
            .with_data(json!({"maxRunningTasks": limit}));
            return self.answer(&id, Err(refused), ctx);
        }
        let owner = TaskOwner::Session(self.id);
        let (task, cancellation) = match self.server.tasks.create(owner) {
            Ok(created) => created,
            Err(full) => return self.answer(&id, Err(StoreFull::to_error(full)), ctx),
        };
        let task_id = task.task_id.clone();
        let routes = self.tasks.get_or_insert_with(Box::default);
        routes.created_any = true;
        routes.by_task.insert(
            task_id.clone(),
            Route {
                progress_token: progress_token.clone(),
                ..Route::default()
            },
        );
        let session = ctx.address().downgrade();
        let link = SessionTaskLink {
            session: session.clone(),
            state: Arc::clone(&self.server),
            task_id: task_id.clone(),
        };
        let context = RequestContext::new(
            Some(self.id),
            id.clone(),
            version,
            cancellation.clone(),
            Arc::new(link),
            progress_token.is_some(),
        );
        let job = run.into_job(context);
        tracing::debug!(parent: &self.span, request_id = %id, task_id = %task_id, "task started");
        let state = Arc::clone(&self.server);
        self.server
            .executor
            .spawn(job, cancellation, move |finished| {
                state.tasks.finish(&task_id, finished);
                if let Some(session) = session.upgrade() {
                    session.do_send(TaskChanged { task_id });
                }
            });
        let handle = answer(&json!({ "task": task.for_session() }));
        self.answer(&id, handle, ctx);
    }

    /// `tasks/result`: waits (as a handler on the executor, cancellable like one)
    /// until the task settles, meanwhile carrying the task's messages on this
    /// request's stream; then answers what the call would have.
    pub(super) fn await_task(&mut self, id: RequestId, task_id: String, ctx: &mut Context<Self>) {
        let limit = self.server.config.max_in_flight_per_session;
        let cancellation = match self.in_flight.begin(&id, None, limit) {
            Ok(cancellation) => cancellation,
            Err(refused) => return self.answer(&id, Err(refused), ctx),
        };
        let routes = self.tasks.get_or_insert_with(Box::default);
        if let Some(route) = routes.by_task.get_mut(&task_id) {
            route.readers.push(id.clone());
            routes.readers.insert(id.clone(), task_id.clone());
            for line in std::mem::take(&mut route.queued) {
                let sent = self.wire.message_for(&id, line);
                self.on_stream_lost(sent, ctx);
            }
        }
        let state = Arc::clone(&self.server);
        let owner = TaskOwner::Session(self.id);
        let work = async move { task_outcome(&state, &task_id, &owner).await };
        let session = ctx.address().downgrade();
        self.server.executor.spawn(
            Job::other("Waiting for the task", Box::pin(work)),
            cancellation,
            move |finished| {
                if let Some(session) = session.upgrade() {
                    session.do_send(HandlerFinished {
                        request_id: id,
                        finished,
                    });
                }
            },
        );
    }

    /// A `tasks/result` ended (answered or cancelled): it carries no more messages.
    pub(super) fn reader_done(&mut self, request: &RequestId) {
        let Some(routes) = self.tasks.as_mut() else {
            return;
        };
        let Some(task_id) = routes.readers.remove(request) else {
            return;
        };
        if let Some(route) = routes.by_task.get_mut(&task_id) {
            route.readers.retain(|reader| reader != request);
        }
    }

    /// The session ended: its tasks cannot be reached any more.
    pub(super) fn drop_tasks(&mut self) {
        if self.tasks.as_ref().is_some_and(|routes| routes.created_any) {
            self.server.tasks.drop_owner(&TaskOwner::Session(self.id));
        }
    }

    /// Sends `line` about `task_id` where the module docs say; nothing once the task
    /// has settled.
    fn send_for_task(&mut self, task_id: &str, line: String, ctx: &mut Context<Self>) {
        let Some(route) = self
            .tasks
            .as_mut()
            .and_then(|routes| routes.by_task.get_mut(task_id))
        else {
            return;
        };
        let sent = if let Some(reader) = route.readers.last() {
            self.wire.message_for(reader, line)
        } else if self.wire.has_standalone_reader() {
            self.wire.unsolicited(line)
        } else {
            let full = route.queued.len() == QUEUED_LINES;
            if full {
                route.queued.remove(0);
            }
            route.queued.push(line);
            if full {
                tracing::debug!(parent: &self.span, task_id, "a task message was dropped: nobody collects them");
            }
            return;
        };
        self.on_stream_lost(sent, ctx);
    }
}

/// What `tasks/result` answers once the task settled: the call's own result (with the
/// `related-task` `_meta` the spec asks for) or its JSON-RPC error.
async fn task_outcome(state: &ServerState, task_id: &str, owner: &TaskOwner) -> Answer {
    let gone = || {
        RpcError::invalid_params(format!(
            "Failed to retrieve task: task {task_id:?} has expired"
        ))
    };
    let mut settled = state.tasks.watch(task_id, owner).ok_or_else(gone)?;
    settled.wait_for(|done| *done).await.map_err(|_| gone())?;
    match state.tasks.outcome(task_id, owner).ok_or_else(gone)? {
        Settled::Answered(Ok(result)) => with_related_task(&result, task_id),
        Settled::Answered(Err(error)) => Err(error),
        Settled::Cancelled => Err(RpcError::new(
            ErrorCode::ServerError,
            format!("Task {task_id:?} was cancelled: it has no result"),
        )
        .with_data(json!({"taskId": task_id, "status": "cancelled"}))),
    }
}

/// `result` with `_meta["io.modelcontextprotocol/related-task"]` added.
fn with_related_task(result: &RawValue, task_id: &str) -> Answer {
    let mut object: Map<String, Value> = serde_json::from_str(result.get())
        .map_err(|e| RpcError::new(ErrorCode::InternalError, e.to_string()))?;
    tag(&mut object, task_id);
    answer(&object)
}

/// Adds the `related-task` key to `object`'s `_meta` (made if absent).
fn tag(object: &mut Map<String, Value>, task_id: &str) {
    let meta = object
        .entry("_meta")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(meta) = meta {
        meta.insert(RELATED_TASK.into(), json!({ "taskId": task_id }));
    }
}

/// A JSON-RPC message line with the `related-task` key in its `params._meta`.
fn tag_line(line: &str, task_id: &str) -> Option<String> {
    let mut message: Map<String, Value> = serde_json::from_str(line).ok()?;
    let params = message
        .entry("params")
        .or_insert_with(|| Value::Object(Map::new()));
    tag(params.as_object_mut()?, task_id);
    serde_json::to_string(&message).ok()
}

impl Handler<TaskNotify> for Session {
    type Result = ();

    fn handle(&mut self, notify: TaskNotify, ctx: &mut Self::Context) {
        let Some(route) = self
            .tasks
            .as_mut()
            .and_then(|routes| routes.by_task.get_mut(&notify.task_id))
        else {
            return; // settled meanwhile
        };
        let line = match &notify.notice {
            Notice::Progress { progress, .. } => {
                let Some(token) = route.progress_token.as_ref() else {
                    return;
                };
                if route.last_progress.is_some_and(|last| *progress <= last) {
                    return; // progress must increase
                }
                route.last_progress = Some(*progress);
                notify.notice.to_line(token, true)
            }
            Notice::Log { level, .. } => {
                if self.state.log_level.is_some_and(|min| *level < min) {
                    return;
                }
                notify.notice.to_line(&Value::Null, false)
            }
        };
        if let Some(line) = tag_line(&line, &notify.task_id) {
            self.send_for_task(&notify.task_id, line, ctx);
        }
    }
}

impl Handler<TaskAsk> for Session {
    type Result = MessageResult<TaskAsk>;

    fn handle(&mut self, request: TaskAsk, ctx: &mut Self::Context) -> Self::Result {
        let asked = match self.ask_client(&request.ask, ctx) {
            Ok(asked) => asked,
            Err(refused) => {
                let (answer, waiting) = oneshot::channel();
                let _ = answer.send(Err(refused));
                return MessageResult(waiting);
            }
        };
        if let Some(line) = tag_line(&asked.line, &request.task_id) {
            self.send_for_task(&request.task_id, line, ctx);
        }
        MessageResult(asked.answer)
    }
}

impl Handler<TaskChanged> for Session {
    type Result = ();

    fn handle(&mut self, changed: TaskChanged, ctx: &mut Self::Context) {
        let Some(task) = self.server.tasks.peek(&changed.task_id) else {
            return;
        };
        let task = task.for_session();
        let terminal = task.status.is_terminal();
        let line = notification(TASK_STATUS, Some(&task));
        self.send_for_task(&changed.task_id, line, ctx);
        if terminal {
            if let Some(routes) = self.tasks.as_mut() {
                routes.by_task.remove(&changed.task_id);
            }
        }
    }
}
