//! The day-ahead prices of one program for one local date.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "day_ahead_prices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub program_id: i32,
    /// The date in the program's time zone.
    #[sea_orm(primary_key, auto_increment = false)]
    pub local_date: Date,
    /// JSON array, one price per local hour of the date.
    pub prices: String,
    pub updated_at: DateTimeUtc,
    /// Who stored them (`token:NAME`, a username).
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
