//! `resources/list`, `resources/templates/list`, `resources/read`,
//! `resources/subscribe`, `resources/unsubscribe`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::parse_params;
use crate::pagination::page;
use crate::protocol::{ProtocolVersion, ResourceContents, RpcError};
use crate::resource::{ResourceCatalog, WireResource};

/// MCP's "resource not found" (2024-11-05 to 2025-11-25).
pub const RESOURCE_NOT_FOUND: i64 = -32002;

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResourcesResult<'a> {
    resources: Vec<WireResource<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTemplatesResult<'a> {
    resource_templates: Vec<WireResource<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

pub fn list<'a>(
    catalog: &'a ResourceCatalog,
    params: Option<Map<String, Value>>,
    version: ProtocolVersion,
    page_size: usize,
) -> Result<ListResourcesResult<'a>, RpcError> {
    let params: ListParams = parse_params(params)?;
    let (items, next_cursor) = page(&catalog.resources, params.cursor.as_deref(), page_size)?;
    Ok(ListResourcesResult {
        resources: items.iter().map(|r| r.to_wire(version)).collect(),
        next_cursor,
    })
}

pub fn templates_list<'a>(
    catalog: &'a ResourceCatalog,
    params: Option<Map<String, Value>>,
    version: ProtocolVersion,
    page_size: usize,
) -> Result<ListTemplatesResult<'a>, RpcError> {
    let params: ListParams = parse_params(params)?;
    let (items, next_cursor) = page(&catalog.templates, params.cursor.as_deref(), page_size)?;
    Ok(ListTemplatesResult {
        resource_templates: items.iter().map(|t| t.to_wire(version)).collect(),
        next_cursor,
    })
}

#[derive(Deserialize)]
struct UriParams {
    uri: String,
}

/// The `uri` of read, subscribe and unsubscribe.
pub fn uri_param(params: Option<Map<String, Value>>) -> Result<String, RpcError> {
    parse_params::<UriParams>(params).map(|p| p.uri)
}

pub fn not_found(uri: &str) -> RpcError {
    RpcError {
        code: RESOURCE_NOT_FOUND,
        message: format!("Resource not found: {uri}"),
        data: Some(json!({ "uri": uri })),
    }
}

#[derive(Serialize)]
pub struct ReadResourceResult {
    pub contents: Vec<ResourceContents>,
}
