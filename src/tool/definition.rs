//! A tool's definition: name, description, schemas, annotations and its handler.

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::future::Future;
use std::sync::Arc;

use super::param_headers::{declared_in, InvalidParamHeader, ParamHeader};
use super::{CallToolResult, IntoToolOutput, ToolContext};
use crate::protocol::{Icon, ProtocolVersion};
use crate::schema::schema_object_for;

/// Behaviour hints for clients (2025-03-26 and later). Hints only: clients must not
/// trust them from servers they do not trust.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

impl ToolAnnotations {
    /// A tool that only reads, always gives the same answer and touches nothing outside.
    pub fn read_only() -> Self {
        ToolAnnotations {
            read_only_hint: Some(true),
            destructive_hint: Some(false),
            idempotent_hint: Some(true),
            open_world_hint: Some(false),
            ..Default::default()
        }
    }
}

/// Whether a tool may run as a task (`execution.taskSupport`): with the
/// `io.modelcontextprotocol/tasks` extension (2026-07-28), a call of such a tool from a
/// client that declared the extension is answered with a task handle and polled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskSupport {
    /// Always answered in place (the default, and what an absent field means).
    #[default]
    Forbidden,
    /// A task when the client declared the extension, in place otherwise.
    Optional,
    /// Only as a task: a client without the extension gets `-32021`.
    Required,
}

/// The `execution` object of a listed tool.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    /// How the tool may be run.
    task_support: TaskSupport,
}

type Handler = dyn Fn(Value, ToolContext) -> BoxFuture<'static, CallToolResult> + Send + Sync;

/// One tool: what clients see in `tools/list`, and the function `tools/call` runs.
#[derive(Clone)]
pub struct Tool {
    name: String,
    title: Option<String>,
    description: String,
    /// Derived from the argument type; what `tools/list` shows and `tools/call` enforces.
    input_schema: Arc<Map<String, Value>>,
    /// Compiled once from `input_schema`, so every call is checked against exactly the
    /// schema clients were shown.
    input_validator: Arc<jsonschema::Validator>,
    /// The `x-mcp-header` properties of `input_schema`, read once here so a stateless
    /// `tools/call` checks its `Mcp-Param-*` headers without walking the schema; or why
    /// they break the spec's rules (the catalog refuses such a tool).
    param_headers: Result<Arc<[ParamHeader]>, InvalidParamHeader>,
    /// Present when the tool returns [`super::Structured`] output.
    output_schema: Option<Arc<Map<String, Value>>>,
    annotations: Option<ToolAnnotations>,
    /// Shown by clients at 2025-11-25 or later.
    icons: Vec<Icon>,
    /// Whether a call may become a task (2026-07-28 with the tasks extension).
    task_support: TaskSupport,
    /// A task-eligible call first runs as a plain request (MRTR rounds) until the
    /// handler calls `ctx.continue_as_task()`; else the task starts with the call.
    input_before_task: bool,
    handler: Arc<Handler>,
}

impl std::fmt::Debug for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tool").field("name", &self.name).finish()
    }
}

impl Tool {
    /// Defines a tool from a typed async function.
    ///
    /// `A` is the argument struct: its `JsonSchema` becomes the `inputSchema`, and a
    /// call whose arguments do not fit it gets an `isError` result naming the problem.
    /// The function's output may be a `String`, a [`CallToolResult`], content blocks,
    /// [`super::Structured`] data, or a `Result` of any of those.
    ///
    /// # Panics
    /// If `A`'s schema is not a valid JSON Schema object (a bug in the argument type,
    /// found at start-up, never on a request path).
    pub fn new<A, F, Fut, O>(name: impl Into<String>, description: impl Into<String>, f: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: IntoToolOutput,
    {
        let name = name.into();
        let input_schema = schema_object_for::<A>();
        let input_validator = jsonschema::validator_for(&Value::Object(input_schema.clone()))
            .unwrap_or_else(|e| panic!("tool `{name}`: argument schema is invalid: {e}"));
        let tool_name = name.clone();
        let handler =
            move |arguments: Value, ctx: ToolContext| -> BoxFuture<'static, CallToolResult> {
                match serde_json::from_value::<A>(arguments) {
                    Ok(args) => {
                        let fut = f(args, ctx);
                        Box::pin(async move { fut.await.into_call_result() })
                    }
                    Err(e) => {
                        let msg = format!("Invalid arguments for tool `{tool_name}`: {e}");
                        Box::pin(async move { CallToolResult::error(msg) })
                    }
                }
            };
        Tool {
            name,
            title: None,
            description: description.into(),
            param_headers: declared_in(&input_schema).map(Arc::from),
            input_schema: Arc::new(input_schema),
            input_validator: Arc::new(input_validator),
            output_schema: O::output_schema().map(Arc::new),
            annotations: None,
            icons: Vec::new(),
            task_support: TaskSupport::Forbidden,
            input_before_task: false,
            handler: Arc::new(handler),
        }
    }

    /// Replaces the input schema derived from the argument type with `schema`, shown in
    /// `tools/list` exactly as given (`$schema`, `$defs`, `$anchor`, composition and
    /// conditional keywords included) and enforced on every call. For what a Rust
    /// type's derived schema cannot say; the handler's argument type still has to
    /// deserialize whatever the schema admits (`serde_json::Value` always does).
    ///
    /// # Errors
    /// When `schema` is not a JSON object or not a valid JSON Schema.
    pub fn with_input_schema(mut self, schema: Value) -> Result<Tool, InvalidInputSchema> {
        let Value::Object(object) = schema else {
            return Err(InvalidInputSchema(format!(
                "tool `{}`: an input schema must be a JSON object",
                self.name
            )));
        };
        let validator = jsonschema::validator_for(&Value::Object(object.clone()))
            .map_err(|e| InvalidInputSchema(format!("tool `{}`: {e}", self.name)))?;
        self.param_headers = declared_in(&object).map(Arc::from);
        self.input_schema = Arc::new(object);
        self.input_validator = Arc::new(validator);
        Ok(self)
    }

    /// A human-readable display name (2025-06-18 and later).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.annotations = Some(annotations);
        self
    }

    pub fn icon(mut self, icon: Icon) -> Self {
        self.icons.push(icon);
        self
    }

    /// Lets calls of this tool run as tasks (`Optional`) or only as tasks (`Required`).
    /// A task-running tool should watch `ctx.cancelled()`: `tasks/cancel` fires it.
    pub fn task_support(mut self, support: TaskSupport) -> Self {
        self.task_support = support;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// How calls of this tool may run.
    /// For a task-supporting tool that gathers input before it becomes a task: a
    /// 2026-07-28 call from a client with the tasks extension runs as a plain request
    /// — its asks are MRTR rounds — until the handler calls
    /// [`crate::RequestContext::continue_as_task`], which answers the call with the task
    /// handle while the handler goes on as that task. Without this, the task starts
    /// with the call.
    pub fn input_before_task(mut self) -> Self {
        self.input_before_task = true;
        self
    }

    /// Whether a task-eligible call waits for `continue_as_task` ([`Tool::input_before_task`]).
    pub fn starts_task_on_request(&self) -> bool {
        self.input_before_task
    }

    pub fn task_mode(&self) -> TaskSupport {
        self.task_support
    }

    pub fn input_schema(&self) -> &Map<String, Value> {
        &self.input_schema
    }

    /// The properties a 2026-07-28 client mirrors into `Mcp-Param-*` headers (none when
    /// the declarations are invalid: such a tool is never in a catalog).
    pub(crate) fn param_headers(&self) -> &[ParamHeader] {
        self.param_headers.as_deref().unwrap_or_default()
    }

    /// Why the `x-mcp-header` declarations cannot be served, if they cannot.
    pub(crate) fn invalid_param_headers(&self) -> Option<&InvalidParamHeader> {
        self.param_headers.as_ref().err()
    }

    /// Checks `arguments` against the input schema; the `Err` text is for the model.
    pub fn validate_arguments(&self, arguments: &Value) -> Result<(), String> {
        let problems: Vec<String> = self
            .input_validator
            .iter_errors(arguments)
            .take(8)
            .map(|e| {
                let path = e.instance_path().to_string();
                if path.is_empty() {
                    e.to_string()
                } else {
                    format!("{path}: {e}")
                }
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "Invalid arguments for tool `{}`: {}",
                self.name,
                problems.join("; ")
            ))
        }
    }

    /// Runs the handler (arguments already validated). Called on the tool runtime.
    pub(crate) fn call(
        &self,
        arguments: Value,
        ctx: ToolContext,
    ) -> BoxFuture<'static, CallToolResult> {
        (self.handler)(arguments, ctx)
    }

    /// The `Tool` object of `tools/list`, with only the fields `version` knows.
    pub fn to_wire(&self, version: ProtocolVersion) -> WireTool<'_> {
        WireTool {
            name: &self.name,
            title: self
                .title
                .as_deref()
                .filter(|_| version.has_structured_output()),
            description: &self.description,
            input_schema: &self.input_schema,
            output_schema: self
                .output_schema
                .as_deref()
                .filter(|_| version.has_structured_output()),
            annotations: self
                .annotations
                .as_ref()
                .filter(|_| version.has_audio_and_annotations()),
            icons: icons_for(&self.icons, version),
            // Tasks exist at 2025-11-25 (sessions) and in the 2026-07-28 extension; an
            // older client must not be told it may task-augment a call.
            execution: (self.task_support != TaskSupport::Forbidden
                && (version.is_stateless() || version.has_session_tasks()))
            .then_some(Execution {
                task_support: self.task_support,
            }),
        }
    }
}

/// Why [`Tool::with_input_schema`] refused a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInputSchema(String);

impl std::fmt::Display for InvalidInputSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidInputSchema {}

/// Serializable view of a [`Tool`] for one protocol revision.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WireTool<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    description: &'a str,
    input_schema: &'a Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_schema: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<&'a ToolAnnotations>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icons: Option<&'a [Icon]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    execution: Option<Execution>,
}

/// Icons for a client of `version`: none before 2025-11-25, and none when empty.
pub(crate) fn icons_for(icons: &[Icon], version: ProtocolVersion) -> Option<&[Icon]> {
    (!icons.is_empty() && version.has_icons()).then_some(icons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, JsonSchema)]
    struct Args {
        /// What to say.
        message: String,
        #[schemars(range(min = 1, max = 5))]
        times: Option<u8>,
    }

    fn tool() -> Tool {
        Tool::new("say", "Says it", |a: Args, _ctx| async move {
            a.message.repeat(a.times.unwrap_or(1) as usize)
        })
        .title("Say")
        .annotations(ToolAnnotations::read_only())
    }

    #[test]
    fn schema_comes_from_the_argument_type() {
        let t = tool();
        let schema = Value::Object(t.input_schema().clone());
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["required"], json!(["message"]));
        assert_eq!(schema["properties"]["message"]["type"], "string");
        assert_eq!(
            schema["properties"]["message"]["description"],
            "What to say."
        );
        assert!(schema.get("$schema").is_none());
    }

    #[test]
    fn given_schemas_are_kept_verbatim_and_enforced() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {"n": {"$anchor": "n", "type": "integer"}},
            "properties": {"n": {"$ref": "#/$defs/n"}},
            "if": {"required": ["n"]}, "then": {"minProperties": 1}, "else": {},
            "additionalProperties": false
        });
        let t = Tool::new("given", "Given", |_: Value, _ctx| async { "ok" })
            .with_input_schema(schema.clone())
            .unwrap();
        let wire = serde_json::to_value(t.to_wire(ProtocolVersion::V2024_11_05)).unwrap();
        assert_eq!(wire["inputSchema"], schema);
        assert!(t.validate_arguments(&json!({"n": 1})).is_ok());
        assert!(t.validate_arguments(&json!({"n": "x"})).is_err());
        assert!(t.validate_arguments(&json!({"other": 1})).is_err());
        let refused = Tool::new("given", "Given", |_: Value, _ctx| async { "ok" });
        assert!(refused.clone().with_input_schema(json!(true)).is_err());
        assert!(refused
            .with_input_schema(json!({"type": "no such type"}))
            .is_err());
    }

    /// Routed by region
    #[crate::tool]
    async fn routed(
        #[schemars(extend("x-mcp-header" = "Region"))] region: String,
        query: String,
    ) -> String {
        format!("{region}: {query}")
    }

    #[test]
    fn derived_schemas_declare_param_headers_with_schemars_extend() {
        let t = routed();
        assert_eq!(
            t.input_schema()["properties"]["region"]["x-mcp-header"],
            "Region"
        );
        let found: Vec<&str> = t.param_headers().iter().map(|h| h.shown()).collect();
        assert_eq!(found, ["Mcp-Param-Region"]);
        assert!(t.invalid_param_headers().is_none());
    }

    #[test]
    fn validation_names_each_problem() {
        let t = tool();
        assert!(t.validate_arguments(&json!({"message": "hi"})).is_ok());
        let err = t.validate_arguments(&json!({"message": 5})).unwrap_err();
        assert!(err.contains("/message"), "{err}");
        let err = t.validate_arguments(&json!({})).unwrap_err();
        assert!(err.contains("message"), "{err}");
        let err = t
            .validate_arguments(&json!({"message": "x", "times": 9}))
            .unwrap_err();
        assert!(err.contains("/times"), "{err}");
    }

    /// Says it
    #[crate::tool(
        title = "Say",
        read_only,
        destructive = false,
        idempotent,
        open_world = false
    )]
    async fn say(
        /// What to say.
        message: String,
        #[schemars(range(min = 1, max = 5))] times: Option<u8>,
    ) -> String {
        message.repeat(times.unwrap_or(1) as usize)
    }

    #[test]
    fn the_attribute_works_inside_this_crate_and_matches_the_hand_written_tool() {
        let by_macro = serde_json::to_value(say().to_wire(ProtocolVersion::LATEST)).unwrap();
        let by_hand = serde_json::to_value(tool().to_wire(ProtocolVersion::LATEST)).unwrap();
        assert_eq!(by_macro, by_hand);
    }

    #[test]
    fn wire_form_is_gated_by_version() {
        let t = tool();
        let old = serde_json::to_value(t.to_wire(ProtocolVersion::V2024_11_05)).unwrap();
        assert!(old.get("annotations").is_none() && old.get("title").is_none());
        let mid = serde_json::to_value(t.to_wire(ProtocolVersion::V2025_03_26)).unwrap();
        assert_eq!(mid["annotations"]["readOnlyHint"], true);
        assert!(mid.get("title").is_none());
        let new = serde_json::to_value(t.to_wire(ProtocolVersion::V2025_06_18)).unwrap();
        assert_eq!(new["title"], "Say");
    }

    /// Runs only as a task
    #[crate::tool(task_support = "required")]
    async fn batch() -> String {
        "done".into()
    }

    #[test]
    fn the_attribute_sets_task_support() {
        assert_eq!(batch().task_mode(), TaskSupport::Required);
        assert_eq!(say().task_mode(), TaskSupport::Forbidden);
    }

    #[test]
    fn task_support_is_listed_only_to_revisions_with_tasks() {
        let t = tool().task_support(TaskSupport::Optional);
        for version in [ProtocolVersion::V2026_07_28, ProtocolVersion::V2025_11_25] {
            let listed = serde_json::to_value(t.to_wire(version)).unwrap();
            assert_eq!(listed["execution"], json!({"taskSupport": "optional"}));
        }
        let older = serde_json::to_value(t.to_wire(ProtocolVersion::V2025_06_18)).unwrap();
        assert!(older.get("execution").is_none());
        let plain = serde_json::to_value(tool().to_wire(ProtocolVersion::V2026_07_28)).unwrap();
        assert!(plain.get("execution").is_none(), "forbidden is the default");
    }
}
