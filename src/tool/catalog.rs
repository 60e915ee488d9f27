//! The tool catalog: every registered tool in a stable order, each with its actors.
//! Built once at start-up and shared (read-only) by every session on every worker.

use actix::{Actor, Addr};
use dashmap::DashMap;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::thread::ThreadId;
use std::time::Duration;

use super::{Tool, ToolActor};
pub use crate::pagination::InvalidCursor;

/// A registered tool and the actors that run its calls.
#[derive(Clone)]
pub struct ToolEntry {
    pub tool: Tool,
    pub actors: ToolActors,
}

/// A tool's actors: one on each actor thread (arbiter) that has called it, started on
/// first use. A session hands a call to the actor on its own thread, so dispatch is a
/// same-thread message rather than a wake-up of another thread; the call itself still
/// runs on the tool runtime, never on that thread.
#[derive(Clone)]
pub struct ToolActors {
    inner: Arc<ToolActorsInner>,
}

struct ToolActorsInner {
    tool: Tool,
    /// Where the actors start their calls.
    runtime: tokio::runtime::Handle,
    call_timeout: Duration,
    /// The actor on each arbiter thread (an arbiter is one thread).
    by_thread: DashMap<ThreadId, Addr<ToolActor>>,
}

impl ToolActors {
    fn new(tool: Tool, runtime: tokio::runtime::Handle, call_timeout: Duration) -> Self {
        ToolActors {
            inner: Arc::new(ToolActorsInner {
                tool,
                runtime,
                call_timeout,
                by_thread: DashMap::new(),
            }),
        }
    }

    /// The tool's actor on the calling thread, started if there is none yet (or the
    /// one there stopped with its arbiter). Call from an actor's context.
    pub fn local(&self) -> Addr<ToolActor> {
        let inner = &self.inner;
        let thread = std::thread::current().id();
        // Every call but a thread's first finds its actor: a shared read, no shard lock
        // held for writing on the call path.
        if let Some(actor) = inner.by_thread.get(&thread) {
            if actor.connected() {
                return actor.clone();
            }
        }
        let mut actor = inner
            .by_thread
            .entry(thread)
            .or_insert_with(|| inner.start());
        if !actor.connected() {
            *actor = inner.start();
        }
        actor.clone()
    }
}

impl ToolActorsInner {
    fn start(&self) -> Addr<ToolActor> {
        ToolActor::new(self.tool.clone(), self.runtime.clone(), self.call_timeout).start()
    }
}

/// All tools, in registration order (the order `tools/list` pages through).
#[derive(Clone, Default)]
pub struct ToolCatalog {
    entries: Vec<ToolEntry>,
    /// Name → position in `entries`, for `tools/call`.
    index: HashMap<String, usize>,
}

/// A tool set that cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogError {
    InvalidName(String),
    DuplicateName(String),
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::InvalidName(name) => write!(
                f,
                "invalid tool name {name:?}: use 1-128 characters from A-Z a-z 0-9 _ - ."
            ),
            CatalogError::DuplicateName(name) => write!(f, "tool {name:?} is registered twice"),
        }
    }
}

impl std::error::Error for CatalogError {}

/// The tool-name rule of the 2025-11-25 revision.
fn is_valid_tool_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

impl ToolCatalog {
    /// Checks the names; each tool's actors start where it is first called.
    pub fn new(
        tools: Vec<Tool>,
        runtime: tokio::runtime::Handle,
        call_timeout: Duration,
    ) -> Result<ToolCatalog, CatalogError> {
        let mut index = HashMap::new();
        for (position, tool) in tools.iter().enumerate() {
            if !is_valid_tool_name(tool.name()) {
                return Err(CatalogError::InvalidName(tool.name().to_owned()));
            }
            if index.insert(tool.name().to_owned(), position).is_some() {
                return Err(CatalogError::DuplicateName(tool.name().to_owned()));
            }
        }
        let entries = tools
            .into_iter()
            .map(|tool| ToolEntry {
                actors: ToolActors::new(tool.clone(), runtime.clone(), call_timeout),
                tool,
            })
            .collect();
        Ok(ToolCatalog { entries, index })
    }

    /// A new catalog with `tool` added.
    pub fn with_tool(
        &self,
        tool: Tool,
        runtime: tokio::runtime::Handle,
        call_timeout: Duration,
    ) -> Result<ToolCatalog, CatalogError> {
        if !is_valid_tool_name(tool.name()) {
            return Err(CatalogError::InvalidName(tool.name().to_owned()));
        }
        if self.index.contains_key(tool.name()) {
            return Err(CatalogError::DuplicateName(tool.name().to_owned()));
        }
        let mut next = self.clone();
        next.index
            .insert(tool.name().to_owned(), next.entries.len());
        next.entries.push(ToolEntry {
            actors: ToolActors::new(tool.clone(), runtime, call_timeout),
            tool,
        });
        Ok(next)
    }

    /// A new catalog without the tool `name`, if it was there. Calls already running
    /// finish; its actors stop once nothing refers to them.
    pub fn without_tool(&self, name: &str) -> Option<ToolCatalog> {
        self.index.get(name)?;
        let entries: Vec<ToolEntry> = self
            .entries
            .iter()
            .filter(|e| e.tool.name() != name)
            .cloned()
            .collect();
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.tool.name().to_owned(), i))
            .collect();
        Some(ToolCatalog { entries, index })
    }

    pub fn get(&self, name: &str) -> Option<&ToolEntry> {
        self.index.get(name).map(|&i| &self.entries[i])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One page of tools, in registration order.
    pub fn page(
        &self,
        cursor: Option<&str>,
        page_size: usize,
    ) -> Result<(&[ToolEntry], Option<String>), InvalidCursor> {
        crate::pagination::page(&self.entries, cursor, page_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_follow_the_spec_rule() {
        assert!(is_valid_tool_name("echo"));
        assert!(is_valid_tool_name("a.b-c_D9"));
        assert!(!is_valid_tool_name(""));
        assert!(!is_valid_tool_name("has space"));
        assert!(!is_valid_tool_name(&"x".repeat(129)));
    }
}
