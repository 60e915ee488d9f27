//! The 2026-07-28 result envelope: `resultType`, the server's identity in
//! `_meta["io.modelcontextprotocol/serverInfo"]`, and the caching hints (`ttlMs`,
//! `cacheScope`) of discovery, the lists and `resources/read`.
//!
//! Owns: turning a method's serialized result into that shape, cheaply. Must not: decide
//! which methods are cacheable (the router does) or what a result says.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::meta;
use crate::config::McpConfig;
use crate::executor::{answer, Answer};
use crate::methods::lifecycle::{server_identity, ServerInfo};
use crate::protocol::{ErrorCode, RpcError};

/// The caching hints of discovery, the list methods and `resources/read`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CacheHints {
    /// `ttlMs`: how long a client may reuse the result.
    pub ttl_ms: u64,
    /// `cacheScope`: `"public"` only when no result can depend on who asks.
    pub scope: &'static str,
}

impl CacheHints {
    /// From the configured TTL (`McpConfig::cache_ttl`): `"private"` whenever
    /// authentication is on (an answer may depend on the principal) or nothing may be
    /// cached anyway.
    pub(crate) fn of(config: &McpConfig) -> CacheHints {
        let ttl_ms = u64::try_from(config.cache_ttl.as_millis()).unwrap_or(u64::MAX);
        let public = ttl_ms > 0 && config.access.bearer_tokens.is_empty();
        CacheHints {
            ttl_ms,
            scope: if public { "public" } else { "private" },
        }
    }
}

/// Turns a method's result into a 2026-07-28 result: `resultType`, the server's
/// identity in `_meta`, and the caching hints of a cacheable method. What the method set
/// itself (its own `_meta` keys, say) stays.
pub(crate) fn complete(
    result: &RawValue,
    info: &ServerInfo,
    cacheable: Option<CacheHints>,
) -> Answer {
    envelope(result, info, "complete", cacheable)
}

/// [`complete`] with another default `resultType` (`"task"` for a task handle); a
/// `resultType` the result has already (`"input_required"`) stays.
pub(crate) fn envelope(
    result: &RawValue,
    info: &ServerInfo,
    result_type: &str,
    cacheable: Option<CacheHints>,
) -> Answer {
    if let Some(spliced) = splice(result.get(), info, result_type, cacheable) {
        return Ok(spliced);
    }
    let mut object: Map<String, Value> = serde_json::from_str(result.get())
        .map_err(|e| RpcError::new(ErrorCode::InternalError, format!("Internal error: {e}")))?;
    object
        .entry("resultType")
        .or_insert_with(|| Value::from(result_type));
    let identity = serde_json::to_value(server_identity(info)).unwrap_or_default();
    let slot = object
        .entry("_meta")
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        // `_meta` must be an object; a handler that set something else loses it.
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(meta) = slot {
        meta.insert(meta::SERVER_INFO.into(), identity);
    }
    if let Some(hints) = cacheable {
        object.entry("ttlMs").or_insert(Value::from(hints.ttl_ms));
        object
            .entry("cacheScope")
            .or_insert(Value::from(hints.scope));
    }
    answer(&object)
}

/// The common case of [`complete`] without parsing the result into values: when no
/// key of the object (at any depth) is one of the fields we add, append them before its
/// closing brace. Quotes inside JSON strings are escaped, so text cannot look like a
/// key; a string value spelling one only costs the slow path.
fn splice(
    raw: &str,
    info: &ServerInfo,
    result_type: &str,
    cacheable: Option<CacheHints>,
) -> Option<Box<RawValue>> {
    let raw = raw.trim_end();
    let body = raw.strip_suffix('}').filter(|_| raw.starts_with('{'))?;
    let ours = ["\"_meta\"", "\"resultType\"", "\"ttlMs\"", "\"cacheScope\""];
    if ours.iter().any(|field| raw.contains(field)) {
        return None;
    }
    let identity = serde_json::to_string(&server_identity(info)).ok()?;
    let mut out = String::with_capacity(raw.len() + identity.len() + 96);
    out.push_str(body);
    if body.trim_end() != "{" {
        out.push(',');
    }
    out.push_str("\"resultType\":\"");
    out.push_str(result_type);
    out.push_str("\",\"_meta\":{\"");
    out.push_str(meta::SERVER_INFO);
    out.push_str("\":");
    out.push_str(&identity);
    out.push('}');
    if let Some(hints) = cacheable {
        out.push_str(&format!(
            ",\"ttlMs\":{},\"cacheScope\":\"{}\"",
            hints.ttl_ms, hints.scope
        ));
    }
    out.push('}');
    RawValue::from_string(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splicing_gives_what_parsing_gives() {
        let hints = Some(CacheHints {
            ttl_ms: 5,
            scope: "public",
        });
        for (result, cacheable) in [
            (json!({}), None),
            (json!({"content": [{"type": "text", "text": "x"}]}), None),
            (json!({"tools": [{"name": "a"}], "nextCursor": "c"}), hints),
        ] {
            let raw = result.to_string();
            let spliced: Value =
                serde_json::from_str(splice(&raw, &info(), "complete", cacheable).unwrap().get())
                    .unwrap();
            assert_eq!(spliced["resultType"], "complete");
            let mut expected = result.as_object().cloned().unwrap();
            expected.insert("resultType".into(), json!("complete"));
            expected.insert(
                "_meta".into(),
                json!({"io.modelcontextprotocol/serverInfo": {"name": "s", "version": "1"}}),
            );
            if let Some(h) = cacheable {
                expected.insert("ttlMs".into(), json!(h.ttl_ms));
                expected.insert("cacheScope".into(), json!(h.scope));
            }
            assert_eq!(spliced, Value::Object(expected));
        }
        // Quotes inside strings are escaped, so text never looks like a key...
        assert!(splice(
            r#"{"content":"say \"resultType\""}"#,
            &info(),
            "complete",
            None
        )
        .is_some());
        // ...and a key of ours anywhere, or such a string value, takes the parsing path.
        for raw in [
            r#"{"_meta":{"a":1}}"#,
            r#"{"x":{"ttlMs":1}}"#,
            r#"{"x":"resultType"}"#,
            "[1]",
        ] {
            assert!(splice(raw, &info(), "complete", None).is_none(), "{raw}");
        }
    }

    fn info() -> ServerInfo {
        ServerInfo {
            name: "s".into(),
            version: "1".into(),
            title: None,
            instructions: None,
        }
    }

    fn completed(result: Value, cacheable: bool) -> Value {
        let cacheable = cacheable.then(|| CacheHints::of(&McpConfig::default()));
        let raw = serde_json::value::to_raw_value(&result).unwrap();
        serde_json::from_str(complete(&raw, &info(), cacheable).unwrap().get()).unwrap()
    }

    #[test]
    fn every_result_gets_its_type_and_our_identity_and_lists_get_hints() {
        let call = completed(json!({"content": [], "_meta": {"mine": 1}}), false);
        assert_eq!(call["resultType"], "complete");
        assert_eq!(call["_meta"]["mine"], 1);
        assert_eq!(
            call["_meta"]["io.modelcontextprotocol/serverInfo"],
            json!({"name": "s", "version": "1"})
        );
        assert!(call.get("ttlMs").is_none());
        let list = completed(json!({"tools": []}), true);
        assert_eq!(
            (list["ttlMs"].clone(), list["cacheScope"].clone()),
            (json!(0), json!("private"))
        );
    }
}
