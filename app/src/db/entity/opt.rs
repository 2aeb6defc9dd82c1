//! An opt from a VEN: for one event, or an availability schedule.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub site_id: i32,
    pub opt_id: String,
    pub opt_type: String,
    pub opt_reason: String,
    pub market_context: Option<String>,
    pub event_id: Option<String>,
    pub modification_number: Option<i32>,
    /// JSON list of `{start, duration_secs}`.
    pub availability: String,
    /// JSON list of resource IDs.
    pub resource_ids: String,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
