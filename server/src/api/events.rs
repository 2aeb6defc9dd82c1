//! `/api/v1/events`: list, read, create (idempotent with an Idempotency-Key),
//! cancel, and the one-call `events:send` for simple integrations.

use super::auth::Client;
use super::id::Id;
use super::problem::Problem;
use app::db::{event_views, events, programs, sites};
use app::models::Role;
use app::models::event::{EventDetail, EventFilter, EventPage, NewEvent, Signal};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

/// Largest page.
const MAX_PER_PAGE: u32 = 100;
/// Highest page number (a million pages of events is beyond any VTN).
const MAX_PAGE: u32 = 1_000_000;

/// `?status=&page=&per_page=&site_id=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `all` (default), `scheduled`, `active`, `completed` or `cancelled`.
    status: Option<String>,
    /// Page, from 0.
    #[param(minimum = 0, maximum = 1_000_000)]
    page: Option<u32>,
    /// Events per page (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Only events for this site.
    site_id: Option<i32>,
}

/// Events, newest start first, filtered by status.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(ListQuery),
    responses((status = 200, description = "A page of events; `total` counts all pages", body = EventPage)))]
pub async fn list(
    _client: Client,
    State(db): State<DatabaseConnection>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<EventPage>, Problem> {
    let Query(query) = query?;
    let filter = match query.status.as_deref() {
        None => EventFilter::All,
        Some(name) => EventFilter::from_name(name).ok_or_else(|| {
            Problem::invalid(format!(
                "status {name:?} is not one of all, scheduled, active, completed, cancelled"
            ))
        })?,
    };
    let per_page = query.per_page.unwrap_or(20);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Problem::invalid(format!(
            "per_page is 1 to {MAX_PER_PAGE}, not {per_page}"
        )));
    }
    let page = query.page.unwrap_or(0);
    if page > MAX_PAGE {
        return Err(Problem::invalid(format!("page is at most {MAX_PAGE}")));
    }
    let page = event_views::list(&db, filter, query.site_id, page, per_page, Utc::now()).await?;
    Ok(Json(page))
}

/// An event with each site's delivery and optIn/optOut.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    params(("id" = i32, Path, description = "The event's key")),
    responses((status = 200, description = "The event", body = EventDetail)))]
pub async fn show(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
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

/// Creates a full event. With an `Idempotency-Key` header, a retry returns
/// the event already made (200) instead of making another (201).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = NewEvent,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Created", body = EventDetail),
        (status = 200, description = "Made earlier with this Idempotency-Key", body = EventDetail)))]
pub async fn create(
    client: Client,
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
    new: Result<Json<NewEvent>, JsonRejection>,
) -> Result<(StatusCode, Json<EventDetail>), Problem> {
    client.require(Role::Operator)?;
    let Json(new) = new?;
    created(&db, &client, &headers, new).await
}

/// Cancels an event; its VENs hear of it on their next poll.
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", tag = "events",
    params(("id" = i32, Path, description = "The event's key")),
    responses((status = 200, description = "Cancelled", body = EventDetail)))]
pub async fn cancel(
    client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
) -> Result<Json<EventDetail>, Problem> {
    client.require(Role::Operator)?;
    let model = events::cancel(&db, id).await?;
    tracing::info!(token = %client.name, event_id = %model.event_id, "event cancelled through the API");
    client
        .audit(&db, "event.cancel", &format!("event {}", model.event_id))
        .await;
    show(client, State(db), Id(id)).await
}

/// The one-call event: a site (by key or VEN ID), a SIMPLE level or hourly
/// prices, a start and (for a level) a duration. VENs hear of it at once.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendEvent {
    /// The site's key (or give `ven_id`).
    site_id: Option<i32>,
    /// The site's VEN ID (or give `site_id`).
    ven_id: Option<String>,
    /// A SIMPLE level 0–3, with `duration_secs`.
    level: Option<f64>,
    /// Hourly prices from `start`, one per hour (without `duration_secs`).
    prices: Option<Vec<f64>>,
    /// When the event starts.
    start: DateTime<Utc>,
    /// How long a SIMPLE event lasts.
    duration_secs: Option<i64>,
}

/// The one-call event for simple integrations: a site or VEN, a SIMPLE level
/// and duration or hourly prices, a start. VENs are told at once.
#[utoipa::path(post, path = "/api/v1/events:send", tag = "events", request_body = SendEvent,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Created", body = EventDetail),
        (status = 200, description = "Made earlier with this Idempotency-Key", body = EventDetail)))]
pub async fn send(
    client: Client,
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
    request: Result<Json<SendEvent>, JsonRejection>,
) -> Result<(StatusCode, Json<EventDetail>), Problem> {
    client.require(Role::Operator)?;
    let Json(request) = request?;
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

/// The event's telemetry as CSV: site, time, baseline kW, measured kW.
#[utoipa::path(get, path = "/api/v1/events/{id}/telemetry.csv", tag = "events",
    params(("id" = i32, Path, description = "The event's key")),
    responses((status = 200, description = "CSV with a header row", body = String, content_type = "text/csv")))]
pub async fn telemetry(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
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
