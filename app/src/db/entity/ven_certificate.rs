//! A VEN client certificate the VTN issued.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ven_certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The site it was issued for (none once the site is deleted).
    pub site_id: Option<i32>,
    pub common_name: String,
    /// OpenADR 2.0b fingerprint.
    #[sea_orm(unique)]
    pub fingerprint: String,
    /// Serial number, hex.
    pub serial: String,
    /// `ecdsa-p256` or `rsa-2048`.
    pub key_type: String,
    /// The certificate (PEM), never its key.
    pub certificate_pem: String,
    pub not_after: DateTimeUtc,
    pub issued_at: DateTimeUtc,
    /// Who issued it, as in the audit log (`user:NAME`, `api:NAME`, `cli`).
    pub issued_by: String,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
