//! Replicas for the scale-out tests: the usual in-process test server sharing its
//! sessions through Redis, and the real binary as a child process (which a test can
//! SIGKILL).

use super::{eventually, fast_config, start_server, TestServer};
use actix_mcp::McpConfig;
use std::path::PathBuf;
use std::time::Duration;

/// A replica: the usual test server, sharing sessions through `redis`.
pub async fn replica(redis: &str) -> TestServer {
    let config = McpConfig {
        redis_url: Some(redis.to_owned()),
        ..fast_config()
    };
    let server = start_server(config, "").await;
    assert!(
        ready(&server.base_url, Duration::from_secs(10)).await,
        "the replica connected to Redis (/readyz)"
    );
    server
}

/// Whether the replica at `base_url` reports ready (`/readyz`) within `within`.
async fn ready(base_url: &str, within: Duration) -> bool {
    let url = format!("{base_url}/readyz");
    eventually(within, || {
        let url = url.clone();
        async move {
            reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await
}

/// A tool to add at run time (its `list_changed` is what the tests watch for).
pub fn added_tool(name: &'static str) -> actix_mcp::Tool {
    actix_mcp::Tool::new(
        name,
        "Added at run time",
        |_: actix_mcp::prompt::NoArguments, _ctx| async { "added" },
    )
}

/// The real binary as a replica, its log in a file; SIGKILLed when dropped.
pub struct BinaryReplica {
    child: std::process::Child,
    pub port: u16,
    log: PathBuf,
}

impl BinaryReplica {
    /// Started with `--redis-url redis` and `extra` flags; waits until it is ready.
    pub async fn start(redis: &str, extra: &[&str]) -> BinaryReplica {
        let port = super::services::free_port();
        let log = std::env::temp_dir().join(format!("actix-mcp-replica-{port}.log"));
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_actix-mcp"))
            .args(["--port", &port.to_string(), "--redis-url", redis])
            .args(["--log", "info", "--workers", "2"])
            .args(extra)
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start the actix-mcp binary");
        let base_url = format!("http://127.0.0.1:{port}");
        assert!(
            ready(&base_url, Duration::from_secs(20)).await,
            "replica on {port} ready"
        );
        BinaryReplica { child, port, log }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for BinaryReplica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}
