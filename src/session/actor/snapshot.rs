//! A Streamable session across replicas: what it saves of itself in Redis when its
//! terms or state change ([`Session::persist`]), and a session rebuilt from that on
//! another replica ([`Session::adopted`]), which goes on where the dead one stopped:
//! same id, same negotiated terms, log level and subscriptions, and a `Last-Event-ID`
//! the old replica handed out replays what the client missed. Calls that were in
//! flight on the old replica are gone (the client retries them); nothing answered is
//! lost, since it reached the client.
//!
//! Owns: the mapping between a session and its [`SessionSnapshot`]. Must not: talk
//! to Redis itself (the cluster does, in the background).

use std::sync::Arc;

use super::{Phase, Session};
use crate::access::Principal;
use crate::cluster::{PastEvent, SessionSnapshot};
use crate::methods::lifecycle::{ClientInfo, Negotiated};
use crate::methods::SessionState;
use crate::protocol::ProtocolVersion;
use crate::session::wire::Wire;
use crate::session::SessionId;
use crate::state::ServerState;

impl Session {
    /// Saves what another replica would need to go on with this session, when
    /// replicas share Redis and the session can move (Streamable, past `initialize`).
    pub(super) fn persist(&mut self) {
        let Some(cluster) = &self.server.cluster else {
            return;
        };
        let (Wire::Streamable(_), Phase::Negotiated(terms)) = (&self.wire, &self.phase) else {
            return;
        };
        self.snapshot_revision += 1;
        let snapshot = SessionSnapshot {
            revision: self.snapshot_revision,
            version: terms.version.as_str().to_owned(),
            client_name: terms.client.name.clone(),
            client_version: terms.client.version.clone(),
            client_capabilities: terms.client_capabilities.clone(),
            principal: self.principal.as_ref().map(|p| p.0.to_string()),
            log_level: self
                .state
                .log_level
                .and_then(|level| serde_json::to_value(level).ok()),
            subscriptions: self.state.subscriptions.iter().cloned().collect(),
        };
        cluster.save_snapshot(self.id, snapshot);
    }

    /// The session `id` as `snapshot` left it, ready to serve on this replica as its
    /// `incarnation`-th owner, with the earlier owners' recorded events (`history`)
    /// ready to replay; `None` when the snapshot names a revision this server does
    /// not speak.
    pub fn adopted(
        id: SessionId,
        server: Arc<ServerState>,
        snapshot: SessionSnapshot,
        incarnation: u64,
        history: Vec<PastEvent>,
    ) -> Option<Session> {
        let version = ProtocolVersion::parse_handshake(&snapshot.version)?;
        let principal = snapshot.principal.map(|p| Principal(p.into()));
        let mut wire = Wire::streamable(&server.config);
        if let Wire::Streamable(streams) = &mut wire {
            streams.set_priming(version.has_sse_priming());
            streams.resume_from(incarnation, history);
            // An event id no earlier owner recorded opens the standalone stream.
            streams.forgive_unknown_event_ids();
        }
        let mut session = Session::new(id, server, wire, principal);
        session.phase = Phase::Negotiated(Box::new(Negotiated {
            version,
            client: ClientInfo {
                name: snapshot.client_name,
                version: snapshot.client_version,
            },
            client_capabilities: snapshot.client_capabilities,
        }));
        session.client_ready = true;
        session.state = SessionState {
            log_level: snapshot
                .log_level
                .and_then(|level| serde_json::from_value(level).ok()),
            subscriptions: snapshot.subscriptions.into_iter().collect(),
        };
        session.snapshot_revision = snapshot.revision;
        Some(session)
    }
}
