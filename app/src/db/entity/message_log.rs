//! One exchange with a VEN, both directions, for operators debugging interop.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub site_id: Option<i32>,
    pub at: DateTimeUtc,
    pub service: String,
    pub message_type: String,
    pub response_type: String,
    pub request_id: Option<String>,
    pub response_code: i32,
    /// Schema deviations of the request, one per line.
    pub deviations: String,
    pub request_xml: String,
    pub response_xml: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
