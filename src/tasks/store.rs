//! The in-memory task store: one mutex over a map of tasks and their expiry queue.
//! Every call is short and never awaits while holding the lock, so HTTP workers and
//! tool-runtime threads may call it directly.
//!
//! Owns: a task's state machine (`working` ⇄ `input_required` → one terminal status,
//! which is final), the count limit, expiry, principal binding and the pending input
//! requests. Must not: serialize results (it stores what the executor produced) or run
//! anything.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{oneshot, watch};
use tokio_util::sync::CancellationToken;

use super::wire::{Status, TaskView};
use crate::access::Principal;
use crate::executor::{Answer, Finished};
use crate::pagination::InvalidCursor;
use crate::protocol::{ErrorCode, RpcError};
use crate::session::SessionId;

/// Who a task belongs to: the only caller that may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TaskOwner {
    /// A 2026-07-28 request's principal (`None` when unauthenticated: then only the
    /// unguessable id protects it, as the spec allows).
    Principal(Option<Principal>),
    /// A handshake session (2025-11-25 `tasks/*`; the session is already bound to its
    /// principal): its tasks end with it.
    Session(SessionId),
}

/// What `tasks/cancel` found.
#[derive(Debug)]
pub(crate) enum Cancelled {
    /// The task was running and now reads `cancelled`.
    Now(TaskView),
    /// It had already ended; terminal statuses are final (2025-11-25 answers `-32602`).
    AlreadyTerminal(TaskView),
}

/// How a task ended, as `tasks/result` reports it.
#[derive(Debug)]
pub(crate) enum Settled {
    /// What the underlying request would have answered (a result or a JSON-RPC error).
    Answered(Answer),
    /// `tasks/cancel` (or the session's end) stopped it.
    Cancelled,
}

/// How many tasks may exist, how long each is kept, how often clients should poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskLimits {
    /// Tasks existing at once, finished ones included until they expire.
    pub max_tasks: usize,
    /// How long after its creation a task is dropped (its `ttlMs`).
    pub ttl: Duration,
    /// The `pollIntervalMs` suggested to clients.
    pub poll_interval: Duration,
}

/// A request a task's handler sends its client (`elicitation/create`, …), surfaced in
/// the task's `inputRequests` until the client answers it with `tasks/update`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InputRequest {
    /// The server-to-client method.
    pub method: String,
    /// Its params.
    pub params: Value,
}

/// The store has `max` tasks already: no new one until some expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreFull {
    /// The configured limit.
    pub max: usize,
}

impl StoreFull {
    /// The error the refused call is answered with.
    pub fn to_error(self) -> RpcError {
        RpcError::new(
            ErrorCode::ServerError,
            format!(
                "Too many tasks: this server keeps at most {} tasks at once (finished \
                 ones until they expire); retry later",
                self.max
            ),
        )
        .with_data(json!({"maxTasks": self.max}))
    }
}

/// Where a task is in its life.
#[derive(Debug)]
enum State {
    /// Its job runs (`input_required` while input requests are pending).
    Working,
    /// The job answered with this result (a tool error is a result too; `tool_error`
    /// remembers it was one, which 2025-11-25 reports as `failed`).
    Completed {
        result: Box<RawValue>,
        tool_error: bool,
    },
    /// The job answered with this JSON-RPC error (a panic, a time-out, …).
    Failed(RpcError),
    /// `tasks/cancel` arrived before it finished.
    Cancelled,
}

/// An input request waiting for its response.
struct Pending {
    /// What the client is asked.
    request: InputRequest,
    /// Whoever waits for the answer (the handler, once the MRTR glue exists).
    reply: oneshot::Sender<Value>,
}

/// One task.
struct Entry {
    /// Who created it: the only caller that may see it.
    owner: TaskOwner,
    /// Creation order: `tasks/list` pages by it.
    seq: u64,
    /// `createdAt`.
    created: SystemTime,
    /// `lastUpdatedAt`: creation, or the last change of status or pending inputs.
    updated: SystemTime,
    state: State,
    /// The job's token: fired by `tasks/cancel` and by expiry.
    cancellation: CancellationToken,
    /// Unanswered input requests by key (ordered, so `tasks/get` lists them stably).
    pending: BTreeMap<String, Pending>,
    /// Every key handed out so far: a key is never reused within a task.
    issued: HashSet<String>,
    /// Requests the task's handler has sent its session's client and still waits on
    /// (2025-11-25: they travel as server-to-client requests, not `inputRequests`).
    asking: usize,
    /// Flips to `true` when the task settles: `tasks/result` waits on it. Dropped with
    /// the entry, which wakes waiters of an expired task too.
    settled: watch::Sender<bool>,
}

impl Entry {
    fn status(&self) -> Status {
        match &self.state {
            State::Working if self.pending.is_empty() && self.asking == 0 => Status::Working,
            State::Working => Status::InputRequired,
            State::Completed { .. } => Status::Completed,
            State::Failed(_) => Status::Failed,
            State::Cancelled => Status::Cancelled,
        }
    }

    fn is_terminal(&self) -> bool {
        !matches!(self.state, State::Working)
    }

    /// Settles to `state` unless already terminal (terminal statuses are final).
    fn settle(&mut self, state: State) {
        if self.is_terminal() {
            return;
        }
        self.state = state;
        // Nobody will answer these now; dropping them wakes their waiters with an error.
        self.pending.clear();
        self.updated = SystemTime::now();
        self.settled.send_replace(true);
    }
}

/// The tasks and the order they expire in.
#[derive(Default)]
struct Inner {
    tasks: HashMap<String, Entry>,
    /// (expiry, id) in creation order: with one TTL for every task, also expiry order.
    /// A per-task TTL would need a heap instead.
    expiry: VecDeque<(Instant, String)>,
    /// The next task's `seq`.
    next_seq: u64,
}

impl Inner {
    /// Drops every task whose TTL has passed, cancelling the ones still running.
    fn expire(&mut self, now: Instant) {
        while let Some((at, _)) = self.expiry.front() {
            if *at > now {
                break;
            }
            let Some((_, id)) = self.expiry.pop_front() else {
                break;
            };
            if let Some(entry) = self.tasks.remove(&id) {
                entry.cancellation.cancel();
            }
        }
    }

    /// The task `id` if `owner` may see it: another caller's task is "not found".
    fn visible(&mut self, id: &str, owner: &TaskOwner) -> Option<&mut Entry> {
        self.expire(Instant::now());
        self.tasks.get_mut(id).filter(|entry| entry.owner == *owner)
    }
}

/// Every task of this server. Swappable for a shared store offering the same calls.
pub(crate) struct TaskStore {
    limits: TaskLimits,
    inner: Mutex<Inner>,
}

impl TaskStore {
    pub fn new(limits: TaskLimits) -> TaskStore {
        TaskStore {
            limits,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing under the lock can panic halfway through a change that matters.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new `working` task owned by `owner`, stored before this returns (so an
    /// immediate `tasks/get` finds it), and the token its job must run under.
    pub fn create(&self, owner: TaskOwner) -> Result<(TaskView, CancellationToken), StoreFull> {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.expire(now);
        if inner.tasks.len() >= self.limits.max_tasks {
            return Err(StoreFull {
                max: self.limits.max_tasks,
            });
        }
        // 122 random bits: ids cannot be guessed or enumerated (the spec's MUST).
        let id = uuid::Uuid::new_v4().to_string();
        let cancellation = CancellationToken::new();
        let created = SystemTime::now();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        let entry = Entry {
            owner,
            seq,
            created,
            updated: created,
            state: State::Working,
            cancellation: cancellation.clone(),
            pending: BTreeMap::new(),
            issued: HashSet::new(),
            asking: 0,
            settled: watch::channel(false).0,
        };
        let view = self.view(&id, &entry);
        inner.tasks.insert(id.clone(), entry);
        inner.expiry.push_back((now + self.limits.ttl, id));
        Ok((view, cancellation))
    }

    /// The task as `tasks/get` shows it, if `owner` may see it.
    pub fn get(&self, id: &str, owner: &TaskOwner) -> Option<TaskView> {
        let mut inner = self.lock();
        let entry = inner.visible(id, owner)?;
        Some(self.view(id, entry))
    }

    /// `owner`'s tasks in creation order, at most `limit`, starting after the task
    /// numbered `after` (a page's cursor); and whether more follow.
    pub fn list(
        &self,
        owner: &TaskOwner,
        after: Option<u64>,
        limit: usize,
    ) -> Result<TaskPage, InvalidCursor> {
        let mut inner = self.lock();
        if after.is_some_and(|after| after >= inner.next_seq) {
            return Err(InvalidCursor); // no task had that number yet: not our cursor
        }
        inner.expire(Instant::now());
        let mut mine: Vec<(&String, &Entry)> = inner
            .tasks
            .iter()
            .filter(|(_, entry)| entry.owner == *owner && after.is_none_or(|a| entry.seq > a))
            .collect();
        mine.sort_unstable_by_key(|(_, entry)| entry.seq);
        let more = mine.len() > limit.max(1);
        mine.truncate(limit.max(1));
        Ok(TaskPage {
            next_after: more
                .then(|| mine.last().map(|(_, entry)| entry.seq))
                .flatten(),
            tasks: mine
                .into_iter()
                .map(|(id, entry)| self.view(id, entry))
                .collect(),
        })
    }

    /// Settles a running task to `cancelled` and fires its job's token; a terminal
    /// task stays as it is. `None` when there is no such task for `owner`.
    pub fn cancel(&self, id: &str, owner: &TaskOwner) -> Option<Cancelled> {
        let mut inner = self.lock();
        let entry = inner.visible(id, owner)?;
        if entry.is_terminal() {
            return Some(Cancelled::AlreadyTerminal(self.view(id, entry)));
        }
        entry.settle(State::Cancelled);
        entry.cancellation.cancel();
        Some(Cancelled::Now(self.view(id, entry)))
    }

    /// Reads `true` once the task settles: `tasks/result` waits on it, then reads
    /// [`TaskStore::outcome`]. It closes when the task expires. `None` when there is no
    /// such task for `owner`.
    pub fn watch(&self, id: &str, owner: &TaskOwner) -> Option<watch::Receiver<bool>> {
        let mut inner = self.lock();
        Some(inner.visible(id, owner)?.settled.subscribe())
    }

    /// How a settled task ended; `None` while it runs or when `owner` cannot see it.
    pub fn outcome(&self, id: &str, owner: &TaskOwner) -> Option<Settled> {
        let mut inner = self.lock();
        let entry = inner.visible(id, owner)?;
        match &entry.state {
            State::Working => None,
            State::Completed { result, .. } => Some(Settled::Answered(Ok(result.clone()))),
            State::Failed(error) => Some(Settled::Answered(Err(error.clone()))),
            State::Cancelled => Some(Settled::Cancelled),
        }
    }

    /// Drops every task of `owner`, cancelling the running ones (a session ended:
    /// nobody can reach them any more).
    pub fn drop_owner(&self, owner: &TaskOwner) {
        let mut inner = self.lock();
        inner.tasks.retain(|_, entry| {
            let keep = entry.owner != *owner;
            if !keep {
                entry.cancellation.cancel();
            }
            keep
        });
        // Their expiry entries stay queued and find nothing when due.
    }

    /// The task's handler sent its client a request (2025-11-25) and waits: the task
    /// reads `input_required` until as many [`TaskStore::end_asking`] calls. `false`
    /// when the task is gone or terminal.
    pub fn begin_asking(&self, id: &str) -> bool {
        let mut inner = self.lock();
        let Some(entry) = inner.tasks.get_mut(id).filter(|e| !e.is_terminal()) else {
            return false;
        };
        entry.asking += 1;
        entry.updated = SystemTime::now();
        true
    }

    /// The client answered (or the wait ended) one request of [`TaskStore::begin_asking`].
    pub fn end_asking(&self, id: &str) {
        let mut inner = self.lock();
        if let Some(entry) = inner.tasks.get_mut(id) {
            entry.asking = entry.asking.saturating_sub(1);
            if !entry.is_terminal() {
                entry.updated = SystemTime::now();
            }
        }
    }

    /// The task as it is now, whoever owns it (the host's own status notifications).
    pub fn peek(&self, id: &str) -> Option<TaskView> {
        let inner = self.lock();
        let entry = inner.tasks.get(id)?;
        Some(self.view(id, entry))
    }

    /// Hands each response to the input request of the same key; keys that are not
    /// pending (never issued, already answered) are ignored, as the spec asks. The
    /// task stays `input_required` while other requests are pending. `false` when there
    /// is no such task for `owner`.
    pub fn respond(&self, id: &str, owner: &TaskOwner, responses: Map<String, Value>) -> bool {
        let mut inner = self.lock();
        let Some(entry) = inner.visible(id, owner) else {
            return false;
        };
        let mut answered = false;
        for (key, response) in responses {
            if let Some(pending) = entry.pending.remove(&key) {
                // A waiter that gave up (cancelled) just does not hear it.
                let _ = pending.reply.send(response);
                answered = true;
            }
        }
        if answered {
            entry.updated = SystemTime::now();
        }
        true
    }

    /// Records how the task's job ended, unless the task already settled (cancelled,
    /// or expired and gone).
    pub fn finish(&self, id: &str, finished: Finished) {
        let mut inner = self.lock();
        let Some(entry) = inner.tasks.get_mut(id) else {
            return;
        };
        entry.settle(match finished {
            Finished::Answered(Ok(result)) => State::Completed {
                tool_error: is_tool_error(&result),
                result,
            },
            Finished::Answered(Err(error)) => State::Failed(error),
            Finished::Cancelled => State::Cancelled,
        });
    }

    /// The MRTR hook: parks `request` on the running task `id` under a key unique in
    /// that task (`name` itself the first time, `name-2`, `name-3`, … after), so the
    /// task reads `input_required` and `tasks/get` lists it; the receiver gets the
    /// client's response once `tasks/update` delivers it (an error if the task settles
    /// first). `None` when the task is gone or already terminal.
    /// Called by a task's `stateless::link::TaskLink`.
    pub fn request_input(
        &self,
        id: &str,
        name: &str,
        request: InputRequest,
    ) -> Option<(String, oneshot::Receiver<Value>)> {
        let mut inner = self.lock();
        let entry = inner
            .tasks
            .get_mut(id)
            .filter(|entry| !entry.is_terminal())?;
        let key = (1..)
            .map(|n| match n {
                1 => name.to_owned(),
                n => format!("{name}-{n}"),
            })
            .find(|key| !entry.issued.contains(key))?;
        let (reply, answer) = oneshot::channel();
        entry.issued.insert(key.clone());
        entry
            .pending
            .insert(key.clone(), Pending { request, reply });
        entry.updated = SystemTime::now();
        Some((key, answer))
    }

    fn view(&self, id: &str, entry: &Entry) -> TaskView {
        let mut view = TaskView::new(
            id,
            entry.status(),
            entry.created,
            entry.updated,
            self.limits,
        );
        match &entry.state {
            State::Completed { result, tool_error } => {
                view.result = Some(result.clone());
                view.tool_error = *tool_error;
            }
            State::Failed(error) => view.error = Some(error.clone()),
            State::Working if !entry.pending.is_empty() => {
                view.input_requests = Some(
                    entry
                        .pending
                        .iter()
                        .map(|(key, pending)| {
                            let request = json!({
                                "method": pending.request.method,
                                "params": pending.request.params,
                            });
                            (key.clone(), request)
                        })
                        .collect(),
                );
            }
            State::Working | State::Cancelled => {}
        }
        view
    }
}

/// One page of `tasks/list`.
pub(crate) struct TaskPage {
    pub tasks: Vec<TaskView>,
    /// The last listed task's number when more follow: the next page's cursor.
    pub next_after: Option<u64>,
}

/// Whether a call's result is a tool error (`isError: true`).
fn is_tool_error(result: &RawValue) -> bool {
    #[derive(Deserialize)]
    struct Flag {
        #[serde(rename = "isError", default)]
        is_error: bool,
    }
    serde_json::from_str::<Flag>(result.get()).is_ok_and(|flag| flag.is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(max_tasks: usize, ttl: Duration) -> TaskStore {
        TaskStore::new(TaskLimits {
            max_tasks,
            ttl,
            poll_interval: Duration::from_millis(500),
        })
    }

    fn alice() -> TaskOwner {
        TaskOwner::Principal(Some(Principal("alice".into())))
    }

    /// The unauthenticated 2026-07-28 caller.
    const ANYONE: TaskOwner = TaskOwner::Principal(None);

    fn raw(v: Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(&v).unwrap()
    }

    #[test]
    fn a_task_is_found_at_once_then_settles_once() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, _) = tasks.create(alice()).unwrap();
        let id = created.task_id.clone();
        let owner = alice();
        assert_eq!(tasks.get(&id, &owner).unwrap().status, Status::Working);
        tasks.finish(&id, Finished::Answered(Ok(raw(json!({"content": []})))));
        let done = tasks.get(&id, &owner).unwrap();
        assert_eq!(done.status, Status::Completed);
        assert!(done.result.is_some());
        // Terminal is final: a late outcome or a cancel changes nothing.
        tasks.finish(&id, Finished::Cancelled);
        assert!(matches!(
            tasks.cancel(&id, &owner),
            Some(Cancelled::AlreadyTerminal(_))
        ));
        assert_eq!(tasks.get(&id, &owner).unwrap().status, Status::Completed);
    }

    #[test]
    fn another_principal_sees_nothing() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, token) = tasks.create(alice()).unwrap();
        let bob = TaskOwner::Principal(Some(Principal("bob".into())));
        assert!(tasks.get(&created.task_id, &bob).is_none());
        assert!(tasks.get(&created.task_id, &ANYONE).is_none());
        assert!(tasks.cancel(&created.task_id, &bob).is_none());
        assert!(tasks.list(&bob, None, 10).unwrap().tasks.is_empty());
        assert!(!token.is_cancelled());
    }

    #[test]
    fn cancel_fires_the_token_and_wins_over_a_late_answer() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, token) = tasks.create(ANYONE).unwrap();
        assert!(matches!(
            tasks.cancel(&created.task_id, &ANYONE),
            Some(Cancelled::Now(_))
        ));
        assert!(token.is_cancelled());
        tasks.finish(&created.task_id, Finished::Answered(Ok(raw(json!({})))));
        let view = tasks.get(&created.task_id, &ANYONE).unwrap();
        assert_eq!(view.status, Status::Cancelled);
        assert!(view.result.is_none());
    }

    #[test]
    fn a_full_store_refuses_until_tasks_expire() {
        let tasks = store(1, Duration::from_millis(30));
        let (first, token) = tasks.create(ANYONE).unwrap();
        assert_eq!(tasks.create(ANYONE).unwrap_err(), StoreFull { max: 1 });
        std::thread::sleep(Duration::from_millis(40));
        // Expired: gone, its job cancelled, and its slot free again.
        assert!(tasks.get(&first.task_id, &ANYONE).is_none());
        assert!(token.is_cancelled());
        assert!(tasks.create(ANYONE).is_ok());
    }

    #[tokio::test]
    async fn input_requests_wait_for_their_own_response() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, _) = tasks.create(ANYONE).unwrap();
        let id = created.task_id;
        let ask = |name| InputRequest {
            method: "elicitation/create".into(),
            params: json!({"message": name}),
        };
        let (first, first_answer) = tasks.request_input(&id, "confirm", ask("a")).unwrap();
        let (second, second_answer) = tasks.request_input(&id, "confirm", ask("b")).unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("confirm", "confirm-2"));
        let view = tasks.get(&id, &ANYONE).unwrap();
        assert_eq!(view.status, Status::InputRequired);
        assert_eq!(view.input_requests.as_ref().map(Map::len), Some(2));

        let mut partial = Map::new();
        partial.insert(first.clone(), json!({"action": "accept"}));
        partial.insert("never-issued".into(), json!({}));
        assert!(tasks.respond(&id, &ANYONE, partial));
        assert_eq!(first_answer.await.unwrap()["action"], "accept");
        let view = tasks.get(&id, &ANYONE).unwrap();
        assert_eq!(view.status, Status::InputRequired);
        let keys: Vec<_> = view.input_requests.unwrap().keys().cloned().collect();
        assert_eq!(keys, vec![second.clone()]);

        // Settling drops what is still pending: its waiter hears an error, not silence.
        tasks.cancel(&id, &ANYONE);
        assert!(second_answer.await.is_err());
        assert!(tasks.request_input(&id, "confirm", ask("c")).is_none());
    }

    #[test]
    fn lists_page_in_creation_order_per_owner() {
        let tasks = store(8, Duration::from_secs(60));
        let session = TaskOwner::Session(SessionId::new_random());
        let ids: Vec<String> = (0..3)
            .map(|_| tasks.create(session.clone()).unwrap().0.task_id)
            .collect();
        tasks.create(alice()).unwrap();
        let first = tasks.list(&session, None, 2).unwrap();
        let listed: Vec<_> = first.tasks.iter().map(|t| t.task_id.clone()).collect();
        assert_eq!(listed, ids[..2]);
        let rest = tasks.list(&session, first.next_after, 2).unwrap();
        assert!(tasks.list(&session, Some(99), 2).is_err());
        assert_eq!(rest.tasks.len(), 1);
        assert_eq!(rest.tasks[0].task_id, ids[2]);
        assert_eq!(rest.next_after, None);
        tasks.drop_owner(&session);
        assert!(tasks.list(&session, None, 10).unwrap().tasks.is_empty());
        assert_eq!(tasks.list(&alice(), None, 10).unwrap().tasks.len(), 1);
    }

    #[tokio::test]
    async fn the_outcome_is_there_once_the_watch_flips() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, _) = tasks.create(ANYONE).unwrap();
        let id = created.task_id;
        let mut watch = tasks.watch(&id, &ANYONE).unwrap();
        assert!(tasks.outcome(&id, &ANYONE).is_none());
        assert!(tasks.begin_asking(&id));
        assert_eq!(
            tasks.get(&id, &ANYONE).unwrap().status,
            Status::InputRequired
        );
        tasks.end_asking(&id);
        let error = raw(json!({"content": [], "isError": true}));
        tasks.finish(&id, Finished::Answered(Ok(error)));
        watch.wait_for(|done| *done).await.unwrap();
        assert!(matches!(
            tasks.outcome(&id, &ANYONE),
            Some(Settled::Answered(Ok(_)))
        ));
        assert!(tasks.get(&id, &ANYONE).unwrap().tool_error);
    }
}
