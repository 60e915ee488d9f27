//! The shared session directory: which replica holds which session, and which
//! replicas are alive.
//!
//! Keys: `<prefix>:session:<id>` = owning replica id, TTL [`SESSION_TTL`], refreshed
//! every [`REFRESH_EVERY`] for every local session; `<prefix>:replica:<id>` = `1`, TTL
//! [`REPLICA_TTL`], refreshed every [`HEARTBEAT_EVERY`]. A session key outliving its
//! replica (killed, so never released) is ignored once the replica key is gone, and
//! another replica may then take the session over ([`Cluster::take_over`]), which
//! counts the move in `<prefix>:incarnation:<id>`.
//!
//! Owns: these keys. Must not: hold sessions (the registry does).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::{within, Cluster, COMMAND_TIMEOUT};
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

/// SET the session key to ARGV[1] unless another replica has it: 1 when it is ours.
const CLAIM: &str = r"
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
";

/// DEL the session key (and, unless ARGV[2] is '1', its state, events and incarnation
/// count: KEYS[2..4]) if it is ARGV[1]'s.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] ~= '1' then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4]) end
return 1
";

/// SET the session key to ARGV[1] unless a live replica (key ARGV[3]..owner) holds it,
/// and count the takeover (KEYS[2], TTL ARGV[4]): the new incarnation, or 0 when
/// refused.
const TAKE_OVER: &str = r"
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. current) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local incarnation = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return incarnation
";

/// A session could not be entered in the shared directory: it must not be opened,
/// since no other replica could route to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimError;

/// Who holds a session, as the directory says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// Another replica, alive.
    Replica(String),
    /// Nobody (unknown, ended, or its replica is gone).
    Nobody,
}

impl Cluster {
    /// Enters session `id` as this replica's; resolves once Redis holds it. A session
    /// this replica has just adopted is already entered as its own.
    pub async fn claim(&self, id: SessionId) -> Result<(), ClaimError> {
        let mut redis = self.commands().ok_or(ClaimError)?;
        let key = self.key("session", &id.to_string());
        let claimed: Option<i64> = within(
            redis::Script::new(CLAIM)
                .key(&key)
                .arg(&self.replica)
                .arg(SESSION_TTL.as_secs())
                .invoke_async(&mut redis),
        )
        .await;
        match claimed {
            Some(1) => Ok(()),
            _ => Err(ClaimError),
        }
    }

    /// Removes session `id` from the directory (in the background), if it is still
    /// entered as ours; its saved state goes too unless `keep_state` (its replica
    /// shuts down: another one may adopt it). Until that lands, requests forwarded
    /// here for a session kept for adoption hear that it is moving, not that it is
    /// unknown.
    pub fn release(self: &Arc<Self>, id: SessionId, keep_state: bool) {
        if keep_state {
            self.handed_over.insert(id, ());
        }
        let cluster = Arc::clone(self);
        self.runtime
            .spawn(async move { cluster.release_now(id, keep_state).await });
    }

    async fn release_now(&self, id: SessionId, keep_state: bool) {
        if keep_state {
            // The adopter must find every event the session sent here.
            self.flush_history(COMMAND_TIMEOUT).await;
        }
        let Some(mut redis) = self.commands() else {
            return; // its keys expire by themselves
        };
        let _: Option<i64> = within(
            redis::Script::new(RELEASE)
                .key(self.key("session", &id.to_string()))
                .key(self.key("state", &id.to_string()))
                .key(self.key("events", &id.to_string()))
                .key(self.key("incarnation", &id.to_string()))
                .arg(&self.replica)
                .arg(if keep_state { "1" } else { "0" })
                .invoke_async(&mut redis),
        )
        .await;
    }

    /// Makes session `id` this replica's, unless a live replica holds it: one atomic
    /// step, so two replicas adopting the same session at once cannot both win.
    /// `Some(incarnation)` (≥ 1: how many times it has moved) when it is ours now,
    /// `Some(0)` when a live replica holds it, `None` when Redis cannot tell now.
    pub(crate) async fn take_over(&self, id: &SessionId) -> Option<u64> {
        let mut redis = self.commands()?;
        within(
            redis::Script::new(TAKE_OVER)
                .key(self.key("session", &id.to_string()))
                .key(self.key("incarnation", &id.to_string()))
                .arg(&self.replica)
                .arg(SESSION_TTL.as_secs())
                .arg(self.key("replica", ""))
                .arg(self.state_ttl.as_secs().max(1))
                .invoke_async(&mut redis),
        )
        .await
    }

    /// Which live replica holds session `id`; `None` when Redis cannot tell now.
    pub async fn owner(&self, id: &SessionId) -> Option<Owner> {
        let mut redis = self.commands()?;
        let key = self.key("session", &id.to_string());
        let owner: Option<String> =
            within(redis::cmd("GET").arg(&key).query_async(&mut redis)).await?;
        let Some(owner) = owner.filter(|owner| *owner != self.replica) else {
            // Ours but not in our table any more (it just ended), or nobody's.
            return Some(Owner::Nobody);
        };
        Some(if self.is_alive(&owner, &mut redis).await? {
            Owner::Replica(owner)
        } else {
            Owner::Nobody
        })
    }

    /// Whether `replica`'s heartbeat key is still there; `None` when Redis cannot tell.
    pub(super) async fn is_alive(
        &self,
        replica: &str,
        redis: &mut redis::aio::ConnectionManager,
    ) -> Option<bool> {
        within(
            redis::cmd("EXISTS")
                .arg(self.key("replica", replica))
                .query_async(redis),
        )
        .await
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
            // A Streamable session's saved state, events and incarnation count live
            // as long as the session.
            for kind in ["state", "events", "incarnation"] {
                pipe.cmd("EXPIRE")
                    .arg(cluster.key(kind, &id.to_string()))
                    .arg(cluster.state_ttl.as_secs().max(1))
                    .ignore();
            }
        }
        let done: Option<()> = within(pipe.query_async(redis)).await;
        if done.is_none() {
            return false; // the next round tries again, well inside the TTL
        }
    }
    true
}
