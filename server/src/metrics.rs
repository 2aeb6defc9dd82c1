//! Prometheus metrics: a process-wide recorder, a middleware that counts and
//! times every request by route, and the `/metrics` handler.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::watch;

const LATENCY_BUCKETS: &[f64] = &[
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// The process's recorder, installed on first use (tests start several
/// servers in one process; they share it).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .unwrap_or_else(|e| unreachable!("static buckets are non-empty: {e}"))
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics will be empty");
            }
            metrics::gauge!("vtn_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            handle
        })
        .clone()
}

/// How often the recorded latencies are folded into their histograms. The
/// recorder keeps each sample until then: without this, its memory grew with
/// every request until `/metrics` was next scraped (never, on a VTN nobody
/// scrapes).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Folds the recorded latencies into the histograms every [`UPKEEP_EVERY`]
/// until `stop`.
pub async fn upkeep_until(handle: PrometheusHandle, stop: watch::Receiver<bool>) {
    crate::periodic::every(UPKEEP_EVERY, stop, async || handle.run_upkeep()).await;
}

/// Counts and times each request under its route pattern (never the raw path,
/// which would let clients create unbounded label values).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "fallback".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` in the Prometheus text format, with the fleet gauges read
/// from the database at scrape time.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let now = chrono::Utc::now();
    let offline_after = chrono::TimeDelta::from_std(state.oadr.offline_after)
        .unwrap_or(chrono::TimeDelta::minutes(15));
    if let Err(error) = state.sites.flush_contacts(&state.db).await {
        tracing::warn!(%error, "metrics: recording last contacts failed");
    }
    match app::db::sites::count_online(&state.db, now - offline_after).await {
        Ok((sites, online)) => {
            metrics::gauge!("vtn_sites").set(sites as f64);
            metrics::gauge!("vtn_vens_online").set(online as f64);
        }
        Err(error) => tracing::warn!(%error, "metrics: counting sites failed"),
    }
    match app::db::events::count_pending(&state.db, now).await {
        Ok(pending) => metrics::gauge!("vtn_pending_deliveries").set(pending as f64),
        Err(error) => tracing::warn!(%error, "metrics: counting pending deliveries failed"),
    }
    match app::pki::expiry_warnings(&state.db, Some(&state.ven_ca), now).await {
        Ok(expiring) => metrics::gauge!("vtn_certificates_expiring").set(expiring.len() as f64),
        Err(error) => tracing::warn!(%error, "metrics: reading certificate expiry failed"),
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
}
