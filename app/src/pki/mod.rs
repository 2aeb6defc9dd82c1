//! The VEN client PKI: the CA that signs VEN certificates (its files), issuing
//! a certificate for a site (bound to the site at once), revoking, listing.

pub mod ca;
pub mod install;
pub mod revoked;

use crate::db::{certificates, entity::site, entity::ven_certificate};
use crate::models::certificate::{
    CA_WARN_BEFORE, CaSummary, Certificate, CertificateList, CertificateState, ExpiryWarning,
    IssuedCertificate, KeyType, WARN_BEFORE,
};
use ca::{CaError, CertificateAuthority};
use sea_orm::{DatabaseConnection, DbErr};
use std::path::PathBuf;

/// Where the VEN client CA lives. Its key file is readable by the VTN's user
/// only (0600); without it the VTN trusts the CA but cannot issue.
#[derive(Debug, Clone)]
pub struct VenCa {
    /// The CA certificate(s), PEM.
    pub cert: PathBuf,
    /// The CA's private key, PEM.
    pub key: Option<PathBuf>,
}

/// Why a certificate could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// No such site.
    #[error("no such site")]
    NoSite,
    /// The CA is missing or unusable.
    #[error("{0}")]
    Ca(#[from] CaError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn read(path: &PathBuf, what: &str) -> Result<String, CaError> {
    std::fs::read_to_string(path)
        .map_err(|e| CaError::Unusable(format!("cannot read the {what} {}: {e}", path.display())))
}

impl VenCa {
    /// The CA the server put into the Leptos context.
    pub fn from_context() -> Option<Self> {
        leptos::prelude::use_context::<Self>()
    }

    /// Loads the CA with its key, to issue.
    pub fn load(&self) -> Result<CertificateAuthority, CaError> {
        let key = self.key.as_ref().ok_or_else(|| {
            CaError::Unusable(
                "the VTN has no VEN CA key to issue with (set --ven-ca-key / VTN_VEN_CA_KEY)"
                    .into(),
            )
        })?;
        CertificateAuthority::load(
            &read(&self.cert, "VEN CA certificate")?,
            &read(key, "VEN CA key")?,
        )
    }

    /// The CA's certificate (PEM), the chain a VEN presents after its own.
    pub fn certificate_pem(&self) -> Result<String, CaError> {
        read(&self.cert, "VEN CA certificate")
    }

    /// What the certificates page says about the CA.
    pub fn summary(&self) -> Result<CaSummary, CaError> {
        let der = ca::first_certificate(&self.certificate_pem()?)?;
        let (common_name, not_after) = ca::describe(&der)?;
        Ok(CaSummary {
            common_name,
            not_after,
            can_issue: self.key.as_ref().is_some_and(|k| k.exists()),
        })
    }
}

fn view(model: ven_certificate::Model, site: Option<&site::Model>) -> Certificate {
    let bound = site.is_some_and(|s| s.fingerprint.as_deref() == Some(model.fingerprint.as_str()));
    Certificate {
        state: CertificateState::at(
            chrono::Utc::now(),
            model.not_after,
            model.revoked_at.is_some(),
            bound,
        ),
        id: model.id,
        site_id: model.site_id,
        site_name: site.map(|s| s.name.clone()),
        common_name: model.common_name,
        fingerprint: model.fingerprint,
        key_type: model.key_type.parse().unwrap_or_default(),
        not_after: model.not_after,
        issued_at: model.issued_at,
        issued_by: model.issued_by,
        revoked_at: model.revoked_at,
    }
}

/// Issues a certificate for a site's VEN (common name: the VEN name) and
/// binds the site to it; the key is returned once and never stored.
pub async fn issue(
    db: &DatabaseConnection,
    ven_ca: &VenCa,
    site_id: i32,
    key_type: KeyType,
    actor: &str,
) -> Result<IssuedCertificate, PkiError> {
    let site = crate::db::sites::get(db, site_id)
        .await?
        .ok_or(PkiError::NoSite)?;
    let authority = ven_ca.load()?;
    // Key generation (RSA takes a while) stays off the async workers.
    let ven_name = site.ven_name.clone();
    let issued =
        tokio::task::spawn_blocking(move || authority.issue_client_as(&ven_name, key_type))
            .await
            .map_err(|e| CaError::Issue(e.to_string()))??;
    let fingerprint = openadr::Fingerprint::of_der(&issued.der).to_string();
    let model =
        certificates::record_and_bind(db, &site, &issued, &fingerprint, key_type, actor).await?;
    let bound = site::Model {
        fingerprint: Some(fingerprint),
        ..site
    };
    let chain_pem = format!("{}{}", issued.cert_pem, ven_ca.certificate_pem()?);
    Ok(IssuedCertificate {
        certificate: view(model, Some(&bound)),
        certificate_pem: issued.cert_pem,
        private_key_pem: issued.key_pem,
        chain_pem,
    })
}

/// Revokes a certificate: refused from now on, in this process at once.
/// `None` if there is no such live certificate.
pub async fn revoke(
    db: &DatabaseConnection,
    id: i32,
    actor: &str,
) -> Result<Option<Certificate>, DbErr> {
    let Some(model) = certificates::revoke(db, id, actor).await? else {
        return Ok(None);
    };
    let site = match model.site_id {
        Some(site_id) => crate::db::sites::get(db, site_id).await?,
        None => None,
    };
    Ok(Some(view(model, site.as_ref())))
}

/// The CA, and page `page` (from 0) of the issued certificates, newest first.
pub async fn list(
    db: &DatabaseConnection,
    ven_ca: Option<&VenCa>,
    page: u64,
    per_page: u64,
) -> Result<CertificateList, DbErr> {
    let (certificates, total) = certificates::page(db, page, per_page).await?;
    Ok(CertificateList {
        ca: ven_ca.and_then(|ca| ca.summary().ok()),
        certificates: certificates
            .into_iter()
            .map(|(model, site)| view(model, site.as_ref()))
            .collect(),
        total,
    })
}

/// What the overview warns of: VEN certificates in use that expire within
/// [`WARN_BEFORE`] (or already have), and the VEN CA within [`CA_WARN_BEFORE`].
pub async fn expiry_warnings(
    db: &DatabaseConnection,
    ven_ca: Option<&VenCa>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ExpiryWarning>, DbErr> {
    let mut warnings: Vec<ExpiryWarning> = ven_ca
        .and_then(|ca| ca.summary().ok())
        .filter(|ca| ca.not_after - now < CA_WARN_BEFORE)
        .map(|ca| ExpiryWarning {
            subject: format!("VEN CA {}", ca.common_name),
            site_id: None,
            not_after: ca.not_after,
        })
        .into_iter()
        .collect();
    for (certificate, site) in certificates::bound_ending_before(db, now + WARN_BEFORE).await? {
        warnings.push(ExpiryWarning {
            subject: format!("{} ({})", certificate.common_name, site.name),
            site_id: Some(site.id),
            not_after: certificate.not_after,
        });
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;
    use chrono::{TimeDelta, Utc};

    async fn issue(db: &DatabaseConnection, ven: &str, fingerprint: &str, days: i64) -> i32 {
        let site = match crate::db::sites::by_ven_name(db, ven).await.unwrap() {
            Some(site) => site,
            None => crate::db::sites::create(db, ven, ven, None).await.unwrap(),
        };
        let issued = ca::Issued {
            cert_pem: String::new(),
            key_pem: String::new(),
            der: Vec::new(),
            serial: fingerprint.into(),
            not_after: Utc::now() + TimeDelta::days(days),
        };
        certificates::record_and_bind(db, &site, &issued, fingerprint, KeyType::EcdsaP256, "test")
            .await
            .unwrap()
            .id
    }

    #[tokio::test]
    async fn only_certificates_in_use_that_end_soon_are_warned_of() {
        let db = database().await;
        issue(&db, "soon", "AA:01", 10).await;
        issue(&db, "later", "AA:02", 400).await;
        let revoked = issue(&db, "revoked", "AA:03", 10).await;
        certificates::revoke(&db, revoked, "test").await.unwrap();
        issue(&db, "renewed", "AA:04", 10).await;
        issue(&db, "renewed", "AA:05", 700).await;
        issue(&db, "lapsed", "AA:06", -1).await;
        let warnings = expiry_warnings(&db, None, Utc::now()).await.unwrap();
        let subjects: Vec<&str> = warnings.iter().map(|w| w.subject.as_str()).collect();
        assert_eq!(
            subjects,
            ["lapsed (lapsed)", "soon (soon)"],
            "soonest first"
        );
        assert!(warnings.iter().all(|w| w.site_id.is_some()));
    }
}
