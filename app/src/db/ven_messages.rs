//! VTN-initiated messages (re-registration request, registration
//! cancellation) queued until the VEN's next poll.

use super::FormError;
use super::entity::{site, ven_message};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

/// Ask the VEN to register again.
pub const REREGISTER: &str = "reregister";
/// Tell the VEN its registration is cancelled.
pub const CANCEL_REGISTRATION: &str = "cancel-registration";
/// Offer the VTN's own reports (METADATA, none yet) after registration.
pub const REGISTER_REPORT: &str = "register-report";

/// Queues a message for a site.
pub async fn queue(
    db: &DatabaseConnection,
    site_id: i32,
    kind: &str,
) -> Result<ven_message::Model, DbErr> {
    let message = ven_message::ActiveModel {
        site_id: Set(site_id),
        kind: Set(kind.to_owned()),
        created_at: Set(Utc::now()),
        delivered_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::changes::OUTBOX.site(site_id);
    Ok(message)
}

/// Queues a registration action (`REREGISTER` or `CANCEL_REGISTRATION`) for
/// the site's VEN, refusing a site that has no registration. The site; `None`
/// if there is no such site.
pub async fn registration_action(
    db: &DatabaseConnection,
    site_id: i32,
    kind: &str,
) -> Result<Option<site::Model>, FormError> {
    let Some(site) = site::Entity::find_by_id(site_id).one(db).await? else {
        return Ok(None);
    };
    if site.registration_id.is_none() {
        return Err(FormError::Invalid(format!(
            "{} is not registered",
            site.ven_name
        )));
    }
    queue(db, site_id, kind).await?;
    Ok(Some(site))
}

/// The oldest undelivered message for a site.
pub async fn next(
    db: &DatabaseConnection,
    site_id: i32,
) -> Result<Option<ven_message::Model>, DbErr> {
    ven_message::Entity::find()
        .filter(ven_message::Column::SiteId.eq(site_id))
        .filter(ven_message::Column::DeliveredAt.is_null())
        .order_by_asc(ven_message::Column::Id)
        .one(db)
        .await
}

/// Marks a message delivered.
pub async fn delivered(db: &DatabaseConnection, id: i32) -> Result<(), DbErr> {
    ven_message::Entity::update_many()
        .col_expr(
            ven_message::Column::DeliveredAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(ven_message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
