//! The server object: builds the shared state ([`crate::state`]: registry actor, tool
//! catalog, tool runtime) once, and mounts the MCP routes into any actix-web `App`.
//!
//! Owns: construction and lifetime of everything shared by all workers, and the
//! run-time changes to what is offered. Must not: handle requests (transports do) or
//! hold per-session state (session actors do).

use actix::prelude::*;
use actix_web::web;
use std::fmt;
use std::sync::{Arc, RwLock};

use crate::cluster::Cluster;
use crate::config::McpConfig;
use crate::executor::Executor;
use crate::methods::lifecycle::ServerInfo;
use crate::prompt::Prompt;
use crate::registry::{Registry, SessionDirectory, Shutdown};
use crate::resource::{Resource, ResourceCatalog, ResourceTemplate};
use crate::session::ListKind;
use crate::state::{Catalogs, ServerState};
use crate::stateless::request_state::Sealer;
use crate::tasks::{TaskLimits, TaskStore};
use crate::tool::{CatalogError, Tool, ToolCatalog, ToolRuntime};
use crate::transport;

/// Why a server could not be built.
#[derive(Debug)]
pub enum BuildError {
    Tools(CatalogError),
    Runtime(std::io::Error),
    /// `build` must run inside an actix `System` (e.g. under `#[actix_web::main]`).
    NoSystem,
    /// Two prompts, resources or templates with the same name / URI.
    Duplicate(String),
    /// `McpConfig::redis_url` is not a Redis URL.
    Redis(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Tools(e) => write!(f, "tool set: {e}"),
            BuildError::Runtime(e) => write!(f, "tool runtime: {e}"),
            BuildError::NoSystem => {
                f.write_str("McpServer::build must be called inside a running actix System")
            }
            BuildError::Duplicate(what) => write!(f, "{what} is registered twice"),
            BuildError::Redis(why) => write!(f, "redis_url: {why}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Collects tools, identity and settings; `build` starts the actors.
pub struct McpServerBuilder {
    config: McpConfig,
    info: ServerInfo,
    tools: Vec<Tool>,
    resources: ResourceCatalog,
    prompts: Vec<Prompt>,
}

impl McpServerBuilder {
    pub fn config(mut self, config: McpConfig) -> Self {
        self.config = config;
        self
    }

    /// The `serverInfo.name` and `serverInfo.version` clients see.
    pub fn name(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.info.name = name.into();
        self.info.version = version.into();
        self
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = Some(title.into());
        self
    }

    /// Tells the model how to use this server (sent in the `initialize` result).
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.info.instructions = Some(instructions.into());
        self
    }

    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// A resource with a fixed URI (`resources/list`, `resources/read`).
    pub fn resource(mut self, resource: Resource) -> Self {
        self.resources.resources.push(resource);
        self
    }

    /// Resources for every URI matching a template (`resources/templates/list`).
    pub fn resource_template(mut self, template: ResourceTemplate) -> Self {
        self.resources.templates.push(template);
        self
    }

    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.prompts.push(prompt);
        self
    }

    fn check_unique(&self) -> Result<(), BuildError> {
        let mut seen = std::collections::HashSet::new();
        let names = self
            .resources
            .resources
            .iter()
            .map(|r| format!("resource {:?}", r.uri()))
            .chain(
                self.resources
                    .templates
                    .iter()
                    .map(|t| format!("resource template {:?}", t.uri_template())),
            )
            .chain(
                self.prompts
                    .iter()
                    .map(|p| format!("prompt {:?}", p.name())),
            );
        for name in names {
            if !seen.insert(name.clone()) {
                return Err(BuildError::Duplicate(name));
            }
        }
        Ok(())
    }

    /// Starts the registry actor and the tool runtime. Call once,
    /// outside `HttpServer::new` (whose closure runs once per worker), and clone the
    /// result into the closure so every worker shares one registry.
    pub fn build(self) -> Result<McpServer, BuildError> {
        System::try_current().ok_or(BuildError::NoSystem)?;
        self.check_unique()?;
        let tool_runtime =
            ToolRuntime::new(self.config.tool_threads).map_err(BuildError::Runtime)?;
        let runtime = tool_runtime.handle().ok_or(BuildError::NoSystem)?;
        let tools = ToolCatalog::new(self.tools).map_err(BuildError::Tools)?;
        let executor = Executor::new(runtime.clone(), self.config.handler_timeout);
        let tasks = TaskStore::new(TaskLimits {
            max_tasks: self.config.max_tasks,
            ttl: self.config.task_ttl,
            poll_interval: self.config.task_poll_interval,
        });
        let registry_arbiter = Arbiter::new();
        let max_sessions = self.config.max_sessions;
        let sessions = SessionDirectory::default();
        let cluster = match &self.config.redis_url {
            Some(url) => Some(
                Cluster::start(url, &self.config, sessions.clone(), &runtime)
                    .map_err(|e| BuildError::Redis(e.to_string()))?,
            ),
            None => None,
        };
        let directory = sessions.clone();
        let registry_cluster = cluster.clone();
        let registry = Registry::start_in_arbiter(&registry_arbiter.handle(), move |_| {
            Registry::new(max_sessions, directory, registry_cluster)
        });
        if let Some(cluster) = &cluster {
            cluster.attach(registry.clone());
        }
        Ok(McpServer {
            state: Arc::new(ServerState {
                request_state: Sealer::new(
                    &self.config.request_state_keys,
                    self.config.request_state_ttl,
                ),
                config: self.config,
                info: self.info,
                catalogs: RwLock::new(Catalogs {
                    tools: Arc::new(tools),
                    resources: Arc::new(self.resources),
                    prompts: Arc::new(self.prompts),
                }),
                registry,
                sessions,
                executor,
                tasks,
                draining: std::sync::atomic::AtomicBool::new(false),
                cluster,
                registry_arbiter,
                _tool_runtime: tool_runtime,
            }),
        })
    }
}

/// A built MCP server. Cheap to clone; all clones share the same sessions and tools.
#[derive(Clone)]
pub struct McpServer {
    state: Arc<ServerState>,
}

impl McpServer {
    pub fn builder() -> McpServerBuilder {
        McpServerBuilder {
            config: McpConfig::default(),
            info: ServerInfo {
                name: env!("CARGO_PKG_NAME").into(),
                version: env!("CARGO_PKG_VERSION").into(),
                title: None,
                instructions: None,
            },
            tools: Vec::new(),
            resources: ResourceCatalog::default(),
            prompts: Vec::new(),
        }
    }

    /// Mounts the MCP routes into an `App` or `Scope`:
    /// `App::new().service(web::scope("/ai").configure(mcp.configure()))`.
    /// The routes carry their own app data, so they never clash with the app's.
    pub fn configure(&self) -> impl Fn(&mut web::ServiceConfig) + Clone + 'static {
        let state = web::Data::from(Arc::clone(&self.state));
        move |cfg| transport::mount(cfg, &state)
    }

    pub fn config(&self) -> &McpConfig {
        &self.state.config
    }

    /// Graceful shutdown of the MCP side: new sessions are refused, running tool calls
    /// get until `grace` to finish, then every session ends and its streams close
    /// cleanly. Resolves when no session is left (at the latest shortly after `grace`).
    pub async fn shutdown(&self, grace: std::time::Duration) {
        let deadline = std::time::Instant::now() + grace;
        self.state
            .draining
            .store(true, std::sync::atomic::Ordering::Release);
        let drained = self.state.registry.send(Shutdown { deadline });
        // Sessions stop by the deadline; the margin covers their last messages.
        let _ = tokio::time::timeout(grace + std::time::Duration::from_secs(2), drained).await;
    }

    /// Adds a tool while the server runs; sessions hear `notifications/tools/list_changed`.
    pub fn add_tool(&self, tool: Tool) -> Result<(), CatalogError> {
        self.state.change_catalogs(|c| {
            let next = c.tools.with_tool(tool)?;
            c.tools = Arc::new(next);
            Ok(true)
        })?;
        self.list_changed(ListKind::Tools);
        Ok(())
    }

    /// Removes a tool; `false` if there was none by that name.
    pub fn remove_tool(&self, name: &str) -> bool {
        let removed = self
            .state
            .change_catalogs(|c| {
                Ok::<_, ()>(match c.tools.without_tool(name) {
                    Some(next) => {
                        c.tools = Arc::new(next);
                        true
                    }
                    None => false,
                })
            })
            .unwrap_or(false);
        if removed {
            self.list_changed(ListKind::Tools);
        }
        removed
    }

    /// Adds a resource; sessions hear `notifications/resources/list_changed`.
    pub fn add_resource(&self, resource: Resource) -> Result<(), BuildError> {
        self.state.change_catalogs(|c| {
            if c.resources
                .resources
                .iter()
                .any(|r| r.uri() == resource.uri())
            {
                return Err(BuildError::Duplicate(format!(
                    "resource {:?}",
                    resource.uri()
                )));
            }
            let mut next = (*c.resources).clone();
            next.resources.push(resource);
            c.resources = Arc::new(next);
            Ok(true)
        })?;
        self.list_changed(ListKind::Resources);
        Ok(())
    }

    /// Removes the resource with `uri`; `false` if there was none.
    pub fn remove_resource(&self, uri: &str) -> bool {
        let removed = self
            .state
            .change_catalogs(|c| {
                let mut next = (*c.resources).clone();
                let before = next.resources.len();
                next.resources.retain(|r| r.uri() != uri);
                let removed = next.resources.len() != before;
                c.resources = Arc::new(next);
                Ok::<_, ()>(removed)
            })
            .unwrap_or(false);
        if removed {
            self.list_changed(ListKind::Resources);
        }
        removed
    }

    /// Adds a prompt; sessions hear `notifications/prompts/list_changed`.
    pub fn add_prompt(&self, prompt: Prompt) -> Result<(), BuildError> {
        self.state.change_catalogs(|c| {
            if c.prompts.iter().any(|p| p.name() == prompt.name()) {
                return Err(BuildError::Duplicate(format!("prompt {:?}", prompt.name())));
            }
            let mut next = (*c.prompts).clone();
            next.push(prompt);
            c.prompts = Arc::new(next);
            Ok(true)
        })?;
        self.list_changed(ListKind::Prompts);
        Ok(())
    }

    /// Removes the prompt `name`; `false` if there was none.
    pub fn remove_prompt(&self, name: &str) -> bool {
        let removed = self
            .state
            .change_catalogs(|c| {
                let mut next = (*c.prompts).clone();
                let before = next.len();
                next.retain(|p| p.name() != name);
                let removed = next.len() != before;
                c.prompts = Arc::new(next);
                Ok::<_, ()>(removed)
            })
            .unwrap_or(false);
        if removed {
            self.list_changed(ListKind::Prompts);
        }
        removed
    }

    fn list_changed(&self, kind: ListKind) {
        self.broadcast(crate::session::ServerEvent::ListChanged(kind));
    }

    /// Tells every session subscribed to `uri` that it changed
    /// (`notifications/resources/updated`) — on every replica, with `redis_url`.
    pub fn notify_resource_updated(&self, uri: &str) {
        self.broadcast(crate::session::ServerEvent::ResourceUpdated(uri.into()));
    }

    /// `event` to this server's sessions and streams, and to the other replicas'.
    fn broadcast(&self, event: crate::session::ServerEvent) {
        if let Some(cluster) = &self.state.cluster {
            cluster.announce(&event);
        }
        self.state
            .registry
            .do_send(crate::registry::Broadcast(event));
    }

    /// How many sessions are open right now.
    pub async fn session_count(&self) -> usize {
        self.state.sessions.len()
    }
}
