//! Header values that mirror body values in 2026-07-28 requests: the `=?base64?…?=`
//! sentinel any mirrored value may use (`Mcp-Name`, `Mcp-Param-*`), and the
//! `Mcp-Param-{Name}` headers a tool's `x-mcp-header` declarations ask for on
//! `tools/call`.
//!
//! Owns: decoding a mirrored value and comparing `Mcp-Param-*` headers with the
//! arguments they mirror (each difference a `-32020` error). Must not: read the
//! declarations from a schema (the [`Tool`] found them once, at registration), find
//! the tool, or choose status codes (the stateless edge does both).

use serde_json::Value;

use super::extract::McpHeaders;
use crate::protocol::{ErrorCode, RpcError};
use crate::tool::{ParamHeader, Tool};

/// A mirrored header value: as sent, or decoded from `=?base64?<UTF-8 base64>?=`;
/// `None` when the sentinel holds no canonical, padded base64 of UTF-8.
pub(super) fn decode(sent: &str) -> Option<String> {
    use base64::Engine;
    match sent
        .strip_prefix("=?base64?")
        .and_then(|rest| rest.strip_suffix("?="))
    {
        // Without both markers the value is literal, even if it looks like base64.
        None => Some(sent.to_owned()),
        Some(encoded) => base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok()),
    }
}

/// Every `Mcp-Param-*` header `tool` declares must mirror its argument: sent exactly
/// when `arguments` has a non-null value there, and equal to it once decoded. Headers
/// the tool does not declare are not ours to judge (intermediaries forward them).
pub(super) fn check_params(
    headers: &McpHeaders,
    tool: &Tool,
    arguments: Option<&Value>,
) -> Result<(), RpcError> {
    tool.param_headers()
        .iter()
        .try_for_each(|param| check_param(headers, param, arguments))
}

fn check_param(
    headers: &McpHeaders,
    param: &ParamHeader,
    arguments: Option<&Value>,
) -> Result<(), RpcError> {
    let mismatch = |what: String| {
        Err(RpcError::new(
            ErrorCode::HeaderMismatch,
            format!("Header mismatch: {what}"),
        ))
    };
    let name = param.shown();
    let value = param.value_in(arguments);
    let sent = match headers.mirrored(param.lookup()) {
        Some(sent) => sent,
        None if headers.sent(param.lookup()) => {
            return mismatch(format!(
                "{name} has characters a header value cannot carry (send =?base64?…?=)"
            ))
        }
        None if value.is_some() => {
            return mismatch(format!(
                "the {name} header is required with {}",
                param.argument()
            ))
        }
        None => return Ok(()),
    };
    let Some(value) = value else {
        // A header claiming a value the body does not have would mislead whoever
        // routes on it.
        return mismatch(format!(
            "{name} is sent but {} has no value",
            param.argument()
        ));
    };
    let Some(decoded) = decode(sent) else {
        return mismatch(format!("{name} is not valid =?base64?…?= UTF-8"));
    };
    if matches(&decoded, value) {
        Ok(())
    } else {
        mismatch(format!(
            "{name} {decoded:?} does not match {} {value}",
            param.argument()
        ))
    }
}

/// Whether a decoded header value is what a client derives from `value`: strings as
/// they are, booleans as `true` / `false`, numbers compared as numbers (`42.0` is
/// `42`). Objects and arrays have no header form.
fn matches(decoded: &str, value: &Value) -> bool {
    match value {
        Value::String(text) => decoded == text,
        Value::Bool(flag) => decoded == if *flag { "true" } else { "false" },
        Value::Number(number) => {
            // Exact for integers; a float only for what an integer cannot say.
            if let (Some(body), Ok(header)) = (number.as_i64(), decoded.parse::<i64>()) {
                return body == header;
            }
            match (number.as_f64(), decoded.parse::<f64>()) {
                (Some(body), Ok(header)) => header.is_finite() && body == header,
                _ => false,
            }
        }
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mirrored_values_may_be_base64_and_must_be_canonical() {
        assert_eq!(decode("echo").as_deref(), Some("echo"));
        // "Hello, 世界", the spec's example.
        let hello = decode("=?base64?SGVsbG8sIOS4lueVjA==?=");
        assert_eq!(hello.as_deref(), Some("Hello, 世界"));
        // Bad characters, missing padding, not UTF-8.
        for bad in [
            "=?base64?!!?=",
            "=?base64?SGVsbG8?=",
            "=?base64?SGVs!!!bG8=?=",
            "=?base64?/w==?=",
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
        // Without both markers: literal.
        for literal in ["SGVsbG8=", "=?base64?SGVsbG8=", "SGVsbG8=?="] {
            assert_eq!(decode(literal).as_deref(), Some(literal));
        }
    }

    #[test]
    fn values_compare_by_their_json_type() {
        assert!(matches("us-west1", &json!("us-west1")));
        assert!(!matches("US-WEST1", &json!("us-west1")));
        assert!(matches("true", &json!(true)) && matches("false", &json!(false)));
        assert!(!matches("True", &json!(true)) && !matches("1", &json!(true)));
        assert!(matches("42", &json!(42)) && matches("42.0", &json!(42)));
        assert!(matches("-7", &json!(-7)) && matches("42", &json!(42.0)));
        assert!(!matches("43", &json!(42)) && !matches("0x2A", &json!(42)));
        assert!(!matches("inf", &json!(1e308)) && !matches("NaN", &json!(0)));
        // i64 exactness where f64 would round both to 2^53.
        assert!(!matches("9007199254740993", &json!(9007199254740992_i64)));
        assert!(!matches("{}", &json!({})) && !matches("null", &Value::Null));
    }
}
