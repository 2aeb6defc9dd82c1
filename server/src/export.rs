//! CSV downloads for signed-in operators: an event's telemetry (site, time,
//! baseline kW, measured kW), a site's raw readings and a day-ahead
//! program's settlement of a date.

use crate::session::Operator;
use app::db::{readings, sites, telemetry};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

fn csv(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn failed(error: sea_orm::DbErr) -> Response {
    tracing::error!(%error, "export failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "export failed, see the server log\n",
    )
        .into_response()
}

/// `GET /export/events/{id}/telemetry.csv`.
pub async fn event_telemetry(
    Operator(user): Operator,
    State(db): State<DatabaseConnection>,
    Path(id): Path<i32>,
) -> Response {
    let mut body = String::new();
    match telemetry::export_event_csv(&db, id, |chunk| body.push_str(chunk)).await {
        Ok(rows) => {
            tracing::info!(username = %user.username, event = id, rows, "event telemetry exported");
            csv(&format!("event-{id}-telemetry.csv"), body)
        }
        Err(error) => failed(error),
    }
}

/// `GET /export/audit.csv`: the whole audit log (admins only).
pub async fn audit_log(Operator(user): Operator, State(db): State<DatabaseConnection>) -> Response {
    if user.role != app::models::Role::Admin {
        return (StatusCode::FORBIDDEN, "the audit log is for admins\n").into_response();
    }
    let mut body = String::new();
    match app::db::audit::export_csv(&db, |chunk| body.push_str(chunk)).await {
        Ok(()) => csv("audit-log.csv", body),
        Err(error) => failed(error),
    }
}

/// `GET /export/programs/{id}/settlement/{date}.csv`: hourly usage per
/// participating site over the program's local date.
pub async fn program_settlement(
    Operator(user): Operator,
    State(db): State<DatabaseConnection>,
    Path((id, file)): Path<(i32, String)>,
) -> Response {
    let Some(date) = file
        .strip_suffix(".csv")
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return (StatusCode::NOT_FOUND, "ask for {YYYY-MM-DD}.csv\n").into_response();
    };
    let mut body = String::new();
    match app::db::settlement::export_csv(&db, id, date, |chunk| body.push_str(chunk)).await {
        Ok(Some(rows)) => {
            tracing::info!(username = %user.username, program = id, %date, rows, "settlement exported");
            csv(&format!("program-{id}-settlement-{date}.csv"), body)
        }
        Ok(None) => (StatusCode::NOT_FOUND, "no such program\n").into_response(),
        Err(app::db::settlement::SettlementError::Invalid(message)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, format!("{message}\n")).into_response()
        }
        Err(app::db::settlement::SettlementError::Db(error)) => failed(error),
    }
}

/// The window of a readings export (default: the last 7 days).
#[derive(Debug, Deserialize)]
pub struct Window {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

/// `GET /export/sites/{id}/readings.csv?from=…&to=…`: every reading the
/// site's VEN sent in the window, by point and then oldest first.
pub async fn site_readings(
    Operator(user): Operator,
    State(db): State<DatabaseConnection>,
    Path(id): Path<i32>,
    Query(window): Query<Window>,
) -> Response {
    let to = window.to.unwrap_or_else(Utc::now);
    let from = window.from.unwrap_or(to - TimeDelta::days(7));
    let site = match sites::get(&db, id).await {
        Ok(Some(site)) => site,
        Ok(None) => return (StatusCode::NOT_FOUND, "no such site\n").into_response(),
        Err(error) => return failed(error),
    };
    let body = match readings::site_csv(&db, &site.name, id, from, to).await {
        Ok(body) => body,
        Err(error) => return failed(error),
    };
    tracing::info!(username = %user.username, site = id, "readings exported");
    csv(&format!("site-{id}-readings.csv"), body)
}
