//! Resources: what `resources/list`, `resources/templates/list` and `resources/read`
//! serve. A [`Resource`] has a fixed URI; a [`ResourceTemplate`] answers every URI that
//! expands its RFC 6570 template. Readers are async functions run on the tool runtime.
//!
//! Owns: definitions, URI matching, argument completion for template variables. Must
//! not: touch sessions or transports.

mod template;

pub use template::UriTemplate;

use futures_util::future::BoxFuture;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;

use crate::context::RequestContext;
use crate::protocol::{Icon, ProtocolVersion, ResourceContents};
use crate::tool::icons_for;

/// What a reader returns: the contents, or an error message (sent as `-32603`).
pub type ReadResult = Result<Vec<ResourceContents>, String>;

type ReadFn = dyn Fn(String, BTreeMap<String, String>, RequestContext) -> BoxFuture<'static, ReadResult>
    + Send
    + Sync;

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
            read: Arc::new(move |_uri, _vars, ctx| Box::pin(read(ctx))),
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
    read: Arc<ReadFn>,
    /// Completion for each template variable that has one.
    completers: HashMap<String, Arc<Completer>>,
}

impl ResourceTemplate {
    /// `read` gets the template's variables (e.g. `id` for `test://{id}`) and the
    /// context.
    ///
    /// # Panics
    /// If `uri_template` is not a valid template (a start-up bug, never a request path).
    pub fn new<F, Fut>(uri_template: &str, name: impl Into<String>, read: F) -> ResourceTemplate
    where
        F: Fn(String, BTreeMap<String, String>, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReadResult> + Send + 'static,
    {
        let template = UriTemplate::parse(uri_template)
            .unwrap_or_else(|| panic!("invalid URI template {uri_template:?}"));
        ResourceTemplate {
            template,
            listing: Listing {
                name: name.into(),
                ..Listing::default()
            },
            read: Arc::new(move |uri, vars, ctx| Box::pin(read(uri, vars, ctx))),
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

/// A read to run: the function and what it needs.
pub struct PendingRead {
    read: Arc<ReadFn>,
    uri: String,
    variables: BTreeMap<String, String>,
}

impl PendingRead {
    pub fn run(self, ctx: RequestContext) -> BoxFuture<'static, ReadResult> {
        (self.read)(self.uri, self.variables, ctx)
    }
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
            return Some(PendingRead {
                read: Arc::clone(&resource.read),
                uri: uri.to_owned(),
                variables: BTreeMap::new(),
            });
        }
        self.templates.iter().find_map(|t| {
            t.template.match_uri(uri).map(|variables| PendingRead {
                read: Arc::clone(&t.read),
                uri: uri.to_owned(),
                variables,
            })
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
