//! Replicas for the scale-out tests: the usual in-process test server sharing its
//! sessions through Redis, and the real binary as a child process (which a test can
//! SIGKILL).

use super::{eventually, fast_config, fixtures, start_with, test_tools, TestServer};
use actix_mcp::{McpConfig, McpServer};
use std::path::PathBuf;
use std::time::Duration;

/// A replica: the usual test server, sharing sessions through `redis`.
pub async fn replica(redis: &str) -> TestServer {
    let config = McpConfig {
        redis_url: Some(redis.to_owned()),
        ..fast_config()
    };
    let mut builder = McpServer::builder().title("Test").config(config);
    for tool in test_tools::binary_like()
        .into_iter()
        .chain(test_tools::all())
    {
        builder = builder.tool(tool);
    }
    for prompt in fixtures::prompts() {
        builder = builder.prompt(prompt);
    }
    let server = start_with(builder.build().expect("valid server"), "").await;
    let ready = eventually(Duration::from_secs(10), || {
        let url = format!("{}/readyz", server.base_url);
        async move {
            reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await;
    assert!(ready, "the replica connected to Redis (/readyz)");
    server
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
        let url = format!("http://127.0.0.1:{port}/readyz");
        let ready = eventually(Duration::from_secs(20), || {
            let url = url.clone();
            async move {
                reqwest::get(&url)
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .await;
        assert!(ready, "replica on {port} ready");
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
