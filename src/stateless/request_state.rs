//! The sealed `requestState` of a 2026-07-28 `InputRequiredResult`: what a retry must
//! bring back for the handler to go on, integrity-protected because the client holds it.
//!
//! # Format
//!
//! `<kid>.<payload>.<mac>`: `payload` is base64url JSON
//! `{"v":1,"exp":<unix s>,"bind":"<hex>","answers":{<key>: <client result>}}`, `mac` the
//! base64url HMAC-SHA256 of `<kid>.<payload>` under the key `kid` names (the first 8 hex
//! digits of the key's SHA-256). `answers` are the client's results the handler already
//! used; `bind` is a SHA-256 over the method, its salient params (everything but
//! `_meta`, `inputResponses` and `requestState`, keys sorted) and the principal.
//!
//! A token is refused (`-32602`) when its MAC fails under every configured key
//! (tampered, or sealed by a key no longer listed), when `exp` has passed, or when
//! `bind` differs (another method, other arguments, another principal). Keys rotate by
//! listing the new key first: it seals, the others still open what they sealed.
//!
//! Owns: sealing and opening tokens. Must not: decide what goes in `answers` (the
//! input round does) or look at HTTP.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::protocol::{ErrorCode, RpcError};

type HmacSha256 = Hmac<Sha256>;

/// The version of the payload layout; a token of another layout is refused.
const LAYOUT: u8 = 1;
/// Fewer bytes than this is not a secret worth the name.
const MIN_KEY_BYTES: usize = 16;

/// A secret that seals `requestState` tokens. Replicas behind one balancer must share
/// their keys, or a retry landing on another replica is refused.
#[derive(Clone)]
pub struct RequestStateKey(Vec<u8>);

impl RequestStateKey {
    /// A key from its secret bytes (at least 16).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<RequestStateKey, String> {
        let secret = secret.as_ref();
        if secret.len() < MIN_KEY_BYTES {
            return Err(format!(
                "a requestState key needs at least {MIN_KEY_BYTES} bytes, got {}",
                secret.len()
            ));
        }
        Ok(RequestStateKey(secret.to_vec()))
    }

    /// A fresh random key: tokens it seals open only in this process.
    pub fn random() -> RequestStateKey {
        let mut secret = vec![0u8; 32];
        if getrandom::fill(&mut secret).is_err() {
            // No OS randomness: fall back to v4 UUIDs (themselves random), never zeros.
            secret = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
                .iter()
                .flat_map(|u| u.as_bytes().to_vec())
                .collect();
        }
        RequestStateKey(secret)
    }

    /// Names the key in a token without revealing it.
    fn id(&self) -> String {
        let digest = Sha256::digest(&self.0);
        hex(&digest[..4])
    }
}

impl std::fmt::Debug for RequestStateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RequestStateKey({}…)", self.id())
    }
}

/// Seals and opens tokens with the configured keys (the first one seals).
#[derive(Debug, Clone)]
pub(crate) struct Sealer {
    /// Never empty: [`Sealer::new`] adds a random key when none is configured.
    keys: Vec<(String, RequestStateKey)>,
    /// How long a token stays valid.
    ttl: Duration,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    v: u8,
    exp: u64,
    bind: String,
    answers: Map<String, Value>,
}

impl Sealer {
    pub(crate) fn new(keys: &[RequestStateKey], ttl: Duration) -> Sealer {
        let mut keys: Vec<_> = keys.iter().map(|k| (k.id(), k.clone())).collect();
        if keys.is_empty() {
            let key = RequestStateKey::random();
            keys.push((key.id(), key));
        }
        Sealer { keys, ttl }
    }

    /// A token carrying `answers`, bound to `bind`, valid for the configured TTL.
    pub(crate) fn seal(&self, bind: &str, answers: Map<String, Value>) -> Result<String, RpcError> {
        let (kid, key) = &self.keys[0];
        let payload = Payload {
            v: LAYOUT,
            exp: now().saturating_add(self.ttl.as_secs().max(1)),
            bind: bind.to_owned(),
            answers,
        };
        // A map of JSON values always serializes.
        let json = serde_json::to_vec(&payload).unwrap_or_default();
        let signed = format!("{kid}.{}", URL_SAFE_NO_PAD.encode(json));
        let mac = mac(key, &signed).ok_or_else(|| {
            RpcError::new(ErrorCode::InternalError, "requestState could not be sealed")
        })?;
        let mac = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        Ok(format!("{signed}.{mac}"))
    }

    /// The answers `token` carries, if it is ours, unexpired and bound to `bind`.
    pub(crate) fn open(&self, token: &str, bind: &str) -> Result<Map<String, Value>, RpcError> {
        let refused = |why: &str| RpcError::invalid_params(format!("Invalid requestState: {why}"));
        let (signed, sent_mac) = token
            .rsplit_once('.')
            .ok_or_else(|| refused("not a token this server issued"))?;
        let sent_mac = URL_SAFE_NO_PAD
            .decode(sent_mac)
            .map_err(|_| refused("it failed its integrity check"))?;
        let (kid, encoded) = signed
            .split_once('.')
            .ok_or_else(|| refused("not a token this server issued"))?;
        let verified = self
            .keys
            .iter()
            .filter(|(id, _)| id == kid)
            .filter_map(|(_, key)| mac(key, signed))
            .any(|mac| mac.verify_slice(&sent_mac).is_ok());
        if !verified {
            return Err(refused("it failed its integrity check"));
        }
        let payload: Payload = URL_SAFE_NO_PAD
            .decode(encoded)
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .filter(|p: &Payload| p.v == LAYOUT)
            .ok_or_else(|| refused("unreadable payload"))?;
        if payload.exp < now() {
            return Err(refused("it has expired; send the request again without it"));
        }
        if payload.bind != bind {
            return Err(refused(
                "it was issued for another request (method, arguments or principal)",
            ));
        }
        Ok(payload.answers)
    }
}

/// The MAC state over `signed` (HMAC takes keys of any length: `None` never happens).
fn mac(key: &RequestStateKey, signed: &str) -> Option<HmacSha256> {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(&key.0).ok()?;
    mac.update(signed.as_bytes());
    Some(mac)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What a token is bound to: the method, its params minus the MRTR and `_meta` fields
/// (keys sorted when digested, so a client that reorders them still matches), and the
/// principal. Kept as is per request; digested only when a token is sealed or opened.
pub(crate) struct Binding {
    method: String,
    principal: String,
    salient: Map<String, Value>,
}

impl Binding {
    pub(crate) fn new(
        method: &str,
        params: Option<&Map<String, Value>>,
        principal: &str,
    ) -> Binding {
        let salient = params
            .into_iter()
            .flatten()
            .filter(|(key, _)| !matches!(key.as_str(), "_meta" | "inputResponses" | "requestState"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Binding {
            method: method.to_owned(),
            principal: principal.to_owned(),
            salient,
        }
    }

    /// The SHA-256 of it, in hex.
    pub(crate) fn digest(&self) -> String {
        let mut digest = Sha256::new();
        for part in [&self.method, &self.principal] {
            digest.update(part.len().to_be_bytes());
            digest.update(part.as_bytes());
        }
        let mut canonical_json = String::new();
        canonical(&Value::Object(self.salient.clone()), &mut canonical_json);
        digest.update(canonical_json.as_bytes());
        hex(&digest.finalize())
    }
}

/// `bytes` as lower-case hex.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// `value` as JSON with object keys sorted at every level, appended to `out`.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (n, key) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(s: &str) -> RequestStateKey {
        RequestStateKey::new(s).unwrap()
    }

    fn answers() -> Map<String, Value> {
        json!({"user_name": {"action": "accept", "content": {"name": "Alice"}}})
            .as_object()
            .cloned()
            .unwrap()
    }

    #[test]
    fn a_sealed_token_opens_only_untouched_and_for_its_request() {
        let sealer = Sealer::new(&[key("0123456789abcdef-one")], Duration::from_secs(60));
        let token = sealer.seal("bind-a", answers()).unwrap();
        assert_eq!(sealer.open(&token, "bind-a").unwrap(), answers());
        assert!(sealer.open(&token, "bind-b").is_err(), "another request");
        for tampered in [
            format!("{token}-TAMPERED"),
            token.replacen('.', "x.", 1),
            token[..token.len() - 2].to_owned(),
            "garbage".to_owned(),
        ] {
            let err = sealer.open(&tampered, "bind-a").unwrap_err();
            assert_eq!(err.code, -32602, "{tampered}");
        }
        // A payload re-encoded with other answers but the old MAC.
        let (kid, rest) = token.split_once('.').unwrap();
        let (_, mac) = rest.rsplit_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&json!({"v":1,"exp":u64::MAX,"bind":"bind-a","answers":{}}))
                .unwrap(),
        );
        assert!(sealer
            .open(&format!("{kid}.{forged}.{mac}"), "bind-a")
            .is_err());
    }

    #[test]
    fn keys_rotate_and_tokens_expire() {
        let old = key("the-old-secret-key-0001");
        let new = key("the-new-secret-key-0002");
        let before = Sealer::new(std::slice::from_ref(&old), Duration::from_secs(60));
        let token = before.seal("b", answers()).unwrap();
        let rotated = Sealer::new(&[new.clone(), old], Duration::from_secs(60));
        assert!(rotated.open(&token, "b").is_ok(), "old key still opens");
        let dropped = Sealer::new(&[new], Duration::from_secs(60));
        assert!(dropped.open(&token, "b").is_err(), "retired key");

        let mut expired = Sealer::new(&[key("0123456789abcdef-one")], Duration::ZERO);
        expired.ttl = Duration::ZERO;
        let payload = Payload {
            v: LAYOUT,
            exp: now() - 1,
            bind: "b".into(),
            answers: Map::new(),
        };
        let (kid, k) = &expired.keys[0];
        let signed = format!(
            "{kid}.{}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap())
        );
        let token = format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(mac(k, &signed).unwrap().finalize().into_bytes())
        );
        let err = expired.open(&token, "b").unwrap_err();
        assert!(err.message.contains("expired"), "{}", err.message);
    }

    #[test]
    fn the_binding_ignores_mrtr_fields_and_key_order_but_not_arguments_or_principal() {
        let a = json!({"name": "t", "arguments": {"x": 1, "y": [1, {"b": 2, "a": 1}]}, "_meta": {"k": 1}});
        let b = json!({"arguments": {"y": [1, {"a": 1, "b": 2}], "x": 1}, "name": "t",
                       "inputResponses": {"k": {}}, "requestState": "s"});
        let c = json!({"name": "t", "arguments": {"x": 2}});
        let bind = |m: &str, v: &Value, p: &str| Binding::new(m, v.as_object(), p).digest();
        let call = |v: &Value, p: &str| bind("tools/call", v, p);
        assert_eq!(call(&a, ""), call(&b, ""));
        assert_ne!(call(&a, ""), call(&c, ""));
        assert_ne!(call(&a, "alice"), call(&a, "bob"));
        assert_ne!(call(&a, ""), bind("prompts/get", &a, ""));
        assert_eq!(hex(&[0x0f, 0xa0]), "0fa0");
    }

    #[test]
    fn short_keys_are_refused_and_debug_shows_no_secret() {
        assert!(RequestStateKey::new("short").is_err());
        let shown = format!("{:?}", key("a-very-secret-value-1"));
        assert!(!shown.contains("secret"), "{shown}");
    }
}
