//! `/api/v1/events`: list, read, create (idempotent with an Idempotency-Key),
//! cancel, and the one-call `events:send` for simple integrations.

use super::auth::Client;
use super::problem::Problem;
use app::db::{event_views, events, programs, sites};
use app::models::Role;
use app::models::event::{EventDetail, EventFilter, EventPage, NewEvent, Signal};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

/// Largest page.
const MAX_PER_PAGE: u32 = 100;

/// `?status=&page=&per_page=&site_id=`.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
    site_id: Option<i32>,
}

/// `GET /api/v1/events`: newest start first, filtered by status
/// (`scheduled`, `active`, `completed`, `cancelled`; default all).
pub async fn list(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Query(query): Query<ListQuery>,
) -> Result<Json<EventPage>, Problem> {
    let filter = match query.status.as_deref() {
        None => EventFilter::All,
        Some(name) => EventFilter::from_name(name).ok_or_else(|| {
            Problem::invalid(format!(
                "status {name:?} is not one of all, scheduled, active, completed, cancelled"
            ))
        })?,
    };
    let per_page = query.per_page.unwrap_or(20).clamp(1, MAX_PER_PAGE);
    let page = event_views::list(
        &db,
        filter,
        query.site_id,
        query.page.unwrap_or(0),
        per_page,
        Utc::now(),
    )
    .await?;
    Ok(Json(page))
}

/// `GET /api/v1/events/{id}`: the event with each site's delivery and opt.
pub async fn show(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Path(id): Path<i32>,
) -> Result<Json<EventDetail>, Problem> {
    event_views::detail(&db, id, Utc::now())
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no event {id}")))
}

async fn created(
    db: &DatabaseConnection,
    client: &Client,
    headers: &HeaderMap,
    new: NewEvent,
) -> Result<(StatusCode, Json<EventDetail>), Problem> {
    let key = headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map_err(|_| Problem::invalid("the Idempotency-Key header must be text"))
        })
        .transpose()?;
    let (model, fresh) = match key {
        Some(key) => events::create_once(db, &new, key).await?,
        None => (events::create(db, &new).await?, true),
    };
    if fresh {
        tracing::info!(token = %client.name, event_id = %model.event_id, "event created through the API");
        client
            .audit(db, "event.create", &format!("event {}", model.event_id))
            .await;
    }
    let detail = event_views::detail(db, model.id, Utc::now())
        .await?
        .ok_or_else(|| Problem::internal("the event just created is gone"))?;
    let status = if fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(detail)))
}

/// `POST /api/v1/events`: a full event (the app's `NewEvent`).
pub async fn create(
    client: Client,
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
    Json(new): Json<NewEvent>,
) -> Result<(StatusCode, Json<EventDetail>), Problem> {
    client.require(Role::Operator)?;
    created(&db, &client, &headers, new).await
}

/// `POST /api/v1/events/{id}/cancel`.
pub async fn cancel(
    client: Client,
    State(db): State<DatabaseConnection>,
    Path(id): Path<i32>,
) -> Result<Json<EventDetail>, Problem> {
    client.require(Role::Operator)?;
    let model = events::cancel(&db, id).await?;
    tracing::info!(token = %client.name, event_id = %model.event_id, "event cancelled through the API");
    client
        .audit(&db, "event.cancel", &format!("event {}", model.event_id))
        .await;
    show(client, State(db), Path(id)).await
}

/// The one-call event: a site (by key or VEN ID), a SIMPLE level or hourly
/// prices, a start and (for a level) a duration. VENs hear of it at once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendEvent {
    site_id: Option<i32>,
    ven_id: Option<String>,
    level: Option<f64>,
    prices: Option<Vec<f64>>,
    start: DateTime<Utc>,
    duration_secs: Option<i64>,
}

/// `POST /api/v1/events:send`.
pub async fn send(
    client: Client,
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
    Json(request): Json<SendEvent>,
) -> Result<(StatusCode, Json<EventDetail>), Problem> {
    client.require(Role::Operator)?;
    let site = match (&request.site_id, &request.ven_id) {
        (Some(id), None) => sites::get(&db, *id).await?,
        (None, Some(ven_id)) => sites::by_ven_id(&db, ven_id).await?,
        _ => return Err(Problem::invalid("give exactly one of site_id and ven_id")),
    }
    .ok_or_else(|| Problem::not_found("no such site"))?;
    let program = programs::first_of_site(&db, site.id)
        .await?
        .ok_or_else(|| Problem::invalid(format!("site {} is in no DR program", site.name)))?;
    let signal = match (request.level, &request.prices, request.duration_secs) {
        (Some(level), None, Some(duration_secs)) => Signal::simple(duration_secs, level),
        (None, Some(prices), None) => Signal::hourly_prices(prices),
        _ => {
            return Err(Problem::invalid(
                "give either level with duration_secs, or prices (one per hour) without duration_secs",
            ));
        }
    };
    let notify_now = (request.start - Utc::now()).num_seconds().max(0);
    let new = NewEvent {
        notification_secs: notify_now,
        signals: vec![signal],
        ..NewEvent::simple(program.id, vec![site.id], request.start, 1, 0.0)
    };
    created(&db, &client, &headers, new).await
}

/// `GET /api/v1/events/{id}/telemetry.csv`: site, time, baseline kW, measured kW.
pub async fn telemetry(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Path(id): Path<i32>,
) -> Result<axum::response::Response, Problem> {
    use axum::response::IntoResponse;
    if event_views::detail(&db, id, Utc::now()).await?.is_none() {
        return Err(Problem::not_found(format!("no event {id}")));
    }
    let mut body = String::new();
    app::db::telemetry::export_event_csv(&db, id, |chunk| body.push_str(chunk)).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        body,
    )
        .into_response())
}
