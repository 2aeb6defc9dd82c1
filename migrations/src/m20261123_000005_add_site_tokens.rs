//! Token-URL VENs: a per-site secret in the URL instead of a client
//! certificate. Only its SHA-256 is stored.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Sites::Table)
                .add_column(ColumnDef::new(Sites::TokenHash).string().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sites_token_hash")
                .table(Sites::Table)
                .col(Sites::TokenHash)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_sites_token_hash")
                .table(Sites::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Sites::Table)
                .drop_column(Sites::TokenHash)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    TokenHash,
}
