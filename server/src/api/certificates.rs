//! `/api/v1/certificates`: VEN client certificates from the VTN's VEN CA —
//! list, issue for a site (the key is in the answer, once), revoke. Admins only.

use super::auth::Client;
use super::problem::Problem;
use crate::state::AppState;
use app::models::Role;
use app::models::certificate::{Certificate, CertificateList, IssuedCertificate, KeyType};
use app::pki;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

/// `GET /api/v1/certificates`: the VEN CA and every issued certificate, newest first.
pub async fn list(
    client: Client,
    State(state): State<AppState>,
) -> Result<Json<CertificateList>, Problem> {
    client.require(Role::Admin)?;
    Ok(Json(pki::list(&state.db, Some(&state.ven_ca)).await?))
}

/// Body of an issue request.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// `ecdsa-p256` (default) or `rsa-2048`.
    #[serde(default)]
    key_type: KeyType,
}

/// `POST /api/v1/sites/{id}/certificates`: issues a certificate for the
/// site's VEN and binds the site to it. The private key is in this answer
/// only.
pub async fn issue(
    client: Client,
    State(state): State<AppState>,
    Path(site_id): Path<i32>,
    body: Option<Json<IssueRequest>>,
) -> Result<(StatusCode, Json<IssuedCertificate>), Problem> {
    client.require(Role::Admin)?;
    let key_type = body.map(|Json(b)| b.key_type).unwrap_or_default();
    let actor = format!("token:{}", client.name);
    let issued = pki::issue(&state.db, &state.ven_ca, site_id, key_type, &actor).await?;
    let target = format!(
        "certificate {} site {site_id} {}",
        issued.certificate.id, issued.certificate.common_name
    );
    client.audit(&state.db, "certificate.issue", &target).await;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// `POST /api/v1/certificates/{id}/revoke`: the certificate is refused from
/// now on (TLS handshakes and requests on open connections).
pub async fn revoke(
    client: Client,
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<Certificate>, Problem> {
    client.require(Role::Admin)?;
    let actor = format!("token:{}", client.name);
    let certificate = pki::revoke(&state.db, id, &actor)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no live certificate {id}")))?;
    let target = format!("certificate {id} {}", certificate.common_name);
    client.audit(&state.db, "certificate.revoke", &target).await;
    Ok(Json(certificate))
}
