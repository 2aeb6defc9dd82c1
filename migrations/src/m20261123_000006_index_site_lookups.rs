//! Indexes for the per-site lookups every poll makes (queued messages and
//! report requests were found by scanning their tables).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_ven_messages_site_pending")
                .table(VenMessages::Table)
                .col(VenMessages::SiteId)
                .col(VenMessages::DeliveredAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_report_requests_site")
                .table(ReportRequests::Table)
                .col(ReportRequests::SiteId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_report_requests_site")
                .table(ReportRequests::Table)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_ven_messages_site_pending")
                .table(VenMessages::Table)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum VenMessages {
    Table,
    SiteId,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum ReportRequests {
    Table,
    SiteId,
}
