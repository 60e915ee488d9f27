//! The tool runtime: a multi-threaded tokio pool that every tool call runs on, apart
//! from the actor threads, so a slow tool cannot stall sessions or the registry.

use std::io;

pub struct ToolRuntime {
    /// `Some` until drop; taken there to shut down without blocking.
    runtime: Option<tokio::runtime::Runtime>,
}

impl ToolRuntime {
    pub fn new(threads: usize) -> io::Result<ToolRuntime> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("mcp-tool")
            .enable_all()
            .build()?;
        Ok(ToolRuntime {
            runtime: Some(runtime),
        })
    }

    pub fn handle(&self) -> Option<tokio::runtime::Handle> {
        self.runtime.as_ref().map(|r| r.handle().clone())
    }
}

impl Drop for ToolRuntime {
    fn drop(&mut self) {
        // Dropping a runtime from async code panics; this may run on an actor thread.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
