//! The day-ahead publisher: every [`CHECK_EVERY`], one pass of
//! [`app::db::publications::publish_due`] at the current time, which
//! publishes each enabled program's next-day prices once its local publish
//! time has come (or raises an alert). A pass that finds nothing due writes
//! nothing, so the period only bounds how late after the publish time
//! prices go out.

use app::db::publications::publish_due;
use chrono::Utc;
use sea_orm::DatabaseConnection;
use std::time::Duration;

/// How often the publisher looks for a date due.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// Passes every [`CHECK_EVERY`] until `stop`; the first at once, so a restart
/// after the publish time publishes without waiting.
pub async fn run_until(db: DatabaseConnection, stop: tokio::sync::watch::Receiver<bool>) {
    crate::periodic::every(CHECK_EVERY, stop, async || {
        if let Err(error) = publish_due(&db, Utc::now()).await {
            tracing::warn!(%error, "day-ahead publishing pass failed; retrying");
        }
    })
    .await;
}
