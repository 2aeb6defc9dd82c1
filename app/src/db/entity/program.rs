//! A DR program, known to VENs by its market context URI.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(unique)]
    pub market_context: String,
    /// Events are `near` this long before they start, `far` before that.
    pub near_window_secs: i64,
    pub created_at: DateTimeUtc,
    /// TELEMETRY_USAGE requested at this granularity…
    pub usage_granularity_secs: i64,
    /// …and reported back this often.
    pub usage_report_back_secs: i64,
    /// TELEMETRY_STATUS granularity.
    pub status_granularity_secs: i64,
    /// TELEMETRY_STATUS report-back period.
    pub status_report_back_secs: i64,
    /// Day-ahead prices are published on schedule.
    pub day_ahead_enabled: bool,
    /// IANA time zone of the program's local days (e.g. `America/New_York`).
    pub day_ahead_time_zone: String,
    /// Local publish time, minutes after midnight.
    pub day_ahead_publish_minute: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
