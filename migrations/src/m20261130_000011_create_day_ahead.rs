//! Day-ahead price publishing: each program's schedule (enabled, time zone,
//! local publish time), the prices pushed for each local date, the record of
//! each date published (unique per program and date, so a date is published
//! at most once however many publishers run), and the alerts raised when a
//! date's prices were missing at publish time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn program_fk(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Programs::Table, Programs::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn id(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            ColumnDef::new(Programs::DayAheadEnabled)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
            ColumnDef::new(Programs::DayAheadTimeZone)
                .string()
                .not_null()
                .default("UTC")
                .to_owned(),
            // Minutes after local midnight; 1020 is 17:00.
            ColumnDef::new(Programs::DayAheadPublishMinute)
                .integer()
                .not_null()
                .default(1020)
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Programs::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(DayAheadPrices::Table)
                .col(
                    ColumnDef::new(DayAheadPrices::ProgramId)
                        .integer()
                        .not_null(),
                )
                .col(ColumnDef::new(DayAheadPrices::LocalDate).date().not_null())
                // A JSON array, one price per local hour.
                .col(ColumnDef::new(DayAheadPrices::Prices).text().not_null())
                .col(
                    ColumnDef::new(DayAheadPrices::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(DayAheadPrices::UpdatedBy)
                        .string()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(DayAheadPrices::ProgramId)
                        .col(DayAheadPrices::LocalDate),
                )
                .foreign_key(&mut program_fk(
                    DayAheadPrices::Table,
                    DayAheadPrices::ProgramId,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DayAheadPublications::Table)
                .col(id(DayAheadPublications::Id))
                .col(
                    ColumnDef::new(DayAheadPublications::ProgramId)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(DayAheadPublications::LocalDate)
                        .date()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(DayAheadPublications::EventId)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(DayAheadPublications::PublishedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut program_fk(
                    DayAheadPublications::Table,
                    DayAheadPublications::ProgramId,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from(DayAheadPublications::Table, DayAheadPublications::EventId)
                        .to(Events::Table, Events::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_day_ahead_publications_program_date")
                .table(DayAheadPublications::Table)
                .col(DayAheadPublications::ProgramId)
                .col(DayAheadPublications::LocalDate)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DayAheadAlerts::Table)
                .col(id(DayAheadAlerts::Id))
                .col(
                    ColumnDef::new(DayAheadAlerts::ProgramId)
                        .integer()
                        .not_null(),
                )
                .col(ColumnDef::new(DayAheadAlerts::LocalDate).date().not_null())
                .col(ColumnDef::new(DayAheadAlerts::Message).text().not_null())
                .col(
                    ColumnDef::new(DayAheadAlerts::RaisedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(DayAheadAlerts::ResolvedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(&mut program_fk(
                    DayAheadAlerts::Table,
                    DayAheadAlerts::ProgramId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_day_ahead_alerts_program_date")
                .table(DayAheadAlerts::Table)
                .col(DayAheadAlerts::ProgramId)
                .col(DayAheadAlerts::LocalDate)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DayAheadAlerts::Table.into_iden(),
            DayAheadPublications::Table.into_iden(),
            DayAheadPrices::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [
            Programs::DayAheadPublishMinute,
            Programs::DayAheadTimeZone,
            Programs::DayAheadEnabled,
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
    Id,
    DayAheadEnabled,
    DayAheadTimeZone,
    DayAheadPublishMinute,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DayAheadPrices {
    Table,
    ProgramId,
    LocalDate,
    Prices,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum DayAheadPublications {
    Table,
    Id,
    ProgramId,
    LocalDate,
    EventId,
    PublishedAt,
}

#[derive(DeriveIden)]
enum DayAheadAlerts {
    Table,
    Id,
    ProgramId,
    LocalDate,
    Message,
    RaisedAt,
    ResolvedAt,
}
