//! The shared session directory: which replica holds which session, and which
//! replicas are alive.
//!
//! Keys: `<prefix>:session:<id>` = owning replica id, TTL [`SESSION_TTL`], refreshed
//! every [`REFRESH_EVERY`] for every local session; `<prefix>:replica:<id>` = `1`, TTL
//! [`REPLICA_TTL`], refreshed every [`HEARTBEAT_EVERY`]. A session key outliving its
//! replica (killed, so never released) is ignored once the replica key is gone.
//!
//! Owns: these keys. Must not: hold sessions (the registry does).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::{within, Cluster};
use crate::session::SessionId;

/// How long a session's key lives without a refresh.
const SESSION_TTL: Duration = Duration::from_secs(60);
/// How often the live sessions' keys are refreshed (well inside their TTL).
const REFRESH_EVERY: Duration = Duration::from_secs(20);
/// How long a replica counts as alive after its last heartbeat.
const REPLICA_TTL: Duration = Duration::from_secs(6);
/// How often a replica says it is alive.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// Session keys refreshed per round trip.
const REFRESH_BATCH: usize = 1000;

/// A session could not be entered in the shared directory: it must not be opened,
/// since no other replica could route to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimError;

/// Who holds a session, as the directory says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Owner {
    /// Another replica, alive.
    Replica(String),
    /// Nobody (unknown, ended, or its replica is gone).
    Nobody,
}

impl Cluster {
    /// Enters session `id` as this replica's; resolves once Redis holds it.
    pub async fn claim(&self, id: SessionId) -> Result<(), ClaimError> {
        let mut redis = self.commands().ok_or(ClaimError)?;
        let key = self.key("session", &id.to_string());
        // NX: a session id is ours alone (ids are random; this makes it a rule).
        let set: Option<Option<String>> = within(
            redis::cmd("SET")
                .arg(&key)
                .arg(&self.replica)
                .arg("NX")
                .arg("EX")
                .arg(SESSION_TTL.as_secs())
                .query_async(&mut redis),
        )
        .await;
        match set {
            Some(Some(_)) => Ok(()),
            _ => Err(ClaimError),
        }
    }

    /// Removes session `id` from the directory, if it is still entered as ours.
    pub async fn release(&self, id: SessionId) {
        let Some(mut redis) = self.commands() else {
            return; // its key expires by itself
        };
        let script = redis::Script::new(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        );
        let key = self.key("session", &id.to_string());
        let _: Option<i64> =
            within(script.key(key).arg(&self.replica).invoke_async(&mut redis)).await;
    }

    /// Which live replica holds session `id`; `None` when Redis cannot tell now.
    pub(crate) async fn owner(&self, id: &SessionId) -> Option<Owner> {
        let mut redis = self.commands()?;
        let key = self.key("session", &id.to_string());
        let owner: Option<String> =
            within(redis::cmd("GET").arg(&key).query_async(&mut redis)).await?;
        let Some(owner) = owner.filter(|owner| *owner != self.replica) else {
            // Ours but not in our table any more (it just ended), or nobody's.
            return Some(Owner::Nobody);
        };
        let alive: bool = within(
            redis::cmd("EXISTS")
                .arg(self.key("replica", &owner))
                .query_async(&mut redis),
        )
        .await?;
        Some(if alive {
            Owner::Replica(owner)
        } else {
            Owner::Nobody
        })
    }
}

/// Says this replica is alive every [`HEARTBEAT_EVERY`] and refreshes every local
/// session's key every [`REFRESH_EVERY`], for as long as the process runs.
pub(super) async fn keep_alive(cluster: Arc<Cluster>) {
    let beats_per_refresh = (REFRESH_EVERY.as_secs() / HEARTBEAT_EVERY.as_secs()).max(1);
    let mut beat: u64 = 0;
    let redis = loop {
        // The first heartbeat goes out as soon as there is a connection.
        match cluster.commands() {
            Some(redis) => break redis,
            None => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let mut ticks = tokio::time::interval(HEARTBEAT_EVERY);
    loop {
        ticks.tick().await;
        let mut redis = redis.clone();
        let alive: Option<()> = within(
            redis::cmd("SET")
                .arg(cluster.key("replica", &cluster.replica))
                .arg(1)
                .arg("EX")
                .arg(REPLICA_TTL.as_secs())
                .query_async(&mut redis),
        )
        .await;
        cluster.heartbeat.store(alive.is_some(), Ordering::Release);
        if alive.is_none() {
            continue;
        }
        // Responses relayed from a replica that died would otherwise stay open.
        cluster.drop_orphans(&mut redis).await;
        beat += 1;
        if beat.is_multiple_of(beats_per_refresh) && cluster.subscribed.load(Ordering::Acquire) {
            refresh_sessions(&cluster, &mut redis).await;
        }
    }
}

/// Enters every local session again with a fresh TTL, [`REFRESH_BATCH`] keys a round
/// trip: a refresh, and after a Redis restart (keys lost) the catching up.
pub(super) async fn refresh_sessions(
    cluster: &Cluster,
    redis: &mut redis::aio::ConnectionManager,
) -> bool {
    let ids = cluster.sessions.ids();
    for batch in ids.chunks(REFRESH_BATCH) {
        let mut pipe = redis::pipe();
        for id in batch {
            pipe.cmd("SET")
                .arg(cluster.key("session", &id.to_string()))
                .arg(&cluster.replica)
                .arg("EX")
                .arg(SESSION_TTL.as_secs())
                .ignore();
        }
        let done: Option<()> = within(pipe.query_async(redis)).await;
        if done.is_none() {
            return false; // the next round tries again, well inside the TTL
        }
    }
    true
}
