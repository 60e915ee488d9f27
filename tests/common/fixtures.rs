//! Resources and prompts that exist only to exercise the server.

use actix_mcp::prompt::{GetPromptResult, NoArguments, Prompt, PromptMessage};
use actix_mcp::protocol::ResourceContents;
use actix_mcp::resource::{Resource, ResourceTemplate};
use actix_mcp::Content;
use schemars::JsonSchema;
use serde::Deserialize;

pub const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

pub fn resources() -> Vec<Resource> {
    vec![
        Resource::text(
            "test://static-text",
            "static-text",
            "text/plain",
            "Static text.",
        )
        .title("Static text")
        .description("A fixed text resource"),
        Resource::blob("test://static-binary", "static-binary", "image/png", PNG)
            .description("A fixed PNG")
            // Never changes: 2026-07-28 clients may keep it an hour.
            .cache_ttl(std::time::Duration::from_secs(3600)),
        Resource::new("test://broken", "broken", |_ctx| async {
            Err("the backing store is down".to_owned())
        }),
    ]
}

/// The variables of `test://items/{id}/data`.
#[derive(Deserialize, JsonSchema)]
pub struct ItemUri {
    pub id: String,
}

/// The arguments of the `greet` prompt.
#[derive(Deserialize, JsonSchema)]
pub struct GreetArgs {
    /// Who to greet
    pub name: String,
    /// Language code
    pub language: Option<String>,
}

pub fn templates() -> Vec<ResourceTemplate> {
    vec![ResourceTemplate::new(
        "test://items/{id}/data",
        "item-data",
        |uri, vars: ItemUri, _ctx| async move {
            let id = vars.id;
            Ok(vec![ResourceContents::Text {
                uri,
                mime_type: Some("application/json".into()),
                text: format!(r#"{{"id":"{id}"}}"#),
            }])
        },
    )
    .mime_type("application/json")
    .complete("id", |typed, _| {
        (0..250)
            .map(|n| format!("{n}"))
            .filter(|v| v.starts_with(typed))
            .collect()
    })]
}

pub fn prompts() -> Vec<Prompt> {
    vec![
        Prompt::new(
            "simple",
            "A prompt without arguments",
            |_: NoArguments, _ctx| async {
                Ok(GetPromptResult::messages(vec![PromptMessage::user(
                    Content::text("Say something simple."),
                )]))
            },
        ),
        Prompt::new(
            "greet",
            "Greets someone in a language",
            |args: GreetArgs, _ctx| async move {
                let name = args.name;
                let language = args.language.unwrap_or_else(|| "en".into());
                Ok(GetPromptResult {
                    description: Some(format!("Greeting in {language}")),
                    messages: vec![PromptMessage::user(Content::text(format!(
                        "Greet {name} in {language}."
                    )))],
                })
            },
        )
        .complete("language", |typed, _| {
            ["de", "en", "es", "fr"]
                .iter()
                .filter(|l| l.starts_with(typed))
                .map(|l| l.to_string())
                .collect()
        }),
        Prompt::new(
            "with_media",
            "Embedded resource, image and audio",
            |_: NoArguments, _ctx| async {
                Ok(GetPromptResult::messages(vec![
                    PromptMessage::user(Content::embedded_text(
                        "test://doc",
                        Some("text/plain"),
                        "doc body",
                    )),
                    PromptMessage::user(Content::image(PNG, "image/png")),
                    PromptMessage::assistant(Content::audio("UklGRg==", "audio/wav")),
                ]))
            },
        ),
    ]
}
