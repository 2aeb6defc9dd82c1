//! The error every server function returns: safe to show to the user, and
//! precise enough for the UI to react (e.g. send an anonymous visitor to login).

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A server function failure, as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session: the user must sign in.
    #[error("please sign in")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// The input was wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// Something failed on the server; details are in the server log under this id.
    #[error("internal error (reference {0})")]
    Internal(String),
    /// The call itself failed (network, encoding).
    #[error("request failed: {0}")]
    Transport(ServerFnErrorErr),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value)
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    /// Logs the database error with a reference the user can quote; the user sees
    /// only the reference, never SQL or connection details.
    fn from(error: sea_orm::DbErr) -> Self {
        let reference = format!("{:08x}", rand::random::<u32>());
        tracing::error!(%reference, %error, "database error in a server function");
        Self::Internal(reference)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::db::FormError> for AppError {
    fn from(error: crate::db::FormError) -> Self {
        match error {
            crate::db::FormError::Invalid(message) => Self::Invalid(message).with_status(),
            crate::db::FormError::Db(error) => error.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Gives the server function's HTTP response the status that matches this
    /// error (401, 403, 400, 500) and returns the error.
    pub fn with_status(self) -> Self {
        use axum::http::StatusCode;
        let status = match &self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::Internal(_) | Self::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
        self
    }
}
