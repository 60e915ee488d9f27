//! A session's requests: routed through [`crate::methods`] (name → needs → parse →
//! apply), answered at once, or run as a handler on [`crate::executor`] with a
//! context and an in-flight slot, until [`HandlerFinished`] brings the answer back.

use actix::prelude::*;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{Phase, Session};
use crate::context::{ClientLink, RequestContext};
use crate::executor::Finished;
use crate::methods::lifecycle::Negotiated;
use crate::methods::{self, Method, Request, Run, Scope, Step, TaskAccess};
use crate::protocol::{ProtocolVersion, RequestId, RpcError};
use crate::session::wire::Wire;
use crate::tasks::TaskOwner;
use std::sync::Arc;

/// A handler this session started has ended (sent from a tool-runtime thread).
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct HandlerFinished {
    pub request_id: RequestId,
    pub finished: Finished,
}

impl Handler<HandlerFinished> for Session {
    type Result = ();

    fn handle(&mut self, done: HandlerFinished, ctx: &mut Self::Context) {
        let id = done.request_id;
        self.reader_done(&id);
        if !self.in_flight.finish(&id) {
            return; // cancelled meanwhile: the spec says send nothing
        }
        match done.finished {
            Finished::Answered(answer) => self.answer(&id, answer, ctx),
            Finished::Cancelled => self.wire.forget(&id),
        }
    }
}

impl Session {
    pub(super) fn handle_request(
        &mut self,
        id: RequestId,
        name: &str,
        params: Option<Map<String, Value>>,
        ctx: &mut Context<Self>,
    ) {
        let Some(method) = Method::from_name(name) else {
            return self.answer(&id, Err(RpcError::method_not_found(name)), ctx);
        };
        let catalogs = self.server.catalogs();
        let negotiated = self.negotiated().map(|terms| terms.version);
        if let Err(refused) = methods::admit(method, negotiated, || catalogs.offers()) {
            return self.answer(&id, Err(refused), ctx);
        }
        let progress_token = methods::progress_token(&params);
        // What a replica adopting this session would need changes with these: saved
        // (in the background) once the request is handled.
        let changes_terms = matches!(
            method,
            Method::Initialize
                | Method::LoggingSetLevel
                | Method::ResourcesSubscribe
                | Method::ResourcesUnsubscribe
        );
        let version = self.version();
        let task_owner = TaskOwner::Session(self.id);
        // 2025-11-25 sessions may have tasks; a call still asks with its `task` param.
        let tasks = (negotiated.is_some() && version.has_session_tasks()).then_some(TaskAccess {
            store: &self.server.tasks,
            owner: &task_owner,
        });
        let applied = Request::parse(method, params).and_then(|request| {
            request.apply(Scope {
                catalogs: &catalogs,
                info: &self.server.info,
                config: &self.server.config,
                version,
                session: &mut self.state,
                tasks,
            })
        });
        match applied {
            Ok(Step::Answer(result)) => self.answer(&id, Ok(result), ctx),
            Ok(Step::Run(run)) => self.run_handler(id, version, progress_token, run, ctx),
            // A session's task runs whole as a task: there is no MRTR round to finish
            // first, its asks are server-to-client requests like any other.
            Ok(Step::Task(run) | Step::RunThenTask(run)) => {
                self.start_task(id, version, progress_token, run, ctx)
            }
            Ok(Step::TaskResult(task_id)) => self.await_task(id, task_id, ctx),
            Ok(Step::Initialized(terms, result)) => self.initialized(id, terms, result, ctx),
            Err(error) => {
                self.answer(&id, Err(error), ctx);
                if method == Method::Initialize && matches!(self.wire, Wire::Streamable(_)) {
                    // No session id was handed out for a failed initialize.
                    ctx.stop();
                }
            }
        }
        if changes_terms {
            self.persist();
        }
    }

    /// Adopts the negotiated terms and answers `initialize`.
    fn initialized(
        &mut self,
        id: RequestId,
        terms: Box<Negotiated>,
        result: Box<RawValue>,
        ctx: &mut Context<Self>,
    ) {
        tracing::info!(
            parent: &self.span,
            transport = self.transport_name(),
            client = %terms.client.name,
            client_version = %terms.client.version,
            protocol = %terms.version,
            "session initialized"
        );
        if let Wire::Streamable(streams) = &mut self.wire {
            streams.set_priming(terms.version.has_sse_priming());
        }
        self.phase = Phase::Negotiated(terms);
        self.answer(&id, Ok(result), ctx);
    }

    /// Admits the request in flight and starts its handler on the executor; the
    /// answer comes back as [`HandlerFinished`].
    fn run_handler(
        &mut self,
        id: RequestId,
        version: ProtocolVersion,
        progress_token: Option<Value>,
        run: Run,
        ctx: &mut Context<Self>,
    ) {
        let wants_progress = progress_token.is_some();
        let limit = self.server.config.max_in_flight_per_session;
        let cancellation = match self.in_flight.begin(&id, progress_token, limit) {
            Ok(cancellation) => cancellation,
            Err(refused) => return self.answer(&id, Err(refused), ctx),
        };
        let link = Arc::clone(self.link(ctx));
        let session = link.session();
        let context = RequestContext::new(
            Some(self.id),
            id.clone(),
            version,
            cancellation.clone(),
            link as Arc<dyn ClientLink>,
            wants_progress,
        );
        let job = run.into_job(context);
        tracing::debug!(parent: &self.span, request_id = %id, "handler started");
        self.server
            .executor
            .spawn(job, cancellation, move |finished| {
                // The session may have ended meanwhile; then no one waits for this.
                if let Some(session) = session.upgrade() {
                    session.do_send(HandlerFinished {
                        request_id: id,
                        finished,
                    });
                }
            });
    }
}
