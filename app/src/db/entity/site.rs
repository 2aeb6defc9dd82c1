//! A site: one VEN, identified by its certificate fingerprint.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sites")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub ven_name: String,
    #[sea_orm(unique)]
    pub ven_id: String,
    #[sea_orm(unique)]
    pub fingerprint: Option<String>,
    pub registration_id: Option<String>,
    pub profile_name: Option<String>,
    pub transport_name: Option<String>,
    pub transport_address: Option<String>,
    pub http_pull_model: Option<bool>,
    pub report_only: Option<bool>,
    pub xml_signature: Option<bool>,
    pub registered_at: Option<DateTimeUtc>,
    pub last_contact: Option<DateTimeUtc>,
    /// Send oadrRequestedOadrPollFreq at registration. pyoadr-ven 0.6 cannot
    /// read it (it keeps the XML object as its poll interval and fails), so
    /// operators turn it off for such VENs.
    pub send_poll_freq: bool,
    /// SHA-256 (hex) of the site's URL token, for VENs without certificates.
    #[sea_orm(unique)]
    pub token_hash: Option<String>,
    pub created_at: DateTimeUtc,
    /// The customer who owns the site.
    pub customer_id: Option<i32>,
    /// Street address of the building.
    pub address: String,
    /// Who to call about this site.
    pub contact: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
