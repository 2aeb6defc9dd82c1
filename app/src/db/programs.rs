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
        usage_granularity_secs: Set(3600),
        usage_report_back_secs: Set(86_400),
        status_granularity_secs: Set(300),
        status_report_back_secs: Set(300),
        day_ahead_enabled: Set(false),
        day_ahead_time_zone: Set("UTC".into()),
        day_ahead_publish_minute: Set(1020),
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

/// What a program asks of its VENs' telemetry (granularity and report-back
/// period, in seconds, for TELEMETRY_USAGE and TELEMETRY_STATUS).
pub async fn set_report_defaults(
    db: &DatabaseConnection,
    program_id: i32,
    usage: (i64, i64),
    status: (i64, i64),
) -> Result<(), DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    program::Entity::update_many()
        .col_expr(program::Column::UsageGranularitySecs, Expr::value(usage.0))
        .col_expr(program::Column::UsageReportBackSecs, Expr::value(usage.1))
        .col_expr(
            program::Column::StatusGranularitySecs,
            Expr::value(status.0),
        )
        .col_expr(program::Column::StatusReportBackSecs, Expr::value(status.1))
        .filter(program::Column::Id.eq(program_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The first program a site belongs to (its report defaults apply).
pub async fn first_of_site(
    db: &DatabaseConnection,
    site_id: i32,
) -> Result<Option<program::Model>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let Some(membership) = program_site::Entity::find()
        .filter(program_site::Column::SiteId.eq(site_id))
        .order_by_asc(program_site::Column::ProgramId)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    program::Entity::find_by_id(membership.program_id)
        .one(db)
        .await
}
