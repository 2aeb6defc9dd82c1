//! Day-ahead prices under `/api/v1/programs/{id}`: a program's schedule, the
//! prices of a local date (stored, read back with their publication and
//! alert), open alerts, and the settlement CSV of a date.

use super::auth::Client;
use super::problem::Problem;
use app::db::{day_ahead, settlement};
use app::models::Role;
use app::models::day_ahead::{DayAheadAlert, DayAheadSettings, DayPrices};
use axum::Json;
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricesBody {
    prices: Vec<f64>,
}

/// `PUT /api/v1/programs/{id}/prices/{date}`: stores (or replaces) the
/// date's prices until the date is published (then 409).
pub async fn put_prices(
    client: Client,
    State(db): State<DatabaseConnection>,
    Path((id, date)): Path<(i32, String)>,
    Json(body): Json<PricesBody>,
) -> Result<Json<DayPrices>, Problem> {
    client.require(Role::Operator)?;
    let date = parse_date(&date)?;
    let actor = format!("token:{}", client.name);
    let stored = day_ahead::store_prices(&db, id, date, &body.prices, &actor).await?;
    tracing::info!(token = %client.name, program = id, %date, hours = body.prices.len(), "day-ahead prices stored");
    client
        .audit(&db, "day_ahead.prices", &format!("program {id} {date}"))
        .await;
    Ok(Json(stored))
}

/// `GET /api/v1/programs/{id}/prices/{date}`: the date's prices, with the
/// event they were published as and any alert.
pub async fn get_prices(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Path((id, date)): Path<(i32, String)>,
) -> Result<Json<DayPrices>, Problem> {
    let date = parse_date(&date)?;
    day_ahead::prices_of(&db, id, date)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no prices for {date} in program {id}")))
}

/// `PUT /api/v1/programs/{id}/day-ahead`: the program's schedule (admins,
/// like the rest of a program's setup).
pub async fn put_settings(
    client: Client,
    State(db): State<DatabaseConnection>,
    Path(id): Path<i32>,
    Json(settings): Json<DayAheadSettings>,
) -> Result<Json<DayAheadSettings>, Problem> {
    client.require(Role::Admin)?;
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

/// `GET /api/v1/day-ahead/alerts`: dates not published on time and not
/// published since.
pub async fn alerts(
    _client: Client,
    State(db): State<DatabaseConnection>,
) -> Result<Json<Vec<DayAheadAlert>>, Problem> {
    Ok(Json(day_ahead::open_alerts(&db).await?))
}

/// `GET /api/v1/programs/{id}/settlement/{date}.csv`: hourly usage per
/// participating site (the route captures the whole last segment).
pub async fn settlement(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Path((id, file)): Path<(i32, String)>,
) -> Result<Response, Problem> {
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
