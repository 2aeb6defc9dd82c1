//! What handlers share. Each handler extracts only the part it needs.

use crate::ingest::Ingest;
use crate::logbook::Logbook;
use crate::openadr::OadrSettings;
use crate::sites::SiteIndex;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The server's shared state. Handlers take it by value (a clone per
/// request), so every field is a handle: cloning costs a few reference counts.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Where the built site lives and how to render it (a dozen strings:
    /// shared rather than copied for every request).
    #[from_ref(skip)]
    pub leptos: Arc<LeptosOptions>,
    /// The database pool.
    pub db: DatabaseConnection,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// OpenADR behaviour.
    pub oadr: Arc<OadrSettings>,
    /// The background writer of the message log.
    pub logbook: Logbook,
    /// The group-commit writer of report readings.
    pub ingest: Ingest,
    /// The sites VENs call as, in memory.
    pub sites: SiteIndex,
    /// The VEN client CA, to issue VEN certificates.
    pub ven_ca: Arc<app::pki::VenCa>,
}

/// Leptos's handlers take the options by value.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.leptos)
    }
}
