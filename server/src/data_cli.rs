//! `vtn site create|list` and `vtn export telemetry`: data for scripts.

use crate::config::{ExportCommand, SiteCommand};
use anyhow::{Result, bail};
use app::db::{audit, event_views, programs, sites};
use app::models::site::normalize_fingerprint;
use sea_orm::DatabaseConnection;
use std::io::Write;

/// Runs one `vtn site` command.
pub async fn site(db: &DatabaseConnection, command: SiteCommand) -> Result<()> {
    match command {
        SiteCommand::Create {
            name,
            ven_name,
            fingerprint,
            programs: program_ids,
        } => {
            if name.trim().is_empty() || ven_name.trim().is_empty() {
                bail!("--name and --ven-name must not be empty");
            }
            if ven_name.contains(char::is_whitespace) {
                bail!("--ven-name cannot contain spaces");
            }
            if sites::by_ven_name(db, ven_name.trim()).await?.is_some() {
                bail!("--ven-name: a site with the VEN name {ven_name} exists");
            }
            let fingerprint = normalize_fingerprint(fingerprint.as_deref().unwrap_or(""))
                .map_err(|e| anyhow::anyhow!("--fingerprint: {e}"))?;
            for id in &program_ids {
                if programs::get(db, *id).await?.is_none() {
                    bail!("--program {id}: no such program");
                }
            }
            let fp = (!fingerprint.is_empty()).then_some(fingerprint.as_str());
            let site = sites::create(db, name.trim(), ven_name.trim(), fp).await?;
            for id in program_ids {
                programs::add_site(db, id, site.id).await?;
            }
            println!("{}\t{}", site.id, site.ven_id);
            let target = format!("site {} {}", site.id, site.ven_name);
            audit::record(db, "cli", "site.save", &target, "local").await;
        }
        SiteCommand::List => {
            let mut after = 0;
            loop {
                let batch = sites::page(db, after, 1000).await?;
                let Some(last) = batch.last() else { break };
                after = last.id;
                for s in batch {
                    let registered = if s.registration_id.is_some() {
                        "registered"
                    } else {
                        "-"
                    };
                    let fingerprint = s.fingerprint.unwrap_or_default();
                    println!(
                        "{}\t{}\t{}\t{fingerprint}\t{registered}",
                        s.id, s.ven_name, s.ven_id
                    );
                }
            }
        }
    }
    Ok(())
}

/// Runs one `vtn export` command.
pub async fn export(db: &DatabaseConnection, command: ExportCommand) -> Result<()> {
    match command {
        ExportCommand::Telemetry { event, csv: _ } => {
            if event_views::detail(db, event, chrono::Utc::now())
                .await?
                .is_none()
            {
                bail!("--event {event}: no such event");
            }
            let mut out = std::io::stdout().lock();
            let mut failed = None;
            app::db::telemetry::export_event_csv(db, event, |chunk| {
                if failed.is_none()
                    && let Err(e) = out.write_all(chunk.as_bytes())
                {
                    failed = Some(e);
                }
            })
            .await?;
            if let Some(e) = failed {
                bail!("writing the CSV: {e}");
            }
        }
    }
    Ok(())
}
