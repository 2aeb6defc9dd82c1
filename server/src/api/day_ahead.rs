//! Day-ahead prices under `/api/v1/programs/{id}`: a program's schedule, the
//! prices of a local date (stored, read back with their publication and
//! alert), open alerts, and the settlement CSV of a date.

use super::auth::Client;
use super::id::Id;
use super::problem::Problem;
use app::db::{day_ahead, settlement};
use app::models::Role;
use app::models::day_ahead::{DayAheadAlert, DayAheadSettings, DayPrices};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

/// A date in a path, `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Problem::invalid(format!("{text:?} is not a date (YYYY-MM-DD)")))
}

/// `{"prices": [..]}`: one price per local hour of the date.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PricesBody {
    /// One price per local hour of the date (23, 24 or 25).
    prices: Vec<f64>,
}

/// A program key and a date (`YYYY-MM-DD`) from the path.
type ProgramDate = Result<Path<(i32, String)>, PathRejection>;

/// Stores (or replaces) a local date's day-ahead prices until the date is
/// published (then 409).
#[utoipa::path(put, path = "/api/v1/programs/{id}/prices/{date}", tag = "day-ahead", request_body = PricesBody,
    params(("id" = i32, Path, description = "The program's key"), ("date" = String, Path, description = "Local date, YYYY-MM-DD")),
    responses(
        (status = 200, description = "Stored", body = DayPrices),
        (status = 409, description = "The date is published already", body = Problem, content_type = "application/problem+json")))]
pub async fn put_prices(
    client: Client,
    State(db): State<DatabaseConnection>,
    path: ProgramDate,
    body: Result<Json<PricesBody>, JsonRejection>,
) -> Result<Json<DayPrices>, Problem> {
    client.require(Role::Operator)?;
    let Path((id, date)) = path?;
    let Json(body) = body?;
    let date = parse_date(&date)?;
    let actor = format!("token:{}", client.name);
    let stored = day_ahead::store_prices(&db, id, date, &body.prices, &actor).await?;
    tracing::info!(token = %client.name, program = id, %date, hours = body.prices.len(), "day-ahead prices stored");
    client
        .audit(&db, "day_ahead.prices", &format!("program {id} {date}"))
        .await;
    Ok(Json(stored))
}

/// A local date's prices, with the event they were published as and any alert.
#[utoipa::path(get, path = "/api/v1/programs/{id}/prices/{date}", tag = "day-ahead",
    params(("id" = i32, Path, description = "The program's key"), ("date" = String, Path, description = "Local date, YYYY-MM-DD")),
    responses((status = 200, description = "The prices", body = DayPrices)))]
pub async fn get_prices(
    _client: Client,
    State(db): State<DatabaseConnection>,
    path: ProgramDate,
) -> Result<Json<DayPrices>, Problem> {
    let Path((id, date)) = path?;
    let date = parse_date(&date)?;
    day_ahead::prices_of(&db, id, date)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no prices for {date} in program {id}")))
}

/// A program's day-ahead schedule: enabled, local publish time, time zone
/// (admin, like the rest of a program's setup).
#[utoipa::path(put, path = "/api/v1/programs/{id}/day-ahead", tag = "day-ahead", request_body = DayAheadSettings,
    params(("id" = i32, Path, description = "The program's key")),
    responses((status = 200, description = "Saved", body = DayAheadSettings)))]
pub async fn put_settings(
    client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
    settings: Result<Json<DayAheadSettings>, JsonRejection>,
) -> Result<Json<DayAheadSettings>, Problem> {
    client.require(Role::Admin)?;
    let Json(settings) = settings?;
    let saved = day_ahead::set_settings(&db, id, &settings)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no program {id}")))?;
    client
        .audit(
            &db,
            "day_ahead.settings",
            &format!(
                "program {id} enabled={} {} {}",
                saved.enabled, saved.publish_time, saved.time_zone
            ),
        )
        .await;
    Ok(Json(saved))
}

/// Dates not published on time and not published since.
#[utoipa::path(get, path = "/api/v1/day-ahead/alerts", tag = "day-ahead",
    responses((status = 200, description = "Open alerts", body = Vec<DayAheadAlert>)))]
pub async fn alerts(
    _client: Client,
    State(db): State<DatabaseConnection>,
) -> Result<Json<Vec<DayAheadAlert>>, Problem> {
    Ok(Json(day_ahead::open_alerts(&db).await?))
}

/// Hourly usage per participating site on a local date, for settlement (CSV;
/// the route captures the whole last segment, `{date}.csv`).
#[utoipa::path(get, path = "/api/v1/programs/{id}/settlement/{file}", tag = "day-ahead",
    params(("id" = i32, Path, description = "The program's key"), ("file" = String, Path, description = "YYYY-MM-DD.csv")),
    responses((status = 200, description = "CSV with a header row", body = String, content_type = "text/csv")))]
pub async fn settlement(
    _client: Client,
    State(db): State<DatabaseConnection>,
    path: ProgramDate,
) -> Result<Response, Problem> {
    let Path((id, file)) = path?;
    let date = file
        .strip_suffix(".csv")
        .ok_or_else(|| Problem::not_found("the settlement is served as {date}.csv"))?;
    let date = parse_date(date)?;
    let mut body = String::new();
    settlement::export_csv(&db, id, date, |chunk| body.push_str(chunk))
        .await?
        .ok_or_else(|| Problem::not_found(format!("no program {id}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"program-{id}-settlement-{date}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}
