//! What a Streamable HTTP session needs to go on on another replica, kept in Redis:
//! its negotiated terms (revision, client info and capabilities), its principal, its
//! log level and its resource subscriptions. Written when any of them changes; read
//! by a replica adopting the session after its owner died or shut down.
//!
//! Key `<prefix>:state:<id>`, JSON, with the session idle TTL (refreshed with the
//! session's directory key). Each write carries a revision and never replaces a newer
//! one (writes leave the session in order but may reach Redis out of it). Deleted when
//! the session ends for good (DELETE, idle, init timeout); kept when it ends because
//! its replica shuts down, so another replica can adopt it.
//!
//! Owns: the snapshot's shape and key. Must not: build sessions (the transport does,
//! through [`crate::session::Session::adopted`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;

use super::{within, Cluster};
use crate::session::SessionId;

/// A session as another replica needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSnapshot {
    /// Grows with every write of this session's snapshot.
    pub revision: u64,
    /// The negotiated revision (`2025-11-25`, …).
    pub version: String,
    pub client_name: String,
    pub client_version: String,
    pub client_capabilities: Map<String, Value>,
    /// Who opened it; an adopting replica serves only them.
    pub principal: Option<String>,
    /// `logging/setLevel`, when set.
    pub log_level: Option<Value>,
    /// Resource URIs subscribed to.
    pub subscriptions: Vec<String>,
}

/// Writes ARGV[1] unless the stored snapshot has a revision ≥ ARGV[2]; TTL ARGV[3].
const SAVE_UNLESS_NEWER: &str = r"
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and stored.revision and stored.revision >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
";

impl Cluster {
    /// Saves `snapshot` for session `id` (in the background: a session never waits on
    /// Redis).
    pub fn save_snapshot(self: &Arc<Self>, id: SessionId, snapshot: SessionSnapshot) {
        let Ok(json) = serde_json::to_string(&snapshot) else {
            return;
        };
        let cluster = Arc::clone(self);
        self.runtime.spawn(async move {
            let Some(mut redis) = cluster.commands() else {
                return;
            };
            let saved: Option<i64> = within(
                redis::Script::new(SAVE_UNLESS_NEWER)
                    .key(cluster.key("state", &id.to_string()))
                    .arg(json)
                    .arg(snapshot.revision)
                    .arg(cluster.state_ttl.as_secs().max(1))
                    .invoke_async(&mut redis),
            )
            .await;
            if saved.is_none() {
                tracing::warn!(session_id = %id, "could not save the session's state to Redis");
            }
        });
    }

    /// The saved state of session `id`, if there is one.
    pub(crate) async fn load_snapshot(&self, id: &SessionId) -> Option<SessionSnapshot> {
        let mut redis = self.commands()?;
        let json: Option<String> = within(
            redis::cmd("GET")
                .arg(self.key("state", &id.to_string()))
                .query_async(&mut redis),
        )
        .await?;
        serde_json::from_str(&json?).ok()
    }
}
