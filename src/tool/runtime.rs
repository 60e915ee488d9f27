//! The tool runtime: a multi-threaded tokio pool that every tool call runs on, apart
//! from the actor threads, so a slow tool cannot stall sessions or the registry.
//!
//! On Linux its threads run under `SCHED_BATCH`: waking one (a session handing it a
//! call) does not preempt the thread that woke it, so an HTTP worker finishes the
//! events it has in hand before the tool thread runs, and the tool thread then runs
//! every call queued meanwhile. Without it, on a busy core every call costs two extra
//! context switches (`load-tests/FINDINGS.md`). Workers keep the normal policy, so a
//! worker woken by a finished call (or by the network) still preempts a tool thread:
//! a CPU-bound tool yields to I/O, never the other way round.

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
            .on_thread_start(yield_to_io_threads)
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

/// Puts the calling thread under `SCHED_BATCH` (see the module docs). Best effort:
/// where the call is refused, the thread keeps the normal policy.
#[cfg(target_os = "linux")]
fn yield_to_io_threads() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid `sched_param` that outlives the call; pid 0 means the
    // calling thread, and SCHED_BATCH with priority 0 needs no privileges.
    let refused = unsafe { libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) } != 0;
    if refused {
        tracing::debug!(
            error = %io::Error::last_os_error(),
            "tool thread keeps the normal scheduling policy"
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_io_threads() {}
