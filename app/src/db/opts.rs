//! Opts from VENs through EiOpt: event opts and availability schedules.

use super::entity::opt;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TryIntoModel,
};
use serde::{Deserialize, Serialize};

/// One period of an availability schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Start.
    pub start: DateTime<Utc>,
    /// Length in seconds.
    pub duration_secs: i64,
}

/// An opt to store.
#[derive(Debug, Clone)]
pub struct NewOpt {
    /// The VEN's opt ID.
    pub opt_id: String,
    /// `optIn` or `optOut`.
    pub opt_type: String,
    /// Why.
    pub opt_reason: String,
    /// The program.
    pub market_context: Option<String>,
    /// The event and modification for an event opt.
    pub event: Option<(String, i32)>,
    /// The schedule.
    pub availability: Vec<Period>,
    /// Resources concerned.
    pub resource_ids: Vec<String>,
}

/// Stores an opt; the same opt ID from the same site replaces the earlier one.
pub async fn upsert(
    db: &DatabaseConnection,
    site_id: i32,
    new: NewOpt,
) -> Result<opt::Model, DbErr> {
    let existing = opt::Entity::find()
        .filter(opt::Column::SiteId.eq(site_id))
        .filter(opt::Column::OptId.eq(new.opt_id.as_str()))
        .one(db)
        .await?;
    let availability = serde_json::to_string(&new.availability).unwrap_or_else(|_| "[]".into());
    let resources = serde_json::to_string(&new.resource_ids).unwrap_or_else(|_| "[]".into());
    let mut active = match existing {
        Some(model) => model.into(),
        None => opt::ActiveModel {
            site_id: Set(site_id),
            opt_id: Set(new.opt_id),
            ..Default::default()
        },
    };
    active.opt_type = Set(new.opt_type);
    active.opt_reason = Set(new.opt_reason);
    active.market_context = Set(new.market_context);
    active.event_id = Set(new.event.as_ref().map(|(id, _)| id.clone()));
    active.modification_number = Set(new.event.as_ref().map(|(_, m)| *m));
    active.availability = Set(availability);
    active.resource_ids = Set(resources);
    active.created_at = Set(Utc::now());
    active.cancelled_at = Set(None);
    active.save(db).await?.try_into_model()
}

/// Withdraws an opt; returns it, or `None` when the site has no such opt.
pub async fn cancel(
    db: &DatabaseConnection,
    site_id: i32,
    opt_id: &str,
) -> Result<Option<opt::Model>, DbErr> {
    let Some(model) = opt::Entity::find()
        .filter(opt::Column::SiteId.eq(site_id))
        .filter(opt::Column::OptId.eq(opt_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut active: opt::ActiveModel = model.into();
    active.cancelled_at = Set(Some(Utc::now()));
    active.update(db).await.map(Some)
}
