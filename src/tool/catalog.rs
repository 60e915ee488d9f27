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
    /// The tool's `x-mcp-header` declarations break the 2026-07-28 rules, so clients
    /// would drop it from `tools/list`: named, with the rule it breaks.
    InvalidParamHeader {
        tool: String,
        reason: String,
    },
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::InvalidName(name) => write!(
                f,
                "invalid tool name {name:?}: use 1-128 characters from A-Z a-z 0-9 _ - ."
            ),
            CatalogError::DuplicateName(name) => write!(f, "tool {name:?} is registered twice"),
            CatalogError::InvalidParamHeader { tool, reason } => {
                write!(f, "tool {tool:?}: invalid input schema: {reason}")
            }
        }
    }
}

impl std::error::Error for CatalogError {}

/// What a tool must be to enter a catalog: a valid name, and `x-mcp-header`
/// declarations a client can honour.
fn check(tool: &Tool) -> Result<(), CatalogError> {
    if !is_valid_tool_name(tool.name()) {
        return Err(CatalogError::InvalidName(tool.name().to_owned()));
    }
    match tool.invalid_param_headers() {
        Some(reason) => Err(CatalogError::InvalidParamHeader {
            tool: tool.name().to_owned(),
            reason: reason.to_string(),
        }),
        None => Ok(()),
    }
}

/// The tool-name rule of the 2025-11-25 revision.
fn is_valid_tool_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

impl ToolCatalog {
    /// Checks the names (valid, unique) and the `x-mcp-header` declarations.
    pub fn new(tools: Vec<Tool>) -> Result<ToolCatalog, CatalogError> {
        let mut index = HashMap::new();
        for (position, tool) in tools.iter().enumerate() {
            check(tool)?;
            if index.insert(tool.name().to_owned(), position).is_some() {
                return Err(CatalogError::DuplicateName(tool.name().to_owned()));
            }
        }
        let entries = tools.into_iter().map(Arc::new).collect();
        Ok(ToolCatalog { entries, index })
    }

    /// A new catalog with `tool` added.
    pub fn with_tool(&self, tool: Tool) -> Result<ToolCatalog, CatalogError> {
        check(&tool)?;
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
    use serde_json::{json, Value};

    fn tool_with(schema: Value) -> Tool {
        Tool::new("t", "A tool", |_: Value, _ctx| async { "ok" })
            .with_input_schema(schema)
            .unwrap()
    }

    #[test]
    fn tools_with_invalid_param_header_declarations_are_refused_at_registration() {
        let region = |header: &str| {
            tool_with(json!({"type": "object", "properties": {
                "region": {"type": "string", "x-mcp-header": header}
            }}))
        };
        let catalog = ToolCatalog::new(vec![region("Region")]).unwrap();
        assert_eq!(catalog.get("t").unwrap().param_headers().len(), 1);
        let Err(err) = ToolCatalog::new(vec![region("My Region")]) else {
            panic!("a space is no token character");
        };
        assert!(
            matches!(&err, CatalogError::InvalidParamHeader { tool, .. } if tool == "t"),
            "{err:?}"
        );
        assert!(err.to_string().contains("/properties/region"), "{err}");
        // Added at run time: the same rule.
        let Err(err) = ToolCatalog::default().with_tool(region("")) else {
            panic!("an empty name is refused");
        };
        assert!(err.to_string().contains("must not be empty"), "{err}");
        let number = tool_with(json!({"type": "object", "properties": {
            "score": {"type": "number", "x-mcp-header": "Score"}
        }}));
        assert!(ToolCatalog::new(vec![number]).is_err());
    }

    #[test]
    fn tool_names_follow_the_spec_rule() {
        assert!(is_valid_tool_name("echo"));
        assert!(is_valid_tool_name("a.b-c_D9"));
        assert!(!is_valid_tool_name(""));
        assert!(!is_valid_tool_name("has space"));
        assert!(!is_valid_tool_name(&"x".repeat(129)));
    }
}
