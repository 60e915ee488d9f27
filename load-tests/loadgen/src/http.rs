//! A minimal HTTP/1.1 client on hyper 1: a raw connection per event stream and
//! small pools of keep-alive connections for POSTs. Every socket has TCP_NODELAY.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Mutex;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::Failure;

pub type Sender = SendRequest<Full<Bytes>>;

/// Where requests go: the socket address and the `Host` header to send.
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    pub host: HeaderValue,
}

/// Opens one HTTP/1.1 connection; its driver runs as a task.
pub async fn connect(target: &Target) -> Result<Sender, Failure> {
    let tcp = TcpStream::connect(target.addr)
        .await
        .map_err(|e| Failure::new("connect", format!("connect {}: {e}", target.addr)))?;
    tcp.set_nodelay(true)
        .map_err(|e| Failure::new("connect", format!("TCP_NODELAY: {e}")))?;
    let (sender, conn) = http1::handshake(TokioIo::new(tcp))
        .await
        .map_err(|e| Failure::new("connect", format!("handshake: {e}")))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// A request that can be rebuilt (to retry on a fresh connection).
pub struct Req {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl Req {
    pub fn build(&self, target: &Target) -> Request<Full<Bytes>> {
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(self.path.as_str())
            .header(hyper::header::HOST, target.host.clone());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
            .body(Full::new(self.body.clone()))
            .expect("a valid request")
    }
}

/// A response read to its end.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn content_type(&self) -> &str {
        self.headers
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

enum ExchangeError {
    /// The request never got a response head (e.g. a stale keep-alive connection).
    NotSent(Failure),
    /// It got one; the body failed.
    Body(Failure),
}

/// Sends `request` and returns its response head (the body still to read).
pub async fn send_head(
    sender: &mut Sender,
    request: Request<Full<Bytes>>,
) -> Result<Response<Incoming>, Failure> {
    sender
        .ready()
        .await
        .map_err(|e| Failure::new("transport", format!("connection not ready: {e}")))?;
    sender
        .send_request(request)
        .await
        .map_err(|e| Failure::new("transport", format!("request failed: {e}")))
}

async fn exchange(
    sender: &mut Sender,
    request: Request<Full<Bytes>>,
) -> Result<Answer, ExchangeError> {
    let response = send_head(sender, request)
        .await
        .map_err(ExchangeError::NotSent)?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| ExchangeError::Body(Failure::new("transport", format!("body: {e}"))))?
        .to_bytes();
    Ok(Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

/// At most `size` keep-alive connections, each carrying one request at a time.
pub struct Pool {
    target: Target,
    idle: Mutex<Vec<Sender>>,
    permits: Semaphore,
}

impl Pool {
    pub fn new(target: Target, size: usize) -> Pool {
        Pool {
            target,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(size.max(1)),
        }
    }

    /// Opens one connection now and keeps it idle for the next `send`.
    pub async fn warm(&self) -> Result<(), Failure> {
        let sender = connect(&self.target).await?;
        self.idle.lock().expect("pool lock").push(sender);
        Ok(())
    }

    /// Sends `req` on an idle connection (or a new one) and reads the whole answer.
    /// A reused connection that fails before answering is replaced once.
    pub async fn send(&self, req: &Req) -> Result<Answer, Failure> {
        let _permit = self.permits.acquire().await.expect("pool semaphore");
        let reused = self.idle.lock().expect("pool lock").pop();
        let (mut sender, mut fresh) = match reused {
            Some(sender) if !sender.is_closed() => (sender, false),
            _ => (connect(&self.target).await?, true),
        };
        loop {
            match exchange(&mut sender, req.build(&self.target)).await {
                Ok(answer) => {
                    if !sender.is_closed() {
                        self.idle.lock().expect("pool lock").push(sender);
                    }
                    return Ok(answer);
                }
                Err(ExchangeError::NotSent(_)) if !fresh => {
                    sender = connect(&self.target).await?;
                    fresh = true;
                }
                Err(ExchangeError::NotSent(failure) | ExchangeError::Body(failure)) => {
                    return Err(failure)
                }
            }
        }
    }
}
