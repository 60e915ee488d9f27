//! The `tasks/*` methods of both eras, against the store in [`Scope::tasks`]:
//! - 2026-07-28, the tasks extension (SEP-2663): `tasks/get`, `tasks/update`,
//!   `tasks/cancel`. A request that did not declare the extension gets `-32021` naming
//!   it; `tasks/update` and `tasks/cancel` answer with an empty acknowledgement (the
//!   stateless host adds `resultType: "complete"`), what changed is seen on the next
//!   `tasks/get`, which inlines the result or error.
//! - 2025-11-25 sessions, the experimental `tasks/*`: `tasks/get`, `tasks/cancel` and
//!   `tasks/list` answer with the v1 `Task` ([`crate::tasks::SessionTask`]);
//!   `tasks/result` waits for the end ([`Step::TaskResult`], the session waits) and
//!   answers what the call itself would have; cancelling a finished task is `-32602`.
//!
//! Either way an id that is unknown, expired or another owner's is `-32602`.
//!
//! Owns: these methods' params, errors and result shapes. Must not: start tasks (the
//! host does on [`Step::Task`]), wait for them (the host does on
//! [`Step::TaskResult`]), or change a task except through the store.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{answer_now, parse_params, ListParams, Scope, Step};
use crate::pagination::InvalidCursor;
use crate::protocol::{ErrorCode, RpcError};
use crate::tasks::{Cancelled, SessionTask, EXTENSION};

/// A tasks request.
pub enum Request {
    Get(TaskParams),
    Update(UpdateParams),
    Cancel(TaskParams),
    /// 2025-11-25 only.
    Result(TaskParams),
    /// 2025-11-25 only.
    List(ListParams),
}

/// The params of `tasks/get`, `tasks/cancel` and `tasks/result`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskParams {
    /// The id from the `CreateTaskResult` (the source of truth: any
    /// `related-task` `_meta` is ignored, as the spec asks).
    pub task_id: String,
}

/// The params of `tasks/update`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateParams {
    /// The id from the `CreateTaskResult`.
    pub task_id: String,
    /// Responses to the task's `inputRequests`, by their keys; each one an object.
    pub input_responses: Map<String, Value>,
}

/// A `tasks/list` page (2025-11-25).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListTasksResult {
    tasks: Vec<SessionTask>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

impl Request {
    /// Parses `tasks/update`: every response must be an object (`-32602` otherwise).
    pub fn update(params: Option<Map<String, Value>>) -> Result<Request, RpcError> {
        let update: UpdateParams = parse_params(params)?;
        if let Some((key, _)) = update
            .input_responses
            .iter()
            .find(|(_, response)| !response.is_object())
        {
            return Err(RpcError::invalid_params(format!(
                "Invalid params: inputResponses[{key:?}] must be an object"
            )));
        }
        Ok(Request::Update(update))
    }

    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        let stateless = scope.version.is_stateless();
        let Some(tasks) = scope.tasks else {
            return Err(if stateless {
                missing_extension(
                    "tasks/get, tasks/update and tasks/cancel need the client to declare it",
                )
            } else {
                // `admit` lets these through only to sessions that can have tasks.
                RpcError::method_not_found("tasks/*")
            });
        };
        let (store, owner) = (tasks.store, tasks.owner);
        let ack = || answer_now(&Map::new());
        match self {
            Request::Get(params) => match store.get(&params.task_id, owner) {
                Some(task) if stateless => answer_now(&task.detailed()),
                Some(task) => answer_now(&task.for_session()),
                None => Err(not_found(&params.task_id)),
            },
            Request::Update(params) => {
                if store.respond(&params.task_id, owner, params.input_responses) {
                    ack()
                } else {
                    Err(not_found(&params.task_id))
                }
            }
            Request::Cancel(params) => match store.cancel(&params.task_id, owner) {
                None => Err(not_found(&params.task_id)),
                Some(_) if stateless => ack(),
                Some(Cancelled::Now(task)) => answer_now(&task.for_session()),
                Some(Cancelled::AlreadyTerminal(task)) => Err(RpcError::invalid_params(format!(
                    "Cannot cancel task {:?}: it is already {}",
                    params.task_id,
                    task.for_session().status.as_str()
                ))),
            },
            Request::Result(params) => {
                if store.get(&params.task_id, owner).is_none() {
                    return Err(not_found(&params.task_id));
                }
                Ok(Step::TaskResult(params.task_id))
            }
            Request::List(params) => {
                let after = params.cursor.as_deref().map(parse_cursor).transpose()?;
                let page = store.list(owner, after, scope.config.page_size)?;
                answer_now(&ListTasksResult {
                    tasks: page.tasks.into_iter().map(|t| t.for_session()).collect(),
                    next_cursor: page.next_after.map(|after| format!("after-{after}")),
                })
            }
        }
    }
}

/// A `tasks/list` cursor is `after-N`: the pages continue after task number N.
fn parse_cursor(cursor: &str) -> Result<u64, InvalidCursor> {
    cursor
        .strip_prefix("after-")
        .and_then(|n| n.parse().ok())
        .ok_or(InvalidCursor)
}

/// `-32021` naming the tasks extension as the capability the request lacks.
pub fn missing_extension(why: &str) -> RpcError {
    RpcError::new(
        ErrorCode::MissingRequiredClientCapability,
        format!("Missing required client capability {EXTENSION}: {why}"),
    )
    .with_data(json!({"requiredCapabilities": {"extensions": {EXTENSION: {}}}}))
}

/// Unknown, expired and another owner's tasks read alike: nothing to tell apart.
fn not_found(id: &str) -> RpcError {
    RpcError::invalid_params(format!(
        "Failed to retrieve task: no task {id:?} (unknown, or expired)"
    ))
}
