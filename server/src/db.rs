//! Opening the database and applying migrations.

use anyhow::{Context, Result};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::path::Path;

/// Connects to the database, creating the directory of a SQLite file if needed.
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let dir = sqlite_file(url)
        .and_then(|file| Path::new(file).parent())
        .filter(|dir| !dir.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the database directory {}", dir.display()))?;
    }
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    if sqlite_file(url).is_some() {
        // Set on every connection as it opens. Write-ahead logging: polls
        // (readers) never wait for a report being committed (writer). In WAL
        // mode, synchronous=NORMAL syncs the log at checkpoints rather than
        // on every commit: a committed transaction survives the process
        // crashing (it is in the log, in the OS's hands); only an OS crash
        // or power loss can lose the last commits before a checkpoint, never
        // corrupt the database. For a VTN, whose VENs resend what was not
        // acknowledged, that trade is worth many times the commit rate.
        // A 64 MiB page cache (SQLite's default is 2 MiB): under report
        // load the connection's thread spent a fifth of its time reading
        // back index pages it had evicted (1,000 VENs reporting, back to
        // back: 12-12.4k polls/s without, 13.9-14.2k with).
        // Checkpoints every 10,000 WAL pages (40 MiB) rather than 1,000: a
        // checkpoint writes each page once however many commits changed it,
        // and syncs twice, so under report load rarer checkpoints write
        // less (200 VENs reporting: 0.91 instead of 1.08 KB per reading).
        // The WAL file stays at about that size between checkpoints.
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .pragma("cache_size", "-65536")
                .pragma("wal_autocheckpoint", "10000")
        });
        // sea-orm's single SQLite connection is kept: with four, the closed
        // loop was no faster (within noise) and took 10-30 % more CPU per
        // request (more threads, more wal-index locking).
        // With one connection, queries queue for it under load by design;
        // sqlx would log a warning for every wait over 2 s (26,000 lines in
        // 20 s at 10,000 VENs). The wait shows in the request latencies
        // (`/metrics`); the per-query line is left to debug logging.
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.acquire_slow_level(tracing::log::LevelFilter::Debug)
        });
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database {}", redact(url)))?;
    Ok(db)
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    Migrator::up(db, None)
        .await
        .context("applying database migrations")
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ConnectionTrait;

    #[test]
    fn sqlite_file_paths_are_found_in_urls() {
        assert_eq!(
            sqlite_file("sqlite://data/vtn.db?mode=rwc"),
            Some("data/vtn.db")
        );
        assert_eq!(sqlite_file("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u:p@h/db"), None);
    }

    #[tokio::test]
    async fn sqlite_files_use_write_ahead_logging_synced_at_checkpoints() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("x.db").display());
        let db = connect(&url).await.unwrap();
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Sqlite,
                "PRAGMA journal_mode",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "wal");
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Sqlite,
                "PRAGMA synchronous",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), 1, "NORMAL");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://vtn:secret@db:5432/vtn"),
            "postgres://vtn:***@db:5432/vtn"
        );
        assert_eq!(redact("sqlite://data/vtn.db"), "sqlite://data/vtn.db");
    }
}
