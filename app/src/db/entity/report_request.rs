//! A report the VTN requested from a VEN, and where it is in its lifecycle.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub site_id: i32,
    /// Assigned by the VTN; the VEN quotes it in every update.
    #[sea_orm(unique)]
    pub report_request_id: String,
    pub report_specifier_id: String,
    pub report_name: String,
    pub granularity_secs: i64,
    pub report_back_secs: i64,
    pub interval_start: DateTimeUtc,
    pub interval_secs: i64,
    /// JSON list of the requested rIDs.
    pub rids: String,
    /// `requested`, `created`, `receiving`, `cancelling`, `cancelled`, `completed`.
    pub state: String,
    /// Delivered to the VEN (a registration answer carries it at once; a later
    /// request waits for a poll).
    pub sent: bool,
    /// The cancellation was delivered.
    pub cancel_sent: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
