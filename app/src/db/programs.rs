//! DR programs and their sites.

use super::entity::{program, program_site};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, Set};

/// Creates a program; `near_window_secs` is how long before an event it is `near`.
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
    market_context: &str,
    near_window_secs: i64,
) -> Result<program::Model, DbErr> {
    program::ActiveModel {
        name: Set(name.to_owned()),
        market_context: Set(market_context.to_owned()),
        near_window_secs: Set(near_window_secs),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Enrols a site in a program.
pub async fn add_site(db: &DatabaseConnection, program_id: i32, site_id: i32) -> Result<(), DbErr> {
    program_site::Entity::insert(program_site::ActiveModel {
        program_id: Set(program_id),
        site_id: Set(site_id),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The program by primary key.
pub async fn get(db: &DatabaseConnection, id: i32) -> Result<Option<program::Model>, DbErr> {
    program::Entity::find_by_id(id).one(db).await
}
