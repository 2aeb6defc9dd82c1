//! Keeps the process's set of revoked VEN certificates
//! ([`app::pki::revoked::REVOKED`]) up to date with the database, so that a
//! revocation made by another process (`vtn pki revoke`) is refused within
//! [`REFRESH_EVERY`], without a restart. Revocations made by this process's
//! UI and API are in the set at once.

use app::pki::revoked::REVOKED;
use sea_orm::{DatabaseConnection, DbErr};
use std::time::Duration;

/// How often the database's revocations are read.
pub const REFRESH_EVERY: Duration = Duration::from_secs(5);

/// Reads the database's revocations into the set.
pub async fn load(db: &DatabaseConnection) -> Result<(), DbErr> {
    REVOKED.extend(app::db::certificates::revoked_fingerprints(db).await?);
    Ok(())
}

/// Reads them every [`REFRESH_EVERY`] until `stop`.
pub async fn refresh_until(db: DatabaseConnection, stop: tokio::sync::watch::Receiver<bool>) {
    crate::periodic::every(REFRESH_EVERY, stop, async || {
        if let Err(error) = load(&db).await {
            tracing::warn!(%error, "could not read the revoked VEN certificates");
        }
    })
    .await;
}
