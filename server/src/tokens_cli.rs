//! `vtn token create|revoke|list`: bearer tokens of the management API.

use crate::config::TokenCommand;
use anyhow::{Result, bail};
use app::db::{api_tokens, audit};
use sea_orm::DatabaseConnection;

/// Runs one `vtn token` command.
pub async fn run(db: &DatabaseConnection, command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create {
            name,
            role,
            expires_days,
        } => {
            if name.trim().is_empty() {
                bail!("the token needs a name (what it is for)");
            }
            let expires_at = expires_days
                .map(|days| chrono::Utc::now() + chrono::TimeDelta::days(i64::from(days)));
            let (model, token) = api_tokens::create(db, &name, role, expires_at).await?;
            eprintln!(
                "created token {} ({}, {role}); it is shown once:",
                model.id, model.name
            );
            println!("{token}");
            let target = format!("token {} {} ({role})", model.id, model.name);
            audit::record(db, "cli", "token.create", &target, "local").await;
        }
        TokenCommand::Revoke { id } => {
            if !api_tokens::revoke(db, id).await? {
                bail!("no live token with ID {id}");
            }
            println!("revoked token {id}");
            audit::record(db, "cli", "token.revoke", &format!("token {id}"), "local").await;
        }
        TokenCommand::List => {
            for t in api_tokens::list(db).await? {
                let expires = t
                    .expires_at
                    .map_or_else(|| "never".to_owned(), |at| at.to_rfc3339());
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "live"
                };
                println!(
                    "{}\t{}\t{}\texpires {expires}\t{state}",
                    t.id, t.name, t.role
                );
            }
        }
    }
    Ok(())
}
