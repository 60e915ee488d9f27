//! `tools/list` and `tools/call` params and results.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::parse_params;
use crate::protocol::{ProtocolVersion, RpcError};
use crate::tool::{ToolCatalog, WireTool};

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    cursor: Option<String>,
}

/// A `tools/list` page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListToolsResult<'a> {
    tools: Vec<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

pub fn list<'a>(
    catalog: &'a ToolCatalog,
    params: Option<Map<String, Value>>,
    version: ProtocolVersion,
    page_size: usize,
) -> Result<ListToolsResult<'a>, RpcError> {
    let params: ListParams = parse_params(params)?;
    let (page, next_cursor) = catalog.page(params.cursor.as_deref(), page_size)?;
    Ok(ListToolsResult {
        tools: page.iter().map(|e| e.tool.to_wire(version)).collect(),
        next_cursor,
    })
}

/// The parts of `tools/call` params we use.
#[derive(Debug, Deserialize)]
pub struct CallParams {
    pub name: String,
    /// Absent arguments mean `{}`.
    #[serde(default)]
    pub arguments: Option<Map<String, Value>>,
}

pub fn parse_call(params: Option<Map<String, Value>>) -> Result<CallParams, RpcError> {
    parse_params(params)
}
