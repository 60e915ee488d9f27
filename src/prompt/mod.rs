//! Prompts: templates of messages a client shows its user (`prompts/list`,
//! `prompts/get`). A [`Prompt`]'s arguments are a typed struct: its fields are the
//! declared arguments (doc comment = description, `Option` = optional), and
//! `prompts/get` checks the client's arguments against them (-32602 for a missing,
//! unknown or ill-fitting one) before the async function runs on the tool runtime.
//!
//! Owns: definitions, argument checks, argument completion. Must not: touch sessions
//! or transports.

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;

use crate::context::RequestContext;
use crate::protocol::{Content, Icon, ProtocolVersion, Role};
use crate::resource::Completer;
use crate::schema::{from_string_map, string_fields_of};
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

/// Says whether the arguments deserialize into the prompt's argument type.
type FitFn = dyn Fn(&BTreeMap<String, String>) -> Result<(), String> + Send + Sync;

/// The argument type of a prompt that takes no arguments:
/// `Prompt::new("name", "what it does", |_: NoArguments, ctx| async { .. })`.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
pub struct NoArguments {}

#[derive(Clone)]
pub struct Prompt {
    name: String,
    /// Shown instead of the name by clients at 2025-06-18 or later.
    title: Option<String>,
    /// What the prompt is for, shown to the user choosing one.
    description: Option<String>,
    /// Derived from the argument type, in its field order: what `prompts/list` shows
    /// and `check_arguments` enforces.
    arguments: Vec<PromptArgument>,
    /// The argument type takes any names (a map), so no argument is unknown.
    open_arguments: bool,
    /// Shown by clients at 2025-11-25 or later.
    icons: Vec<Icon>,
    /// Whether given arguments deserialize into the argument type, checked with the
    /// rest in `check_arguments` so a value that does not fit is `-32602` too.
    fits: Arc<FitFn>,
    /// Deserializes the arguments and runs the prompt's function.
    get: Arc<PromptFn>,
    /// Completion for each argument that has one.
    completers: HashMap<String, Arc<Completer>>,
}

impl Prompt {
    /// Defines a prompt from a typed async function.
    ///
    /// `A` is the argument struct (or [`NoArguments`]): each field is one declared
    /// argument, its doc comment the description, `Option<String>` fields optional.
    /// Arguments are strings on the wire, so fields should be `String` or
    /// `Option<String>` (or enums of strings).
    ///
    /// # Panics
    /// If a field of `A` cannot take a string (a bug in the argument type, found at
    /// start-up, never on a request path).
    pub fn new<A, F, Fut>(name: impl Into<String>, description: impl Into<String>, get: F) -> Prompt
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PromptResult> + Send + 'static,
    {
        let name = name.into();
        let declared =
            string_fields_of::<A>().unwrap_or_else(|problem| panic!("prompt `{name}`: {problem}"));
        let arguments = declared
            .fields
            .into_iter()
            .map(|field| PromptArgument {
                name: field.name,
                description: field.description,
                required: field.required,
            })
            .collect();
        let prompt_name = name.clone();
        let get = move |given: BTreeMap<String, String>,
                        ctx: RequestContext|
              -> BoxFuture<'static, PromptResult> {
            match from_string_map::<A>(&given) {
                Ok(args) => Box::pin(get(args, ctx)),
                // check_arguments ran first, so this is not expected; still an answer.
                Err(problem) => {
                    let message =
                        format!("Invalid arguments for prompt `{prompt_name}`: {problem}");
                    Box::pin(async move { Err(message) })
                }
            }
        };
        Prompt {
            name,
            title: None,
            description: Some(description.into()),
            arguments,
            open_arguments: declared.open,
            icons: Vec::new(),
            fits: Arc::new(|given| from_string_map::<A>(given).map(drop)),
            get: Arc::new(get),
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
        self.open_arguments || self.arguments.iter().any(|a| a.name == name)
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
        (self.fits)(given)
            .map_err(|problem| format!("Invalid arguments for prompt `{}`: {problem}", self.name))
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

    /// What `review` needs.
    #[derive(Deserialize, JsonSchema)]
    struct ReviewArgs {
        /// The code to review.
        code: String,
        /// Programming language.
        language: Option<String>,
        /// How strict to be.
        strictness: Option<Strictness>,
    }

    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Strictness {
        Gentle,
        Harsh,
    }

    fn review() -> Prompt {
        Prompt::new("review", "Review code", |a: ReviewArgs, _c| async move {
            let strict = matches!(a.strictness, Some(Strictness::Harsh));
            Ok(GetPromptResult::messages(vec![PromptMessage::user(
                Content::text(format!("{} {:?} {strict}", a.code, a.language)),
            )]))
        })
    }

    fn args(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn arguments_are_derived_from_the_type() {
        let wire = serde_json::to_value(review().to_wire(ProtocolVersion::LATEST)).unwrap();
        assert_eq!(
            wire["arguments"],
            serde_json::json!([
                {"name": "code", "description": "The code to review.", "required": true},
                {"name": "language", "description": "Programming language.", "required": false},
                {"name": "strictness", "description": "How strict to be.", "required": false},
            ])
        );
        let none = Prompt::new("p", "d", |_: NoArguments, _c| async {
            Ok(GetPromptResult::default())
        });
        let wire = serde_json::to_value(none.to_wire(ProtocolVersion::LATEST)).unwrap();
        assert!(wire.get("arguments").is_none());
        assert!(none.check_arguments(&args(&[])).is_ok());
        assert!(none.check_arguments(&args(&[("x", "1")])).is_err());
    }

    #[test]
    fn arguments_are_checked() {
        let p = review();
        assert!(p.check_arguments(&args(&[("code", "1")])).is_ok());
        let missing = p.check_arguments(&args(&[("language", "1")])).unwrap_err();
        assert!(
            missing.contains("missing") && missing.contains("code"),
            "{missing}"
        );
        let unknown = p
            .check_arguments(&args(&[("code", "1"), ("z", "2")]))
            .unwrap_err();
        assert!(unknown.contains("`z`"), "{unknown}");
        let unfit = p
            .check_arguments(&args(&[("code", "1"), ("strictness", "mild")]))
            .unwrap_err();
        assert!(unfit.contains("mild"), "{unfit}");
    }

    #[test]
    #[should_panic(expected = "prompt `count`: field `n` is not a string")]
    fn non_string_fields_are_a_start_up_error() {
        #[derive(Deserialize, JsonSchema)]
        struct Count {
            #[allow(dead_code)]
            n: u32,
        }
        Prompt::new("count", "d", |_: Count, _c| async {
            Ok(GetPromptResult::default())
        });
    }
}
