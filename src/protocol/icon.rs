//! Icons for tools, resources, templates and prompts (2025-11-25 and later).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Icon {
    /// An `https:` or `data:` URI.
    pub src: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Sizes such as `48x48`, or `any` for scalable formats.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<String>,
}

impl Icon {
    pub fn new(src: impl Into<String>, mime_type: Option<&str>, sizes: &[&str]) -> Icon {
        Icon {
            src: src.into(),
            mime_type: mime_type.map(str::to_owned),
            sizes: sizes.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}
