//! The state every worker, session and handler shares: configuration, server
//! identity, the current catalogs, the registry (its actor and its read-only session
//! directory) and the executor every handler runs on.
//!
//! Owns: the shape of that shared state and consistent access to the catalogs.
//! Must not: build itself (`crate::server` does), handle requests (transports do) or
//! hold per-session state (session actors do).

use actix::prelude::*;
use std::sync::{Arc, RwLock};

use crate::cluster::Cluster;
use crate::config::McpConfig;
use crate::executor::Executor;
use crate::methods::lifecycle::{Offers, ServerInfo};
use crate::prompt::Prompt;
use crate::registry::{Registry, SessionDirectory};
use crate::resource::ResourceCatalog;
use crate::stateless::request_state::Sealer;
use crate::tasks::TaskStore;
use crate::tool::{ToolCatalog, ToolRuntime};

/// State shared by every worker, session and handler.
pub struct ServerState {
    /// Limits, paths and timeouts every transport and session reads.
    pub config: McpConfig,
    /// What `initialize` says about this server.
    pub info: ServerInfo,
    /// Tools, resources and prompts; replaced whole (copy-on-write) when they change
    /// at run time, so a request always sees one consistent set. Written only through
    /// [`ServerState::change_catalogs`].
    pub(crate) catalogs: RwLock<Catalogs>,
    /// Where sessions register and unregister, and broadcasts start.
    pub registry: Addr<Registry>,
    /// The registry's table, read by transports to find a message's session.
    pub sessions: SessionDirectory,
    /// Runs every handler (tools, resources, prompts, completions) on the tool runtime.
    pub(crate) executor: Executor,
    /// Seals and opens 2026-07-28 `requestState` tokens (MRTR).
    pub(crate) request_state: Sealer,
    /// Every task: the 2026-07-28 extension's and those of 2025-11-25 sessions.
    pub(crate) tasks: TaskStore,
    /// Set when shutdown starts: `/readyz` turns 503 so balancers stop sending work.
    pub(crate) draining: std::sync::atomic::AtomicBool,
    /// The link to Redis when the server runs as one of several replicas
    /// (`McpConfig::redis_url`); `None` for one process on its own.
    pub(crate) cluster: Option<Arc<Cluster>>,
    /// Thread the registry actor runs on; stopped with the server.
    pub(crate) registry_arbiter: Arbiter,
    /// Threads tool calls run on; kept alive as long as any session may call a tool.
    pub(crate) _tool_runtime: ToolRuntime,
}

/// One consistent snapshot of everything the server offers.
#[derive(Clone)]
pub struct Catalogs {
    /// The tools `tools/list` shows and `tools/call` runs.
    pub tools: Arc<ToolCatalog>,
    /// Fixed resources and templates.
    pub resources: Arc<ResourceCatalog>,
    /// The prompts `prompts/list` shows.
    pub prompts: Arc<Vec<Prompt>>,
}

impl Catalogs {
    /// What `initialize` declares.
    pub fn offers(&self) -> Offers {
        Offers {
            tools: !self.tools.is_empty(),
            resources: !self.resources.is_empty(),
            prompts: !self.prompts.is_empty(),
            completions: self.resources.has_completers()
                || self.prompts.iter().any(Prompt::has_completers),
            tasks: self.tools.runs_tasks(),
        }
    }
}

impl ServerState {
    /// The current tools, resources and prompts (cheap: three `Arc` clones).
    pub fn catalogs(&self) -> Catalogs {
        self.catalogs
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Applies `change` to the catalogs; `Ok(true)` when something changed.
    pub(crate) fn change_catalogs<E>(
        &self,
        change: impl FnOnce(&mut Catalogs) -> Result<bool, E>,
    ) -> Result<bool, E> {
        let mut catalogs = self
            .catalogs
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut catalogs)
    }
}

impl Drop for ServerState {
    fn drop(&mut self) {
        self.registry_arbiter.stop();
    }
}
