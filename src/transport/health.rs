//! `GET /healthz` and `GET /readyz`, for balancers and orchestrators: alive is "the
//! process answers"; ready is "send me new work": not draining for shutdown and, when
//! replicas share Redis, Redis reachable (else new sessions would be refused anyway).
//!
//! Owns: these two routes. Must not: take part in MCP (no session, no access check:
//! they say nothing about any client).

use actix_web::{web, HttpResponse};
use std::sync::atomic::Ordering;

use crate::state::ServerState;

pub(crate) fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<ServerState>) {
    cfg.service(
        web::resource("/healthz").route(web::get().to(|| async { HttpResponse::Ok().body("ok") })),
    );
    cfg.service(
        web::resource("/readyz")
            .app_data(state.clone())
            .route(web::get().to(ready)),
    );
}

async fn ready(state: web::Data<ServerState>) -> HttpResponse {
    if state.draining.load(Ordering::Acquire) {
        return HttpResponse::ServiceUnavailable().body("draining");
    }
    match &state.cluster {
        Some(cluster) if !cluster.is_connected() => {
            HttpResponse::ServiceUnavailable().body("redis unreachable")
        }
        _ => HttpResponse::Ok().body("ready"),
    }
}
