//! `tools/list` and `tools/call`. A call of a tool that may run as a task becomes a
//! [`Step::Task`] when the caller asks for one: a 2026-07-28 request by declaring the
//! tasks extension, a 2025-11-25 session by the call's `task` param. A tool that runs
//! only as a task refuses a call that did not ask; a session's `task` param on a tool
//! that never runs as one is refused too (`-32601`, as 2025-11-25 advises).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{answer_now, parse_params, ListParams, Run, Scope, Step};
use crate::executor::{answer, Job};
use crate::protocol::{ProtocolVersion, RpcError};
use crate::tool::{CallToolResult, TaskSupport, Tool, WireTool};

/// A tools request.
pub enum Request {
    List(ListParams),
    Call(CallParams),
}

/// The parts of `tools/call` params we use.
#[derive(Debug, Deserialize)]
pub struct CallParams {
    pub name: String,
    /// Absent arguments mean `{}`.
    #[serde(default)]
    pub arguments: Option<Map<String, Value>>,
    /// 2025-11-25: run the call as a task (`{ttl?}`; the server keeps its own TTL,
    /// which the spec lets it, and reports it in the task).
    #[serde(default)]
    pub task: Option<Map<String, Value>>,
}

/// A `tools/list` page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListToolsResult<'a> {
    tools: Vec<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

impl Request {
    pub fn call(params: Option<Map<String, Value>>) -> Result<Request, RpcError> {
        parse_params(params).map(Request::Call)
    }

    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        let version = scope.version;
        match self {
            Request::List(params) => {
                let catalog = &scope.catalogs.tools;
                let (page, next_cursor) =
                    catalog.page(params.cursor.as_deref(), scope.config.page_size)?;
                answer_now(&ListToolsResult {
                    tools: page.iter().map(|tool| tool.to_wire(version)).collect(),
                    next_cursor,
                })
            }
            Request::Call(call) => {
                let Some(tool) = scope.catalogs.tools.get(&call.name).cloned() else {
                    return Err(RpcError::invalid_params(format!(
                        "Unknown tool: {}",
                        call.name
                    )));
                };
                // A session asks per call; a stateless request by declaring the extension.
                let asked_in_session = !version.is_stateless() && call.task.is_some();
                let wants_task =
                    scope.tasks.is_some() && (version.is_stateless() || asked_in_session);
                let as_task = match (tool.task_mode(), wants_task) {
                    (TaskSupport::Forbidden, true) if asked_in_session => {
                        return Err(RpcError::new(
                            crate::protocol::ErrorCode::MethodNotFound,
                            format!(
                                "Tool `{}` does not run as a task: call it without `task`",
                                tool.name()
                            ),
                        ))
                    }
                    (TaskSupport::Forbidden, _) | (TaskSupport::Optional, false) => false,
                    (TaskSupport::Optional | TaskSupport::Required, true) => true,
                    (TaskSupport::Required, false) => return Err(task_required(&tool, version)),
                };
                let input_first = tool.starts_task_on_request();
                let arguments = Value::Object(call.arguments.unwrap_or_default());
                let run = Run::new(move |context| {
                    let work = {
                        let tool = tool.clone();
                        async move {
                            // Arguments that do not fit the schema the client was shown
                            // are the model's to fix: an `isError` result naming them.
                            let result = match tool.validate_arguments(&arguments) {
                                Ok(()) => tool.call(arguments, context).await,
                                Err(problem) => CallToolResult::error(problem),
                            };
                            answer(&result.to_wire(version))
                        }
                    };
                    if as_task {
                        // In a task a panic or an overrun is a protocol error: the task
                        // reads `failed` with it, a tool's own error `completed`.
                        Job::other("The tool call", Box::pin(work))
                    } else {
                        Job::tool(tool, version, Box::pin(work))
                    }
                });
                Ok(match (as_task, input_first) {
                    (true, true) => Step::RunThenTask(run),
                    (true, false) => Step::Task(run),
                    (false, _) => Step::Run(run),
                })
            }
        }
    }
}

/// A `required` tool called without asking for a task: `-32021` naming the extension
/// at 2026-07-28; in a session the 2025-11-25 `-32601`.
fn task_required(tool: &Tool, version: ProtocolVersion) -> RpcError {
    let why = format!("tool `{}` runs only as a task", tool.name());
    if version.is_stateless() {
        super::tasks::missing_extension(&why)
    } else if version.has_session_tasks() {
        RpcError::new(
            crate::protocol::ErrorCode::MethodNotFound,
            format!("{why}: call it with a `task` param"),
        )
    } else {
        RpcError::new(
            crate::protocol::ErrorCode::MethodNotFound,
            format!("{why}, and tasks need protocol revision 2025-11-25 or later"),
        )
    }
}
