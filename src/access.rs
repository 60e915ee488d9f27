//! Who may talk to the server, checked before any MCP route does anything:
//! the `Host` / `Origin` allow-list (DNS-rebinding protection) and optional bearer
//! tokens. A request that passes carries its [`Principal`]; sessions are bound to the
//! principal that opened them.
//!
//! Owns: the checks and their status codes. Must not: read bodies, touch sessions or
//! build HTTP responses (transports render an [`AccessDenied`]).

use actix_web::{http::header, http::StatusCode, HttpRequest};
use std::net::IpAddr;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Which `Host` names (and so which `Origin`s) are ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedHosts {
    /// No check (a server bound to all interfaces with no names configured).
    Any,
    /// These names, any port (`localhost`, `127.0.0.1`, `[::1]`, `mcp.example.com`).
    Names(Vec<String>),
}

impl AllowedHosts {
    /// The loopback names: what a server bound to 127.0.0.1 or ::1 answers to.
    pub fn loopback() -> Self {
        AllowedHosts::Names(vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()])
    }

    /// Derived from the bind address: loopback names for a loopback bind; the address
    /// itself plus loopback for a specific address; no check for 0.0.0.0 / :: (there
    /// the operator must name the hosts, e.g. behind a reverse proxy).
    pub fn for_bind_address(ip: IpAddr) -> Self {
        if ip.is_loopback() {
            return AllowedHosts::loopback();
        }
        if ip.is_unspecified() {
            return AllowedHosts::Any;
        }
        let mut names = match AllowedHosts::loopback() {
            AllowedHosts::Names(names) => names,
            AllowedHosts::Any => Vec::new(),
        };
        names.push(match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        });
        AllowedHosts::Names(names)
    }

    /// Adds names (e.g. the ones a reverse proxy uses); turns `Any` into a list only
    /// when names are given.
    pub fn with(self, extra: &[String]) -> Self {
        match (self, extra.is_empty()) {
            (any @ AllowedHosts::Any, true) => any,
            (AllowedHosts::Any, false) => AllowedHosts::Names(extra.to_vec()),
            (AllowedHosts::Names(mut names), _) => {
                names.extend(extra.iter().cloned());
                AllowedHosts::Names(names)
            }
        }
    }

    fn admits(&self, host: &str) -> bool {
        match self {
            AllowedHosts::Any => true,
            AllowedHosts::Names(names) => names.iter().any(|n| n.eq_ignore_ascii_case(host)),
        }
    }
}

/// One accepted bearer token and whom it stands for.
#[derive(Clone)]
pub struct BearerToken {
    pub principal: String,
    pub token: String,
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token itself.
        f.debug_struct("BearerToken")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

impl BearerToken {
    /// Parses `principal:token[,principal:token…]` (a bare `token` is principal `default`).
    pub fn parse_list(list: &str) -> Vec<BearerToken> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| match entry.split_once(':') {
                Some((principal, token)) => BearerToken {
                    principal: principal.trim().to_owned(),
                    token: token.trim().to_owned(),
                },
                None => BearerToken {
                    principal: "default".into(),
                    token: entry.to_owned(),
                },
            })
            .collect()
    }
}

/// The authenticated caller. `None` everywhere when authentication is off.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal(pub Arc<str>);

/// What a request must satisfy.
#[derive(Debug, Clone)]
pub struct AccessPolicy {
    pub allowed_hosts: AllowedHosts,
    /// Full origins (`https://app.example.com`) allowed besides the allowed hosts'.
    pub allowed_origins: Vec<String>,
    /// Empty: no authentication.
    pub bearer_tokens: Vec<BearerToken>,
}

impl Default for AccessPolicy {
    fn default() -> Self {
        AccessPolicy {
            allowed_hosts: AllowedHosts::loopback(),
            allowed_origins: Vec::new(),
            bearer_tokens: Vec::new(),
        }
    }
}

/// The host part of a `Host` header or an origin's authority, without the port
/// (`[::1]` keeps its brackets).
fn host_name(authority: &str) -> &str {
    let authority = authority.trim();
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// Why a request was refused, before any MCP route looked at it. Transports render it
/// (a JSON-RPC error body with [`AccessDenied::status`], and [`AccessDenied::challenge`]
/// as `WWW-Authenticate` when there is one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessDenied {
    /// `Host` is not one of our names (DNS-rebinding protection); holds the name sent.
    ForeignHost(String),
    /// `Origin` is present and not ours; holds the origin sent.
    ForeignOrigin(String),
    /// Tokens are required and none (or a wrong one) was presented.
    Unauthenticated,
}

impl AccessDenied {
    /// 421 for a foreign `Host`, 403 for a foreign `Origin`, 401 without a valid token.
    pub fn status(&self) -> StatusCode {
        match self {
            AccessDenied::ForeignHost(_) => StatusCode::MISDIRECTED_REQUEST,
            AccessDenied::ForeignOrigin(_) => StatusCode::FORBIDDEN,
            AccessDenied::Unauthenticated => StatusCode::UNAUTHORIZED,
        }
    }

    /// The `WWW-Authenticate` challenge a 401 carries.
    pub fn challenge(&self) -> Option<&'static str> {
        matches!(self, AccessDenied::Unauthenticated).then_some("Bearer realm=\"actix-mcp\"")
    }
}

impl std::fmt::Display for AccessDenied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccessDenied::ForeignHost(host) => write!(
                f,
                "Host {host:?} is not allowed; start the server with --allowed-host {host} if it should be"
            ),
            AccessDenied::ForeignOrigin(origin) => write!(f, "Origin {origin:?} is not allowed"),
            AccessDenied::Unauthenticated => {
                f.write_str("Unauthorized: send Authorization: Bearer <token>")
            }
        }
    }
}

impl AccessPolicy {
    /// Admits the request (returning its principal) or says why not: a foreign `Host`,
    /// a foreign `Origin`, or a missing or wrong bearer token.
    pub fn admit(&self, req: &HttpRequest) -> Result<Option<Principal>, AccessDenied> {
        if self.allowed_hosts != AllowedHosts::Any {
            let host = req
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(host_name)
                .unwrap_or_default();
            if !self.allowed_hosts.admits(host) {
                tracing::warn!(
                    host,
                    "request refused: Host is not allowed (DNS-rebinding protection)"
                );
                return Err(AccessDenied::ForeignHost(host.to_owned()));
            }
        }
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("null");
            if !self.origin_allowed(origin) {
                tracing::warn!(origin, "request refused: Origin is not allowed");
                return Err(AccessDenied::ForeignOrigin(origin.to_owned()));
            }
        }
        self.authenticate(req)
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        if self
            .allowed_origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
        {
            return true;
        }
        let Some((scheme, authority)) = origin.split_once("://") else {
            return false; // "null" and other opaque origins
        };
        matches!(scheme, "http" | "https") && self.allowed_hosts.admits(host_name(authority))
    }

    fn authenticate(&self, req: &HttpRequest) -> Result<Option<Principal>, AccessDenied> {
        if self.bearer_tokens.is_empty() {
            return Ok(None);
        }
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .unwrap_or_default();
        // Compare against every token, without stopping early, in constant time each.
        let mut found: Option<&BearerToken> = None;
        for candidate in &self.bearer_tokens {
            if bool::from(candidate.token.as_bytes().ct_eq(presented.as_bytes())) {
                found = Some(candidate);
            }
        }
        match found {
            Some(token) if !presented.is_empty() => {
                Ok(Some(Principal(Arc::from(token.principal.as_str()))))
            }
            _ => Err(AccessDenied::Unauthenticated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn status(policy: &AccessPolicy, req: TestRequest) -> u16 {
        match policy.admit(&req.to_http_request()) {
            Ok(_) => 200,
            Err(response) => response.status().as_u16(),
        }
    }

    #[test]
    fn host_names_drop_the_port() {
        assert_eq!(host_name("localhost:8000"), "localhost");
        assert_eq!(host_name("[::1]:8000"), "[::1]");
        assert_eq!(host_name("[::1]"), "[::1]");
        assert_eq!(host_name("example.com"), "example.com");
    }

    #[test]
    fn loopback_policy_admits_loopback_only() {
        let policy = AccessPolicy::default();
        for host in ["localhost:8000", "127.0.0.1:1", "[::1]:9", "LOCALHOST"] {
            assert_eq!(
                status(
                    &policy,
                    TestRequest::default().insert_header(("host", host))
                ),
                200,
                "{host}"
            );
        }
        assert_eq!(
            status(
                &policy,
                TestRequest::default().insert_header(("host", "evil.example.com"))
            ),
            421
        );
        let foreign_origin = TestRequest::default()
            .insert_header(("host", "localhost:8000"))
            .insert_header(("origin", "http://evil.example.com"));
        assert_eq!(status(&policy, foreign_origin), 403);
        let null_origin = TestRequest::default()
            .insert_header(("host", "localhost:8000"))
            .insert_header(("origin", "null"));
        assert_eq!(status(&policy, null_origin), 403);
        let own_origin = TestRequest::default()
            .insert_header(("host", "localhost:8000"))
            .insert_header(("origin", "http://localhost:3000"));
        assert_eq!(status(&policy, own_origin), 200);
    }

    #[test]
    fn bind_address_decides_the_default() {
        assert_eq!(
            AllowedHosts::for_bind_address("127.0.0.1".parse().unwrap()),
            AllowedHosts::loopback()
        );
        assert_eq!(
            AllowedHosts::for_bind_address("0.0.0.0".parse().unwrap()),
            AllowedHosts::Any
        );
        assert!(AllowedHosts::for_bind_address("10.1.2.3".parse().unwrap()).admits("10.1.2.3"));
        assert!(AllowedHosts::Any
            .with(&["mcp.example.com".into()])
            .admits("mcp.example.com"));
        assert!(!AllowedHosts::Any
            .with(&["mcp.example.com".into()])
            .admits("evil.com"));
    }

    #[test]
    fn bearer_tokens_name_principals() {
        let policy = AccessPolicy {
            bearer_tokens: BearerToken::parse_list("alice:secret-a, bob:secret-b"),
            ..AccessPolicy::default()
        };
        let req = |auth: Option<&str>| {
            let mut r = TestRequest::default().insert_header(("host", "localhost"));
            if let Some(auth) = auth {
                r = r.insert_header(("authorization", auth));
            }
            r.to_http_request()
        };
        assert_eq!(
            policy.admit(&req(Some("Bearer secret-b"))).unwrap(),
            Some(Principal(Arc::from("bob")))
        );
        for bad in [
            None,
            Some("Bearer nope"),
            Some("Bearer "),
            Some("Basic secret-a"),
        ] {
            let refused = policy.admit(&req(bad)).unwrap_err();
            assert_eq!(refused.status(), 401, "{bad:?}");
            assert!(refused.challenge().is_some());
        }
        assert!(!format!("{:?}", policy.bearer_tokens).contains("secret"));
    }
}
