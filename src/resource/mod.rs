//! Resources: what `resources/list`, `resources/templates/list` and `resources/read`
//! serve. A [`Resource`] has a fixed URI; a [`ResourceTemplate`] answers every URI that
//! expands its RFC 6570 template, handing its reader the variables as a typed struct.
//! Readers are async functions run on the tool runtime.
//!
//! Owns: definitions, URI matching, argument completion for template variables. Must
//! not: touch sessions or transports.

mod template;

pub use template::UriTemplate;

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::context::RequestContext;
use crate::protocol::{Icon, ProtocolVersion, ResourceContents};
use crate::schema::{from_string_map, string_fields_of};
use crate::tool::icons_for;

/// What a reader returns: the contents, or an error message (sent as `-32603`).
pub type ReadResult = Result<Vec<ResourceContents>, String>;

/// A fixed resource's reader.
type ReadFn = dyn Fn(RequestContext) -> BoxFuture<'static, ReadResult> + Send + Sync;

/// One read, bound to its URI and variables, waiting for its context.
type BoundRead = Box<dyn FnOnce(RequestContext) -> BoxFuture<'static, ReadResult> + Send>;

/// Binds a URI that matched a template, with its variables, to the template's reader;
/// the `Err` says why the variables do not fit the reader's type.
type BindFn = dyn Fn(String, BTreeMap<String, String>) -> Result<BoundRead, String> + Send + Sync;

/// Suggests values for an argument: (value typed so far, arguments already given).
pub type Completer = dyn Fn(&str, &BTreeMap<String, String>) -> Vec<String> + Send + Sync;

/// Fields clients see for resources and templates alike.
#[derive(Debug, Clone, Default)]
struct Listing {
    name: String,
    title: Option<String>,
    description: Option<String>,
    mime_type: Option<String>,
    icons: Vec<Icon>,
    /// Not listed: how long a 2026-07-28 client may reuse a read (`ttlMs`); `None`
    /// takes the server's `McpConfig::cache_ttl`.
    cache_ttl: Option<Duration>,
}

/// A resource with a fixed URI.
#[derive(Clone)]
pub struct Resource {
    uri: String,
    listing: Listing,
    /// Size in bytes, when known.
    size: Option<u64>,
    read: Arc<ReadFn>,
}

impl Resource {
    /// A resource whose contents come from an async function.
    pub fn new<F, Fut>(uri: impl Into<String>, name: impl Into<String>, read: F) -> Resource
    where
        F: Fn(RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReadResult> + Send + 'static,
    {
        Resource {
            uri: uri.into(),
            listing: Listing {
                name: name.into(),
                ..Listing::default()
            },
            size: None,
            read: Arc::new(move |ctx| Box::pin(read(ctx))),
        }
    }

    /// A resource with fixed text.
    pub fn text(
        uri: impl Into<String>,
        name: impl Into<String>,
        mime_type: &str,
        text: impl Into<String>,
    ) -> Resource {
        let uri = uri.into();
        let contents = vec![ResourceContents::Text {
            uri: uri.clone(),
            mime_type: Some(mime_type.to_owned()),
            text: text.into(),
        }];
        Resource::fixed(uri, name, mime_type, contents)
    }

    /// A resource with fixed binary contents (`base64` is the encoded bytes).
    pub fn blob(
        uri: impl Into<String>,
        name: impl Into<String>,
        mime_type: &str,
        base64: impl Into<String>,
    ) -> Resource {
        let uri = uri.into();
        let contents = vec![ResourceContents::Blob {
            uri: uri.clone(),
            mime_type: Some(mime_type.to_owned()),
            blob: base64.into(),
        }];
        Resource::fixed(uri, name, mime_type, contents)
    }

    fn fixed(
        uri: String,
        name: impl Into<String>,
        mime_type: &str,
        contents: Vec<ResourceContents>,
    ) -> Resource {
        let contents = Arc::new(contents);
        Resource::new(uri, name, move |_ctx| {
            let contents = Arc::clone(&contents);
            async move { Ok((*contents).clone()) }
        })
        .mime_type(mime_type)
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.listing.title = Some(title.into());
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.listing.description = Some(description.into());
        self
    }

    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.listing.mime_type = Some(mime_type.into());
        self
    }

    pub fn icon(mut self, icon: Icon) -> Self {
        self.listing.icons.push(icon);
        self
    }

    /// How long a 2026-07-28 client may reuse what a read returns (its `ttlMs`), instead
    /// of the server's `McpConfig::cache_ttl`: long for contents that never change.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.listing.cache_ttl = Some(ttl);
        self
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }

    pub fn to_wire(&self, version: ProtocolVersion) -> WireResource<'_> {
        WireResource {
            uri: Some(&self.uri),
            uri_template: None,
            name: &self.listing.name,
            title: self
                .listing
                .title
                .as_deref()
                .filter(|_| version.has_structured_output()),
            description: self.listing.description.as_deref(),
            mime_type: self.listing.mime_type.as_deref(),
            size: self.size,
            icons: icons_for(&self.listing.icons, version),
        }
    }
}

/// Resources for every URI that expands a template.
#[derive(Clone)]
pub struct ResourceTemplate {
    template: UriTemplate,
    listing: Listing,
    /// Turns a match's variables into the reader's type and binds the read.
    bind: Arc<BindFn>,
    /// Completion for each template variable that has one.
    completers: HashMap<String, Arc<Completer>>,
}

impl ResourceTemplate {
    /// `read` gets the URI, the template's variables as `V` (e.g. a struct with an
    /// `id: String` field for `test://{id}`) and the context.
    ///
    /// `V`'s fields must be the template's variables, each a `String` (or an enum of
    /// strings; values are strings): a URI whose values do not deserialize into `V`
    /// does not match this template. `V` may also be a map
    /// (`BTreeMap<String, String>`), which takes whatever variables there are.
    ///
    /// # Panics
    /// If `uri_template` is not a valid template, or `V`'s fields are not its variables
    /// or not strings (start-up bugs, never a request path).
    pub fn new<V, F, Fut>(uri_template: &str, name: impl Into<String>, read: F) -> ResourceTemplate
    where
        V: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(String, V, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReadResult> + Send + 'static,
    {
        let template = UriTemplate::parse(uri_template)
            .unwrap_or_else(|| panic!("invalid URI template {uri_template:?}"));
        if let Err(problem) = check_variables::<V>(&template) {
            panic!("resource template {uri_template:?}: {problem}");
        }
        let read = Arc::new(read);
        let bind =
            move |uri: String, variables: BTreeMap<String, String>| -> Result<BoundRead, String> {
                let variables = from_string_map::<V>(&variables)?;
                let read = Arc::clone(&read);
                Ok(Box::new(move |ctx| Box::pin(read(uri, variables, ctx))))
            };
        ResourceTemplate {
            template,
            listing: Listing {
                name: name.into(),
                ..Listing::default()
            },
            bind: Arc::new(bind),
            completers: HashMap::new(),
        }
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.listing.title = Some(title.into());
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.listing.description = Some(description.into());
        self
    }

    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.listing.mime_type = Some(mime_type.into());
        self
    }

    pub fn icon(mut self, icon: Icon) -> Self {
        self.listing.icons.push(icon);
        self
    }

    /// How long a 2026-07-28 client may reuse what a read returns (its `ttlMs`), instead
    /// of the server's `McpConfig::cache_ttl`: long for contents that never change.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.listing.cache_ttl = Some(ttl);
        self
    }

    /// Offers `completion/complete` values for one template variable.
    pub fn complete<F>(mut self, variable: &str, completer: F) -> Self
    where
        F: Fn(&str, &BTreeMap<String, String>) -> Vec<String> + Send + Sync + 'static,
    {
        self.completers
            .insert(variable.to_owned(), Arc::new(completer));
        self
    }

    pub fn uri_template(&self) -> &str {
        self.template.as_str()
    }

    pub fn completer(&self, variable: &str) -> Option<Arc<Completer>> {
        self.completers.get(variable).cloned()
    }

    pub fn has_completers(&self) -> bool {
        !self.completers.is_empty()
    }

    pub fn to_wire(&self, version: ProtocolVersion) -> WireResource<'_> {
        WireResource {
            uri: None,
            uri_template: Some(self.template.as_str()),
            name: &self.listing.name,
            title: self
                .listing
                .title
                .as_deref()
                .filter(|_| version.has_structured_output()),
            description: self.listing.description.as_deref(),
            mime_type: self.listing.mime_type.as_deref(),
            size: None,
            icons: icons_for(&self.listing.icons, version),
        }
    }
}

/// Serializable `Resource` or `ResourceTemplate` for one protocol revision.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WireResource<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_template: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mime_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icons: Option<&'a [Icon]>,
}

/// A read to run: the reader, already given its URI and variables.
pub struct PendingRead {
    /// Needs only the request's context.
    read: BoundRead,
    /// The resource's own `ttlMs`, if it has one.
    pub cache_ttl: Option<Duration>,
}

impl PendingRead {
    pub fn run(self, ctx: RequestContext) -> BoxFuture<'static, ReadResult> {
        (self.read)(ctx)
    }
}

/// `V`'s fields must be exactly the template's variables: a required field that is no
/// variable could never be filled, and a variable that is no field is almost surely a
/// misspelling.
fn check_variables<V: JsonSchema + DeserializeOwned>(template: &UriTemplate) -> Result<(), String> {
    let declared = string_fields_of::<V>()?;
    if declared.open {
        return Ok(());
    }
    let variables: Vec<&str> = template.variables().collect();
    if let Some(field) = declared
        .fields
        .iter()
        .find(|f| f.required && !variables.contains(&f.name.as_str()))
    {
        return Err(format!(
            "field `{}` is not a variable of the template",
            field.name
        ));
    }
    if let Some(variable) = variables
        .iter()
        .find(|v| !declared.fields.iter().any(|f| f.name == **v))
    {
        return Err(format!(
            "variable `{variable}` is not a field of the variables type"
        ));
    }
    Ok(())
}

/// Every resource and template, in registration order.
#[derive(Clone, Default)]
pub struct ResourceCatalog {
    pub resources: Vec<Resource>,
    pub templates: Vec<ResourceTemplate>,
}

impl ResourceCatalog {
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.templates.is_empty()
    }

    /// The reader for `uri`: a fixed resource first, then the first matching template.
    pub fn find(&self, uri: &str) -> Option<PendingRead> {
        if let Some(resource) = self.resources.iter().find(|r| r.uri == uri) {
            let read = Arc::clone(&resource.read);
            return Some(PendingRead {
                read: Box::new(move |ctx| read(ctx)),
                cache_ttl: resource.listing.cache_ttl,
            });
        }
        self.templates.iter().find_map(|t| {
            let variables = t.template.match_uri(uri)?;
            match (t.bind)(uri.to_owned(), variables) {
                Ok(read) => Some(PendingRead {
                    read,
                    cache_ttl: t.listing.cache_ttl,
                }),
                // Values the reader's type refuses: not a resource this template serves.
                Err(problem) => {
                    tracing::debug!(uri, template = t.uri_template(), %problem, "template variables do not fit");
                    None
                }
            }
        })
    }

    pub fn template(&self, uri_template: &str) -> Option<&ResourceTemplate> {
        self.templates
            .iter()
            .find(|t| t.template.as_str() == uri_template)
    }

    pub fn has_completers(&self) -> bool {
        self.templates.iter().any(ResourceTemplate::has_completers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, JsonSchema)]
    struct Item {
        id: String,
        format: Option<Format>,
    }

    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Format {
        Json,
    }

    fn item_template(template: &str) -> ResourceTemplate {
        ResourceTemplate::new(template, "item", |uri, item: Item, _ctx| async move {
            let _ = (item.id, item.format);
            Ok(vec![ResourceContents::Text {
                uri,
                mime_type: None,
                text: String::new(),
            }])
        })
    }

    #[test]
    fn a_uri_matches_only_when_its_variables_fit_the_type() {
        let catalog = ResourceCatalog {
            resources: Vec::new(),
            templates: vec![item_template("items://{id}.{format}")],
        };
        assert!(catalog.find("items://7.json").is_some());
        assert!(catalog.find("items://7.xml").is_none(), "not a Format");
        assert!(catalog.find("other://7.json").is_none());
    }

    #[test]
    #[should_panic(expected = "field `id` is not a variable of the template")]
    fn a_required_field_must_be_a_variable() {
        item_template("items://{format}");
    }

    #[test]
    #[should_panic(expected = "variable `kind` is not a field of the variables type")]
    fn every_variable_must_be_a_field() {
        item_template("items://{id}/{kind}");
    }

    #[test]
    fn a_map_takes_any_variables() {
        let map = ResourceTemplate::new(
            "any://{a}/{b}",
            "any",
            |_uri, _vars: BTreeMap<String, String>, _ctx| async { Ok(Vec::new()) },
        );
        let catalog = ResourceCatalog {
            resources: Vec::new(),
            templates: vec![map],
        };
        assert!(catalog.find("any://1/2").is_some());
    }
}
