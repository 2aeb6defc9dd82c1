//! Sites for simulated VENs: created through the server's own functions, with
//! certificates issued by the VTN's VEN CA or with URL tokens, so a rehearsal
//! is one command; or read from a list of VENs provisioned and registered
//! beforehand (a fleet).

use anyhow::{Context, Result, bail};
use server::pki::CertificateAuthority;
use std::path::Path;

/// How a simulated VEN proves who it is.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A client certificate and its private key (PEM).
    Certificate {
        /// Certificate (PEM).
        cert_pem: String,
        /// Private key (PEM).
        key_pem: String,
    },
    /// A URL token: the VEN posts to `/<token>/OpenADR2/Simple/2.0b/…`.
    Token(String),
    /// Nothing but its venID in the messages (openleadr's VTN, plain HTTP).
    None,
}

/// A simulated VEN's identity.
#[derive(Debug, Clone)]
pub struct Identity {
    /// VEN name (and site name).
    pub ven_name: String,
    /// How it is known to the VTN.
    pub credential: Credential,
    /// Its venID when it registered beforehand: it then polls without
    /// registering again.
    pub ven_id: Option<String>,
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
            credential: Credential::Certificate {
                cert_pem: cert.cert_pem,
                key_pem: cert.key_pem,
            },
            ven_id: None,
        });
    }
    Ok(identities)
}

/// Creates `count` sites named `<prefix>-<n>` without certificates, each with
/// a new URL token, optionally enrolled in a program.
pub async fn provision_tokens(
    db: &sea_orm::DatabaseConnection,
    prefix: &str,
    count: usize,
    program_id: Option<i32>,
) -> Result<Vec<Identity>> {
    let mut identities = Vec::with_capacity(count);
    for n in 0..count {
        let ven_name = format!("{prefix}-{n}");
        let site = app::db::sites::create(db, &ven_name, &ven_name, None).await?;
        let token = app::db::sites::issue_token(db, site.id).await?;
        if let Some(program) = program_id {
            app::db::programs::add_site(db, program, site.id).await?;
        }
        identities.push(Identity {
            ven_name,
            credential: Credential::Token(token),
            ven_id: None,
        });
    }
    Ok(identities)
}

/// Reads a fleet of VENs that are already registered: one per line,
/// `ven_name,ven_id,token`. Blank lines and lines starting with `#` are
/// skipped.
pub fn read_fleet(text: &str) -> Result<Vec<Identity>> {
    let mut identities = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [ven_name, ven_id, token] = fields[..] else {
            bail!(
                "fleet line {}: expected ven_name,ven_id,token, found {} fields",
                n + 1,
                fields.len()
            );
        };
        if [ven_name, ven_id, token].iter().any(|f| f.is_empty()) {
            bail!("fleet line {}: an empty field", n + 1);
        }
        identities.push(Identity {
            ven_name: ven_name.to_owned(),
            credential: Credential::Token(token.to_owned()),
            ven_id: Some(ven_id.to_owned()),
        });
    }
    Ok(identities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fleet_file_gives_registered_token_vens_and_names_bad_lines() {
        let fleet =
            read_fleet("# name,id,token\nfleet-0,ven-0,t0\n\n fleet-1 , ven-1 , t1\n").unwrap();
        assert_eq!(fleet.len(), 2);
        assert_eq!(fleet[1].ven_name, "fleet-1");
        assert_eq!(fleet[1].ven_id.as_deref(), Some("ven-1"));
        assert!(matches!(&fleet[1].credential, Credential::Token(t) if t == "t1"));

        let error = read_fleet("a,b,c\na,b\n").unwrap_err().to_string();
        assert!(
            error.contains("line 2") && error.contains("2 fields"),
            "{error}"
        );
        let error = read_fleet("a,,c\n").unwrap_err().to_string();
        assert!(
            error.contains("line 1") && error.contains("empty"),
            "{error}"
        );
    }
}
