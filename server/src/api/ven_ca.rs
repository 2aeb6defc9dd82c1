//! `/api/v1/ven-ca`: the CA that signs VEN client certificates — read it,
//! initialise one, or import one made elsewhere (admins). A running server
//! trusts a new CA for new connections within seconds (`tls_files.rs`).

use super::auth::Client;
use super::problem::Problem;
use crate::state::AppState;
use app::models::Role;
use app::models::certificate::CaSummary;
use app::pki::install::InstallError;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use serde::Deserialize;

impl From<InstallError> for Problem {
    fn from(error: InstallError) -> Self {
        match error {
            InstallError::Exists(message) | InstallError::Io(message) => Self::conflict(message),
            InstallError::Ca(e) => Self::invalid(e.to_string()),
        }
    }
}

/// The VEN CA: name, expiry, whether the VTN can issue with it (admin).
#[utoipa::path(get, path = "/api/v1/ven-ca", tag = "certificates",
    responses((status = 200, description = "The VEN CA", body = CaSummary)))]
pub async fn show(
    client: Client,
    State(state): State<AppState>,
) -> Result<Json<CaSummary>, Problem> {
    client.require(Role::Admin)?;
    state
        .ven_ca
        .summary()
        .map(Json)
        .map_err(|e| Problem::not_found(format!("no usable VEN CA: {e}")))
}

/// Body of an init request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitRequest {
    /// The CA's common name, e.g. `Utility VEN CA`.
    common_name: String,
    /// Replace the installed CA: the VEN certificates it issued stop working.
    #[serde(default)]
    replace: bool,
}

/// Generates a VEN CA where the VTN reads it (admin); replacing an installed
/// one needs `replace` (else 409).
#[utoipa::path(post, path = "/api/v1/ven-ca/init", tag = "certificates", request_body = InitRequest,
    responses(
        (status = 201, description = "Created", body = CaSummary),
        (status = 409, description = "There is a VEN CA and `replace` was not given", body = Problem, content_type = "application/problem+json")))]
pub async fn init(
    client: Client,
    State(state): State<AppState>,
    body: Result<Json<InitRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CaSummary>), Problem> {
    client.require(Role::Admin)?;
    let Json(body) = body?;
    let summary = state.ven_ca.init(&body.common_name, body.replace)?;
    tracing::info!(token = %client.name, ca = %summary.common_name, "VEN CA initialised through the API");
    client
        .audit(&state.db, "pki.init", &summary.common_name)
        .await;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// Body of an import request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The CA certificate, PEM.
    certificate_pem: String,
    /// Its private key, PEM (stored 0600, never shown again).
    key_pem: String,
    /// Replace the installed CA: the VEN certificates it issued stop working.
    #[serde(default)]
    replace: bool,
}

/// Installs a CA certificate and its key made elsewhere (admin). The pair
/// must belong together and be a CA; replacing an installed CA needs
/// `replace`.
#[utoipa::path(post, path = "/api/v1/ven-ca/import", tag = "certificates", request_body = ImportRequest,
    responses(
        (status = 200, description = "Installed", body = CaSummary),
        (status = 409, description = "There is a VEN CA and `replace` was not given", body = Problem, content_type = "application/problem+json")))]
pub async fn import(
    client: Client,
    State(state): State<AppState>,
    body: Result<Json<ImportRequest>, JsonRejection>,
) -> Result<Json<CaSummary>, Problem> {
    client.require(Role::Admin)?;
    let Json(body) = body?;
    let summary = state
        .ven_ca
        .import(&body.certificate_pem, &body.key_pem, body.replace)?;
    tracing::info!(token = %client.name, ca = %summary.common_name, replace = body.replace, "VEN CA imported through the API");
    client
        .audit(&state.db, "pki.import", &summary.common_name)
        .await;
    Ok(Json(summary))
}
