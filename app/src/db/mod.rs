//! Database access for the server: sea-orm entities and the repository
//! functions that query them. Server-only; the browser never sees this module.

pub mod api_tokens;
pub mod audit;
pub mod certificates;
pub mod changes;
pub mod customers;
pub mod day_ahead;
pub mod entity;
pub mod event_views;
pub mod events;
pub mod message_log;
pub mod opts;
pub mod pending;
pub mod program_admin;
pub mod programs;
pub mod publications;
pub mod readings;
pub mod reports;
pub mod sessions;
pub mod settlement;
pub mod site_admin;
pub mod site_lists;
pub mod sites;
pub mod telemetry;
pub mod users;
pub mod ven_messages;

use crate::AppError;
use sea_orm::{DatabaseConnection, DbErr};

/// Why a form (customer, site, program) was not saved.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The form is wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The database connection the server put into the Leptos context.
pub fn from_context() -> Result<DatabaseConnection, AppError> {
    leptos::prelude::use_context::<DatabaseConnection>().ok_or_else(|| {
        tracing::error!("no DatabaseConnection in the Leptos context");
        AppError::Internal("no-database".into())
    })
}

/// Settings the operator pages need, put into the Leptos context by the server.
#[derive(Debug, Clone, Copy)]
pub struct UiSettings {
    /// A site is offline when not heard from for this long.
    pub offline_after: chrono::TimeDelta,
}

impl UiSettings {
    /// The settings from the context (15 minutes offline if none were given).
    pub fn from_context() -> Self {
        leptos::prelude::use_context::<Self>().unwrap_or(Self {
            offline_after: chrono::TimeDelta::minutes(15),
        })
    }

    /// Sites heard from since this instant are online.
    pub fn online_since(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() - self.offline_after
    }
}

/// The backend's short name, for display.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => "sqlite",
        sea_orm::DatabaseBackend::Postgres => "postgres",
        sea_orm::DatabaseBackend::MySql => "mysql",
        _ => "other",
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{Database, DatabaseConnection};

    /// A migrated database: PostgreSQL when `TEST_DATABASE_URL` is set (each
    /// test in its own schema), otherwise a private in-memory SQLite.
    pub async fn database() -> DatabaseConnection {
        let db = match std::env::var("TEST_DATABASE_URL") {
            Ok(url) => {
                let schema = format!("t{:016x}", rand::random::<u64>());
                let admin = Database::connect(&url)
                    .await
                    .expect("connect TEST_DATABASE_URL");
                sea_orm::ConnectionTrait::execute_unprepared(
                    &admin,
                    &format!("CREATE SCHEMA {schema}"),
                )
                .await
                .expect("create test schema");
                let sep = if url.contains('?') { '&' } else { '?' };
                Database::connect(format!("{url}{sep}options=-c%20search_path%3D{schema}"))
                    .await
                    .expect("connect to test schema")
            }
            Err(_) => Database::connect("sqlite::memory:")
                .await
                .expect("open sqlite"),
        };
        Migrator::up(&db, None).await.expect("migrate");
        db
    }
}
