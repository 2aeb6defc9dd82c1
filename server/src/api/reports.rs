//! A site's reports: what the VTN requested of its VEN (and stopping a
//! request), and the readings that came back, as JSON or CSV.

use super::auth::Client;
use super::id::Id;
use super::problem::Problem;
use app::db::{readings, reports, sites};
use app::models::Role;
use app::models::report::{Reading, ReportRequest};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

/// The longest window one request may ask for.
const MAX_WINDOW_DAYS: i64 = 31;

/// The site's report requests, oldest first, with their state.
#[utoipa::path(get, path = "/api/v1/sites/{id}/report-requests", tag = "reports",
    params(("id" = i32, Path, description = "The site's key")),
    responses((status = 200, description = "Report requests", body = Vec<ReportRequest>)))]
pub async fn requests(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
) -> Result<Json<Vec<ReportRequest>>, Problem> {
    site_name(&db, id).await?;
    let all = reports::requests(&db, id).await?;
    Ok(Json(all.into_iter().map(ReportRequest::from).collect()))
}

/// Stops a report request (operator): one not yet delivered ends at once, a
/// live one is cancelled with the VEN (oadrCancelReport) on its next poll.
/// A request already over is returned as it is.
#[utoipa::path(post, path = "/api/v1/report-requests/{id}/cancel", tag = "reports",
    params(("id" = i32, Path, description = "The report request's key")),
    responses((status = 200, description = "The request as it now is", body = ReportRequest)))]
pub async fn cancel(
    client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
) -> Result<Json<ReportRequest>, Problem> {
    client.require(Role::Operator)?;
    let request = reports::stop(&db, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no report request {id}")))?;
    tracing::info!(token = %client.name, report_request_id = %request.report_request_id, state = %request.state, "report request stopped through the API");
    client
        .audit(
            &db,
            "report.cancel",
            &format!(
                "site {} report {}",
                request.site_id, request.report_request_id
            ),
        )
        .await;
    Ok(Json(request.into()))
}

/// `?rid=&from=&to=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WindowQuery {
    /// Only this point (default: every point).
    rid: Option<String>,
    /// Start of the window, RFC 3339 (default: a day before `to`).
    from: Option<DateTime<Utc>>,
    /// End of the window, exclusive, RFC 3339 (default: now).
    to: Option<DateTime<Utc>>,
}

impl WindowQuery {
    fn window(&self) -> Result<(DateTime<Utc>, DateTime<Utc>), Problem> {
        let to = self.to.unwrap_or_else(Utc::now);
        let from = match self.from {
            Some(from) => from,
            None => to
                .checked_sub_signed(TimeDelta::days(1))
                .ok_or_else(|| Problem::invalid("`to` is too early"))?,
        };
        if from >= to {
            return Err(Problem::invalid("`from` must be before `to`"));
        }
        if to - from > TimeDelta::days(MAX_WINDOW_DAYS) {
            return Err(Problem::invalid(format!(
                "the window is at most {MAX_WINDOW_DAYS} days; ask for several"
            )));
        }
        Ok((from, to))
    }
}

/// The site's readings in a window (at most 31 days), by point and then
/// oldest first.
#[utoipa::path(get, path = "/api/v1/sites/{id}/readings", tag = "reports",
    params(("id" = i32, Path, description = "The site's key"), WindowQuery),
    responses((status = 200, description = "Readings", body = Vec<Reading>)))]
pub async fn readings(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<Vec<Reading>>, Problem> {
    let Query(query) = query?;
    let (from, to) = query.window()?;
    site_name(&db, id).await?;
    let rows = readings::of_site(&db, id, query.rid.as_deref(), from, to).await?;
    Ok(Json(rows))
}

/// The same readings (every point) as CSV: `site,rid,time,duration_s,value,quality`.
#[utoipa::path(get, path = "/api/v1/sites/{id}/readings.csv", tag = "reports",
    params(("id" = i32, Path, description = "The site's key"), WindowQuery),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv")))]
pub async fn readings_csv(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query?;
    if query.rid.is_some() {
        return Err(Problem::invalid("the CSV has every point; leave out `rid`"));
    }
    let (from, to) = query.window()?;
    let name = site_name(&db, id).await?;
    let body = readings::site_csv(&db, &name, id, from, to).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"site-{id}-readings.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn site_name(db: &DatabaseConnection, id: i32) -> Result<String, Problem> {
    Ok(sites::get(db, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no site {id}")))?
        .name)
}
