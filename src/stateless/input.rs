//! MRTR (multi round-trip requests) for one 2026-07-28 request: what a handler's
//! requests to the client (elicitation, sampling, roots) become when no session can
//! carry them.
//!
//! # The re-run model
//!
//! A handler is written once, against [`crate::RequestContext`]: `ctx.elicit(…)`,
//! `ctx.create_message(…)`, `ctx.list_roots()`. In a stateless request each such ask
//! is looked up by its key (`ctx.input_key("user_name")`, else `elicitation-1`,
//! `sampling-1`, `roots-1`, … in call order) among the answers the client brought
//! (`inputResponses`, plus those sealed in `requestState` from earlier rounds):
//! - answered: the ask resolves to the client's result at once;
//! - not answered: the ask never resolves; when the handler next yields, its run ends
//!   and the request is answered with an `InputRequiredResult` listing every ask still
//!   open (several asks awaited together — `join!` — are all listed) and a sealed
//!   `requestState` holding the answers this run used;
//! - the client's capabilities do not declare the ask's capability: the ask fails with
//!   `-32021`, nothing is sent; if the handler then fails (an error, or an `isError`
//!   tool result) the request is answered `-32021` naming what was missing.
//!
//! The client retries with a new id, the same params, the answers and the state; the
//! handler runs again from the start and, finding its earlier answers, gets one round
//! further. So a handler must do the same asks in the same order given the same
//! answers, and do side effects only after its last ask (or make them idempotent).
//!
//! Owns: one request's answers, asks and what they conclude to. Must not: seal state
//! (the host does, with [`super::request_state`]), or know HTTP.

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::context::ClientAsk;
use crate::executor::Answer;
use crate::protocol::{ErrorCode, RpcError};
use crate::session::client_requests::may_ask;

/// One request's MRTR book-keeping, shared by its link (asks) and its gate (the end).
pub(crate) struct InputRound {
    inner: Mutex<Round>,
}

#[derive(Default)]
struct Round {
    /// The request's `clientCapabilities`: only these may be asked for.
    declared: Map<String, Value>,
    /// Whether this method may answer `input_required` (tools/call, prompts/get,
    /// resources/read); elsewhere an ask fails.
    allows_input: bool,
    /// The answers the client brought, by key.
    offered: Map<String, Value>,
    /// The answers this run used, by key: sealed into the next `requestState`.
    used: Map<String, Value>,
    /// Asks with no answer yet, by key: the next `inputRequests`.
    pending: Map<String, Value>,
    /// Asks per method so far, for default keys.
    counts: HashMap<&'static str, usize>,
    /// Capabilities asked for but not declared, as `requiredCapabilities`.
    missing: Map<String, Value>,
    /// A malformed answer: the request fails with this whatever the handler does.
    malformed: Option<RpcError>,
    /// The gate's task, woken when an ask is left open (it may sit in another task).
    gate: Option<Waker>,
    /// The gate stopped the handler to ask for input (a handler that answered in the
    /// same poll as it left an ask open keeps its answer).
    stopped: bool,
}

/// How a stateless request's run concluded.
#[derive(Debug)]
pub(crate) enum Concluded {
    /// The handler's own answer (or failure).
    Answered(Answer),
    /// Input is needed: these `inputRequests`, and the answers to seal for the retry.
    InputRequired {
        requests: Map<String, Value>,
        used: Map<String, Value>,
    },
}

impl InputRound {
    pub(crate) fn new(
        declared: Map<String, Value>,
        allows_input: bool,
        offered: Map<String, Value>,
    ) -> InputRound {
        InputRound {
            inner: Mutex::new(Round {
                declared,
                allows_input,
                offered,
                ..Round::default()
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Round> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An ask from the handler: `Some(answer)` now, or `None` — left open.
    pub(crate) fn ask(&self, ask: &ClientAsk) -> Option<Result<Value, RpcError>> {
        let mut round = self.lock();
        if let Err(missing) = check_declared(&round.declared, ask) {
            round
                .missing
                .insert(ask.capability.to_owned(), missing.required.clone());
            let required = Value::Object(round.missing.clone());
            return Some(Err(missing.error(required)));
        }
        if !round.allows_input {
            return Some(Err(RpcError::new(
                ErrorCode::InternalError,
                format!(
                    "`{}` is not possible here: at 2026-07-28 only tools/call, prompts/get and \
                     resources/read may ask the client for input",
                    ask.method
                ),
            )));
        }
        let key = match &ask.key {
            Some(key) => key.clone(),
            None => {
                let short = short_name(ask.method);
                let count = round.counts.entry(short).or_default();
                *count += 1;
                format!("{short}-{count}")
            }
        };
        if round.used.contains_key(&key) || round.pending.contains_key(&key) {
            return Some(Err(RpcError::new(
                ErrorCode::InternalError,
                format!(
                    "The input key {key:?} was used twice in one request: give each ask its own"
                ),
            )));
        }
        if let Some(answer) = round.offered.get(&key).cloned() {
            if let Err(why) = check_shape(ask.method, &answer) {
                let error = RpcError::invalid_params(format!(
                    "Invalid params: inputResponses[{key:?}] is not a {} result: {why}",
                    ask.method
                ));
                round.malformed = Some(error.clone());
                return Some(Err(error));
            }
            round.used.insert(key, answer.clone());
            return Some(Ok(answer));
        }
        round
            .pending
            .insert(key, json!({"method": ask.method, "params": ask.params}));
        if let Some(gate) = round.gate.take() {
            gate.wake();
        }
        None
    }

    /// What the run's `answer` amounts to (a placeholder when the gate stopped it).
    pub(crate) fn conclude(&self, answer: Answer) -> Concluded {
        let mut round = self.lock();
        if let Some(error) = round.malformed.take() {
            return Concluded::Answered(Err(error));
        }
        if round.stopped {
            return Concluded::InputRequired {
                requests: std::mem::take(&mut round.pending),
                used: std::mem::take(&mut round.used),
            };
        }
        if !round.missing.is_empty() && failed(&answer) {
            let required = Value::Object(std::mem::take(&mut round.missing));
            let names: Vec<&String> = required
                .as_object()
                .into_iter()
                .flat_map(|m| m.keys())
                .collect();
            let message = format!(
                "Missing required client capability: this request needs {names:?}, which the \
                 request's clientCapabilities do not declare"
            );
            return Concluded::Answered(Err(RpcError::new(
                ErrorCode::MissingClientCapability,
                message,
            )
            .with_data(json!({ "requiredCapabilities": required }))));
        }
        Concluded::Answered(answer)
    }

    /// Whether the handler, now waiting, waits on an open ask: then it is stopped.
    fn stop_for_input(&self, waker: &Waker) -> bool {
        let mut round = self.lock();
        if round.pending.is_empty() {
            round.gate = Some(waker.clone());
            false
        } else {
            round.stopped = true;
            true
        }
    }
}

/// An ask of a capability the request did not declare.
pub(crate) struct Undeclared {
    /// What the capability's entry in `requiredCapabilities` must be (`{}`, or
    /// `{"url": {}}` for URL-mode elicitation when only the form mode was declared).
    pub required: Value,
    /// Why, as `may_ask` words it.
    message: String,
}

impl Undeclared {
    /// The `-32021` error naming `required_capabilities` (a ClientCapabilities object).
    pub(crate) fn error(self, required_capabilities: Value) -> RpcError {
        RpcError::new(ErrorCode::MissingClientCapability, self.message)
            .with_data(json!({ "requiredCapabilities": required_capabilities }))
    }
}

/// Whether a request that declared `declared` may be asked `ask` (2026-07-28: never
/// sent otherwise); the session's rule, [`may_ask`], with what would be missing.
pub(crate) fn check_declared(
    declared: &Map<String, Value>,
    ask: &ClientAsk,
) -> Result<(), Undeclared> {
    may_ask(declared, ask).map_err(|refused| Undeclared {
        required: if ask.capability == "elicitation" && declared.contains_key("elicitation") {
            json!({"url": {}})
        } else {
            json!({})
        },
        message: refused.message,
    })
}

/// Whether an answer is a failure: an error, or a tool result with `isError: true`.
fn failed(answer: &Answer) -> bool {
    match answer {
        Err(_) => true,
        Ok(raw) => serde_json::from_str::<Value>(raw.get())
            .ok()
            .and_then(|v| v.get("isError").and_then(Value::as_bool))
            .unwrap_or(false),
    }
}

fn short_name(method: &str) -> &'static str {
    match method {
        "elicitation/create" => "elicitation",
        "sampling/createMessage" => "sampling",
        "roots/list" => "roots",
        _ => "input",
    }
}

/// The least a client's result must look like for the handler to read it.
fn check_shape(method: &str, answer: &Value) -> Result<(), &'static str> {
    let object = answer.as_object().ok_or("not an object")?;
    let ok = match method {
        "elicitation/create" => object.get("action").is_some_and(Value::is_string),
        "sampling/createMessage" => object.contains_key("content"),
        "roots/list" => object.get("roots").is_some_and(Value::is_array),
        _ => true,
    };
    ok.then_some(()).ok_or(match method {
        "elicitation/create" => "`action` is missing",
        "sampling/createMessage" => "`content` is missing",
        _ => "`roots` is missing",
    })
}

/// A handler's future that also ends as soon as it waits on an ask left open, so its
/// request can be answered `input_required` ([`InputRound::conclude`] tells which).
pub(crate) struct Gate<F> {
    /// The handler.
    work: Pin<Box<F>>,
    /// Where its asks are recorded.
    round: Arc<InputRound>,
}

impl<F> Gate<F> {
    pub(crate) fn new(work: F, round: Arc<InputRound>) -> Gate<F> {
        Gate {
            work: Box::pin(work),
            round,
        }
    }
}

impl<F: Future<Output = Answer>> Future for Gate<F> {
    type Output = Answer;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(answer) = self.work.as_mut().poll(cx) {
            return Poll::Ready(answer);
        }
        // Every ask the handler awaits together was recorded during that poll.
        if self.round.stop_for_input(cx.waker()) {
            Poll::Ready(crate::executor::answer(&Value::Null))
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::answer;

    fn ask(method: &'static str, capability: &'static str, key: Option<&str>) -> ClientAsk {
        ClientAsk {
            method,
            params: json!({"m": method}),
            capability,
            key: key.map(str::to_owned),
        }
    }

    fn round(declared: Value, offered: Value) -> Arc<InputRound> {
        Arc::new(InputRound::new(
            declared.as_object().cloned().unwrap_or_default(),
            true,
            offered.as_object().cloned().unwrap_or_default(),
        ))
    }

    #[tokio::test]
    async fn open_asks_awaited_together_are_all_requested() {
        let round = round(json!({"elicitation": {}, "sampling": {}}), json!({}));
        let r = Arc::clone(&round);
        let work = async move {
            let (a, b) = futures_util::join!(
                pending_or(&r, ask("elicitation/create", "elicitation", Some("name"))),
                pending_or(&r, ask("sampling/createMessage", "sampling", None)),
            );
            answer(&(a, b))
        };
        let finished = Gate::new(work, Arc::clone(&round)).await;
        match round.conclude(finished) {
            Concluded::InputRequired { requests, used } => {
                let keys: Vec<_> = requests.keys().cloned().collect();
                assert_eq!(keys, ["name", "sampling-1"]);
                assert_eq!(requests["name"]["method"], "elicitation/create");
                assert!(used.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    async fn pending_or(round: &InputRound, ask: ClientAsk) -> Result<Value, RpcError> {
        match round.ask(&ask) {
            Some(answer) => answer,
            None => std::future::pending().await,
        }
    }

    #[test]
    fn answers_are_used_once_by_key_and_shapes_are_checked() {
        let accepted = json!({"action": "accept", "content": {"name": "A"}});
        let round = round(
            json!({"elicitation": {}, "roots": {}}),
            json!({"elicitation-1": accepted, "roots-1": {"nope": 1}, "extra": {}}),
        );
        let first = round.ask(&ask("elicitation/create", "elicitation", None));
        assert_eq!(first.unwrap().unwrap(), accepted);
        let twice = round.ask(&ask(
            "elicitation/create",
            "elicitation",
            Some("elicitation-1"),
        ));
        assert!(twice.unwrap().is_err(), "a key names one ask");
        let bad = round
            .ask(&ask("roots/list", "roots", None))
            .unwrap()
            .unwrap_err();
        assert_eq!(bad.code, -32602);
        match round.conclude(answer(&"ok")) {
            Concluded::Answered(Err(e)) => assert_eq!(e.code, -32602),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_undeclared_capability_fails_the_ask_and_a_failed_handler_with_32021() {
        let round = round(json!({"sampling": {}}), json!({}));
        let refused = round.ask(&ask("elicitation/create", "elicitation", None));
        let refused = refused.unwrap().unwrap_err();
        assert_eq!(refused.code, -32021);
        assert_eq!(
            refused.data.unwrap()["requiredCapabilities"],
            json!({"elicitation": {}})
        );
        // The handler carried on without it and succeeded: that answer stands.
        match round.conclude(answer(&json!({"content": []}))) {
            Concluded::Answered(Ok(_)) => {}
            other => panic!("{other:?}"),
        }
        let round = super::tests::round(json!({}), json!({}));
        let _ = round.ask(&ask("sampling/createMessage", "sampling", None));
        let failed = answer(&json!({"content": [], "isError": true}));
        match round.conclude(failed) {
            Concluded::Answered(Err(e)) => {
                assert_eq!(e.code, -32021);
                assert_eq!(
                    e.data.unwrap()["requiredCapabilities"],
                    json!({"sampling": {}})
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
