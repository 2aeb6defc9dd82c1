//! The middleware every request passes through, assembled in one place.

use crate::metrics;
use crate::state::AppState;
use axum::Router;
use axum::http::StatusCode;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (OpenADR report updates are the biggest).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// Wraps every route in tracing spans, metrics, a request timeout and a body
/// size limit. Each `layer` call wraps the previous ones, so the last is outermost.
pub fn apply(router: Router<AppState>, request_timeout: Duration) -> Router<AppState> {
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
}
