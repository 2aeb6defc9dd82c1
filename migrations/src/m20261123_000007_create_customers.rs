//! Customers (the utility's account holders) own sites; sites gain the
//! address and contact the operator keeps for the building.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Customers::Table)
                .col(
                    ColumnDef::new(Customers::Id)
                        .integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Customers::Name)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(Customers::Contact)
                        .string()
                        .not_null()
                        .default(""),
                )
                .col(
                    ColumnDef::new(Customers::Notes)
                        .text()
                        .not_null()
                        .default(""),
                )
                .col(
                    ColumnDef::new(Customers::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per ALTER TABLE.
        for column in [
            ColumnDef::new(Sites::CustomerId)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(Sites::Address)
                .string()
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(Sites::Contact)
                .string()
                .not_null()
                .default("")
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Sites::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_sites_customer")
                .table(Sites::Table)
                .col(Sites::CustomerId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_sites_customer")
                .table(Sites::Table)
                .to_owned(),
        )
        .await?;
        for column in [Sites::CustomerId, Sites::Address, Sites::Contact] {
            m.alter_table(
                Table::alter()
                    .table(Sites::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(Customers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Name,
    Contact,
    Notes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    CustomerId,
    Address,
    Contact,
}
