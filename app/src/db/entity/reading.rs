//! One interval reading of one data point.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "readings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub site_id: i32,
    /// The report request (primary key) it answers.
    pub request_id: i32,
    pub rid: String,
    pub dtstart: DateTimeUtc,
    pub duration_secs: Option<i64>,
    /// A float reading.
    pub value: Option<f64>,
    /// A resource status reading, as JSON.
    pub status: Option<String>,
    pub quality: Option<String>,
    pub confidence: Option<i32>,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
