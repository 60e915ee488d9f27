//! The tool catalog: every registered tool in a stable order, shared (read-only) by
//! every session on every worker; replaced whole when tools change at run time.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::Tool;
pub use crate::pagination::InvalidCursor;

/// All tools, in registration order (the order `tools/list` pages through).
#[derive(Clone, Default)]
pub struct ToolCatalog {
    /// Shared, so a call takes its tool with a reference-count bump.
    entries: Vec<Arc<Tool>>,
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
    /// Checks the names (valid, unique).
    pub fn new(tools: Vec<Tool>) -> Result<ToolCatalog, CatalogError> {
        let mut index = HashMap::new();
        for (position, tool) in tools.iter().enumerate() {
            if !is_valid_tool_name(tool.name()) {
                return Err(CatalogError::InvalidName(tool.name().to_owned()));
            }
            if index.insert(tool.name().to_owned(), position).is_some() {
                return Err(CatalogError::DuplicateName(tool.name().to_owned()));
            }
        }
        let entries = tools.into_iter().map(Arc::new).collect();
        Ok(ToolCatalog { entries, index })
    }

    /// A new catalog with `tool` added.
    pub fn with_tool(&self, tool: Tool) -> Result<ToolCatalog, CatalogError> {
        if !is_valid_tool_name(tool.name()) {
            return Err(CatalogError::InvalidName(tool.name().to_owned()));
        }
        if self.index.contains_key(tool.name()) {
            return Err(CatalogError::DuplicateName(tool.name().to_owned()));
        }
        let mut next = self.clone();
        next.index
            .insert(tool.name().to_owned(), next.entries.len());
        next.entries.push(Arc::new(tool));
        Ok(next)
    }

    /// A new catalog without the tool `name`, if it was there. Calls already running
    /// finish (they hold their own reference to the tool).
    pub fn without_tool(&self, name: &str) -> Option<ToolCatalog> {
        self.index.get(name)?;
        let entries: Vec<Arc<Tool>> = self
            .entries
            .iter()
            .filter(|tool| tool.name() != name)
            .cloned()
            .collect();
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, tool)| (tool.name().to_owned(), i))
            .collect();
        Some(ToolCatalog { entries, index })
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Tool>> {
        self.index.get(name).map(|&i| &self.entries[i])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether any tool may run as a task (then `server/discover` declares the tasks
    /// extension).
    pub fn runs_tasks(&self) -> bool {
        self.entries
            .iter()
            .any(|tool| tool.task_mode() != super::TaskSupport::Forbidden)
    }

    /// One page of tools, in registration order.
    pub fn page(
        &self,
        cursor: Option<&str>,
        page_size: usize,
    ) -> Result<(&[Arc<Tool>], Option<String>), InvalidCursor> {
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
