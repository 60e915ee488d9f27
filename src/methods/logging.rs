//! `logging/setLevel`.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::protocol::{LogLevel, RpcError};

#[derive(Deserialize)]
struct SetLevelParams {
    level: LogLevel,
}

/// The level the client asks for; an unknown level is `-32602`.
pub fn set_level(params: Option<Map<String, Value>>) -> Result<LogLevel, RpcError> {
    serde_json::from_value::<SetLevelParams>(Value::Object(params.unwrap_or_default()))
        .map(|p| p.level)
        .map_err(|e| {
            RpcError::invalid_params(format!(
                "Invalid log level ({e}); use one of debug, info, notice, warning, error, critical, alert, emergency"
            ))
        })
}
