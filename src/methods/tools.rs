//! `tools/list` and `tools/call`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{answer_now, parse_params, ListParams, Run, Scope, Step};
use crate::executor::{answer, Job};
use crate::protocol::RpcError;
use crate::tool::{CallToolResult, WireTool};

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
                let arguments = Value::Object(call.arguments.unwrap_or_default());
                Ok(Step::Run(Run::new(move |context| {
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
                    Job::tool(tool, version, Box::pin(work))
                })))
            }
        }
    }
}
