//! A DR event. Signals and extra targets are JSON (see `models::Signal`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub event_id: String,
    pub program_id: i32,
    pub modification_number: i32,
    pub modification_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub modified_at: DateTimeUtc,
    pub dtstart: DateTimeUtc,
    pub duration_secs: i64,
    pub notification_secs: i64,
    pub ramp_up_secs: Option<i64>,
    pub recovery_secs: Option<i64>,
    pub start_after_secs: Option<i64>,
    pub priority: Option<i32>,
    pub test_event: bool,
    pub vtn_comment: Option<String>,
    pub response_required: bool,
    pub cancelled: bool,
    pub signals: String,
    pub targets: String,
    /// The API client's Idempotency-Key, when it gave one.
    pub idempotency_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
