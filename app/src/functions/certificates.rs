//! VEN certificates, for admins: list, issue for a site (the key is handed
//! out once), revoke; and the VEN CA that signs them: initialise or import.

use crate::AppError;
use crate::models::certificate::{CertificateList, IssuedCertificate, KeyType};
use leptos::prelude::*;

/// The VEN CA and page `page` (from 0) of the issued certificates.
#[server(endpoint = "certificates")]
pub async fn list_certificates(page: u64) -> Result<CertificateList, AppError> {
    use crate::{db, pki};
    crate::auth::ssr::require(crate::models::Role::Admin).await?;
    let db = db::from_context()?;
    let ca = pki::VenCa::from_context();
    Ok(pki::list(&db, ca.as_ref(), page, PER_PAGE).await?)
}

/// Certificates per page of the certificates list.
pub const PER_PAGE: u64 = 50;

/// Issues a certificate for a site's VEN and binds the site to it.
#[server(endpoint = "issue_certificate")]
pub async fn issue_certificate(
    site_id: i32,
    key_type: KeyType,
) -> Result<IssuedCertificate, AppError> {
    use super::ssr::invalid;
    use crate::{db, pki};
    let user = crate::auth::ssr::require(crate::models::Role::Admin).await?;
    let db = db::from_context()?;
    let ven_ca = pki::VenCa::from_context()
        .ok_or_else(|| invalid("this server has no VEN CA configured"))?;
    let actor = format!("user:{}", user.username);
    let issued = match pki::issue(&db, &ven_ca, site_id, key_type, &actor).await {
        Ok(issued) => issued,
        Err(pki::PkiError::NoSite) => return Err(invalid("no such site")),
        Err(pki::PkiError::Ca(e)) => return Err(invalid(e.to_string())),
        Err(pki::PkiError::Db(e)) => return Err(e.into()),
    };
    tracing::info!(username = %user.username, site_id, fingerprint = %issued.certificate.fingerprint, "VEN certificate issued");
    let target = format!(
        "certificate {} site {site_id} {}",
        issued.certificate.id, issued.certificate.common_name
    );
    super::ssr::audit(&db, &user, "certificate.issue", &target).await;
    Ok(issued)
}

/// Revokes a certificate: refused from now on.
#[server(endpoint = "revoke_certificate")]
pub async fn revoke_certificate(id: i32) -> Result<(), AppError> {
    use super::ssr::found;
    use crate::{db, pki};
    let user = crate::auth::ssr::require(crate::models::Role::Admin).await?;
    let db = db::from_context()?;
    let actor = format!("user:{}", user.username);
    let certificate = found(pki::revoke(&db, id, &actor).await?, "live certificate")?;
    tracing::info!(username = %user.username, id, fingerprint = %certificate.fingerprint, "VEN certificate revoked");
    let target = format!("certificate {id} {}", certificate.common_name);
    super::ssr::audit(&db, &user, "certificate.revoke", &target).await;
    Ok(())
}

/// Generates a VEN CA where the VTN reads it; replacing the installed one
/// must be asked for.
#[server(endpoint = "init_ven_ca")]
pub async fn init_ven_ca(common_name: String, replace: bool) -> Result<(), AppError> {
    use super::ssr::invalid;
    use crate::{db, pki};
    let user = crate::auth::ssr::require(crate::models::Role::Admin).await?;
    let ven_ca = pki::VenCa::from_context()
        .ok_or_else(|| invalid("this server has no VEN CA configured"))?;
    let summary = ven_ca
        .init(&common_name, replace)
        .map_err(|e| invalid(e.to_string()))?;
    tracing::info!(username = %user.username, ca = %summary.common_name, "VEN CA initialised");
    super::ssr::audit(
        &db::from_context()?,
        &user,
        "pki.init",
        &summary.common_name,
    )
    .await;
    Ok(())
}

/// Installs a VEN CA made elsewhere (certificate and key, PEM); replacing the
/// installed one must be asked for.
#[server(endpoint = "import_ven_ca")]
pub async fn import_ven_ca(
    certificate_pem: String,
    key_pem: String,
    replace: bool,
) -> Result<(), AppError> {
    use super::ssr::invalid;
    use crate::{db, pki};
    let user = crate::auth::ssr::require(crate::models::Role::Admin).await?;
    let ven_ca = pki::VenCa::from_context()
        .ok_or_else(|| invalid("this server has no VEN CA configured"))?;
    let summary = ven_ca
        .import(&certificate_pem, &key_pem, replace)
        .map_err(|e| invalid(e.to_string()))?;
    tracing::info!(username = %user.username, ca = %summary.common_name, replace, "VEN CA imported");
    super::ssr::audit(
        &db::from_context()?,
        &user,
        "pki.import",
        &summary.common_name,
    )
    .await;
    Ok(())
}
