//! `initialize`, `ping` and `server/discover`: version negotiation, capabilities,
//! server identity. `server/discover` answers only at the stateless revision; a
//! session asking it gets the `-32601` that sends 2026-07-28 clients to `initialize`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{answer_now, Method, Scope, Step};
use crate::protocol::{ProtocolVersion, RpcError};

/// A lifecycle request.
pub enum Request {
    /// Negotiation reads the params itself: its errors carry `supported`.
    Initialize(Option<Map<String, Value>>),
    Ping,
    ServerDiscover,
}

impl Request {
    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        match self {
            Request::Ping => answer_now(&ping_result()),
            Request::ServerDiscover if scope.version.is_stateless() => {
                answer_now(&discover_result(scope.info, scope.catalogs.offers()))
            }
            Request::ServerDiscover => Err(discover_unsupported()),
            Request::Initialize(params) => {
                let negotiated = negotiate(params)?;
                let result =
                    initialize_result(scope.info, negotiated.version, scope.catalogs.offers());
                let raw = crate::executor::answer(&result)?;
                Ok(Step::Initialized(Box::new(negotiated), raw))
            }
        }
    }
}

/// Who we are, as `initialize` reports it.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    /// Display name (2025-06-18 and later).
    pub title: Option<String>,
    /// How to use this server, for the model (2025-03-26 and later).
    pub instructions: Option<String>,
}

/// The parts of `initialize` params we use.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitializeParams {
    protocol_version: String,
    #[serde(default)]
    capabilities: Map<String, Value>,
    client_info: Option<ClientInfo>,
}

/// The client's `clientInfo`, kept for logs.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClientInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub version: String,
}

/// What a session learns from a successful `initialize`.
#[derive(Debug, Clone)]
pub struct Negotiated {
    pub version: ProtocolVersion,
    pub client: ClientInfo,
    /// Kept for server→client features that need the client to have declared them.
    pub client_capabilities: Map<String, Value>,
}

/// Parses `initialize` params and negotiates the revision.
pub fn negotiate(params: Option<Map<String, Value>>) -> Result<Negotiated, RpcError> {
    let params: InitializeParams =
        serde_json::from_value(Value::Object(params.unwrap_or_default())).map_err(|e| {
            RpcError::invalid_params(format!("Invalid initialize params: {e}")).with_data(
                serde_json::json!({
                    "supported": ProtocolVersion::HANDSHAKE.map(ProtocolVersion::as_str),
                }),
            )
        })?;
    Ok(Negotiated {
        version: ProtocolVersion::negotiate(&params.protocol_version),
        client: params.client_info.unwrap_or_default(),
        client_capabilities: params.capabilities,
    })
}

#[derive(Serialize)]
struct ToolsCapability {
    #[serde(rename = "listChanged")]
    list_changed: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourcesCapability {
    subscribe: bool,
    list_changed: bool,
}

#[derive(Serialize)]
struct ServerCapabilities {
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<ToolsCapability>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<ResourcesCapability>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompts: Option<ToolsCapability>,
    /// 2025-03-26 and later.
    #[serde(skip_serializing_if = "Option::is_none")]
    completions: Option<Map<String, Value>>,
    /// We accept `logging/setLevel` and send `notifications/message`.
    logging: Map<String, Value>,
    /// 2025-11-25, when some tool runs as a task: task-augmented `tools/call`,
    /// `tasks/list` and `tasks/cancel` (`tasks/get` and `tasks/result` come with it).
    #[serde(skip_serializing_if = "Option::is_none")]
    tasks: Option<Value>,
}

/// Which features the server has, so `initialize` declares exactly those.
#[derive(Debug, Clone, Copy, Default)]
pub struct Offers {
    pub tools: bool,
    pub resources: bool,
    pub prompts: bool,
    pub completions: bool,
    /// Some tool may run as a task: `server/discover` declares the tasks extension.
    pub tasks: bool,
}

impl Offers {
    pub fn has(self, feature: super::Feature) -> bool {
        match feature {
            super::Feature::Resources => self.resources,
            super::Feature::Prompts => self.prompts,
            super::Feature::Completions => self.completions,
        }
    }
}

/// An `Implementation` (`serverInfo`).
#[derive(Serialize)]
pub struct Implementation<'a> {
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

/// The `InitializeResult`, with only the fields `version` knows.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResult<'a> {
    protocol_version: &'static str,
    capabilities: ServerCapabilities,
    server_info: Implementation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instructions: Option<&'a str>,
}

pub fn initialize_result(
    info: &ServerInfo,
    version: ProtocolVersion,
    offers: Offers,
) -> InitializeResult<'_> {
    InitializeResult {
        protocol_version: version.as_str(),
        capabilities: ServerCapabilities {
            // Lists can change at run time (McpServer::add_tool and friends).
            tools: offers
                .tools
                .then_some(ToolsCapability { list_changed: true }),
            resources: offers.resources.then_some(ResourcesCapability {
                subscribe: true,
                list_changed: true,
            }),
            prompts: offers
                .prompts
                .then_some(ToolsCapability { list_changed: true }),
            completions: (offers.completions && version.has_audio_and_annotations()).then(Map::new),
            logging: Map::new(),
            tasks: (offers.tasks && version.has_session_tasks()).then(|| {
                serde_json::json!({"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}})
            }),
        },
        server_info: Implementation {
            name: &info.name,
            version: &info.version,
            title: info
                .title
                .as_deref()
                .filter(|_| version.has_structured_output()),
        },
        instructions: info
            .instructions
            .as_deref()
            .filter(|_| version.has_audio_and_annotations()),
    }
}

/// The server's identity as 2026-07-28 results carry it in
/// `_meta["io.modelcontextprotocol/serverInfo"]`.
pub fn server_identity(info: &ServerInfo) -> Implementation<'_> {
    Implementation {
        name: &info.name,
        version: &info.version,
        title: info.title.as_deref(),
    }
}

/// Every revision we speak, newest first: `server/discover`'s `supportedVersions` and
/// the `supported` list of a `-32022`. The handshake revisions are there too (a
/// client that shares none of the stateless ones may still `initialize`).
pub fn supported_versions() -> Vec<&'static str> {
    ProtocolVersion::ALL
        .into_iter()
        .rev()
        .map(ProtocolVersion::as_str)
        .collect()
}

/// The 2026-07-28 server capabilities: list changes and resource updates arrive on
/// `subscriptions/listen` streams; log messages on a request's own stream when it
/// sets `logLevel`.
#[derive(Serialize)]
struct StatelessCapabilities {
    logging: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompts: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completions: Option<Map<String, Value>>,
    /// Extensions by identifier (the tasks extension, when some tool runs tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    extensions: Option<Map<String, Value>>,
}

/// The `DiscoverResult` body; the stateless host adds `resultType`, `_meta` and the
/// caching hints every 2026-07-28 result of a cacheable method carries.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoverResult<'a> {
    supported_versions: Vec<&'static str>,
    capabilities: StatelessCapabilities,
    #[serde(skip_serializing_if = "Option::is_none")]
    instructions: Option<&'a str>,
}

pub fn discover_result(info: &ServerInfo, offers: Offers) -> DiscoverResult<'_> {
    DiscoverResult {
        supported_versions: supported_versions(),
        capabilities: StatelessCapabilities {
            logging: Map::new(),
            tools: offers.tools.then(|| flags(&["listChanged"])),
            resources: offers
                .resources
                .then(|| flags(&["subscribe", "listChanged"])),
            prompts: offers.prompts.then(|| flags(&["listChanged"])),
            completions: offers.completions.then(Map::new),
            extensions: offers.tasks.then(|| {
                let mut extensions = Map::new();
                extensions.insert(crate::tasks::EXTENSION.into(), Value::Object(Map::new()));
                extensions
            }),
        },
        instructions: info.instructions.as_deref(),
    }
}

/// A capability object with these flags set.
fn flags(names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .map(|name| ((*name).to_owned(), Value::Bool(true)))
        .collect()
}

/// `server/discover` asked of a handshake session (or of the transport without
/// 2026-07-28 metadata): a prompt, specific error makes such clients fall back to
/// `initialize`.
pub fn discover_unsupported() -> RpcError {
    RpcError::method_not_found(Method::ServerDiscover.name()).with_data(serde_json::json!({
        "reason": "this server speaks the initialize handshake; send `initialize`",
        "supported": ProtocolVersion::HANDSHAKE.map(ProtocolVersion::as_str),
    }))
}

/// `ping` answers with an empty object.
pub fn ping_result() -> Value {
    Value::Object(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Value) -> Option<Map<String, Value>> {
        v.as_object().cloned()
    }

    #[test]
    fn negotiates_or_rejects_malformed_params() {
        let n = negotiate(params(json!({"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"c","version":"1"}}))).unwrap();
        assert_eq!(n.version, ProtocolVersion::V2025_03_26);
        assert_eq!(n.client.name, "c");
        let n = negotiate(params(json!({"protocolVersion":"2099-01-01"}))).unwrap();
        assert_eq!(n.version, ProtocolVersion::LATEST);
        let err = negotiate(params(json!({"protocolVersion": 5}))).unwrap_err();
        assert_eq!(err.code, -32602);
        assert!(negotiate(None).is_err());
    }

    #[test]
    fn result_fields_follow_the_version() {
        let info = ServerInfo {
            name: "s".into(),
            version: "1".into(),
            title: Some("S".into()),
            instructions: Some("use it".into()),
        };
        let tools_only = Offers {
            tools: true,
            ..Offers::default()
        };
        let old = serde_json::to_value(initialize_result(
            &info,
            ProtocolVersion::V2024_11_05,
            tools_only,
        ))
        .unwrap();
        assert_eq!(
            old,
            json!({"protocolVersion":"2024-11-05","capabilities":{"tools":{"listChanged":true},"logging":{}},"serverInfo":{"name":"s","version":"1"}})
        );
        let new = serde_json::to_value(initialize_result(
            &info,
            ProtocolVersion::V2025_11_25,
            tools_only,
        ))
        .unwrap();
        assert_eq!(new["instructions"], "use it");
        assert_eq!(new["serverInfo"]["title"], "S");
    }

    #[test]
    fn discovery_lists_every_revision_newest_first_and_2026_capabilities() {
        let info = ServerInfo {
            name: "s".into(),
            version: "1".into(),
            title: None,
            instructions: Some("use it".into()),
        };
        let offers = Offers {
            tools: true,
            prompts: true,
            ..Offers::default()
        };
        let discovered = serde_json::to_value(discover_result(&info, offers)).unwrap();
        assert_eq!(
            discovered,
            json!({
                "supportedVersions": ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"],
                "capabilities": {"logging": {}, "tools": {"listChanged": true},
                                 "prompts": {"listChanged": true}},
                "instructions": "use it",
            })
        );
        let with_tasks = Offers {
            tasks: true,
            ..offers
        };
        let discovered = serde_json::to_value(discover_result(&info, with_tasks)).unwrap();
        assert_eq!(
            discovered["capabilities"]["extensions"],
            json!({"io.modelcontextprotocol/tasks": {}}),
            "declared under extensions, never as a v1 `tasks` capability"
        );
        assert!(discovered["capabilities"].get("tasks").is_none());
    }
}
