//! `tasks/get`, `tasks/update` and `tasks/cancel`: the tasks extension's methods
//! (SEP-2663), against the store in [`Scope::tasks`]. A request that did not declare
//! the extension gets `-32021` naming it; an id that is unknown, expired or another
//! principal's gets `-32602`. `tasks/update` and `tasks/cancel` answer with an empty
//! acknowledgement (the stateless host adds `resultType: "complete"`); what changed is
//! seen on the next `tasks/get`.
//!
//! Owns: these methods' params, errors and result shapes, and the `-32021` every
//! task-bound request gets without the extension. Must not: start tasks (the host
//! does on [`Step::Task`]) or change a task except through the store.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{answer_now, parse_params, Scope, Step};
use crate::protocol::{ErrorCode, RpcError};
use crate::tasks::EXTENSION;

/// A tasks request.
pub enum Request {
    Get(TaskParams),
    Update(UpdateParams),
    Cancel(TaskParams),
}

/// The params of `tasks/get` and `tasks/cancel`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskParams {
    /// The id from the `CreateTaskResult`.
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
        let Some(tasks) = scope.tasks else {
            return Err(missing_extension(
                "tasks/get, tasks/update and tasks/cancel need the client to declare it",
            ));
        };
        let ack = || answer_now(&Map::new());
        match self {
            Request::Get(params) => match tasks.store.get(&params.task_id, tasks.owner) {
                Some(task) => answer_now(&task.detailed()),
                None => Err(not_found(&params.task_id)),
            },
            Request::Update(params) => {
                let found =
                    tasks
                        .store
                        .respond(&params.task_id, tasks.owner, params.input_responses);
                if found {
                    ack()
                } else {
                    Err(not_found(&params.task_id))
                }
            }
            Request::Cancel(params) => {
                if tasks.store.cancel(&params.task_id, tasks.owner) {
                    ack()
                } else {
                    Err(not_found(&params.task_id))
                }
            }
        }
    }
}

/// `-32021` naming the tasks extension as the capability the request lacks.
pub fn missing_extension(why: &str) -> RpcError {
    RpcError::new(
        ErrorCode::MissingRequiredClientCapability,
        format!("Missing required client capability {EXTENSION}: {why}"),
    )
    .with_data(json!({"requiredCapabilities": {"extensions": {EXTENSION: {}}}}))
}

/// Unknown, expired and another principal's tasks read alike: nothing to tell apart.
fn not_found(id: &str) -> RpcError {
    RpcError::invalid_params(format!(
        "Failed to retrieve task: no task {id:?} (unknown, or expired)"
    ))
}
