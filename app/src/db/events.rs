//! DR events: creation, modification, cancellation, what each site should
//! see now, and each site's delivery and opt state.

use super::entity::{event, event_site, program, program_site};
use crate::models::event::{ExtraTargets, NewEvent, Signal};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use std::future::Future;
use std::pin::Pin;

/// Why an event operation failed.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The request is wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// No such event (for this site).
    #[error("unknown event {0}")]
    Unknown(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string(value).unwrap_or_else(|e| unreachable!("serialising event data: {e}"))
}

/// Creates an event for sites of its program (modification number 0).
pub async fn create(db: &DatabaseConnection, new: &NewEvent) -> Result<event::Model, EventError> {
    insert(db, new, None).await
}

/// Creates an event unless one was already created with this idempotency
/// key (an API client retrying); returns the event and whether it is new.
pub async fn create_once(
    db: &DatabaseConnection,
    new: &NewEvent,
    key: &str,
) -> Result<(event::Model, bool), EventError> {
    let earlier = event::Entity::find()
        .filter(event::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?;
    if let Some(earlier) = earlier {
        return Ok((earlier, false));
    }
    Ok((insert(db, new, Some(key)).await?, true))
}

/// A write that belongs to an event's creation, made in its transaction.
pub type AlongWith<'t> = Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + 't>>;

/// Creates an event and, in the same transaction, whatever `along` writes
/// for it: if that fails (say, a unique key says the event was created
/// already), the event is not created either.
pub async fn create_with<F>(
    db: &DatabaseConnection,
    new: &NewEvent,
    along: F,
) -> Result<event::Model, EventError>
where
    F: for<'t> FnOnce(&'t DatabaseTransaction, &'t event::Model) -> AlongWith<'t>,
{
    insert_with(db, new, None, along).await
}

async fn insert(
    db: &DatabaseConnection,
    new: &NewEvent,
    key: Option<&str>,
) -> Result<event::Model, EventError> {
    insert_with(db, new, key, |_, _| Box::pin(async { Ok(()) })).await
}

async fn insert_with<F>(
    db: &DatabaseConnection,
    new: &NewEvent,
    key: Option<&str>,
    along: F,
) -> Result<event::Model, EventError>
where
    F: for<'t> FnOnce(&'t DatabaseTransaction, &'t event::Model) -> AlongWith<'t>,
{
    new.validate().map_err(EventError::Invalid)?;
    let program = program::Entity::find_by_id(new.program_id)
        .one(db)
        .await?
        .ok_or_else(|| EventError::Invalid(format!("no program {}", new.program_id)))?;
    let members: Vec<i32> = program_site::Entity::find()
        .filter(program_site::Column::ProgramId.eq(program.id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.site_id)
        .collect();
    if let Some(outsider) = new.site_ids.iter().find(|id| !members.contains(id)) {
        return Err(EventError::Invalid(format!(
            "site {outsider} is not in program {}",
            program.name
        )));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let model = event::ActiveModel {
        event_id: Set(super::sites::new_id("event")),
        program_id: Set(program.id),
        modification_number: Set(0),
        modification_reason: Set(None),
        created_at: Set(now),
        modified_at: Set(now),
        dtstart: Set(new.dtstart),
        duration_secs: Set(new.duration_secs()),
        notification_secs: Set(new.notification_secs),
        ramp_up_secs: Set(new.ramp_up_secs),
        recovery_secs: Set(new.recovery_secs),
        start_after_secs: Set(new.start_after_secs),
        priority: Set(new.priority),
        test_event: Set(new.test_event),
        vtn_comment: Set(new.vtn_comment.clone()),
        response_required: Set(new.response_required),
        cancelled: Set(false),
        signals: Set(to_json(&new.signals)),
        targets: Set(to_json(&new.targets)),
        idempotency_key: Set(key.map(str::to_owned)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for site_id in &new.site_ids {
        event_site::ActiveModel {
            event_id: Set(model.id),
            site_id: Set(*site_id),
            delivered_modification: Set(None),
            delivered_at: Set(None),
            opt_type: Set(None),
            opt_modification: Set(None),
            opted_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    along(&txn, &model).await?;
    txn.commit().await?;
    super::changes::OUTBOX.sites(new.site_ids.iter().copied());
    Ok(model)
}

async fn bump(
    db: &DatabaseConnection,
    id: i32,
    change: impl FnOnce(&mut event::ActiveModel),
    reason: &str,
) -> Result<event::Model, EventError> {
    let model = event::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| EventError::Unknown(id.to_string()))?;
    if model.cancelled {
        return Err(EventError::Invalid(format!(
            "event {} is cancelled",
            model.event_id
        )));
    }
    let mut active: event::ActiveModel = model.clone().into();
    change(&mut active);
    active.modification_number = Set(model.modification_number + 1);
    active.modification_reason = Set(Some(reason.to_owned()));
    active.modified_at = Set(Utc::now());
    let model = active.update(db).await?;
    // Which sites hold the event would take a query; modifications are rare.
    super::changes::OUTBOX.all();
    Ok(model)
}

/// Replaces an event's signals (a modification: the number goes up by one).
pub async fn modify_signals(
    db: &DatabaseConnection,
    id: i32,
    signals: Vec<Signal>,
    reason: &str,
) -> Result<event::Model, EventError> {
    let model = event::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| EventError::Unknown(id.to_string()))?;
    let check = NewEvent {
        signals: signals.clone(),
        notification_secs: model.notification_secs,
        ..NewEvent::simple(model.program_id, vec![0], model.dtstart, 1, 0.0)
    };
    check.validate().map_err(EventError::Invalid)?;
    let duration = check.duration_secs();
    bump(
        db,
        id,
        |active| {
            active.signals = Set(to_json(&signals));
            active.duration_secs = Set(duration);
        },
        reason,
    )
    .await
}

/// Cancels an event (also a modification).
pub async fn cancel(db: &DatabaseConnection, id: i32) -> Result<event::Model, EventError> {
    bump(db, id, |active| active.cancelled = Set(true), "cancelled").await
}

/// An event as one site should see it now.
#[derive(Debug, Clone)]
pub struct SiteEvent {
    /// The event.
    pub event: event::Model,
    /// Its signals.
    pub signals: Vec<Signal>,
    /// Extra targets.
    pub targets: ExtraTargets,
    /// This site's delivery and opt state.
    pub delivery: event_site::Model,
    /// The program's market context.
    pub market_context: String,
    /// The program's near window.
    pub near_window: TimeDelta,
}

impl SiteEvent {
    /// The site has not yet received this version of the event.
    pub fn undelivered(&self) -> bool {
        self.delivery.delivered_modification != Some(self.event.modification_number)
    }
}

/// The events a site should hold at `now`: those past their notification
/// time and not over, plus cancellations of events it was told about and
/// has not yet heard cancelled.
pub async fn for_site(
    db: &DatabaseConnection,
    site_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<SiteEvent>, DbErr> {
    let rows = event_site::Entity::find()
        .filter(event_site::Column::SiteId.eq(site_id))
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let events = event::Entity::find()
        .filter(event::Column::Id.is_in(rows.iter().map(|r| r.event_id)))
        .all(db)
        .await?;
    let programs = program::Entity::find()
        .filter(program::Column::Id.is_in(events.iter().map(|e| e.program_id)))
        .all(db)
        .await?;
    let mut visible = Vec::new();
    for event in events {
        let Some(delivery) = rows.iter().find(|r| r.event_id == event.id).cloned() else {
            continue;
        };
        let Some(program) = programs.iter().find(|p| p.id == event.program_id) else {
            continue;
        };
        let end = event.dtstart + TimeDelta::seconds(event.duration_secs);
        let notified = now >= event.dtstart - TimeDelta::seconds(event.notification_secs);
        let show = if event.cancelled {
            delivery
                .delivered_modification
                .is_some_and(|m| m != event.modification_number)
        } else {
            notified && now < end
        };
        if show {
            visible.push(SiteEvent {
                signals: serde_json::from_str(&event.signals).unwrap_or_default(),
                targets: serde_json::from_str(&event.targets).unwrap_or_default(),
                delivery,
                market_context: program.market_context.clone(),
                near_window: TimeDelta::seconds(program.near_window_secs),
                event,
            });
        }
    }
    visible.sort_by_key(|e| (e.event.dtstart, e.event.id));
    Ok(visible)
}

/// When the next event not yet delivered to the site (in its current
/// version) reaches its notification time, if one is still to come. Until
/// then, and without a write to its events, [`for_site`] cannot show the site
/// anything it does not show now: an event only appears by reaching that time.
pub async fn next_notification(
    db: &DatabaseConnection,
    site_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let rows = event_site::Entity::find()
        .filter(event_site::Column::SiteId.eq(site_id))
        .find_also_related(event::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(delivery, event)| event.map(|e| (delivery, e)))
        .filter(|(delivery, event)| {
            !event.cancelled && delivery.delivered_modification != Some(event.modification_number)
        })
        .map(|(_, event)| event.dtstart - TimeDelta::seconds(event.notification_secs))
        .filter(|due| *due > now)
        .min())
}

/// Event versions waiting for their site's next poll: not yet delivered in
/// their current modification, for events not over (or cancellations of
/// events the site knew).
pub async fn count_pending(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let rows = event_site::Entity::find()
        .find_also_related(event::Entity)
        .all(db)
        .await?;
    let pending = rows
        .iter()
        .filter_map(|(delivery, event)| event.as_ref().map(|e| (delivery, e)))
        .filter(|(delivery, event)| {
            let undelivered = delivery.delivered_modification != Some(event.modification_number);
            let live = if event.cancelled {
                delivery.delivered_modification.is_some()
            } else {
                now < event.dtstart + TimeDelta::seconds(event.duration_secs)
            };
            undelivered && live
        })
        .count();
    Ok(pending as u64)
}

/// Records that these event versions reached the site.
pub async fn mark_delivered(
    db: &DatabaseConnection,
    site_id: i32,
    events: &[SiteEvent],
) -> Result<(), DbErr> {
    let now = Utc::now();
    for e in events.iter().filter(|e| e.undelivered()) {
        event_site::Entity::update_many()
            .col_expr(
                event_site::Column::DeliveredModification,
                sea_orm::sea_query::Expr::value(e.event.modification_number),
            )
            .col_expr(
                event_site::Column::DeliveredAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(event_site::Column::EventId.eq(e.event.id))
            .filter(event_site::Column::SiteId.eq(site_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Stores a site's answer to an event (`optIn`, `optOut`, or `none` for "no
/// decision yet"). A later answer replaces an earlier one.
pub async fn record_opt(
    db: &DatabaseConnection,
    site_id: i32,
    event_id: &str,
    modification_number: i32,
    opt_type: &str,
) -> Result<(), EventError> {
    let event = event::Entity::find()
        .filter(event::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .ok_or_else(|| EventError::Unknown(event_id.to_owned()))?;
    let result = event_site::Entity::update_many()
        .col_expr(
            event_site::Column::OptType,
            sea_orm::sea_query::Expr::value(opt_type),
        )
        .col_expr(
            event_site::Column::OptModification,
            sea_orm::sea_query::Expr::value(modification_number),
        )
        .col_expr(
            event_site::Column::OptedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(event_site::Column::EventId.eq(event.id))
        .filter(event_site::Column::SiteId.eq(site_id))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(EventError::Unknown(event_id.to_owned()));
    }
    Ok(())
}

/// One site's state for an event (delivery and answer).
pub async fn delivery(
    db: &DatabaseConnection,
    event_pk: i32,
    site_id: i32,
) -> Result<Option<event_site::Model>, DbErr> {
    event_site::Entity::find_by_id((event_pk, site_id))
        .one(db)
        .await
}
