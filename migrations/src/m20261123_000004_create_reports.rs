//! The report subscription lifecycle: what each VEN can report (METADATA),
//! what the VTN asked for, and every reading received. Programs get their
//! report defaults.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    table: impl IntoIden,
    column: impl IntoIden,
    to: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (column, default) in [
            (Programs::UsageGranularitySecs, 3600),
            (Programs::UsageReportBackSecs, 86_400),
            (Programs::StatusGranularitySecs, 300),
            (Programs::StatusReportBackSecs, 300),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Programs::Table)
                    .add_column(
                        ColumnDef::new(column)
                            .big_integer()
                            .not_null()
                            .default(default),
                    )
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(ReportDescriptions::Table)
                .col(
                    ColumnDef::new(ReportDescriptions::Id)
                        .integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ReportDescriptions::SiteId)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportDescriptions::ReportSpecifierId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportDescriptions::ReportName)
                        .string()
                        .not_null(),
                )
                .col(ColumnDef::new(ReportDescriptions::Rid).string().not_null())
                .col(
                    ColumnDef::new(ReportDescriptions::ReportType)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportDescriptions::ReadingType)
                        .string()
                        .not_null(),
                )
                .col(ColumnDef::new(ReportDescriptions::ItemKind).string().null())
                .col(ColumnDef::new(ReportDescriptions::Units).string().null())
                .col(ColumnDef::new(ReportDescriptions::SiScale).string().null())
                .col(
                    ColumnDef::new(ReportDescriptions::MinPeriodSecs)
                        .big_integer()
                        .null(),
                )
                .col(
                    ColumnDef::new(ReportDescriptions::MaxPeriodSecs)
                        .big_integer()
                        .null(),
                )
                .col(
                    ColumnDef::new(ReportDescriptions::RegisteredAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut fk(
                    ReportDescriptions::Table,
                    ReportDescriptions::SiteId,
                    Sites::Table,
                    Sites::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_report_descriptions_site")
                .table(ReportDescriptions::Table)
                .col(ReportDescriptions::SiteId)
                .col(ReportDescriptions::Rid)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReportRequests::Table)
                .col(
                    ColumnDef::new(ReportRequests::Id)
                        .integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(ReportRequests::SiteId).integer().not_null())
                .col(
                    ColumnDef::new(ReportRequests::ReportRequestId)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(ReportRequests::ReportSpecifierId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportRequests::ReportName)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportRequests::GranularitySecs)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportRequests::ReportBackSecs)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportRequests::IntervalStart)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportRequests::IntervalSecs)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(ReportRequests::Rids).text().not_null())
                .col(ColumnDef::new(ReportRequests::State).string().not_null())
                .col(ColumnDef::new(ReportRequests::Sent).boolean().not_null())
                .col(
                    ColumnDef::new(ReportRequests::CancelSent)
                        .boolean()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportRequests::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportRequests::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut fk(
                    ReportRequests::Table,
                    ReportRequests::SiteId,
                    Sites::Table,
                    Sites::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Readings::Table)
                .col(
                    ColumnDef::new(Readings::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Readings::SiteId).integer().not_null())
                .col(ColumnDef::new(Readings::RequestId).integer().not_null())
                .col(ColumnDef::new(Readings::Rid).string().not_null())
                .col(
                    ColumnDef::new(Readings::Dtstart)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(Readings::DurationSecs).big_integer().null())
                .col(ColumnDef::new(Readings::Value).double().null())
                .col(ColumnDef::new(Readings::Status).text().null())
                .col(ColumnDef::new(Readings::Quality).string().null())
                .col(ColumnDef::new(Readings::Confidence).integer().null())
                .col(
                    ColumnDef::new(Readings::ReceivedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut fk(
                    Readings::Table,
                    Readings::SiteId,
                    Sites::Table,
                    Sites::Id,
                ))
                .foreign_key(&mut fk(
                    Readings::Table,
                    Readings::RequestId,
                    ReportRequests::Table,
                    ReportRequests::Id,
                ))
                .to_owned(),
        )
        .await?;
        // A resent interval is the same reading: this index makes storing idempotent.
        m.create_index(
            Index::create()
                .name("idx_readings_unique")
                .table(Readings::Table)
                .col(Readings::RequestId)
                .col(Readings::Rid)
                .col(Readings::Dtstart)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_readings_site_rid_time")
                .table(Readings::Table)
                .col(Readings::SiteId)
                .col(Readings::Rid)
                .col(Readings::Dtstart)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Readings::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ReportRequests::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ReportDescriptions::Table).to_owned())
            .await?;
        for column in [
            Programs::UsageGranularitySecs,
            Programs::UsageReportBackSecs,
            Programs::StatusGranularitySecs,
            Programs::StatusReportBackSecs,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Programs::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Programs {
    Table,
    UsageGranularitySecs,
    UsageReportBackSecs,
    StatusGranularitySecs,
    StatusReportBackSecs,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReportDescriptions {
    Table,
    Id,
    SiteId,
    ReportSpecifierId,
    ReportName,
    Rid,
    ReportType,
    ReadingType,
    ItemKind,
    Units,
    SiScale,
    MinPeriodSecs,
    MaxPeriodSecs,
    RegisteredAt,
}

#[derive(DeriveIden)]
enum ReportRequests {
    Table,
    Id,
    SiteId,
    ReportRequestId,
    ReportSpecifierId,
    ReportName,
    GranularitySecs,
    ReportBackSecs,
    IntervalStart,
    IntervalSecs,
    Rids,
    State,
    Sent,
    CancelSent,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Readings {
    Table,
    Id,
    SiteId,
    RequestId,
    Rid,
    Dtstart,
    DurationSecs,
    Value,
    Status,
    Quality,
    Confidence,
    ReceivedAt,
}
