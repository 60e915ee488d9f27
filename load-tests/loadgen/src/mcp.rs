//! The MCP messages the load generator sends, and how it checks the answers.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

pub const PROTOCOL_VERSION: &str = "2025-06-18";
/// The stateless revision: no session, the version in a header and in every `_meta`.
pub const STATELESS_VERSION: &str = "2026-07-28";

pub fn initialize(id: u64) -> Bytes {
    Bytes::from(format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"initialize","params":{{"protocolVersion":"{PROTOCOL_VERSION}","capabilities":{{}},"clientInfo":{{"name":"loadgen","version":"0"}}}}}}"#
    ))
}

pub fn initialized() -> Bytes {
    Bytes::from_static(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
}

/// A `tools/call` of `echo`; `message` must need no JSON escaping.
pub fn call(id: u64, message: &str) -> Bytes {
    Bytes::from(format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"echo","arguments":{{"message":"{message}"}}}}}}"#
    ))
}

/// A 2026-07-28 stateless `tools/call` of `echo`: `params._meta` declares the
/// revision and the (empty) client capabilities; `message` must need no escaping.
pub fn stateless_call(id: u64, message: &str) -> Bytes {
    Bytes::from(format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"echo","arguments":{{"message":"{message}"}},"_meta":{{"io.modelcontextprotocol/protocolVersion":"{STATELESS_VERSION}","io.modelcontextprotocol/clientCapabilities":{{}}}}}}}}"#
    ))
}

/// What one JSON-RPC line on a stream (or a JSON body) turned out to be.
#[derive(Debug, PartialEq)]
pub enum Check {
    /// The answer to the request we are waiting for, with the right content.
    Match,
    /// A notification or request from the server: not ours, skip it.
    NotAnAnswer,
    /// Anything else is an error.
    Wrong(String),
}

#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    result: Option<CallResult<'a>>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct CallResult<'a> {
    #[serde(borrow, default)]
    content: Vec<Content<'a>>,
    #[serde(rename = "isError", default)]
    is_error: bool,
    #[serde(rename = "protocolVersion", borrow, default)]
    protocol_version: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
}

fn short(line: &str) -> String {
    line.chars().take(200).collect()
}

fn parse<'a>(line: &'a str, id: u64) -> Result<Option<Reply<'a>>, String> {
    let reply: Reply = serde_json::from_str(line)
        .map_err(|e| format!("not a JSON-RPC message ({e}): {}", short(line)))?;
    match &reply.id {
        None if reply.method.is_some() => Ok(None),
        Some(_) if reply.method.is_some() => Ok(None),
        None => Err(format!("answer without id: {}", short(line))),
        Some(got) if got.as_u64() != Some(id) => {
            Err(format!("answer for id {got} while waiting for id {id}"))
        }
        Some(_) => {
            if let Some(error) = &reply.error {
                return Err(format!("error answer for id {id}: {error}"));
            }
            Ok(Some(reply))
        }
    }
}

/// Checks a `tools/call` answer: right id, one text item equal to `expected`.
pub fn check_call(line: &str, id: u64, expected: &str) -> Check {
    let reply = match parse(line, id) {
        Ok(Some(reply)) => reply,
        Ok(None) => return Check::NotAnAnswer,
        Err(why) => return Check::Wrong(why),
    };
    let Some(result) = reply.result else {
        return Check::Wrong(format!("answer for id {id} has no result"));
    };
    let text = match result.content.first() {
        Some(Content {
            kind,
            text: Some(text),
        }) if kind == "text" => text,
        _ => {
            return Check::Wrong(format!(
                "answer for id {id}: no text content: {}",
                short(line)
            ))
        }
    };
    if result.is_error || result.content.len() != 1 || text != expected {
        return Check::Wrong(format!(
            "answer for id {id} does not echo {expected:?}: {}",
            short(line)
        ));
    }
    Check::Match
}

/// Checks an `initialize` answer: right id, a result naming a protocol version.
pub fn check_initialize(line: &str, id: u64) -> Check {
    match parse(line, id) {
        Ok(Some(Reply {
            result:
                Some(CallResult {
                    protocol_version: Some(_),
                    ..
                }),
            ..
        })) => Check::Match,
        Ok(Some(_)) => Check::Wrong(format!(
            "initialize answer without protocolVersion: {}",
            short(line)
        )),
        Ok(None) => Check::NotAnAnswer,
        Err(why) => Check::Wrong(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        let ok = r#"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"hi"}]}}"#;
        assert_eq!(check_call(ok, 3, "hi"), Check::Match);
        assert!(matches!(check_call(ok, 4, "hi"), Check::Wrong(_)));
        assert!(matches!(check_call(ok, 3, "ho"), Check::Wrong(_)));
        let note = r#"{"jsonrpc":"2.0","method":"notifications/message","params":{}}"#;
        assert_eq!(check_call(note, 3, "hi"), Check::NotAnAnswer);
        let init = r#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18"}}"#;
        assert_eq!(check_initialize(init, 0), Check::Match);
        let err = r#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"x"}}"#;
        assert!(matches!(check_call(err, 3, "hi"), Check::Wrong(_)));
    }

    #[test]
    fn bodies_are_json() {
        for body in [
            initialize(0),
            initialized(),
            call(7, "m-1-2"),
            stateless_call(8, "m-1-3"),
        ] {
            serde_json::from_slice::<Value>(&body).unwrap();
        }
        let stateless: Value = serde_json::from_slice(&stateless_call(8, "m")).unwrap();
        let meta = &stateless["params"]["_meta"];
        assert_eq!(
            meta["io.modelcontextprotocol/protocolVersion"],
            STATELESS_VERSION
        );
        assert!(meta["io.modelcontextprotocol/clientCapabilities"].is_object());
        assert_eq!(stateless["params"]["arguments"]["message"], "m");
    }
}
