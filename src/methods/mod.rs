//! The method router: every MCP method we serve, what it needs before it may run, and
//! the family module that parses and executes it.
//!
//! A request is routed in three steps, each exhaustive over [`Method`]:
//! 1. [`Method::from_name`]: an unknown name is `-32601`.
//! 2. [`Method::needs`] against the host's state ([`admit`]): the handshake, a feature
//!    the server offers. Declared once per method in that table, not as guards. A
//!    stateless (2026-07-28) host admits with [`admit_stateless`] instead: no handshake,
//!    and only the methods that revision kept ([`Method::is_stateless`]).
//! 3. [`Request::parse`] into one arm per family, then [`Request::apply`], which
//!    answers now ([`Step::Answer`]), hands back a handler to run on the executor
//!    ([`Step::Run`]) or fails with the JSON-RPC error to send.
//!
//! Adding a method: a variant of [`Method`] (name + needs), a variant in its family's
//! `Request` with its parse and apply arms. The compiler finds every match to extend.
//!
//! Owns: param parsing, result shapes, version gating of fields. Must not: hold session
//! state (it gets [`SessionState`] lent by the host), do I/O, or run handlers itself.
//! The 2026-07-28 result envelope (`resultType`, `_meta` server identity, caching
//! hints) is the stateless host's, not ours: handshake sessions never get it.

pub mod completion;
pub mod lifecycle;
pub mod logging;
pub mod prompts;
pub mod resources;
pub mod tasks;
pub mod tools;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashSet;

use crate::config::McpConfig;
use crate::context::RequestContext;
use crate::executor::Job;
use crate::protocol::{ErrorCode, LogLevel, ProtocolVersion, RpcError};
use crate::state::Catalogs;
use crate::tasks::{TaskOwner, TaskStore};
use lifecycle::{Negotiated, Offers};

/// Names of the notifications we handle or send, and the methods transports look at.
pub mod names {
    /// Opens a Streamable HTTP session (the transport routes it without one).
    pub const INITIALIZE: &str = "initialize";
    /// The 2026-07-28 discovery: answered by the stateless host, or (to handshake-era
    /// traffic) with a `-32601` that makes clients fall back to `initialize`.
    pub const SERVER_DISCOVER: &str = "server/discover";
    pub const INITIALIZED: &str = "notifications/initialized";
    pub const CANCELLED: &str = "notifications/cancelled";
    pub const PROGRESS: &str = "notifications/progress";
    pub const MESSAGE: &str = "notifications/message";
    pub const RESOURCE_UPDATED: &str = "notifications/resources/updated";
}

/// Every request method we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Initialize,
    Ping,
    /// The 2026-07-28 discovery: a result at that revision, a prompt `-32601` to a session.
    ServerDiscover,
    ToolsList,
    ToolsCall,
    LoggingSetLevel,
    ResourcesList,
    ResourceTemplatesList,
    ResourcesRead,
    ResourcesSubscribe,
    ResourcesUnsubscribe,
    PromptsList,
    PromptsGet,
    CompletionComplete,
    /// 2026-07-28: a long-lived stream of the notifications the client asks for;
    /// opened by the stateless host (`crate::subscription`), unknown to sessions.
    SubscriptionsListen,
    /// Tasks (the 2026-07-28 extension, and 2025-11-25 sessions): poll a task…
    TasksGet,
    /// …answer its input requests (the extension only)…
    TasksUpdate,
    /// …or cancel it.
    TasksCancel,
    /// 2025-11-25 sessions: wait for a task's outcome (the extension dropped it)…
    TasksResult,
    /// …and list the session's tasks.
    TasksList,
}

/// What a method needs before it may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing: any time (`ping`, `server/discover`).
    Nothing,
    /// A session that has not negotiated yet (`initialize`).
    NoHandshakeYet,
    /// A completed `initialize`, and the server offering `Feature` (if any).
    Handshake(Option<Feature>),
    /// A 2026-07-28 request: sessions do not know the method (`subscriptions/listen`,
    /// `tasks/update`).
    Stateless,
    /// Tasks: a 2026-07-28 request (whether it declared the extension is the family's
    /// to check: its answer is a `-32021`, not an unknown method), or a session that
    /// negotiated 2025-11-25 with a server that has task-running tools.
    Tasks,
    /// Like [`Needs::Tasks`], but only sessions have the method (2026-07-28 dropped it).
    SessionTasks,
}

/// Server features that some methods exist only with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    Resources,
    Prompts,
    Completions,
}

impl Method {
    pub fn from_name(name: &str) -> Option<Method> {
        Some(match name {
            "initialize" => Method::Initialize,
            "ping" => Method::Ping,
            "server/discover" => Method::ServerDiscover,
            "tools/list" => Method::ToolsList,
            "tools/call" => Method::ToolsCall,
            "logging/setLevel" => Method::LoggingSetLevel,
            "resources/list" => Method::ResourcesList,
            "resources/templates/list" => Method::ResourceTemplatesList,
            "resources/read" => Method::ResourcesRead,
            "resources/subscribe" => Method::ResourcesSubscribe,
            "resources/unsubscribe" => Method::ResourcesUnsubscribe,
            "prompts/list" => Method::PromptsList,
            "prompts/get" => Method::PromptsGet,
            "completion/complete" => Method::CompletionComplete,
            "subscriptions/listen" => Method::SubscriptionsListen,
            "tasks/get" => Method::TasksGet,
            "tasks/update" => Method::TasksUpdate,
            "tasks/cancel" => Method::TasksCancel,
            "tasks/result" => Method::TasksResult,
            "tasks/list" => Method::TasksList,
            _ => return None,
        })
    }

    /// The table of what each method needs.
    pub fn needs(self) -> Needs {
        use Method::*;
        match self {
            Ping | ServerDiscover => Needs::Nothing,
            Initialize => Needs::NoHandshakeYet,
            // Tools and logging are always declared (an empty tool list is a list).
            ToolsList | ToolsCall | LoggingSetLevel => Needs::Handshake(None),
            ResourcesList
            | ResourceTemplatesList
            | ResourcesRead
            | ResourcesSubscribe
            | ResourcesUnsubscribe => Needs::Handshake(Some(Feature::Resources)),
            PromptsList | PromptsGet => Needs::Handshake(Some(Feature::Prompts)),
            CompletionComplete => Needs::Handshake(Some(Feature::Completions)),
            SubscriptionsListen | TasksUpdate => Needs::Stateless,
            TasksGet | TasksCancel => Needs::Tasks,
            TasksResult | TasksList => Needs::SessionTasks,
        }
    }
}

/// Checks `method`'s needs against a session: `negotiated` is the revision its
/// handshake settled on (`None` before it), `offers` what the server serves now
/// (asked only when it matters).
pub fn admit(
    method: Method,
    negotiated: Option<ProtocolVersion>,
    offers: impl Fn() -> Offers,
) -> Result<(), RpcError> {
    let version = negotiated;
    let negotiated = version.is_some();
    match method.needs() {
        Needs::Nothing => Ok(()),
        Needs::NoHandshakeYet if negotiated => Err(RpcError::new(
            ErrorCode::InvalidRequest,
            "Session is already initialized; open a new session to initialize again",
        )),
        Needs::NoHandshakeYet => Ok(()),
        Needs::Handshake(_) if !negotiated => Err(RpcError::new(
            ErrorCode::InvalidRequest,
            "Session not initialized: send `initialize` first",
        )),
        Needs::Handshake(Some(feature)) if !offers().has(feature) => {
            Err(RpcError::method_not_found(method.name()))
        }
        Needs::Handshake(_) => Ok(()),
        Needs::Stateless => Err(RpcError::method_not_found(method.name())),
        Needs::Tasks | Needs::SessionTasks if !negotiated => Err(RpcError::new(
            ErrorCode::InvalidRequest,
            "Session not initialized: send `initialize` first",
        )),
        Needs::Tasks | Needs::SessionTasks => {
            if version.is_some_and(ProtocolVersion::has_session_tasks) && offers().tasks {
                Ok(())
            } else {
                // Not in the revision negotiated, or no tool runs tasks: undeclared.
                Err(RpcError::method_not_found(method.name()))
            }
        }
    }
}

/// Checks `method` for a stateless (2026-07-28) request: a method that revision removed
/// is unknown, and so is a feature the server does not offer (`offers` says what it
/// serves now). Either way `-32601`, which the transport answers with 404.
pub fn admit_stateless(method: Method, offers: impl FnOnce() -> Offers) -> Result<(), RpcError> {
    if !method.is_stateless() {
        return Err(RpcError::method_not_found(method.name()));
    }
    match method.needs() {
        Needs::Handshake(Some(feature)) if !offers().has(feature) => {
            Err(RpcError::method_not_found(method.name()))
        }
        _ => Ok(()),
    }
}

impl Method {
    /// Whether 2026-07-28 still has this method (it removed the handshake, `ping`,
    /// `logging/setLevel` and resource subscriptions).
    pub fn is_stateless(self) -> bool {
        use Method::*;
        match self {
            Initialize | Ping | LoggingSetLevel | ResourcesSubscribe | ResourcesUnsubscribe => {
                false
            }
            ServerDiscover
            | ToolsList
            | ToolsCall
            | ResourcesList
            | ResourceTemplatesList
            | ResourcesRead
            | PromptsList
            | PromptsGet
            | CompletionComplete
            | SubscriptionsListen
            | TasksGet
            | TasksUpdate
            | TasksCancel => true,
            TasksResult | TasksList => false,
        }
    }

    /// Whether a 2026-07-28 request of this method may be answered `input_required`
    /// (MRTR): only these three; elsewhere a handler's ask fails.
    pub fn may_need_input(self) -> bool {
        matches!(
            self,
            Method::ToolsCall | Method::PromptsGet | Method::ResourcesRead
        )
    }

    /// Whether a 2026-07-28 result of this method carries caching hints (`ttlMs`,
    /// `cacheScope`): discovery, the list methods and `resources/read`.
    pub fn is_cacheable(self) -> bool {
        use Method::*;
        matches!(
            self,
            ServerDiscover
                | ToolsList
                | ResourcesList
                | ResourceTemplatesList
                | PromptsList
                | ResourcesRead
        )
    }

    pub fn name(self) -> &'static str {
        use Method::*;
        match self {
            Initialize => "initialize",
            Ping => "ping",
            ServerDiscover => "server/discover",
            ToolsList => "tools/list",
            ToolsCall => "tools/call",
            LoggingSetLevel => "logging/setLevel",
            ResourcesList => "resources/list",
            ResourceTemplatesList => "resources/templates/list",
            ResourcesRead => "resources/read",
            ResourcesSubscribe => "resources/subscribe",
            ResourcesUnsubscribe => "resources/unsubscribe",
            PromptsList => "prompts/list",
            PromptsGet => "prompts/get",
            CompletionComplete => "completion/complete",
            SubscriptionsListen => "subscriptions/listen",
            TasksGet => "tasks/get",
            TasksUpdate => "tasks/update",
            TasksCancel => "tasks/cancel",
            TasksResult => "tasks/result",
            TasksList => "tasks/list",
        }
    }
}

/// A parsed request, one arm per method family.
pub enum Request {
    Lifecycle(lifecycle::Request),
    Tools(tools::Request),
    Logging(logging::Request),
    Resources(resources::Request),
    Prompts(prompts::Request),
    Completion(completion::Request),
    Tasks(tasks::Request),
}

impl Request {
    /// Parses `params` for `method`; params that do not fit are `-32602`.
    pub fn parse(method: Method, params: Option<Map<String, Value>>) -> Result<Request, RpcError> {
        use Method::*;
        Ok(match method {
            Initialize => Request::Lifecycle(lifecycle::Request::Initialize(params)),
            Ping => Request::Lifecycle(lifecycle::Request::Ping),
            ServerDiscover => Request::Lifecycle(lifecycle::Request::ServerDiscover),
            ToolsList => Request::Tools(tools::Request::List(parse_params(params)?)),
            ToolsCall => Request::Tools(tools::Request::call(params)?),
            LoggingSetLevel => Request::Logging(logging::Request::set_level(params)?),
            ResourcesList => Request::Resources(resources::Request::List(parse_params(params)?)),
            ResourceTemplatesList => {
                Request::Resources(resources::Request::ListTemplates(parse_params(params)?))
            }
            ResourcesRead => Request::Resources(resources::Request::read(params)?),
            ResourcesSubscribe => {
                Request::Resources(resources::Request::Subscribe(parse_params(params)?))
            }
            ResourcesUnsubscribe => {
                Request::Resources(resources::Request::Unsubscribe(parse_params(params)?))
            }
            PromptsList => Request::Prompts(prompts::Request::List(parse_params(params)?)),
            PromptsGet => Request::Prompts(prompts::Request::get(params)?),
            CompletionComplete => Request::Completion(completion::Request::parse(params)?),
            // The stateless host opens subscriptions before routing; admit refuses it
            // to sessions.
            SubscriptionsListen => return Err(RpcError::method_not_found(method.name())),
            TasksGet => Request::Tasks(tasks::Request::Get(parse_params(params)?)),
            TasksUpdate => Request::Tasks(tasks::Request::update(params)?),
            TasksCancel => Request::Tasks(tasks::Request::Cancel(parse_params(params)?)),
            TasksResult => Request::Tasks(tasks::Request::Result(parse_params(params)?)),
            TasksList => Request::Tasks(tasks::Request::List(parse_params(params)?)),
        })
    }

    /// Executes the request against `scope`.
    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        match self {
            Request::Lifecycle(request) => request.apply(scope),
            Request::Tools(request) => request.apply(scope),
            Request::Logging(request) => request.apply(scope),
            Request::Resources(request) => request.apply(scope),
            Request::Prompts(request) => request.apply(scope),
            Request::Completion(request) => request.apply(scope),
            Request::Tasks(request) => request.apply(scope),
        }
    }
}

/// What a session remembers between requests that methods may change.
#[derive(Debug, Default)]
pub struct SessionState {
    /// Set by `logging/setLevel`: log messages below it are not sent (until then, all are).
    pub log_level: Option<LogLevel>,
    /// Resource URIs the client subscribed to (`notifications/resources/updated`).
    pub subscriptions: HashSet<String>,
}

/// What a method runs against: the server's current offer and the caller's state.
pub struct Scope<'a> {
    /// The tools, resources and prompts of this moment.
    pub catalogs: &'a Catalogs,
    /// Server identity, used by `initialize`.
    pub info: &'a lifecycle::ServerInfo,
    pub config: &'a McpConfig,
    /// The revision the answer is shaped for.
    pub version: ProtocolVersion,
    /// The session's state, lent for the call.
    pub session: &'a mut SessionState,
    /// The task store, when this request may have tasks: a 2026-07-28 request that
    /// declared the extension, or a session that negotiated 2025-11-25 (there a call
    /// still asks for a task with its `task` param). `None` makes task-supporting
    /// tools answer in place.
    pub tasks: Option<TaskAccess<'a>>,
}

/// What a request that may have tasks reaches.
#[derive(Clone, Copy)]
pub struct TaskAccess<'a> {
    /// Every task of this server.
    pub(crate) store: &'a TaskStore,
    /// Who asks: only their own tasks are visible.
    pub(crate) owner: &'a TaskOwner,
}

/// How a request is answered.
pub enum Step {
    /// Now, with this result.
    Answer(Box<RawValue>),
    /// By a handler, run on the executor with the request's context; its answer is
    /// the response.
    Run(Run),
    /// By a task handle: the host stores a task, answers with it at once, and runs the
    /// handler on the executor into the task. Only when [`Scope::tasks`] was given.
    Task(Run),
    /// Like [`Step::Run`], but the handler may turn the call into a task midway
    /// (`ctx.continue_as_task()`, [`crate::Tool::input_before_task`]). Only when
    /// [`Scope::tasks`] was given.
    RunThenTask(Run),
    /// `initialize` succeeded: the host adopts these terms, then sends the result.
    Initialized(Box<Negotiated>, Box<RawValue>),
    /// `tasks/result` (2025-11-25): the host waits until this task (checked visible)
    /// settles, then answers what the call would have. Only when [`Scope::tasks`] was
    /// given.
    TaskResult(String),
}

/// Builds a request's handler job once the host has given it a context.
pub struct Run(Box<dyn FnOnce(RequestContext) -> Job + Send>);

impl Run {
    pub fn new(make: impl FnOnce(RequestContext) -> Job + Send + 'static) -> Run {
        Run(Box::new(make))
    }

    pub fn into_job(self, context: RequestContext) -> Job {
        (self.0)(context)
    }
}

/// The params of every list method.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    /// Where the previous page ended; absent for the first page.
    pub cursor: Option<String>,
}

/// Serializes a result to answer now.
fn answer_now<T: serde::Serialize>(result: &T) -> Result<Step, RpcError> {
    crate::executor::answer(result).map(Step::Answer)
}

/// Reads a method's params into its type; a mismatch is `-32602`.
fn parse_params<T: for<'de> Deserialize<'de>>(
    params: Option<Map<String, Value>>,
) -> Result<T, RpcError> {
    serde_json::from_value(Value::Object(params.unwrap_or_default()))
        .map_err(|e| RpcError::invalid_params(format!("Invalid params: {e}")))
}

/// The request's `_meta.progressToken`, if it has a usable one.
pub fn progress_token(params: &Option<Map<String, Value>>) -> Option<Value> {
    params
        .as_ref()
        .and_then(|p| p.get("_meta"))
        .and_then(|meta| meta.get("progressToken"))
        .filter(|t| t.is_string() || t.is_i64() || t.is_u64())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Method; 19] = [
        Method::Initialize,
        Method::Ping,
        Method::ServerDiscover,
        Method::ToolsList,
        Method::ToolsCall,
        Method::LoggingSetLevel,
        Method::ResourcesList,
        Method::ResourceTemplatesList,
        Method::ResourcesRead,
        Method::ResourcesSubscribe,
        Method::ResourcesUnsubscribe,
        Method::PromptsList,
        Method::PromptsGet,
        Method::CompletionComplete,
        Method::TasksGet,
        Method::TasksUpdate,
        Method::TasksCancel,
        Method::TasksResult,
        Method::TasksList,
    ];

    #[test]
    fn names_round_trip() {
        for method in ALL {
            assert_eq!(Method::from_name(method.name()), Some(method));
        }
        assert_eq!(Method::from_name("tools/destroy"), None);
    }

    #[test]
    fn needs_are_enforced_in_order() {
        let nothing = Offers::default;
        let code = |r: Result<(), RpcError>| r.err().map(|e| e.code);
        let before = None;
        let at = Some(ProtocolVersion::V2025_06_18);
        assert_eq!(code(admit(Method::Ping, before, nothing)), None);
        assert_eq!(code(admit(Method::Initialize, before, nothing)), None);
        assert_eq!(code(admit(Method::Initialize, at, nothing)), Some(-32600));
        // Before the handshake a session method is "initialize first", even one the
        // server does not offer; after it, an unoffered feature is unknown.
        assert_eq!(
            code(admit(Method::PromptsGet, before, nothing)),
            Some(-32600)
        );
        assert_eq!(code(admit(Method::PromptsGet, at, nothing)), Some(-32601));
        assert_eq!(code(admit(Method::ToolsList, at, nothing)), None);
        // `tasks/update` is the 2026-07-28 extension's: unknown to any session. The
        // 2025-11-25 `tasks/*` need that revision and a tool that runs tasks.
        let tasks = || Offers {
            tasks: true,
            ..Offers::default()
        };
        let latest = Some(ProtocolVersion::V2025_11_25);
        assert_eq!(
            code(admit(Method::TasksUpdate, latest, tasks)),
            Some(-32601)
        );
        assert_eq!(code(admit(Method::TasksGet, at, tasks)), Some(-32601));
        assert_eq!(
            code(admit(Method::TasksList, latest, nothing)),
            Some(-32601)
        );
        assert_eq!(
            code(admit(Method::TasksResult, before, tasks)),
            Some(-32600)
        );
        for method in [
            Method::TasksGet,
            Method::TasksCancel,
            Method::TasksResult,
            Method::TasksList,
        ] {
            assert_eq!(code(admit(method, latest, tasks)), None, "{method:?}");
        }
        let prompts = || Offers {
            prompts: true,
            ..Offers::default()
        };
        assert_eq!(code(admit(Method::PromptsGet, at, prompts)), None);
    }

    #[test]
    fn stateless_admission_keeps_only_what_2026_07_28_kept() {
        let code = |r: Result<(), RpcError>| r.err().map(|e| e.code);
        let removed = [
            Method::Initialize,
            Method::Ping,
            Method::LoggingSetLevel,
            Method::ResourcesSubscribe,
            Method::ResourcesUnsubscribe,
            Method::TasksResult,
            Method::TasksList,
        ];
        for method in ALL {
            let expected = if removed.contains(&method) {
                Some(-32601)
            } else {
                None
            };
            let everything = || Offers {
                tools: true,
                resources: true,
                prompts: true,
                completions: true,
                tasks: true,
            };
            assert_eq!(
                code(admit_stateless(method, everything)),
                expected,
                "{method:?}"
            );
        }
        // No handshake needed, but an unoffered feature is still unknown.
        assert_eq!(
            code(admit_stateless(Method::ToolsCall, Offers::default)),
            None
        );
        assert_eq!(
            code(admit_stateless(Method::PromptsGet, Offers::default)),
            Some(-32601)
        );
    }
}
