//! Sites: one VEN each, known by certificate fingerprint and VEN name.
//!
//! Every function here that changes a site's row (other than its last
//! contact) reports it to [`changes::SITES`](super::changes::SITES): the
//! server keeps sites in memory and relies on that to see the change.

use super::changes;
use super::entity::site;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

/// A random identifier with a prefix, e.g. `ven-3f2a…` (VEN and registration IDs).
pub fn new_id(prefix: &str) -> String {
    let bytes: [u8; 10] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

/// Creates a site for a VEN. The VEN ID is assigned here and never changes;
/// the fingerprint (OpenADR form) binds the VEN's certificate.
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
    ven_name: &str,
    fingerprint: Option<&str>,
) -> Result<site::Model, DbErr> {
    let site = site::ActiveModel {
        name: Set(name.to_owned()),
        ven_name: Set(ven_name.to_owned()),
        ven_id: Set(new_id("ven")),
        fingerprint: Set(fingerprint.map(str::to_owned)),
        send_poll_freq: Set(true),
        token_hash: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    changes::SITES.site(site.id);
    Ok(site)
}

/// The site whose VEN certificate has this fingerprint.
pub async fn by_fingerprint(
    db: &DatabaseConnection,
    fingerprint: &str,
) -> Result<Option<site::Model>, DbErr> {
    site::Entity::find()
        .filter(site::Column::Fingerprint.eq(fingerprint))
        .one(db)
        .await
}

/// How a URL token is stored (SHA-256, hex).
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Gives the site a new URL token (replacing any earlier one) and returns it;
/// it is shown once, only its hash is kept.
pub async fn issue_token(db: &DatabaseConnection, id: i32) -> Result<String, DbErr> {
    let bytes: [u8; 24] = rand::random();
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    site::Entity::update_many()
        .col_expr(
            site::Column::TokenHash,
            sea_orm::sea_query::Expr::value(token_hash(&token)),
        )
        .filter(site::Column::Id.eq(id))
        .exec(db)
        .await?;
    changes::SITES.site(id);
    Ok(token)
}

/// Revokes the site's URL token.
pub async fn revoke_token(db: &DatabaseConnection, id: i32) -> Result<(), DbErr> {
    site::Entity::update_many()
        .col_expr(
            site::Column::TokenHash,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(site::Column::Id.eq(id))
        .exec(db)
        .await?;
    changes::SITES.site(id);
    Ok(())
}

/// The site whose URL token this is.
pub async fn by_token(db: &DatabaseConnection, token: &str) -> Result<Option<site::Model>, DbErr> {
    site::Entity::find()
        .filter(site::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await
}

/// The site with this VEN name.
pub async fn by_ven_name(
    db: &DatabaseConnection,
    ven_name: &str,
) -> Result<Option<site::Model>, DbErr> {
    site::Entity::find()
        .filter(site::Column::VenName.eq(ven_name))
        .one(db)
        .await
}

/// The site whose VEN has this VEN ID.
pub async fn by_ven_id(
    db: &DatabaseConnection,
    ven_id: &str,
) -> Result<Option<site::Model>, DbErr> {
    site::Entity::find()
        .filter(site::Column::VenId.eq(ven_id))
        .one(db)
        .await
}

/// Up to `limit` sites with IDs above `after`, by ID (to read every site a
/// page at a time).
pub async fn page(
    db: &DatabaseConnection,
    after: i32,
    limit: u64,
) -> Result<Vec<site::Model>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    site::Entity::find()
        .filter(site::Column::Id.gt(after))
        .order_by_asc(site::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The site by primary key.
pub async fn get(db: &DatabaseConnection, id: i32) -> Result<Option<site::Model>, DbErr> {
    site::Entity::find_by_id(id).one(db).await
}

/// Number of sites, and of those heard from since `since` (online).
pub async fn count_online(
    db: &DatabaseConnection,
    since: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let all = site::Entity::find().count(db).await?;
    let online = site::Entity::find()
        .filter(site::Column::LastContact.gte(since))
        .count(db)
        .await?;
    Ok((all, online))
}

/// Registered sites whose VEN asked for push delivery (httpPullModel false,
/// with a transport address).
pub async fn push_sites(db: &DatabaseConnection) -> Result<Vec<site::Model>, DbErr> {
    site::Entity::find()
        .filter(site::Column::RegistrationId.is_not_null())
        .filter(site::Column::HttpPullModel.eq(false))
        .filter(site::Column::TransportAddress.is_not_null())
        .all(db)
        .await
}

/// Records when VENs were heard from, in one transaction.
pub async fn touch_many(
    db: &DatabaseConnection,
    contacts: &[(i32, DateTime<Utc>)],
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for (id, at) in contacts {
        site::Entity::update_many()
            .col_expr(
                site::Column::LastContact,
                sea_orm::sea_query::Expr::value(*at),
            )
            .filter(site::Column::Id.eq(*id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}

/// What a VEN declared when registering.
#[derive(Debug, Clone)]
pub struct Registration {
    /// `2.0b`.
    pub profile_name: String,
    /// `simpleHttp`.
    pub transport_name: String,
    /// Push address.
    pub transport_address: Option<String>,
    /// Pull (poll) model.
    pub http_pull_model: Option<bool>,
    /// Reports only.
    pub report_only: bool,
    /// Signs its messages.
    pub xml_signature: bool,
}

/// Stores a registration; keeps the registration ID of a re-registration.
pub async fn register(
    db: &DatabaseConnection,
    site: &site::Model,
    registration: Registration,
) -> Result<site::Model, DbErr> {
    let mut active: site::ActiveModel = site.clone().into();
    let registration_id = site
        .registration_id
        .clone()
        .unwrap_or_else(|| new_id("reg"));
    active.registration_id = Set(Some(registration_id));
    active.profile_name = Set(Some(registration.profile_name));
    active.transport_name = Set(Some(registration.transport_name));
    active.transport_address = Set(registration.transport_address);
    active.http_pull_model = Set(registration.http_pull_model);
    active.report_only = Set(Some(registration.report_only));
    active.xml_signature = Set(Some(registration.xml_signature));
    active.registered_at = Set(Some(Utc::now()));
    let site = active.update(db).await?;
    changes::SITES.site(site.id);
    Ok(site)
}

/// Whether to send the poll frequency at registration (see the field's doc).
pub async fn set_send_poll_freq(db: &DatabaseConnection, id: i32, send: bool) -> Result<(), DbErr> {
    site::Entity::update_many()
        .col_expr(
            site::Column::SendPollFreq,
            sea_orm::sea_query::Expr::value(send),
        )
        .filter(site::Column::Id.eq(id))
        .exec(db)
        .await?;
    changes::SITES.site(id);
    Ok(())
}

/// Ends the registration (the site and its VEN ID remain).
pub async fn cancel_registration(
    db: &DatabaseConnection,
    site: &site::Model,
) -> Result<site::Model, DbErr> {
    let mut active: site::ActiveModel = site.clone().into();
    active.registration_id = Set(None);
    active.registered_at = Set(None);
    let site = active.update(db).await?;
    changes::SITES.site(site.id);
    Ok(site)
}
