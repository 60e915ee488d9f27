//! Resources, resource templates, subscriptions, prompts and completion over real
//! sockets, on both transports.

mod common;

use common::fixtures::PNG;
use common::sse_client::SseClient;
use common::streamable_client::{EventReader, StreamableClient};
use common::{fast_config, start_server};
use serde_json::{json, Value};
use std::time::Duration;

/// A client of either transport, for the checks both must pass.
enum Client {
    Legacy(SseClient),
    Streamable(StreamableClient),
}

impl Client {
    async fn request(&mut self, id: Value, method: &str, params: Value) -> Value {
        match self {
            Client::Legacy(c) => c.request(id, method, params).await,
            Client::Streamable(c) => c.request(id, method, params).await,
        }
    }
}

async fn clients(base: &str, version: &str) -> Vec<Client> {
    let mut legacy = SseClient::connect(&format!("{base}/sse")).await;
    legacy.initialize(version).await;
    let mut streamable = StreamableClient::new(&format!("{base}/mcp"));
    streamable.initialize(version).await;
    vec![Client::Legacy(legacy), Client::Streamable(streamable)]
}

#[actix_web::test]
async fn resources_list_read_and_fail_clearly() {
    let server = start_server(fast_config(), "").await;
    for mut client in clients(&server.base_url, "2025-06-18").await {
        let list = client.request(json!(1), "resources/list", json!({})).await;
        let resources = list["result"]["resources"].as_array().unwrap();
        assert_eq!(
            resources[0],
            json!({"uri":"test://static-text","name":"static-text","title":"Static text","description":"A fixed text resource","mimeType":"text/plain"})
        );
        assert_eq!(resources.len(), 3);

        let templates = client
            .request(json!(2), "resources/templates/list", json!({}))
            .await;
        assert_eq!(
            templates["result"]["resourceTemplates"],
            json!([{"uriTemplate":"test://items/{id}/data","name":"item-data","mimeType":"application/json"}])
        );

        let text = client
            .request(
                json!(3),
                "resources/read",
                json!({"uri":"test://static-text"}),
            )
            .await;
        assert_eq!(
            text["result"]["contents"],
            json!([{"uri":"test://static-text","mimeType":"text/plain","text":"Static text."}])
        );
        let blob = client
            .request(
                json!(4),
                "resources/read",
                json!({"uri":"test://static-binary"}),
            )
            .await;
        assert_eq!(blob["result"]["contents"][0]["blob"], PNG);
        let templated = client
            .request(
                json!(5),
                "resources/read",
                json!({"uri":"test://items/42/data"}),
            )
            .await;
        assert_eq!(templated["result"]["contents"][0]["text"], r#"{"id":"42"}"#);
        assert_eq!(
            templated["result"]["contents"][0]["uri"],
            "test://items/42/data"
        );

        let missing = client
            .request(json!(6), "resources/read", json!({"uri":"test://nope"}))
            .await;
        assert_eq!(missing["error"]["code"], -32002);
        assert_eq!(missing["error"]["data"]["uri"], "test://nope");
        let broken = client
            .request(json!(7), "resources/read", json!({"uri":"test://broken"}))
            .await;
        assert_eq!(broken["error"]["code"], -32603);
        let no_uri = client.request(json!(8), "resources/read", json!({})).await;
        assert_eq!(no_uri["error"]["code"], -32602);
        let bad_cursor = client
            .request(json!(9), "resources/list", json!({"cursor":"zz"}))
            .await;
        assert_eq!(bad_cursor["error"]["code"], -32602);
    }
}

#[actix_web::test]
async fn capabilities_declare_what_is_served() {
    let server = start_server(fast_config(), "").await;
    let mut client = StreamableClient::new(&format!("{}/mcp", server.base_url));
    let init = client.initialize("2025-11-25").await;
    assert_eq!(
        init["capabilities"]["resources"],
        json!({"subscribe": true, "listChanged": true})
    );
    assert_eq!(
        init["capabilities"]["prompts"],
        json!({"listChanged": true})
    );
    assert_eq!(init["capabilities"]["completions"], json!({}));
    let mut old = StreamableClient::new(&format!("{}/mcp", server.base_url));
    let init = old.initialize("2024-11-05").await;
    assert!(
        init["capabilities"].get("completions").is_none(),
        "2024-11-05 has no completions capability"
    );
}

#[actix_web::test]
async fn subscribed_sessions_hear_of_updates_and_no_one_else() {
    let server = start_server(fast_config(), "").await;
    let mut legacy = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    legacy.initialize("2025-06-18").await;
    let mut streamable = StreamableClient::new(&format!("{}/mcp", server.base_url));
    streamable.initialize("2025-06-18").await;
    let mut standalone = EventReader::new(streamable.get_builder().send().await.unwrap());
    let mut bystander = SseClient::connect(&format!("{}/sse", server.base_url)).await;
    bystander.initialize("2025-06-18").await;

    let ok = legacy
        .request(
            json!(1),
            "resources/subscribe",
            json!({"uri":"test://static-text"}),
        )
        .await;
    assert_eq!(ok["result"], json!({}));
    let ok = streamable
        .request(
            json!(1),
            "resources/subscribe",
            json!({"uri":"test://static-text"}),
        )
        .await;
    assert_eq!(ok["result"], json!({}));
    let unknown = legacy
        .request(
            json!(2),
            "resources/subscribe",
            json!({"uri":"test://nope"}),
        )
        .await;
    assert_eq!(unknown["error"]["code"], -32002);

    server.mcp.notify_resource_updated("test://static-text");
    let note = legacy.next_message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        note,
        json!({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"test://static-text"}})
    );
    let event = standalone.next(Duration::from_secs(5)).await.unwrap();
    let note: Value = serde_json::from_str(&event.data).unwrap();
    assert_eq!(note["params"]["uri"], "test://static-text");
    assert!(
        bystander
            .next_message(Duration::from_millis(300))
            .await
            .is_none(),
        "not subscribed"
    );

    let ok = legacy
        .request(
            json!(3),
            "resources/unsubscribe",
            json!({"uri":"test://static-text"}),
        )
        .await;
    assert_eq!(ok["result"], json!({}));
    server.mcp.notify_resource_updated("test://static-text");
    server.mcp.notify_resource_updated("test://static-binary");
    assert!(
        legacy
            .next_message(Duration::from_millis(300))
            .await
            .is_none(),
        "unsubscribed"
    );
}

#[actix_web::test]
async fn prompts_list_get_and_check_arguments() {
    let server = start_server(fast_config(), "").await;
    for mut client in clients(&server.base_url, "2025-06-18").await {
        let list = client.request(json!(1), "prompts/list", json!({})).await;
        let prompts = list["result"]["prompts"].as_array().unwrap();
        assert_eq!(
            prompts[0],
            json!({"name":"simple","description":"A prompt without arguments"})
        );
        assert_eq!(
            prompts[1]["arguments"],
            json!([{"name":"name","description":"Who to greet","required":true},
                   {"name":"language","description":"Language code","required":false}])
        );

        let simple = client
            .request(json!(2), "prompts/get", json!({"name":"simple"}))
            .await;
        assert_eq!(
            simple["result"]["messages"],
            json!([{"role":"user","content":{"type":"text","text":"Say something simple."}}])
        );
        let greet = client
            .request(
                json!(3),
                "prompts/get",
                json!({"name":"greet","arguments":{"name":"Ada","language":"fr"}}),
            )
            .await;
        assert_eq!(greet["result"]["description"], "Greeting in fr");
        assert_eq!(
            greet["result"]["messages"][0]["content"]["text"],
            "Greet Ada in fr."
        );
        let media = client
            .request(json!(4), "prompts/get", json!({"name":"with_media"}))
            .await;
        let kinds: Vec<_> = media["result"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"]["type"].clone())
            .collect();
        assert_eq!(kinds, [json!("resource"), json!("image"), json!("audio")]);

        for (id, params) in [
            (5, json!({"name":"greet"})),
            (
                6,
                json!({"name":"greet","arguments":{"name":"Ada","mood":"x"}}),
            ),
            (7, json!({"name":"nope"})),
            (8, json!({"name":"greet","arguments":{"name":5}})),
        ] {
            let refused = client
                .request(json!(id), "prompts/get", params.clone())
                .await;
            assert_eq!(refused["error"]["code"], -32602, "{params}");
        }
    }
}

#[actix_web::test]
async fn completion_for_prompt_arguments_and_template_variables() {
    let server = start_server(fast_config(), "").await;
    for mut client in clients(&server.base_url, "2025-06-18").await {
        let languages = client
            .request(json!(1), "completion/complete", json!({"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"language","value":"e"}}))
            .await;
        assert_eq!(
            languages["result"]["completion"],
            json!({"values":["en","es"],"total":2,"hasMore":false})
        );
        let ids = client
            .request(json!(2), "completion/complete", json!({"ref":{"type":"ref/resource","uri":"test://items/{id}/data"},"argument":{"name":"id","value":"1"}}))
            .await;
        let completion = &ids["result"]["completion"];
        assert_eq!(
            completion["values"].as_array().unwrap().len(),
            100,
            "at most 100 values"
        );
        assert_eq!(completion["total"], 111);
        assert_eq!(completion["hasMore"], true);
        let none = client
            .request(json!(3), "completion/complete", json!({"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"name","value":"A"}}))
            .await;
        assert_eq!(none["result"]["completion"]["values"], json!([]));
        for (id, params) in [
            (
                4,
                json!({"ref":{"type":"ref/prompt","name":"nope"},"argument":{"name":"x","value":""}}),
            ),
            (
                5,
                json!({"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"mood","value":""}}),
            ),
            (
                6,
                json!({"ref":{"type":"ref/resource","uri":"test://unknown/{x}"},"argument":{"name":"x","value":""}}),
            ),
            (
                7,
                json!({"ref":{"type":"ref/other"},"argument":{"name":"x","value":""}}),
            ),
        ] {
            let refused = client
                .request(json!(id), "completion/complete", params.clone())
                .await;
            assert_eq!(refused["error"]["code"], -32602, "{params}");
        }
    }
}
