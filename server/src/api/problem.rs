//! Errors of the management API as RFC 7807 `application/problem+json`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A problem report: the status, a short title and what exactly went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The status's name.
    title: &'static str,
    /// The HTTP status.
    status: u16,
    /// What exactly went wrong.
    detail: String,
}

impl Problem {
    fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    /// 401: no or unknown bearer token.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", detail)
    }

    /// 403: the token's role does not allow this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not Found", detail)
    }

    /// 409: the VTN is not set up for this (e.g. no CA key to issue with).
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "Conflict", detail)
    }

    /// 422: the request is well-formed but says something impossible.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid request", detail)
    }

    /// 500, logged with a reference the client can quote.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        let reference = format!("{:08x}", rand::random::<u32>());
        tracing::error!(%reference, %error, "management API failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            format!("see the server log, reference {reference}"),
        )
    }
}

impl From<sea_orm::DbErr> for Problem {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::internal(error)
    }
}

impl From<app::db::FormError> for Problem {
    fn from(error: app::db::FormError) -> Self {
        match error {
            app::db::FormError::Invalid(message) => Self::invalid(message),
            app::db::FormError::Db(e) => e.into(),
        }
    }
}

impl From<app::db::events::EventError> for Problem {
    fn from(error: app::db::events::EventError) -> Self {
        use app::db::events::EventError;
        match error {
            EventError::Invalid(message) => Self::invalid(message),
            EventError::Unknown(id) => Self::not_found(format!("no event {id}")),
            EventError::Db(e) => e.into(),
        }
    }
}

impl From<app::pki::PkiError> for Problem {
    fn from(error: app::pki::PkiError) -> Self {
        use app::pki::PkiError;
        match error {
            PkiError::NoSite => Self::not_found("no such site"),
            PkiError::Ca(e) => Self::conflict(e.to_string()),
            PkiError::Db(e) => e.into(),
        }
    }
}

/// A request the extractors could not read (bad JSON, query or path) is
/// answered as a problem document too, with the extractor's status.
macro_rules! from_rejection {
    ($($rejection:ty),*) => {$(
        impl From<$rejection> for Problem {
            fn from(rejection: $rejection) -> Self {
                let status = rejection.status();
                Self::new(status, status.canonical_reason().unwrap_or("Bad Request"), rejection.body_text())
            }
        }
    )*};
}

from_rejection!(
    axum::extract::rejection::JsonRejection,
    axum::extract::rejection::QueryRejection,
    axum::extract::rejection::PathRejection
);

impl From<app::db::day_ahead::DayAheadError> for Problem {
    fn from(error: app::db::day_ahead::DayAheadError) -> Self {
        use app::db::day_ahead::DayAheadError;
        match error {
            DayAheadError::Invalid(message) => Self::invalid(message),
            DayAheadError::UnknownProgram(id) => Self::not_found(format!("no program {id}")),
            DayAheadError::Published(message) => Self::conflict(message),
            DayAheadError::Db(e) => e.into(),
        }
    }
}

impl From<app::db::settlement::SettlementError> for Problem {
    fn from(error: app::db::settlement::SettlementError) -> Self {
        use app::db::settlement::SettlementError;
        match error {
            SettlementError::Invalid(message) => Self::invalid(message),
            SettlementError::Db(e) => e.into(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // The header part overrides the JSON body's application/json.
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            axum::Json(self),
        )
            .into_response()
    }
}
