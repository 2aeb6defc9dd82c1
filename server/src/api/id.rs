//! The `{id}` of an API path, refused as a problem document (not axum's plain
//! text) when it is not a key.

use super::problem::Problem;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

/// A resource key from the path.
#[derive(Debug, Clone, Copy)]
pub struct Id(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(id) = Path::<i32>::from_request_parts(parts, state).await?;
        Ok(Id(id))
    }
}
