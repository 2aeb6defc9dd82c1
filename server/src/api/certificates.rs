//! `/api/v1/certificates`: VEN client certificates from the VTN's VEN CA —
//! list, issue for a site (the key is in the answer, once), revoke. Admins only.

use super::auth::Client;
use super::id::Id;
use super::paging::Paging;
use super::problem::Problem;
use crate::state::AppState;
use app::models::Role;
use app::models::certificate::{Certificate, CertificateList, IssuedCertificate, KeyType};
use app::pki;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

/// The VEN CA and a page of the issued certificates, newest first, with
/// how many there are in all (admin).
#[utoipa::path(get, path = "/api/v1/certificates", tag = "certificates", params(Paging),
    responses((status = 200, description = "The CA and a page of the certificates", body = CertificateList)))]
pub async fn list(
    client: Client,
    State(state): State<AppState>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<CertificateList>, Problem> {
    client.require(Role::Admin)?;
    let Query(paging) = paging?;
    let (page, per_page) = paging.checked()?;
    Ok(Json(
        pki::list(&state.db, Some(&state.ven_ca), page, per_page).await?,
    ))
}

/// Body of an issue request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// `ecdsa-p256` (default) or `rsa-2048`.
    #[serde(default)]
    key_type: KeyType,
}

/// Issues a certificate for the site's VEN and binds the site to it (admin).
/// The private key is in this answer only.
#[utoipa::path(post, path = "/api/v1/sites/{id}/certificates", tag = "certificates",
    params(("id" = i32, Path, description = "The site's key")),
    request_body(content = Option<IssueRequest>, description = "Optional; the key type defaults to ecdsa-p256"),
    responses(
        (status = 201, description = "Issued; the key is shown this once", body = IssuedCertificate),
        (status = 409, description = "The VTN has no usable VEN CA key", body = Problem, content_type = "application/problem+json")))]
pub async fn issue(
    client: Client,
    State(state): State<AppState>,
    Id(site_id): Id,
    body: Bytes,
) -> Result<(StatusCode, Json<IssuedCertificate>), Problem> {
    client.require(Role::Admin)?;
    // The body is optional: no body issues the default key type.
    let request: IssueRequest = if body.is_empty() {
        IssueRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| Problem::invalid(format!("the body is not an issue request: {e}")))?
    };
    let key_type = request.key_type;
    let actor = format!("token:{}", client.name);
    let issued = pki::issue(&state.db, &state.ven_ca, site_id, key_type, &actor).await?;
    let target = format!(
        "certificate {} site {site_id} {}",
        issued.certificate.id, issued.certificate.common_name
    );
    client.audit(&state.db, "certificate.issue", &target).await;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// Revokes a certificate (admin): refused from now on, at the TLS handshake
/// and on connections already open.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "certificates",
    params(("id" = i32, Path, description = "The certificate's ID")),
    responses((status = 200, description = "Revoked", body = Certificate)))]
pub async fn revoke(
    client: Client,
    State(state): State<AppState>,
    Id(id): Id,
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
