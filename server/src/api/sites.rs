//! `/api/v1/sites`: the sites with their VEN and online state.

use super::auth::Client;
use super::id::Id;
use super::problem::Problem;
use crate::openadr::OadrSettings;
use app::db::site_admin;
use app::models::site::{SiteDetail, SiteSummary};
use axum::Json;
use axum::extract::State;
use chrono::{TimeDelta, Utc};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

fn online_since(settings: &OadrSettings) -> chrono::DateTime<Utc> {
    Utc::now() - TimeDelta::from_std(settings.offline_after).unwrap_or(TimeDelta::minutes(15))
}

/// Every site with its VEN and online state.
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites",
    responses((status = 200, description = "Sites", body = Vec<SiteSummary>)))]
pub async fn list(
    _client: Client,
    State(db): State<DatabaseConnection>,
    State(settings): State<Arc<OadrSettings>>,
) -> Result<Json<Vec<SiteSummary>>, Problem> {
    Ok(Json(
        site_admin::list(&db, None, online_since(&settings)).await?,
    ))
}

/// A site: registration, declared reports, opts.
#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "sites",
    params(("id" = i32, Path, description = "The site's key")),
    responses((status = 200, description = "The site", body = SiteDetail)))]
pub async fn show(
    _client: Client,
    State(db): State<DatabaseConnection>,
    State(settings): State<Arc<OadrSettings>>,
    Id(id): Id,
) -> Result<Json<SiteDetail>, Problem> {
    site_admin::detail(&db, id, online_since(&settings))
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no site {id}")))
}
