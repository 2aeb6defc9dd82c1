//! What handlers share. Each handler extracts only the part it needs.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;

/// The server's shared state.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Where the built site lives and how to render it.
    pub leptos: LeptosOptions,
    /// The database pool.
    pub db: DatabaseConnection,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
}
