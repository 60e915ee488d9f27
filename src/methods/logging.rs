//! `logging/setLevel`.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{answer_now, lifecycle::ping_result, Scope, Step};
use crate::protocol::{LogLevel, RpcError};

/// A logging request.
pub enum Request {
    SetLevel(LogLevel),
}

#[derive(Deserialize)]
struct SetLevelParams {
    level: LogLevel,
}

impl Request {
    /// The level the client asks for; an unknown level is `-32602`.
    pub fn set_level(params: Option<Map<String, Value>>) -> Result<Request, RpcError> {
        serde_json::from_value::<SetLevelParams>(Value::Object(params.unwrap_or_default()))
            .map(|p| Request::SetLevel(p.level))
            .map_err(|e| {
                RpcError::invalid_params(format!(
                    "Invalid log level ({e}); use one of debug, info, notice, warning, error, critical, alert, emergency"
                ))
            })
    }

    pub fn apply(self, scope: Scope<'_>) -> Result<Step, RpcError> {
        match self {
            Request::SetLevel(level) => {
                scope.session.log_level = Some(level);
                answer_now(&ping_result())
            }
        }
    }
}
