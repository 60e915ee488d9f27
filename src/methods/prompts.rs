//! `prompts/list` and `prompts/get`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::parse_params;
use crate::pagination::page;
use crate::prompt::{Prompt, WirePrompt};
use crate::protocol::{ProtocolVersion, RpcError};

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPromptsResult<'a> {
    prompts: Vec<WirePrompt<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

pub fn list<'a>(
    prompts: &'a [Prompt],
    params: Option<Map<String, Value>>,
    version: ProtocolVersion,
    page_size: usize,
) -> Result<ListPromptsResult<'a>, RpcError> {
    let params: ListParams = parse_params(params)?;
    let (items, next_cursor) = page(prompts, params.cursor.as_deref(), page_size)?;
    Ok(ListPromptsResult {
        prompts: items.iter().map(|p| p.to_wire(version)).collect(),
        next_cursor,
    })
}

/// The parts of `prompts/get` params we use; argument values must be strings.
#[derive(Debug, Deserialize)]
pub struct GetParams {
    pub name: String,
    #[serde(default)]
    pub arguments: Option<BTreeMap<String, String>>,
}

pub fn parse_get(params: Option<Map<String, Value>>) -> Result<GetParams, RpcError> {
    parse_params(params)
}
