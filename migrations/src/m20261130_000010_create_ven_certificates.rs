//! VEN client certificates issued by the VTN's VEN CA: what was issued to
//! which site, until when, and whether it was revoked. Private keys are never
//! stored.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(VenCertificates::Table)
                .col(
                    ColumnDef::new(VenCertificates::Id)
                        .integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(VenCertificates::SiteId).integer().null())
                .col(
                    ColumnDef::new(VenCertificates::CommonName)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(VenCertificates::Fingerprint)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(VenCertificates::Serial).string().not_null())
                .col(ColumnDef::new(VenCertificates::KeyType).string().not_null())
                .col(
                    ColumnDef::new(VenCertificates::CertificatePem)
                        .text()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(VenCertificates::NotAfter)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(VenCertificates::IssuedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(VenCertificates::IssuedBy)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(VenCertificates::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(VenCertificates::RevokedBy).string().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(VenCertificates::Table, VenCertificates::SiteId)
                        .to(Sites::Table, Sites::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(VenCertificates::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum VenCertificates {
    Table,
    Id,
    SiteId,
    CommonName,
    Fingerprint,
    Serial,
    KeyType,
    CertificatePem,
    NotAfter,
    IssuedAt,
    IssuedBy,
    RevokedAt,
    RevokedBy,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
}
