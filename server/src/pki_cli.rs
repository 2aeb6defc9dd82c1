//! `vtn pki init|import|issue|revoke|list`: the VEN client CA and the VEN
//! certificates it issues, for scripts and for setting up a deployment.

use crate::config::{Config, PkiCommand};
use crate::pki::{write_private, write_public};
use anyhow::{Context, Result, bail};
use app::db::audit;
use app::models::certificate::{CaSummary, Certificate};
use app::pki::install::InstallError;
use app::pki::{self, PkiError, VenCa};
use sea_orm::DatabaseConnection;
use std::path::Path;

/// Runs one `vtn pki` command.
pub async fn run(db: &DatabaseConnection, config: &Config, command: PkiCommand) -> Result<()> {
    let ven_ca = config.ven_ca();
    match command {
        PkiCommand::Init { name } => {
            let summary = ven_ca.init(&name, false).map_err(install_failed)?;
            installed(&ven_ca, &summary);
            audit::record(db, "cli", "pki.init", &summary.common_name, "local").await;
        }
        PkiCommand::Import { cert, key, replace } => {
            let summary = ven_ca
                .import(
                    &std::fs::read_to_string(&cert)
                        .with_context(|| format!("--cert: reading {}", cert.display()))?,
                    &std::fs::read_to_string(&key)
                        .with_context(|| format!("--key: reading {}", key.display()))?,
                    replace,
                )
                .map_err(install_failed)?;
            installed(&ven_ca, &summary);
            audit::record(db, "cli", "pki.import", &summary.common_name, "local").await;
        }
        PkiCommand::Issue {
            site,
            key_type,
            out,
        } => {
            let issued = match pki::issue(db, &ven_ca, site, key_type, "cli").await {
                Ok(issued) => issued,
                Err(PkiError::NoSite) => bail!("--site {site}: no such site"),
                Err(error) => return Err(error.into()),
            };
            let name = &issued.certificate.common_name;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("--out: creating {}", out.display()))?;
            write_public(&out.join(format!("{name}.pem")), &issued.certificate_pem)?;
            write_private(&out.join(format!("{name}.key")), &issued.private_key_pem)?;
            write_public(&out.join(format!("{name}-chain.pem")), &issued.chain_pem)?;
            println!(
                "{}\t{}\t{}",
                issued.certificate.id,
                issued.certificate.fingerprint,
                out.join(format!("{name}.pem")).display()
            );
            eprintln!(
                "site {site} is now bound to this certificate; its key is in {} (not kept by the VTN)",
                out.join(format!("{name}.key")).display()
            );
            let target = format!("certificate {} site {site} {name}", issued.certificate.id);
            audit::record(db, "cli", "certificate.issue", &target, "local").await;
        }
        PkiCommand::Revoke { id } => {
            let Some(certificate) = pki::revoke(db, id, "cli").await? else {
                bail!("no live certificate with ID {id}");
            };
            println!("revoked certificate {id} ({})", certificate.fingerprint);
            let target = format!("certificate {id} {}", certificate.common_name);
            audit::record(db, "cli", "certificate.revoke", &target, "local").await;
        }
        PkiCommand::List => {
            for c in every_certificate(db).await? {
                println!(
                    "{}\t{}\t{}\t{}\texpires {}\t{}",
                    c.id,
                    c.common_name,
                    c.fingerprint,
                    c.key_type,
                    c.not_after.format("%Y-%m-%d"),
                    c.state.label()
                );
            }
        }
    }
    Ok(())
}

/// Every issued certificate, newest first, read a page at a time.
async fn every_certificate(db: &DatabaseConnection) -> Result<Vec<Certificate>> {
    const PER_PAGE: u64 = 500;
    let mut all = Vec::new();
    for page in 0.. {
        let list = pki::list(db, None, page, PER_PAGE).await?;
        let done = (list.certificates.len() as u64) < PER_PAGE;
        all.extend(list.certificates);
        if done {
            break;
        }
    }
    Ok(all)
}

/// The CLI's wording of an install refusal: it names the flag to use.
fn install_failed(error: InstallError) -> anyhow::Error {
    match error {
        InstallError::Exists(_) => anyhow::anyhow!(
            "{error} (`vtn pki import --replace`; the certificates it issued stop working)"
        ),
        InstallError::Ca(e) => anyhow::anyhow!("--cert/--key: {e}"),
        InstallError::Io(_) => anyhow::anyhow!("{error}"),
    }
}

fn installed(ven_ca: &VenCa, summary: &CaSummary) {
    println!(
        "VEN CA {:?} written to {} (key {}); a running VTN trusts it within seconds",
        summary.common_name,
        ven_ca.cert.display(),
        ven_ca.key.as_deref().unwrap_or(Path::new("")).display()
    );
}
