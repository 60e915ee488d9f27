//! `resources/list`, `resources/templates/list`, `resources/read`,
//! `resources/subscribe`, `resources/unsubscribe`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{answer_now, lifecycle::ping_result, parse_params, ListParams, Run, Scope, Step};
use crate::executor::{answer, Job};
use crate::pagination::page;
use crate::protocol::{ErrorCode, ProtocolVersion, ResourceContents, RpcError};
use crate::resource::WireResource;

/// MCP's "resource not found" (2024-11-05 to 2025-11-25).
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// A resources request.
pub enum Request {
    List(ListParams),
    ListTemplates(ListParams),
    Read(UriParams),
    Subscribe(UriParams),
    Unsubscribe(UriParams),
}

/// The params of read, subscribe and unsubscribe.
#[derive(Deserialize)]
pub struct UriParams {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListResourcesResult<'a> {
    resources: Vec<WireResource<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListTemplatesResult<'a> {
    resource_templates: Vec<WireResource<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Serialize)]
struct ReadResourceResult {
    contents: Vec<ResourceContents>,
    /// 2026-07-28 only: the resource's own caching hint (the stateless host adds the
    /// server's otherwise).
    #[serde(rename = "ttlMs", skip_serializing_if = "Option::is_none")]
    ttl_ms: Option<u64>,
}

impl Request {
    pub fn read(params: Option<Map<String, Value>>) -> Result<Request, RpcError> {
        parse_params(params).map(Request::Read)
    }

    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        let version = scope.version;
        let catalog = &scope.catalogs.resources;
        let page_size = scope.config.page_size;
        match self {
            Request::List(params) => {
                let (items, next_cursor) =
                    page(&catalog.resources, params.cursor.as_deref(), page_size)?;
                answer_now(&ListResourcesResult {
                    resources: items.iter().map(|r| r.to_wire(version)).collect(),
                    next_cursor,
                })
            }
            Request::ListTemplates(params) => {
                let (items, next_cursor) =
                    page(&catalog.templates, params.cursor.as_deref(), page_size)?;
                answer_now(&ListTemplatesResult {
                    resource_templates: items.iter().map(|t| t.to_wire(version)).collect(),
                    next_cursor,
                })
            }
            Request::Read(UriParams { uri }) => {
                let Some(read) = catalog.find(&uri) else {
                    return Err(not_found(&uri, version));
                };
                let ttl_ms = read
                    .cache_ttl
                    .filter(|_| version.is_stateless())
                    .map(|ttl| u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
                Ok(Step::Run(Run::new(move |context| {
                    Job::other(
                        "Resource read",
                        Box::pin(async move {
                            let contents = read
                                .run(context)
                                .await
                                .map_err(|e| RpcError::new(ErrorCode::InternalError, e))?;
                            answer(&ReadResourceResult { contents, ttl_ms })
                        }),
                    )
                })))
            }
            Request::Subscribe(UriParams { uri }) => {
                if catalog.find(&uri).is_none() {
                    return Err(not_found(&uri, version));
                }
                scope.session.subscriptions.insert(uri);
                answer_now(&ping_result())
            }
            Request::Unsubscribe(UriParams { uri }) => {
                scope.session.subscriptions.remove(&uri);
                answer_now(&ping_result())
            }
        }
    }
}

/// An unknown resource: `-32002` to the handshake revisions, `-32602` from 2026-07-28
/// on (which forbids `-32002`).
pub fn not_found(uri: &str, version: ProtocolVersion) -> RpcError {
    RpcError {
        code: if version.is_stateless() {
            ErrorCode::InvalidParams.code()
        } else {
            RESOURCE_NOT_FOUND
        },
        message: format!("Resource not found: {uri}"),
        data: Some(json!({ "uri": uri })),
    }
}
