//! Creates sites for simulated VENs through the server's own functions, with
//! certificates issued by the VTN's VEN CA, so a rehearsal is one command.

use anyhow::{Context, Result};
use server::pki::CertificateAuthority;
use std::path::Path;

/// A simulated VEN's identity.
#[derive(Debug, Clone)]
pub struct Identity {
    /// VEN name (and site name).
    pub ven_name: String,
    /// Certificate (PEM).
    pub cert_pem: String,
    /// Private key (PEM).
    pub key_pem: String,
}

/// Creates `count` sites named `<prefix>-<n>` with new certificates from the
/// VEN CA in `pki_dir` (`ven-ca.pem`, `ven-ca.key`), optionally enrolled in a
/// program.
pub async fn provision(
    db: &sea_orm::DatabaseConnection,
    pki_dir: &Path,
    prefix: &str,
    count: usize,
    program_id: Option<i32>,
) -> Result<Vec<Identity>> {
    let ca = CertificateAuthority::load(
        &std::fs::read_to_string(pki_dir.join("ven-ca.pem")).context("reading ven-ca.pem")?,
        &std::fs::read_to_string(pki_dir.join("ven-ca.key")).context("reading ven-ca.key")?,
    )?;
    let mut identities = Vec::with_capacity(count);
    for n in 0..count {
        let ven_name = format!("{prefix}-{n}");
        let cert = ca.issue_client(&ven_name)?;
        let fingerprint = openadr::Fingerprint::of_der(&cert.der).to_string();
        let site = app::db::sites::create(db, &ven_name, &ven_name, Some(&fingerprint)).await?;
        if let Some(program) = program_id {
            app::db::programs::add_site(db, program, site.id).await?;
        }
        identities.push(Identity {
            ven_name,
            cert_pem: cert.cert_pem,
            key_pem: cert.key_pem,
        });
    }
    Ok(identities)
}
