//! One data point a VEN offered in its METADATA report registration.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_descriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub site_id: i32,
    pub report_specifier_id: String,
    /// The offered report's name without `METADATA_` (e.g. `TELEMETRY_USAGE`).
    pub report_name: String,
    pub rid: String,
    pub report_type: String,
    pub reading_type: String,
    /// The item base element, e.g. `powerReal`.
    pub item_kind: Option<String>,
    pub units: Option<String>,
    pub si_scale: Option<String>,
    pub min_period_secs: Option<i64>,
    pub max_period_secs: Option<i64>,
    pub registered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
