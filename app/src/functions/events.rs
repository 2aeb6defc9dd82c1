//! DR events: list, open, create, modify, cancel.

use crate::AppError;
use crate::models::event::{EventDetail, EventFilter, EventPage, NewEvent, Signal};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Events per list page.
pub const PER_PAGE: u32 = 20;

#[cfg(feature = "ssr")]
fn refusal(error: crate::db::events::EventError) -> AppError {
    use crate::db::events::EventError;
    match error {
        EventError::Invalid(message) => super::ssr::invalid(message),
        EventError::Unknown(id) => super::ssr::invalid(format!("no event {id}")),
        EventError::Db(e) => e.into(),
    }
}

/// A page of events passing `filter`, optionally only one site's.
#[server(endpoint = "events")]
pub async fn list_events(
    filter: EventFilter,
    page: u32,
    site_id: Option<i32>,
) -> Result<EventPage, AppError> {
    use crate::db::{self, event_views};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    Ok(event_views::list(&db, filter, site_id, page, PER_PAGE, chrono::Utc::now()).await?)
}

/// One event with each site's delivery and answer.
#[server(endpoint = "event")]
pub async fn get_event(id: i32) -> Result<EventDetail, AppError> {
    use crate::db::{self, event_views};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    super::ssr::found(
        event_views::detail(&db, id, chrono::Utc::now()).await?,
        "event",
    )
}

/// Creates an event; returns its key.
#[server(endpoint = "create_event", input = Json)]
pub async fn create_event(event: NewEvent) -> Result<i32, AppError> {
    use crate::db::{self, events};
    let user = crate::auth::ssr::require(crate::models::Role::Operator).await?;
    let db = db::from_context()?;
    let created = events::create(&db, &event).await.map_err(refusal)?;
    tracing::info!(username = %user.username, event_id = %created.event_id, sites = event.site_ids.len(), "event created");
    super::ssr::audit(
        &db,
        &user,
        "event.create",
        &format!("event {}", created.event_id),
    )
    .await;
    Ok(created.id)
}

/// Replaces an event's signals (VENs get a new modificationNumber).
#[server(endpoint = "modify_event", input = Json)]
pub async fn modify_event(id: i32, signals: Vec<Signal>, reason: String) -> Result<(), AppError> {
    use crate::db::{self, events};
    let user = crate::auth::ssr::require(crate::models::Role::Operator).await?;
    let db = db::from_context()?;
    let reason = if reason.trim().is_empty() {
        "modified by operator"
    } else {
        reason.trim()
    };
    let modified = events::modify_signals(&db, id, signals, reason)
        .await
        .map_err(refusal)?;
    tracing::info!(username = %user.username, event_id = %modified.event_id, modification = modified.modification_number, "event modified");
    super::ssr::audit(
        &db,
        &user,
        "event.modify",
        &format!(
            "event {} modification {}",
            modified.event_id, modified.modification_number
        ),
    )
    .await;
    Ok(())
}

/// Cancels an event.
#[server(endpoint = "cancel_event")]
pub async fn cancel_event(id: i32) -> Result<(), AppError> {
    use crate::db::{self, events};
    let user = crate::auth::ssr::require(crate::models::Role::Operator).await?;
    let db = db::from_context()?;
    let cancelled = events::cancel(&db, id).await.map_err(refusal)?;
    tracing::info!(username = %user.username, event_id = %cancelled.event_id, "event cancelled");
    super::ssr::audit(
        &db,
        &user,
        "event.cancel",
        &format!("event {}", cancelled.event_id),
    )
    .await;
    Ok(())
}
