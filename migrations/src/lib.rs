//! The VTN's schema, one migration per change, applied in order at start-up
//! (and by `vtn migrate`).

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_users;
mod m20261123_000002_create_sessions;
mod m20261123_000003_create_openadr;
mod m20261123_000004_create_reports;
mod m20261123_000005_add_site_tokens;
mod m20261123_000006_index_site_lookups;
mod m20261123_000007_create_customers;
mod m20261123_000008_create_api_tokens;
mod m20261123_000009_create_audit_log;
mod m20261130_000010_create_ven_certificates;
mod m20261130_000011_create_day_ahead;

/// All migrations of the VTN, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_users::Migration),
            Box::new(m20261123_000002_create_sessions::Migration),
            Box::new(m20261123_000003_create_openadr::Migration),
            Box::new(m20261123_000004_create_reports::Migration),
            Box::new(m20261123_000005_add_site_tokens::Migration),
            Box::new(m20261123_000006_index_site_lookups::Migration),
            Box::new(m20261123_000007_create_customers::Migration),
            Box::new(m20261123_000008_create_api_tokens::Migration),
            Box::new(m20261123_000009_create_audit_log::Migration),
            Box::new(m20261130_000010_create_ven_certificates::Migration),
            Box::new(m20261130_000011_create_day_ahead::Migration),
        ]
    }
}
