//! Content blocks (text, image, audio, embedded resource, resource link) and their
//! version gating: a block a client's revision does not know is sent in a form it does.

use serde::Serialize;
use std::borrow::Cow;

use super::ProtocolVersion;

/// Who a piece of content is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// Optional hints on a content block.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Annotations {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<Vec<Role>>,
    /// 0.0 (least important) to 1.0 (most important).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<f64>,
    /// ISO 8601 timestamp; 2025-06-18 and later.
    #[serde(rename = "lastModified", skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// The contents of an embedded resource: text or base64 blob.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ResourceContents {
    Text {
        uri: String,
        #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        text: String,
    },
    Blob {
        uri: String,
        #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// Base64-encoded bytes.
        blob: String,
    },
}

/// One content block of a tool result or prompt message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    Text {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Annotations>,
    },
    Image {
        /// Base64-encoded image bytes.
        data: String,
        #[serde(rename = "mimeType")]
        mime_type: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Annotations>,
    },
    /// 2025-03-26 and later.
    Audio {
        /// Base64-encoded audio bytes.
        data: String,
        #[serde(rename = "mimeType")]
        mime_type: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Annotations>,
    },
    Resource {
        resource: ResourceContents,
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Annotations>,
    },
    /// 2025-06-18 and later: a pointer the client may read with `resources/read`.
    ResourceLink {
        uri: String,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Annotations>,
    },
}

impl Content {
    pub fn text(text: impl Into<String>) -> Content {
        Content::Text {
            text: text.into(),
            annotations: None,
        }
    }

    pub fn image(base64_data: impl Into<String>, mime_type: impl Into<String>) -> Content {
        Content::Image {
            data: base64_data.into(),
            mime_type: mime_type.into(),
            annotations: None,
        }
    }

    pub fn audio(base64_data: impl Into<String>, mime_type: impl Into<String>) -> Content {
        Content::Audio {
            data: base64_data.into(),
            mime_type: mime_type.into(),
            annotations: None,
        }
    }

    /// An embedded text resource.
    pub fn embedded_text(
        uri: impl Into<String>,
        mime_type: Option<&str>,
        text: impl Into<String>,
    ) -> Content {
        Content::Resource {
            resource: ResourceContents::Text {
                uri: uri.into(),
                mime_type: mime_type.map(str::to_owned),
                text: text.into(),
            },
            annotations: None,
        }
    }

    /// An embedded binary resource (`blob` is base64).
    pub fn embedded_blob(
        uri: impl Into<String>,
        mime_type: Option<&str>,
        base64_blob: impl Into<String>,
    ) -> Content {
        Content::Resource {
            resource: ResourceContents::Blob {
                uri: uri.into(),
                mime_type: mime_type.map(str::to_owned),
                blob: base64_blob.into(),
            },
            annotations: None,
        }
    }

    pub fn resource_link(uri: impl Into<String>, name: impl Into<String>) -> Content {
        Content::ResourceLink {
            uri: uri.into(),
            name: name.into(),
            description: None,
            mime_type: None,
            annotations: None,
        }
    }

    /// Attaches annotations to any block.
    pub fn with_annotations(mut self, value: Annotations) -> Content {
        match &mut self {
            Content::Text { annotations, .. }
            | Content::Image { annotations, .. }
            | Content::Audio { annotations, .. }
            | Content::Resource { annotations, .. }
            | Content::ResourceLink { annotations, .. } => *annotations = Some(value),
        }
        self
    }

    fn annotations(&self) -> Option<&Annotations> {
        match self {
            Content::Text { annotations, .. }
            | Content::Image { annotations, .. }
            | Content::Audio { annotations, .. }
            | Content::Resource { annotations, .. }
            | Content::ResourceLink { annotations, .. } => annotations.as_ref(),
        }
    }

    /// The block as a client of `version` can read it. Blocks that revision does not
    /// know become a text block that says what was there, so nothing is silently lost.
    pub fn for_version(&self, version: ProtocolVersion) -> Cow<'_, Content> {
        let stale_annotation = !version.has_structured_output()
            && self
                .annotations()
                .is_some_and(|a| a.last_modified.is_some());
        match self {
            Content::Audio { mime_type, .. } if !version.has_audio_and_annotations() => {
                Cow::Owned(Content::text(format!(
                    "[audio content ({mime_type}) omitted: protocol {version} cannot carry audio]"
                )))
            }
            Content::ResourceLink {
                uri,
                name,
                description,
                ..
            } if !version.has_structured_output() => {
                let about = description
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default();
                Cow::Owned(Content::text(format!("Resource {name} <{uri}>{about}")))
            }
            _ if stale_annotation => {
                let mut owned = self.clone();
                let mut annotations = owned.annotations().cloned().unwrap_or_default();
                annotations.last_modified = None;
                owned = owned.with_annotations(annotations);
                Cow::Owned(owned)
            }
            _ => Cow::Borrowed(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serializes_every_block_in_spec_shape() {
        let blocks = vec![
            Content::text("hi"),
            Content::image("aGk=", "image/png"),
            Content::audio("aGk=", "audio/wav"),
            Content::embedded_text("test://a", Some("text/plain"), "body"),
            Content::embedded_blob("test://b", None, "aGk="),
            Content::resource_link("test://c", "c"),
        ];
        assert_eq!(
            serde_json::to_value(&blocks).unwrap(),
            json!([
                {"type":"text","text":"hi"},
                {"type":"image","data":"aGk=","mimeType":"image/png"},
                {"type":"audio","data":"aGk=","mimeType":"audio/wav"},
                {"type":"resource","resource":{"uri":"test://a","mimeType":"text/plain","text":"body"}},
                {"type":"resource","resource":{"uri":"test://b","blob":"aGk="}},
                {"type":"resource_link","uri":"test://c","name":"c"}
            ])
        );
    }

    #[test]
    fn downgrades_blocks_an_old_revision_does_not_know() {
        let audio = Content::audio("aGk=", "audio/wav");
        assert!(matches!(
            *audio.for_version(ProtocolVersion::V2024_11_05),
            Content::Text { .. }
        ));
        assert_eq!(*audio.for_version(ProtocolVersion::V2025_03_26), audio);
        let link = Content::resource_link("test://c", "c");
        assert!(matches!(
            *link.for_version(ProtocolVersion::V2025_03_26),
            Content::Text { .. }
        ));
        assert_eq!(*link.for_version(ProtocolVersion::V2025_06_18), link);
        let dated = Content::text("x").with_annotations(Annotations {
            priority: Some(0.5),
            last_modified: Some("2025-01-01T00:00:00Z".into()),
            ..Annotations::default()
        });
        let old = serde_json::to_value(&*dated.for_version(ProtocolVersion::V2025_03_26)).unwrap();
        assert_eq!(
            old,
            json!({"type":"text","text":"x","annotations":{"priority":0.5}})
        );
    }
}
