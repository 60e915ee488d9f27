//! JSON-RPC 2.0 envelopes: parsing what a client sends, serializing what we send.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

use super::error::{ErrorCode, RpcError};

/// A request id: a string or an integer, never null (MCP forbids null ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    Number(i64),
    String(String),
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => write!(f, "{s:?}"),
        }
    }
}

impl RequestId {
    fn from_value(value: &Value) -> Option<RequestId> {
        match value {
            Value::String(s) => Some(RequestId::String(s.clone())),
            Value::Number(n) => n.as_i64().map(RequestId::Number),
            _ => None,
        }
    }
}

/// One JSON-RPC message received from a client.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Expects exactly one response with the same id.
    Request {
        id: RequestId,
        method: String,
        params: Option<Map<String, Value>>,
    },
    /// Never answered.
    Notification {
        method: String,
        params: Option<Map<String, Value>>,
    },
    /// The client's answer to a request we sent.
    Response { id: RequestId, result: Value },
    /// The client's error answer to a request we sent (id may be absent if it could not tell).
    Error { id: Option<RequestId>, error: Value },
}

impl Message {
    /// The message as JSON again (what [`Message::from_value`] reads), for handing it
    /// to another replica.
    pub fn to_value(&self) -> Value {
        let mut object = Map::new();
        object.insert("jsonrpc".into(), Value::from("2.0"));
        let id = |id: &RequestId| serde_json::to_value(id).unwrap_or(Value::Null);
        match self {
            Message::Request {
                id: rid,
                method,
                params,
            } => {
                object.insert("id".into(), id(rid));
                object.insert("method".into(), Value::from(method.as_str()));
                if let Some(params) = params {
                    object.insert("params".into(), Value::Object(params.clone()));
                }
            }
            Message::Notification { method, params } => {
                object.insert("method".into(), Value::from(method.as_str()));
                if let Some(params) = params {
                    object.insert("params".into(), Value::Object(params.clone()));
                }
            }
            Message::Response { id: rid, result } => {
                object.insert("id".into(), id(rid));
                object.insert("result".into(), result.clone());
            }
            Message::Error { id: rid, error } => {
                object.insert("id".into(), rid.as_ref().map_or(Value::Null, id));
                object.insert("error".into(), error.clone());
            }
        }
        Value::Object(object)
    }

    /// A short label for logs.
    pub fn method(&self) -> Option<&str> {
        match self {
            Message::Request { method, .. } | Message::Notification { method, .. } => Some(method),
            _ => None,
        }
    }
}

/// Why a body could not be turned into a [`Message`]; carries the JSON-RPC error to send back.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseFailure {
    /// The request id, when it could be read, so the error can echo it.
    pub id: Option<RequestId>,
    pub error: RpcError,
}

impl ParseFailure {
    fn invalid(id: Option<RequestId>, why: &str) -> Self {
        ParseFailure {
            id,
            error: RpcError::new(ErrorCode::InvalidRequest, format!("Invalid Request: {why}")),
        }
    }

    /// The body is not JSON at all (-32700).
    pub fn not_json(error: &serde_json::Error) -> Self {
        ParseFailure {
            id: None,
            error: RpcError::new(ErrorCode::ParseError, format!("Parse error: {error}")),
        }
    }

    /// A batch (JSON array) where only single messages are accepted (-32600).
    pub fn batch_not_accepted() -> Self {
        ParseFailure::invalid(
            None,
            "JSON-RPC batches are not accepted here; send one message per request",
        )
    }

    pub fn is_parse_error(&self) -> bool {
        self.error.code == ErrorCode::ParseError.code()
    }
}

/// Parses one HTTP body holding a single JSON-RPC message.
///
/// Arrays (batches) are refused here: only sessions that negotiated 2025-03-26 may batch,
/// and the transport that allows it unpacks the array itself and calls [`Message::from_value`].
pub fn parse_message(body: &[u8]) -> Result<Message, ParseFailure> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ParseFailure::not_json(&e))?;
    if value.is_array() {
        return Err(ParseFailure::batch_not_accepted());
    }
    Message::from_value(value)
}

impl Message {
    /// Classifies a parsed JSON value as a request, notification or response.
    pub fn from_value(value: Value) -> Result<Message, ParseFailure> {
        let Value::Object(mut obj) = value else {
            return Err(ParseFailure::invalid(None, "expected a JSON object"));
        };
        let raw_id = obj.remove("id");
        let id = raw_id.as_ref().and_then(RequestId::from_value);
        if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Err(ParseFailure::invalid(id, "`jsonrpc` must be \"2.0\""));
        }
        if let Some(method) = obj.remove("method") {
            let Value::String(method) = method else {
                return Err(ParseFailure::invalid(id, "`method` must be a string"));
            };
            let params = match obj.remove("params") {
                None | Some(Value::Null) => None,
                Some(Value::Object(map)) => Some(map),
                Some(_) => {
                    return Err(ParseFailure::invalid(id, "`params` must be an object"));
                }
            };
            return match (raw_id, id) {
                (None, _) => Ok(Message::Notification { method, params }),
                (Some(_), Some(id)) => Ok(Message::Request { id, method, params }),
                (Some(_), None) => Err(ParseFailure::invalid(
                    None,
                    "`id` must be a string or an integer (not null)",
                )),
            };
        }
        match (obj.remove("result"), obj.remove("error"), id) {
            (Some(result), None, Some(id)) => Ok(Message::Response { id, result }),
            (None, Some(error), id) if error.is_object() => Ok(Message::Error { id, error }),
            _ => Err(ParseFailure::invalid(
                None,
                "a message needs `method`, or `id` with exactly one of `result` and `error`",
            )),
        }
    }
}

#[derive(Serialize)]
struct ResultEnvelope<'a, T: Serialize> {
    jsonrpc: &'static str,
    id: &'a RequestId,
    result: &'a T,
}

#[derive(Serialize)]
struct ErrorEnvelope<'a> {
    jsonrpc: &'static str,
    /// `null` when the request id could not be read (JSON-RPC requires the member).
    id: Option<&'a RequestId>,
    error: &'a RpcError,
}

#[derive(Serialize)]
struct NotificationEnvelope<'a, T: Serialize> {
    jsonrpc: &'static str,
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<&'a T>,
}

/// Serializes a success response as one line of JSON.
pub fn response_ok<T: Serialize>(id: &RequestId, result: &T) -> String {
    let envelope = ResultEnvelope {
        jsonrpc: "2.0",
        id,
        result,
    };
    serde_json::to_string(&envelope).unwrap_or_else(|e| {
        // A result that cannot be serialized is our bug; the client still gets an answer.
        response_error(
            Some(id),
            &RpcError::new(ErrorCode::InternalError, format!("Internal error: {e}")),
        )
    })
}

/// Serializes an error response as one line of JSON.
pub fn response_error(id: Option<&RequestId>, error: &RpcError) -> String {
    let envelope = ErrorEnvelope {
        jsonrpc: "2.0",
        id,
        error,
    };
    // RpcError holds only strings, integers and JSON values: serialization cannot fail.
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// Serializes a notification as one line of JSON.
pub fn notification<T: Serialize>(method: &str, params: Option<&T>) -> String {
    let envelope = NotificationEnvelope {
        jsonrpc: "2.0",
        method,
        params,
    };
    serde_json::to_string(&envelope).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Message, ParseFailure> {
        parse_message(v.to_string().as_bytes())
    }

    #[test]
    fn messages_read_back_from_their_json_unchanged() {
        for message in [
            json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}),
            json!({"jsonrpc":"2.0","id":"a","method":"ping"}),
            json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
            json!({"jsonrpc":"2.0","id":7,"result":{"roots":[]}}),
            json!({"jsonrpc":"2.0","id":8,"error":{"code":-1,"message":"no"}}),
        ] {
            let parsed = parse(message.clone()).unwrap();
            assert_eq!(parsed.to_value(), message);
            assert_eq!(Message::from_value(parsed.to_value()).unwrap(), parsed);
        }
    }

    #[test]
    fn classifies_messages() {
        assert!(matches!(
            parse(json!({"jsonrpc":"2.0","id":1,"method":"ping"})),
            Ok(Message::Request {
                id: RequestId::Number(1),
                ..
            })
        ));
        assert!(matches!(
            parse(json!({"jsonrpc":"2.0","id":"a","method":"ping","params":{}})),
            Ok(Message::Request {
                id: RequestId::String(_),
                params: Some(_),
                ..
            })
        ));
        assert!(matches!(
            parse(json!({"jsonrpc":"2.0","method":"notifications/initialized"})),
            Ok(Message::Notification { .. })
        ));
        assert!(matches!(
            parse(json!({"jsonrpc":"2.0","id":7,"result":{}})),
            Ok(Message::Response { .. })
        ));
        assert!(matches!(
            parse(json!({"jsonrpc":"2.0","id":7,"error":{"code":-1,"message":"no"}})),
            Ok(Message::Error { .. })
        ));
    }

    #[test]
    fn rejects_bad_envelopes_with_the_right_code() {
        let err = parse_message(b"{not json").unwrap_err();
        assert_eq!(err.error.code, -32700);
        for bad in [
            json!([{"jsonrpc":"2.0","id":1,"method":"ping"}]),
            json!({"id":1,"method":"ping"}),
            json!({"jsonrpc":"1.0","id":1,"method":"ping"}),
            json!({"jsonrpc":"2.0","id":null,"method":"ping"}),
            json!({"jsonrpc":"2.0","id":1.5,"method":"ping"}),
            json!({"jsonrpc":"2.0","id":1,"method":5}),
            json!({"jsonrpc":"2.0","id":1,"method":"x","params":[1]}),
            json!({"jsonrpc":"2.0","id":1}),
            json!("hello"),
        ] {
            let err = parse(bad.clone()).unwrap_err();
            assert_eq!(err.error.code, -32600, "{bad}");
        }
    }

    #[test]
    fn invalid_request_echoes_a_readable_id() {
        let err = parse(json!({"jsonrpc":"1.0","id":"abc","method":"ping"})).unwrap_err();
        assert_eq!(err.id, Some(RequestId::String("abc".into())));
    }

    #[test]
    fn serializes_one_line_envelopes() {
        let line = response_ok(&RequestId::Number(3), &json!({"a": "x\ny"}));
        assert_eq!(line, r#"{"jsonrpc":"2.0","id":3,"result":{"a":"x\ny"}}"#);
        let line = response_error(None, &RpcError::method_not_found("nope"));
        assert_eq!(
            line,
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"Method not found: nope"}}"#
        );
    }
}
