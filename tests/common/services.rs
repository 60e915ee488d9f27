//! Real services a test starts for itself on loopback: `redis-server` and `haproxy`
//! from Debian's packages (scripts/install-test-deps.sh installs them). Each runs in
//! the foreground as the test's child, on a free port, with its files in a fresh
//! temporary directory, and is killed when its handle drops. A missing binary fails
//! the test with what to install: never a skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn scratch_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("actix-mcp-{what}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn find(binary: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"] {
        let path = Path::new(dir).join(binary);
        if path.exists() {
            return path;
        }
    }
    panic!("{binary} is not installed: run scripts/install-test-deps.sh (apt-get install -y redis-server haproxy)");
}

/// Waits until something accepts TCP connections on `port`.
fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited at start: {status}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not listen on port {port} within 10 s");
}

/// A child process and its scratch directory: killed and removed when dropped.
struct Owned {
    child: Child,
    dir: PathBuf,
}

impl Drop for Owned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A `redis-server` of this test's own, without persistence.
pub struct RedisServer {
    _process: Owned,
    pub port: u16,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        Self::start_on(free_port())
    }

    /// On `port` (a restart keeps the port the replicas were told).
    pub fn start_on(port: u16) -> RedisServer {
        let dir = scratch_dir("redis");
        let mut child = Command::new(find("redis-server"))
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        wait_for_port(port, "redis-server", &mut child);
        RedisServer {
            _process: Owned { child, dir },
            port,
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

/// `haproxy` balancing round-robin over `backends`, every request on its own: a
/// kept-alive client connection does not stick to one backend.
pub struct Haproxy {
    _process: Owned,
    pub port: u16,
}

impl Haproxy {
    pub fn start(backends: &[u16]) -> Haproxy {
        let port = free_port();
        let dir = scratch_dir("haproxy");
        let servers: String = backends
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!("    server r{i} 127.0.0.1:{p} check inter 500ms fall 1 rise 1\n")
            })
            .collect();
        let config = format!(
            "global\n    maxconn 4000\n\
             defaults\n    mode http\n    timeout connect 2s\n    timeout client 120s\n    \
             timeout server 120s\n    timeout http-keep-alive 60s\n\
             frontend mcp\n    bind 127.0.0.1:{port}\n    default_backend replicas\n\
             backend replicas\n    balance roundrobin\n    \
             # no stickiness, and no reuse of the last server for a kept-alive client\n    \
             option http-server-close\n    \
             # a dead replica: retried elsewhere at once, and out after one failed check\n    \
             option redispatch\n    retries 2\n    option httpchk GET /healthz\n{servers}"
        );
        let path = dir.join("haproxy.cfg");
        std::fs::write(&path, config).expect("write haproxy.cfg");
        let mut child = Command::new(find("haproxy"))
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start haproxy");
        wait_for_port(port, "haproxy", &mut child);
        Haproxy {
            _process: Owned { child, dir },
            port,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}
