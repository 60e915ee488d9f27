//! `completion/complete`: suggestions for a prompt argument or a resource-template
//! variable, at most 100 per answer.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

use super::{parse_params, Run, Scope, Step};
use crate::executor::{answer, Job};
use crate::protocol::RpcError;
use crate::resource::Completer;

/// The protocol's cap on values per answer.
pub const MAX_VALUES: usize = 100;

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Reference {
    #[serde(rename = "ref/prompt")]
    Prompt { name: String },
    #[serde(rename = "ref/resource")]
    Resource { uri: String },
}

#[derive(Deserialize)]
struct Argument {
    name: String,
    value: String,
}

#[derive(Deserialize, Default)]
struct CompletionContext {
    #[serde(default)]
    arguments: BTreeMap<String, String>,
}

/// A completion request: `completion/complete`.
#[derive(Deserialize)]
pub struct Request {
    #[serde(rename = "ref")]
    reference: Reference,
    argument: Argument,
    #[serde(default)]
    context: Option<CompletionContext>,
}

impl Request {
    pub fn parse(params: Option<Map<String, Value>>) -> Result<Request, RpcError> {
        parse_params(params)
    }

    /// Resolves the reference (an unknown prompt, template or argument is `-32602`),
    /// then runs its completer, if the argument has one, as a handler.
    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        let completer = self.completer(&scope)?;
        let value = self.argument.value;
        let context = self.context.unwrap_or_default().arguments;
        Ok(Step::Run(Run::new(move |_context| {
            Job::other(
                "Completion",
                Box::pin(async move {
                    let values = completer
                        .map(|complete| complete(&value, &context))
                        .unwrap_or_default();
                    answer(&result(values))
                }),
            )
        })))
    }

    fn completer(&self, scope: &Scope<'_>) -> Result<Option<Arc<Completer>>, RpcError> {
        let name = &self.argument.name;
        match &self.reference {
            Reference::Prompt { name: prompt } => {
                let prompt = scope
                    .catalogs
                    .prompts
                    .iter()
                    .find(|p| p.name() == prompt)
                    .ok_or_else(|| RpcError::invalid_params(format!("Unknown prompt: {prompt}")))?;
                if !prompt.has_argument(name) {
                    return Err(RpcError::invalid_params(format!(
                        "Prompt `{}` has no argument `{name}`",
                        prompt.name()
                    )));
                }
                Ok(prompt.completer(name))
            }
            Reference::Resource { uri } => {
                let template = scope.catalogs.resources.template(uri).ok_or_else(|| {
                    RpcError::invalid_params(format!("Unknown resource template: {uri}"))
                })?;
                Ok(template.completer(name))
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Completion {
    values: Vec<String>,
    total: usize,
    has_more: bool,
}

#[derive(Serialize)]
struct CompleteResult {
    completion: Completion,
}

/// At most 100 values, with the total and whether more exist.
fn result(mut values: Vec<String>) -> CompleteResult {
    let total = values.len();
    values.truncate(MAX_VALUES);
    CompleteResult {
        completion: Completion {
            values,
            total,
            has_more: total > MAX_VALUES,
        },
    }
}
