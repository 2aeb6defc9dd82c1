//! A refused OpenADR request: answered with an `oadrResponse` carrying the
//! response code, never with a bare HTTP error.

use sea_orm::DbErr;

/// Why the VTN refuses a request, as the OpenADR response code and text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} {description}")]
pub struct OadrError {
    /// OpenADR response code (4xx).
    pub code: u16,
    /// Explanation for the VEN's logs.
    pub description: String,
}

impl OadrError {
    /// An error with a code and description.
    pub fn new(code: u16, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }

    /// 452: an ID in the message is not the one the VTN expects.
    pub fn invalid_id(description: impl Into<String>) -> Self {
        Self::new(452, description)
    }

    /// 453: the message is not one this service handles.
    pub fn not_recognized(message: &str, service: &str) -> Self {
        Self::new(453, format!("{message} is not handled by {service}"))
    }
}

impl From<DbErr> for OadrError {
    /// The VEN learns only that the VTN failed; the details go to the log.
    fn from(error: DbErr) -> Self {
        let reference = format!("{:08x}", rand::random::<u32>());
        tracing::error!(%reference, %error, "database error while handling an OpenADR request");
        Self::new(
            469,
            format!("VTN internal error (reference {reference}); try again"),
        )
    }
}
