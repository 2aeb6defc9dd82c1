//! The overview page's figures.

use crate::AppError;
use crate::models::Overview;
use leptos::prelude::*;

/// Figures for the overview page; any signed-in user may read them.
#[server(endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::db::{self, users};
    let user = crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    Ok(Overview {
        user,
        users: users::count(&db).await?,
        database: db::backend_name(&db).to_owned(),
        as_of: chrono::Utc::now(),
    })
}
