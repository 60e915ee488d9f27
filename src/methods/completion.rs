//! `completion/complete`: suggestions for a prompt argument or a resource-template
//! variable, at most 100 per answer.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

use super::parse_params;
use crate::prompt::Prompt;
use crate::protocol::RpcError;
use crate::resource::{Completer, ResourceCatalog};

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

#[derive(Deserialize)]
struct CompleteParams {
    #[serde(rename = "ref")]
    reference: Reference,
    argument: Argument,
    #[serde(default)]
    context: Option<CompletionContext>,
}

/// What to run: the completer (if the argument has one), the value typed so far and
/// the arguments already filled in.
pub struct Request {
    pub completer: Option<Arc<Completer>>,
    pub value: String,
    pub context: BTreeMap<String, String>,
}

/// Resolves the reference; an unknown prompt, template or argument is `-32602`.
pub fn resolve(
    params: Option<Map<String, Value>>,
    prompts: &[Prompt],
    resources: &ResourceCatalog,
) -> Result<Request, RpcError> {
    let params: CompleteParams = parse_params(params)?;
    let name = params.argument.name;
    let completer = match params.reference {
        Reference::Prompt { name: prompt } => {
            let prompt = prompts
                .iter()
                .find(|p| p.name() == prompt)
                .ok_or_else(|| RpcError::invalid_params(format!("Unknown prompt: {prompt}")))?;
            if !prompt.has_argument(&name) {
                return Err(RpcError::invalid_params(format!(
                    "Prompt `{}` has no argument `{name}`",
                    prompt.name()
                )));
            }
            prompt.completer(&name)
        }
        Reference::Resource { uri } => {
            let template = resources.template(&uri).ok_or_else(|| {
                RpcError::invalid_params(format!("Unknown resource template: {uri}"))
            })?;
            template.completer(&name)
        }
    };
    Ok(Request {
        completer,
        value: params.argument.value,
        context: params.context.unwrap_or_default().arguments,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Completion {
    values: Vec<String>,
    total: usize,
    has_more: bool,
}

#[derive(Serialize)]
pub struct CompleteResult {
    completion: Completion,
}

/// At most 100 values, with the total and whether more exist.
pub fn result(mut values: Vec<String>) -> CompleteResult {
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
