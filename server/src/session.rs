//! The signed-in operator for plain axum handlers (downloads), from the same
//! session cookie the app's server functions use.

use app::auth::ssr::session_token_in;
use app::db::sessions;
use app::models::SessionUser;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::{StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;

/// A request from a signed-in user (any role).
pub struct Operator(pub SessionUser);

/// Why a request has no usable session.
pub enum Refusal {
    /// No or expired session.
    SignIn,
    /// The database failed.
    Internal,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::SignIn => (StatusCode::UNAUTHORIZED, "please sign in\n").into_response(),
            Refusal::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error, see the server log\n",
            )
                .into_response(),
        }
    }
}

impl<S> FromRequestParts<S> for Operator
where
    S: Send + Sync,
    DatabaseConnection: FromRef<S>,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        let db = DatabaseConnection::from_ref(state);
        let token = session_token_in(&parts.headers).ok_or(Refusal::SignIn)?;
        let model = sessions::user(&db, &token)
            .await
            .map_err(|error| {
                tracing::error!(%error, "session lookup failed");
                Refusal::Internal
            })?
            .ok_or(Refusal::SignIn)?;
        // Every role may read; writes do not go through plain handlers.
        let user = SessionUser::try_from(&model).map_err(|_| Refusal::SignIn)?;
        Ok(Operator(user))
    }
}
