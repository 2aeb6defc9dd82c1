//! One audited action.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// `user:alice`, `token:scada`, `cli`, `ven:ven-3f…`.
    pub actor: String,
    /// e.g. `event.create`, `site.save`, `signin.refused`.
    pub action: String,
    /// What it was done to, e.g. `event event-1a2b…`.
    pub target: String,
    /// The client's address, or `local` for the command line.
    pub source: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
