//! A task on the wire: the flat `Task` fields of a `CreateTaskResult`, and the
//! `DetailedTask` of `tasks/get` (the same fields plus `result`, `error` or
//! `inputRequests` by status). The stateless host adds `resultType` and `_meta`.
//!
//! Owns: field names (`ttlMs`, `pollIntervalMs`, never the v1 `ttl` / `pollInterval`),
//! status names and the ISO 8601 timestamps. Must not: decide a task's status (the
//! store does).

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

use super::store::TaskLimits;
use crate::protocol::RpcError;

/// A task's status, as the extension names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    Working,
    InputRequired,
    Completed,
    Failed,
    Cancelled,
}

impl Status {
    /// `completed`, `failed` and `cancelled` are final.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Failed | Status::Cancelled)
    }

    /// The wire name, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Working => "working",
            Status::InputRequired => "input_required",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// One task at one moment, ready to serialize.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TaskView {
    /// The unguessable id clients poll with.
    pub task_id: String,
    pub status: Status,
    /// Why it is `input_required`, `failed` or `cancelled`, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// ISO 8601, UTC.
    pub created_at: String,
    /// ISO 8601, UTC.
    pub last_updated_at: String,
    /// How long after `createdAt` the task may be dropped, in whole milliseconds.
    pub ttl_ms: u64,
    /// How often to poll, in whole milliseconds.
    pub poll_interval_ms: u64,
    /// `completed`: what the call answered (a tool error is a result too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Box<RawValue>>,
    /// `failed`: the JSON-RPC error the call ended with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RpcError>,
    /// `input_required`: the pending requests by key (`{method, params}` each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_requests: Option<Map<String, Value>>,
    /// `completed` with a tool error (`isError`): 2025-11-25 calls that `failed`.
    #[serde(skip)]
    pub tool_error: bool,
}

/// A task as a 2025-11-25 session sees it: in `CreateTaskResult.task`, `tasks/get`,
/// `tasks/cancel`, `tasks/list` and `notifications/tasks/status`. The v1 names `ttl`
/// and `pollInterval`; the result itself only through `tasks/result`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionTask {
    pub task_id: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    pub created_at: String,
    pub last_updated_at: String,
    /// Milliseconds from `createdAt` until it may be dropped.
    pub ttl: u64,
    /// Suggested milliseconds between polls.
    pub poll_interval: u64,
}

impl TaskView {
    /// The base fields of a task in `status`; the store fills in the rest.
    pub(super) fn new(
        id: &str,
        status: Status,
        created: SystemTime,
        updated: SystemTime,
        limits: TaskLimits,
    ) -> TaskView {
        let status_message = match status {
            Status::InputRequired => Some("Waiting for the client's input".to_owned()),
            Status::Cancelled => Some("Cancelled at the client's request".to_owned()),
            Status::Working | Status::Completed | Status::Failed => None,
        };
        TaskView {
            task_id: id.to_owned(),
            status,
            status_message,
            created_at: iso8601(created),
            last_updated_at: iso8601(updated),
            // Both are positive integers on the wire; a zero would read as "no TTL".
            ttl_ms: whole_millis(limits.ttl),
            poll_interval_ms: whole_millis(limits.poll_interval),
            result: None,
            error: None,
            input_requests: None,
            tool_error: false,
        }
    }

    /// The 2025-11-25 form: a tool error is `failed` there ("this includes cases where
    /// the tool call result has `isError`"), with the reason in `statusMessage`.
    pub fn for_session(self) -> SessionTask {
        let (status, status_message) = match (self.status, &self.error) {
            (Status::Completed, _) if self.tool_error => (
                Status::Failed,
                Some("The tool reported an error; tasks/result has it".to_owned()),
            ),
            (_, Some(error)) => (self.status, Some(error.message.clone())),
            _ => (self.status, self.status_message),
        };
        SessionTask {
            task_id: self.task_id,
            status,
            status_message,
            created_at: self.created_at,
            last_updated_at: self.last_updated_at,
            ttl: self.ttl_ms,
            poll_interval: self.poll_interval_ms,
        }
    }

    /// The `CreateTaskResult` form: the task fields only (`result`, `error` and
    /// `inputRequests` belong to `tasks/get`).
    pub fn handle(mut self) -> TaskView {
        self.result = None;
        self.input_requests = None;
        if let Some(error) = self.error.take() {
            self.status_message.get_or_insert(error.message);
        }
        self
    }

    /// The `tasks/get` form, with a `failed` task's reason in `statusMessage` too.
    pub fn detailed(mut self) -> TaskView {
        if let Some(error) = &self.error {
            self.status_message
                .get_or_insert_with(|| error.message.clone());
        }
        self
    }
}

fn whole_millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// `time` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (what `Date.toISOString()` writes).
fn iso8601(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs();
    let (days, of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        since.subsec_millis()
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01, counted in 400-year eras
/// (each exactly 146 097 days) starting on a March 1st, so leap days fall at the end.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March … 11 = February
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn timestamps_are_iso_8601_utc() {
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        // 2024-02-29T12:34:56.789Z, a leap day.
        let leap = UNIX_EPOCH + Duration::from_millis(1_709_210_096_789);
        assert_eq!(iso8601(leap), "2024-02-29T12:34:56.789Z");
        let end_of_century = UNIX_EPOCH + Duration::from_secs(4_107_542_399);
        assert_eq!(iso8601(end_of_century), "2100-02-28T23:59:59.000Z");
    }

    #[test]
    fn wire_names_are_the_extensions() {
        let limits = TaskLimits {
            max_tasks: 1,
            ttl: Duration::from_secs(60),
            poll_interval: Duration::from_micros(10),
        };
        let mut view = TaskView::new("t", Status::Failed, UNIX_EPOCH, UNIX_EPOCH, limits);
        view.error = Some(RpcError::new(
            crate::protocol::ErrorCode::InternalError,
            "boom",
        ));
        let detailed = serde_json::to_value(view.detailed()).unwrap();
        assert_eq!(detailed["status"], "failed");
        assert_eq!(detailed["ttlMs"], 60_000);
        assert_eq!(detailed["pollIntervalMs"], 1, "never 0 nor fractional");
        assert_eq!(
            detailed["error"],
            json!({"code": -32603, "message": "boom"})
        );
        assert_eq!(detailed["statusMessage"], "boom");
        assert!(detailed.get("ttl").is_none() && detailed.get("pollInterval").is_none());
    }
}
