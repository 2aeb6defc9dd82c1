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

/// Contacts written per statement (and per transaction): small enough that
/// the VENs' queries, which share the connection, do not wait long behind one.
const TOUCH_CHUNK: usize = 500;

/// Records when VENs were heard from: one `UPDATE … CASE` per chunk of
/// [`TOUCH_CHUNK`] sites instead of a statement per site.
pub async fn touch_many(
    db: &DatabaseConnection,
    contacts: &[(i32, DateTime<Utc>)],
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{CaseStatement, Expr};
    for chunk in contacts.chunks(TOUCH_CHUNK) {
        let mut case = CaseStatement::new();
        for (id, at) in chunk {
            case = case.case(site::Column::Id.eq(*id), Expr::value(*at));
        }
        site::Entity::update_many()
            .col_expr(
                site::Column::LastContact,
                case.finally(Expr::col(site::Column::LastContact)).into(),
            )
            .filter(site::Column::Id.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(db)
            .await?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;

    #[tokio::test]
    async fn contacts_are_written_in_chunks_and_leave_other_sites_alone() {
        let db = database().await;
        let mut ids = Vec::new();
        for n in 0..(2 * TOUCH_CHUNK + 1) {
            let name = format!("ven-{n}");
            ids.push(create(&db, &name, &name, None).await.unwrap().id);
        }
        let untouched = ids.pop().unwrap();
        let at = Utc::now();
        let contacts: Vec<(i32, DateTime<Utc>)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, at - chrono::TimeDelta::seconds(i as i64)))
            .collect();
        touch_many(&db, &contacts).await.unwrap();
        for (id, expected) in [
            contacts[0],
            contacts[TOUCH_CHUNK],
            contacts[2 * TOUCH_CHUNK - 1],
        ] {
            let stored = get(&db, id).await.unwrap().unwrap().last_contact.unwrap();
            assert_eq!(
                stored.timestamp_micros(),
                expected.timestamp_micros(),
                "site {id}"
            );
        }
        assert_eq!(
            get(&db, untouched).await.unwrap().unwrap().last_contact,
            None
        );
    }
}
