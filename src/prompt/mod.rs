//! Prompts: templates of messages a client shows its user (`prompts/list`,
//! `prompts/get`). A [`Prompt`] declares its arguments; `prompts/get` checks them
//! (-32602 for a missing required one) before its async function runs on the tool
//! runtime.
//!
//! Owns: definitions, argument checks, argument completion. Must not: touch sessions
//! or transports.

use futures_util::future::BoxFuture;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;

use crate::context::RequestContext;
use crate::protocol::{Content, Icon, ProtocolVersion, Role};
use crate::resource::Completer;
use crate::tool::icons_for;

/// One message of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptMessage {
    pub role: Role,
    pub content: Content,
}

impl PromptMessage {
    pub fn user(content: Content) -> Self {
        PromptMessage {
            role: Role::User,
            content,
        }
    }

    pub fn assistant(content: Content) -> Self {
        PromptMessage {
            role: Role::Assistant,
            content,
        }
    }
}

/// What `prompts/get` answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GetPromptResult {
    pub description: Option<String>,
    pub messages: Vec<PromptMessage>,
}

impl GetPromptResult {
    pub fn messages(messages: Vec<PromptMessage>) -> Self {
        GetPromptResult {
            description: None,
            messages,
        }
    }

    pub fn to_wire(&self, version: ProtocolVersion) -> WireGetPromptResult<'_> {
        WireGetPromptResult {
            description: self.description.as_deref(),
            messages: self
                .messages
                .iter()
                .map(|m| WirePromptMessage {
                    role: m.role,
                    content: m.content.for_version(version),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct WirePromptMessage<'a> {
    role: Role,
    content: std::borrow::Cow<'a, Content>,
}

#[derive(Debug, Serialize)]
pub struct WireGetPromptResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    messages: Vec<WirePromptMessage<'a>>,
}

/// One declared argument.
#[derive(Debug, Clone, Serialize)]
pub struct PromptArgument {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub required: bool,
}

/// What a prompt function returns: the messages, or an error message (`-32603`).
pub type PromptResult = Result<GetPromptResult, String>;

type PromptFn = dyn Fn(BTreeMap<String, String>, RequestContext) -> BoxFuture<'static, PromptResult>
    + Send
    + Sync;

#[derive(Clone)]
pub struct Prompt {
    name: String,
    title: Option<String>,
    description: Option<String>,
    arguments: Vec<PromptArgument>,
    icons: Vec<Icon>,
    get: Arc<PromptFn>,
    completers: HashMap<String, Arc<Completer>>,
}

impl Prompt {
    /// `get` receives the arguments (strings, as the protocol has them).
    pub fn new<F, Fut>(name: impl Into<String>, description: impl Into<String>, get: F) -> Prompt
    where
        F: Fn(BTreeMap<String, String>, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PromptResult> + Send + 'static,
    {
        Prompt {
            name: name.into(),
            title: None,
            description: Some(description.into()),
            arguments: Vec::new(),
            icons: Vec::new(),
            get: Arc::new(move |args, ctx| Box::pin(get(args, ctx))),
            completers: HashMap::new(),
        }
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn icon(mut self, icon: Icon) -> Self {
        self.icons.push(icon);
        self
    }

    /// Declares an argument (in the order clients should show them).
    pub fn argument(mut self, name: &str, description: &str, required: bool) -> Self {
        self.arguments.push(PromptArgument {
            name: name.to_owned(),
            description: Some(description.to_owned()),
            required,
        });
        self
    }

    /// Offers `completion/complete` values for one argument.
    pub fn complete<F>(mut self, argument: &str, completer: F) -> Self
    where
        F: Fn(&str, &BTreeMap<String, String>) -> Vec<String> + Send + Sync + 'static,
    {
        self.completers
            .insert(argument.to_owned(), Arc::new(completer));
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn completer(&self, argument: &str) -> Option<Arc<Completer>> {
        self.completers.get(argument).cloned()
    }

    pub fn has_completers(&self) -> bool {
        !self.completers.is_empty()
    }

    pub fn has_argument(&self, name: &str) -> bool {
        self.arguments.iter().any(|a| a.name == name)
    }

    /// Checks the client's arguments against the declared ones; the `Err` is for the
    /// client (`-32602`).
    pub fn check_arguments(&self, given: &BTreeMap<String, String>) -> Result<(), String> {
        let missing: Vec<&str> = self
            .arguments
            .iter()
            .filter(|a| a.required && !given.contains_key(&a.name))
            .map(|a| a.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "Prompt `{}` is missing required argument(s): {}",
                self.name,
                missing.join(", ")
            ));
        }
        if let Some(unknown) = given.keys().find(|k| !self.has_argument(k)) {
            return Err(format!(
                "Prompt `{}` has no argument `{unknown}`",
                self.name
            ));
        }
        Ok(())
    }

    pub fn run(
        &self,
        arguments: BTreeMap<String, String>,
        ctx: RequestContext,
    ) -> BoxFuture<'static, PromptResult> {
        (self.get)(arguments, ctx)
    }

    pub fn to_wire(&self, version: ProtocolVersion) -> WirePrompt<'_> {
        WirePrompt {
            name: &self.name,
            title: self
                .title
                .as_deref()
                .filter(|_| version.has_structured_output()),
            description: self.description.as_deref(),
            arguments: (!self.arguments.is_empty()).then_some(&self.arguments),
            icons: icons_for(&self.icons, version),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct WirePrompt<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arguments: Option<&'a Vec<PromptArgument>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icons: Option<&'a [Icon]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked() {
        let p = Prompt::new("p", "d", |_a, _c| async { Ok(GetPromptResult::default()) })
            .argument("a", "first", true)
            .argument("b", "second", false);
        let args = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(p.check_arguments(&args(&[("a", "1")])).is_ok());
        assert!(p
            .check_arguments(&args(&[("b", "1")]))
            .unwrap_err()
            .contains("missing"));
        assert!(p
            .check_arguments(&args(&[("a", "1"), ("z", "2")]))
            .unwrap_err()
            .contains("`z`"));
    }
}
