//! What handlers share. Each handler extracts only the part it needs.

use crate::ingest::Ingest;
use crate::logbook::Logbook;
use crate::openadr::OadrSettings;
use crate::sites::SiteIndex;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;
use std::ops::Deref;
use std::sync::Arc;

/// The server's shared state. Handlers take it by value, a clone per
/// request: one reference count. (As a struct of handles, cloning and
/// dropping it took about 4 % of the VTN's CPU under idle polls: a dozen
/// reference counts, shared between the worker threads.)
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] holds.
pub struct Shared {
    /// Where the built site lives and how to render it.
    pub leptos: LeptosOptions,
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

impl AppState {
    /// Shares `shared` between handlers.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Leptos's handlers take the options by value.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl FromRef<AppState> for Arc<OadrSettings> {
    fn from_ref(state: &AppState) -> Self {
        state.oadr.clone()
    }
}
