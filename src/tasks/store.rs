//! The in-memory task store: one mutex over a map of tasks and their expiry queue.
//! Every call is short and never awaits while holding the lock, so HTTP workers and
//! tool-runtime threads may call it directly.
//!
//! Owns: a task's state machine (`working` ⇄ `input_required` → one terminal status,
//! which is final), the count limit, expiry, principal binding and the pending input
//! requests. Must not: serialize results (it stores what the executor produced) or run
//! anything.

use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::wire::{Status, TaskView};
use crate::access::Principal;
use crate::executor::Finished;
use crate::protocol::{ErrorCode, RpcError};

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
    /// The job answered with this result (a tool error is a result too).
    Completed(Box<RawValue>),
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
    /// Who created it: the only principal that may see it.
    owner: Option<Principal>,
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
}

impl Entry {
    fn status(&self) -> Status {
        match &self.state {
            State::Working if self.pending.is_empty() => Status::Working,
            State::Working => Status::InputRequired,
            State::Completed(_) => Status::Completed,
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
    }
}

/// The tasks and the order they expire in.
#[derive(Default)]
struct Inner {
    tasks: HashMap<String, Entry>,
    /// (expiry, id) in creation order: with one TTL for every task, also expiry order.
    /// A per-task TTL would need a heap instead.
    expiry: VecDeque<(Instant, String)>,
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

    /// The task `id` if `owner` may see it: another principal's task is "not found".
    fn visible(&mut self, id: &str, owner: Option<&Principal>) -> Option<&mut Entry> {
        self.expire(Instant::now());
        self.tasks
            .get_mut(id)
            .filter(|entry| entry.owner.as_ref() == owner)
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
    pub fn create(
        &self,
        owner: Option<Principal>,
    ) -> Result<(TaskView, CancellationToken), StoreFull> {
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
        let entry = Entry {
            owner,
            created,
            updated: created,
            state: State::Working,
            cancellation: cancellation.clone(),
            pending: BTreeMap::new(),
            issued: HashSet::new(),
        };
        let view = self.view(&id, &entry);
        inner.tasks.insert(id.clone(), entry);
        inner.expiry.push_back((now + self.limits.ttl, id));
        Ok((view, cancellation))
    }

    /// The task as `tasks/get` shows it, if `owner` may see it.
    pub fn get(&self, id: &str, owner: Option<&Principal>) -> Option<TaskView> {
        let mut inner = self.lock();
        let entry = inner.visible(id, owner)?;
        Some(self.view(id, entry))
    }

    /// Settles a running task to `cancelled` and fires its job's token; a terminal
    /// task stays as it is. `false` when there is no such task for `owner`.
    pub fn cancel(&self, id: &str, owner: Option<&Principal>) -> bool {
        let mut inner = self.lock();
        let Some(entry) = inner.visible(id, owner) else {
            return false;
        };
        if !entry.is_terminal() {
            entry.settle(State::Cancelled);
            entry.cancellation.cancel();
        }
        true
    }

    /// Hands each response to the input request of the same key; keys that are not
    /// pending (never issued, already answered) are ignored, as the spec asks. The
    /// task stays `input_required` while other requests are pending. `false` when there
    /// is no such task for `owner`.
    pub fn respond(
        &self,
        id: &str,
        owner: Option<&Principal>,
        responses: Map<String, Value>,
    ) -> bool {
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
            Finished::Answered(Ok(result)) => State::Completed(result),
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
            State::Completed(result) => view.result = Some(result.clone()),
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

    fn alice() -> Option<Principal> {
        Some(Principal("alice".into()))
    }

    fn raw(v: Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(&v).unwrap()
    }

    #[test]
    fn a_task_is_found_at_once_then_settles_once() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, _) = tasks.create(alice()).unwrap();
        let id = created.task_id.clone();
        let owner = alice();
        assert_eq!(
            tasks.get(&id, owner.as_ref()).unwrap().status,
            Status::Working
        );
        tasks.finish(&id, Finished::Answered(Ok(raw(json!({"content": []})))));
        let done = tasks.get(&id, owner.as_ref()).unwrap();
        assert_eq!(done.status, Status::Completed);
        assert!(done.result.is_some());
        // Terminal is final: a late outcome or a cancel changes nothing.
        tasks.finish(&id, Finished::Cancelled);
        assert!(tasks.cancel(&id, owner.as_ref()));
        assert_eq!(
            tasks.get(&id, owner.as_ref()).unwrap().status,
            Status::Completed
        );
    }

    #[test]
    fn another_principal_sees_nothing() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, token) = tasks.create(alice()).unwrap();
        let bob = Some(Principal("bob".into()));
        assert!(tasks.get(&created.task_id, bob.as_ref()).is_none());
        assert!(tasks.get(&created.task_id, None).is_none());
        assert!(!tasks.cancel(&created.task_id, bob.as_ref()));
        assert!(!token.is_cancelled());
    }

    #[test]
    fn cancel_fires_the_token_and_wins_over_a_late_answer() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, token) = tasks.create(None).unwrap();
        assert!(tasks.cancel(&created.task_id, None));
        assert!(token.is_cancelled());
        tasks.finish(&created.task_id, Finished::Answered(Ok(raw(json!({})))));
        let view = tasks.get(&created.task_id, None).unwrap();
        assert_eq!(view.status, Status::Cancelled);
        assert!(view.result.is_none());
    }

    #[test]
    fn a_full_store_refuses_until_tasks_expire() {
        let tasks = store(1, Duration::from_millis(30));
        let (first, token) = tasks.create(None).unwrap();
        assert_eq!(tasks.create(None).unwrap_err(), StoreFull { max: 1 });
        std::thread::sleep(Duration::from_millis(40));
        // Expired: gone, its job cancelled, and its slot free again.
        assert!(tasks.get(&first.task_id, None).is_none());
        assert!(token.is_cancelled());
        assert!(tasks.create(None).is_ok());
    }

    #[tokio::test]
    async fn input_requests_wait_for_their_own_response() {
        let tasks = store(4, Duration::from_secs(60));
        let (created, _) = tasks.create(None).unwrap();
        let id = created.task_id;
        let ask = |name| InputRequest {
            method: "elicitation/create".into(),
            params: json!({"message": name}),
        };
        let (first, first_answer) = tasks.request_input(&id, "confirm", ask("a")).unwrap();
        let (second, second_answer) = tasks.request_input(&id, "confirm", ask("b")).unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("confirm", "confirm-2"));
        let view = tasks.get(&id, None).unwrap();
        assert_eq!(view.status, Status::InputRequired);
        assert_eq!(view.input_requests.as_ref().map(Map::len), Some(2));

        let mut partial = Map::new();
        partial.insert(first.clone(), json!({"action": "accept"}));
        partial.insert("never-issued".into(), json!({}));
        assert!(tasks.respond(&id, None, partial));
        assert_eq!(first_answer.await.unwrap()["action"], "accept");
        let view = tasks.get(&id, None).unwrap();
        assert_eq!(view.status, Status::InputRequired);
        let keys: Vec<_> = view.input_requests.unwrap().keys().cloned().collect();
        assert_eq!(keys, vec![second.clone()]);

        // Settling drops what is still pending: its waiter hears an error, not silence.
        tasks.cancel(&id, None);
        assert!(second_answer.await.is_err());
        assert!(tasks.request_input(&id, "confirm", ask("c")).is_none());
    }
}
