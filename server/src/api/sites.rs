//! `/api/v1/sites`: the sites with their VEN and online state — list, read,
//! create, edit.

use super::auth::Client;
use super::id::Id;
use super::paging::{Paged, Paging};
use super::problem::Problem;
use crate::openadr::OadrSettings;
use app::db::{site_admin, site_lists, sites};
use app::models::Role;
use app::models::site::{SiteDetail, SiteForm, SiteSummary};
use axum::Json;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The sites by name with their VEN and online state, a page at a time.
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites", params(Paging),
    responses((status = 200, description = "A page of sites", body = Vec<SiteSummary>,
        headers(("X-Total-Count" = u64, description = "Sites on all pages"),
                ("Link" = String, description = "The previous and next pages (RFC 8288)")))))]
pub async fn list(
    _client: Client,
    State(db): State<DatabaseConnection>,
    State(settings): State<Arc<OadrSettings>>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Paged<SiteSummary>, Problem> {
    let Query(paging) = paging?;
    let at = paging.checked()?;
    let (sites, total) = site_lists::page(&db, at.0, at.1, settings.online_since()).await?;
    Ok(Paged::new(sites, total, at, "/api/v1/sites"))
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
    detail(&db, &settings, id).await.map(Json)
}

/// Creates a site for one VEN (operator); the VTN assigns its VEN ID. The VEN
/// name is permanent; the fingerprint (`AA:BB:…`, 10 pairs) binds the VEN's
/// certificate.
#[utoipa::path(post, path = "/api/v1/sites", tag = "sites", request_body = SiteForm,
    responses((status = 201, description = "Created", body = SiteDetail)))]
pub async fn create(
    client: Client,
    State(db): State<DatabaseConnection>,
    State(settings): State<Arc<OadrSettings>>,
    form: Result<Json<SiteForm>, JsonRejection>,
) -> Result<(StatusCode, Json<SiteDetail>), Problem> {
    let id = save(&client, &db, None, form).await?;
    Ok((StatusCode::CREATED, Json(detail(&db, &settings, id).await?)))
}

/// Replaces a site's settings (operator); `ven_name` is ignored, it is
/// permanent.
#[utoipa::path(put, path = "/api/v1/sites/{id}", tag = "sites", request_body = SiteForm,
    params(("id" = i32, Path, description = "The site's key")),
    responses((status = 200, description = "Saved", body = SiteDetail)))]
pub async fn update(
    client: Client,
    State(db): State<DatabaseConnection>,
    State(settings): State<Arc<OadrSettings>>,
    Id(id): Id,
    form: Result<Json<SiteForm>, JsonRejection>,
) -> Result<Json<SiteDetail>, Problem> {
    let id = save(&client, &db, Some(id), form).await?;
    Ok(Json(detail(&db, &settings, id).await?))
}

async fn detail(
    db: &DatabaseConnection,
    settings: &OadrSettings,
    id: i32,
) -> Result<SiteDetail, Problem> {
    site_admin::detail(db, id, settings.online_since())
        .await?
        .ok_or_else(|| Problem::not_found(format!("no site {id}")))
}

async fn save(
    client: &Client,
    db: &DatabaseConnection,
    id: Option<i32>,
    form: Result<Json<SiteForm>, JsonRejection>,
) -> Result<i32, Problem> {
    client.require(Role::Operator)?;
    let Json(mut form) = form?;
    if let Some(id) = id {
        // The VEN name is permanent: the caller need not repeat it.
        let site = sites::get(db, id)
            .await?
            .ok_or_else(|| Problem::not_found(format!("no site {id}")))?;
        form.ven_name = site.ven_name;
    }
    let form = form.validated().map_err(Problem::invalid)?;
    let saved = match id {
        Some(id) => site_admin::update(db, id, &form)
            .await?
            .ok_or_else(|| Problem::not_found(format!("no site {id}")))?,
        None => site_admin::create(db, &form).await?,
    };
    tracing::info!(token = %client.name, site = saved.id, ven_name = %saved.ven_name, "site saved through the API");
    client
        .audit(
            db,
            "site.save",
            &format!("site {} {}", saved.id, saved.ven_name),
        )
        .await;
    Ok(saved.id)
}
