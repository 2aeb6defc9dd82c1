//! `vtn pki init|import|issue|revoke|list`: the VEN client CA and the VEN
//! certificates it issues, for scripts and for setting up a deployment.

use crate::config::{Config, PkiCommand};
use crate::pki::{CertificateAuthority, write_private, write_public};
use anyhow::{Context, Result, bail};
use app::db::audit;
use app::pki::{self, PkiError, VenCa};
use sea_orm::DatabaseConnection;
use std::path::Path;

/// Runs one `vtn pki` command.
pub async fn run(db: &DatabaseConnection, config: &Config, command: PkiCommand) -> Result<()> {
    let ven_ca = config.ven_ca();
    match command {
        PkiCommand::Init { name } => {
            let key = key_path(&ven_ca)?;
            if ven_ca.cert.exists() || key.exists() {
                bail!(
                    "a VEN CA is already at {} (use `vtn pki import --replace` to change it)",
                    ven_ca.cert.display()
                );
            }
            let ca = CertificateAuthority::generate(&name)?;
            install(&ven_ca, &ca)?;
            audit::record(db, "cli", "pki.init", &name, "local").await;
        }
        PkiCommand::Import { cert, key, replace } => {
            let ca = CertificateAuthority::load(
                &std::fs::read_to_string(&cert)
                    .with_context(|| format!("--cert: reading {}", cert.display()))?,
                &std::fs::read_to_string(&key)
                    .with_context(|| format!("--key: reading {}", key.display()))?,
            )
            .context("--cert/--key")?;
            if ven_ca.cert.exists() && !replace {
                bail!(
                    "a VEN CA is already at {}; add --replace to replace it (certificates it issued stop working)",
                    ven_ca.cert.display()
                );
            }
            install(&ven_ca, &ca)?;
            let (name, _) = app::pki::ca::describe(&ca.certificate.der)?;
            audit::record(db, "cli", "pki.import", &name, "local").await;
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
            for c in pki::list(db, None).await?.certificates {
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

fn key_path(ven_ca: &VenCa) -> Result<&Path> {
    ven_ca
        .key
        .as_deref()
        .context("--ven-ca-key: where the VEN CA's private key goes")
}

/// Writes the CA where the server reads it: certificate public, key 0600.
fn install(ven_ca: &VenCa, ca: &CertificateAuthority) -> Result<()> {
    let key = key_path(ven_ca)?;
    for path in [&ven_ca.cert, &key.to_path_buf()] {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    write_private(key, &ca.certificate.key_pem)?;
    write_public(&ven_ca.cert, &ca.certificate.cert_pem)?;
    println!(
        "VEN CA written to {} (key {}); restart the VTN to trust it",
        ven_ca.cert.display(),
        key.display()
    );
    Ok(())
}
