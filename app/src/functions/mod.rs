//! Server functions: what the pages ask of the server, one file per resource.
//! Each checks the caller's role itself; hiding a button is not security.

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

    /// A readable refusal with status 400.
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::Invalid(message.into()).with_status()
    }
}
