//! An event's delivery to one site and that site's answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_sites")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_id: i32,
    /// The modification number last delivered (none: never delivered).
    pub delivered_modification: Option<i32>,
    pub delivered_at: Option<DateTimeUtc>,
    /// `optIn`, `optOut` or `none` (answered without a decision yet).
    pub opt_type: Option<String>,
    pub opt_modification: Option<i32>,
    pub opted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::event::Entity",
        from = "Column::EventId",
        to = "super::event::Column::Id"
    )]
    Event,
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
