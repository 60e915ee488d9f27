//! `prompts/list` and `prompts/get`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::{answer_now, parse_params, ListParams, Run, Scope, Step};
use crate::executor::{answer, Job};
use crate::pagination::page;
use crate::prompt::WirePrompt;
use crate::protocol::{ErrorCode, RpcError};

/// A prompts request.
pub enum Request {
    List(ListParams),
    Get(GetParams),
}

/// The parts of `prompts/get` params we use; argument values must be strings.
#[derive(Debug, Deserialize)]
pub struct GetParams {
    pub name: String,
    #[serde(default)]
    pub arguments: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListPromptsResult<'a> {
    prompts: Vec<WirePrompt<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

impl Request {
    pub fn get(params: Option<Map<String, Value>>) -> Result<Request, RpcError> {
        parse_params(params).map(Request::Get)
    }

    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        let version = scope.version;
        let prompts = &scope.catalogs.prompts;
        match self {
            Request::List(params) => {
                let (items, next_cursor) =
                    page(prompts, params.cursor.as_deref(), scope.config.page_size)?;
                answer_now(&ListPromptsResult {
                    prompts: items.iter().map(|p| p.to_wire(version)).collect(),
                    next_cursor,
                })
            }
            Request::Get(request) => {
                let Some(prompt) = prompts.iter().find(|p| p.name() == request.name).cloned()
                else {
                    return Err(RpcError::invalid_params(format!(
                        "Unknown prompt: {}",
                        request.name
                    )));
                };
                let arguments = request.arguments.unwrap_or_default();
                prompt
                    .check_arguments(&arguments)
                    .map_err(RpcError::invalid_params)?;
                Ok(Step::Run(Run::new(move |context| {
                    Job::other(
                        "Prompt",
                        Box::pin(async move {
                            let result = prompt
                                .run(arguments, context)
                                .await
                                .map_err(|e| RpcError::new(ErrorCode::InternalError, e))?;
                            answer(&result.to_wire(version))
                        }),
                    )
                })))
            }
        }
    }
}
