//! Issued VEN certificates: recorded with the site they were issued for (and
//! bound to it), listed, revoked.

use super::changes;
use super::entity::{site, ven_certificate};
use crate::models::certificate::KeyType;
use crate::pki::ca::Issued;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait, sea_query::Expr,
};
use std::collections::{HashMap, HashSet};

/// Records a certificate issued for `site` and binds the site to it, in one
/// transaction: from the commit on, the VEN is known by the new certificate.
pub async fn record_and_bind(
    db: &DatabaseConnection,
    site: &site::Model,
    issued: &Issued,
    fingerprint: &str,
    key_type: KeyType,
    actor: &str,
) -> Result<ven_certificate::Model, DbErr> {
    let txn = db.begin().await?;
    let model = ven_certificate::ActiveModel {
        site_id: Set(Some(site.id)),
        common_name: Set(site.ven_name.clone()),
        fingerprint: Set(fingerprint.to_owned()),
        serial: Set(issued.serial.clone()),
        key_type: Set(key_type.as_str().to_owned()),
        certificate_pem: Set(issued.cert_pem.clone()),
        not_after: Set(issued.not_after),
        issued_at: Set(Utc::now()),
        issued_by: Set(actor.to_owned()),
        revoked_at: Set(None),
        revoked_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    site::Entity::update_many()
        .col_expr(site::Column::Fingerprint, Expr::value(fingerprint))
        .filter(site::Column::Id.eq(site.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    changes::SITES.site(site.id);
    Ok(model)
}

/// Page `page` (from 0) of the certificates, newest first, each with the
/// site it was issued for (whose fingerprint says whether it is still the
/// bound one), and how many there are.
pub async fn page(
    db: &DatabaseConnection,
    page: u64,
    per_page: u64,
) -> Result<(Vec<(ven_certificate::Model, Option<site::Model>)>, u64), DbErr> {
    let pages = ven_certificate::Entity::find()
        .order_by_desc(ven_certificate::Column::Id)
        .paginate(db, per_page);
    let total = pages.num_items().await?;
    let certificates = pages.fetch_page(page).await?;
    let site_ids: HashSet<i32> = certificates.iter().filter_map(|c| c.site_id).collect();
    let sites: HashMap<i32, site::Model> = site::Entity::find()
        .filter(site::Column::Id.is_in(site_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let certificates = certificates
        .into_iter()
        .map(|c| {
            let site = c.site_id.and_then(|id| sites.get(&id).cloned());
            (c, site)
        })
        .collect();
    Ok((certificates, total))
}

/// One certificate.
pub async fn get(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<ven_certificate::Model>, DbErr> {
    ven_certificate::Entity::find_by_id(id).one(db).await
}

/// Revokes a certificate; `None` if there is no such certificate or it was
/// revoked already.
pub async fn revoke(
    db: &DatabaseConnection,
    id: i32,
    actor: &str,
) -> Result<Option<ven_certificate::Model>, DbErr> {
    let result = ven_certificate::Entity::update_many()
        .col_expr(ven_certificate::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(ven_certificate::Column::RevokedBy, Expr::value(actor))
        .filter(ven_certificate::Column::Id.eq(id))
        .filter(ven_certificate::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Ok(None);
    }
    let model = get(db, id).await?;
    if let Some(m) = &model {
        crate::pki::revoked::REVOKED.insert(m.fingerprint.clone());
    }
    Ok(model)
}

/// Live certificates still bound to their site that end before `before`,
/// soonest first, with the site.
pub async fn bound_ending_before(
    db: &DatabaseConnection,
    before: DateTime<Utc>,
) -> Result<Vec<(ven_certificate::Model, site::Model)>, DbErr> {
    let ending = ven_certificate::Entity::find()
        .filter(ven_certificate::Column::RevokedAt.is_null())
        .filter(ven_certificate::Column::NotAfter.lt(before))
        .order_by_asc(ven_certificate::Column::NotAfter)
        .all(db)
        .await?;
    let mut bound = Vec::new();
    for certificate in ending {
        let Some(site_id) = certificate.site_id else {
            continue;
        };
        if let Some(site) = site::Entity::find_by_id(site_id).one(db).await?
            && site.fingerprint.as_deref() == Some(certificate.fingerprint.as_str())
        {
            bound.push((certificate, site));
        }
    }
    Ok(bound)
}

/// The fingerprints of every revoked certificate.
pub async fn revoked_fingerprints(db: &DatabaseConnection) -> Result<HashSet<String>, DbErr> {
    Ok(ven_certificate::Entity::find()
        .select_only()
        .column(ven_certificate::Column::Fingerprint)
        .filter(ven_certificate::Column::RevokedAt.is_not_null())
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
