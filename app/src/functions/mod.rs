//! Server functions: what the pages ask of the server, one file per resource.
//! Each checks the caller's role itself; hiding a button is not security.

pub mod accounts;
pub mod audit;
pub mod certificates;
pub mod customers;
pub mod events;
pub mod overview;
#[cfg(feature = "ssr")]
mod pretty_xml;
pub mod programs;
pub mod sites;
pub mod telemetry;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::AppError;

    /// Turns a repository's "no such row" into a readable error.
    pub fn found<T>(value: Option<T>, what: &str) -> Result<T, AppError> {
        value.ok_or_else(|| AppError::Invalid(format!("no such {what}")).with_status())
    }

    /// Records what the signed-in user did in the audit log, with the
    /// client's address.
    pub async fn audit(
        db: &sea_orm::DatabaseConnection,
        user: &crate::models::SessionUser,
        action: &str,
        target: &str,
    ) {
        crate::db::audit::record(
            db,
            &format!("user:{}", user.username),
            action,
            target,
            &crate::auth::ssr::client_address(),
        )
        .await;
    }

    /// A readable refusal with status 400.
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::Invalid(message.into()).with_status()
    }
}
