//! Sites as lists show them: a page at a time, by owner, counted for the
//! overview, found by name for pickers; and the live registrations.

use super::entity::site;
use super::site_admin::summary;
use crate::models::site::{Registration, SiteCounts, SiteGroup, SiteSummary};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Sites by name, all or one customer's.
pub async fn list(
    db: &DatabaseConnection,
    customer_id: Option<i32>,
    online_since: DateTime<Utc>,
) -> Result<Vec<SiteSummary>, DbErr> {
    let mut query = site::Entity::find().order_by_asc(site::Column::Name);
    if let Some(id) = customer_id {
        query = query.filter(site::Column::CustomerId.eq(id));
    }
    Ok(query
        .all(db)
        .await?
        .iter()
        .map(|m| summary(m, online_since))
        .collect())
}

/// The sites of `owner`: a customer, or none for the sites without one.
fn owned_by(owner: Option<i32>) -> sea_orm::sea_query::SimpleExpr {
    match owner {
        Some(id) => site::Column::CustomerId.eq(id),
        None => site::Column::CustomerId.is_null(),
    }
}

/// Page `page` (from 0) of `owner`'s sites by name, and how many it has.
pub async fn page_of_owner(
    db: &DatabaseConnection,
    owner: Option<i32>,
    page: u64,
    per_page: u64,
    online_since: DateTime<Utc>,
) -> Result<(Vec<SiteSummary>, u64), DbErr> {
    page_where(
        db,
        Condition::all().add(owned_by(owner)),
        page,
        per_page,
        online_since,
    )
    .await
}

/// Page `page` (from 0) of the sites `matching`, by name, and how many match.
async fn page_where(
    db: &DatabaseConnection,
    matching: Condition,
    page: u64,
    per_page: u64,
    online_since: DateTime<Utc>,
) -> Result<(Vec<SiteSummary>, u64), DbErr> {
    let pages = site::Entity::find()
        .filter(matching)
        .order_by_asc(site::Column::Name)
        .order_by_asc(site::Column::Id)
        .paginate(db, per_page);
    let total = pages.num_items().await?;
    let sites = pages.fetch_page(page).await?;
    Ok((
        sites.iter().map(|m| summary(m, online_since)).collect(),
        total,
    ))
}

/// How many sites each of `customers`, and the sites without a customer
/// (key `None`), have, and how many of them are online. Owners without
/// sites are absent.
pub async fn counts(
    db: &DatabaseConnection,
    customers: &[i32],
    online_since: DateTime<Utc>,
) -> Result<HashMap<Option<i32>, SiteCounts>, DbErr> {
    let of_these = || {
        Condition::any()
            .add(site::Column::CustomerId.is_in(customers.iter().copied()))
            .add(site::Column::CustomerId.is_null())
    };
    let grouped = |condition: Condition| {
        site::Entity::find()
            .select_only()
            .column(site::Column::CustomerId)
            .column_as(site::Column::Id.count(), "n")
            .filter(condition)
            .group_by(site::Column::CustomerId)
            .into_tuple::<(Option<i32>, i64)>()
            .all(db)
    };
    let mut counts = HashMap::new();
    for (owner, n) in grouped(of_these()).await? {
        counts
            .entry(owner)
            .or_insert_with(SiteCounts::default)
            .total = n.unsigned_abs();
    }
    let online = Condition::all()
        .add(of_these())
        .add(site::Column::LastContact.gte(online_since));
    for (owner, n) in grouped(online).await? {
        counts
            .entry(owner)
            .or_insert_with(SiteCounts::default)
            .online = n.unsigned_abs();
    }
    Ok(counts)
}

/// `owner`'s sites as the overview shows them: all of them, by name, when
/// there are at most `shown`, else the first `shown` offline ones.
pub async fn group(
    db: &DatabaseConnection,
    owner: Option<i32>,
    counts: SiteCounts,
    shown: u64,
    online_since: DateTime<Utc>,
) -> Result<SiteGroup, DbErr> {
    let mut query = site::Entity::find()
        .filter(owned_by(owner))
        .order_by_asc(site::Column::Name)
        .order_by_asc(site::Column::Id)
        .limit(shown);
    if counts.total > shown {
        query = query.filter(
            Condition::any()
                .add(site::Column::LastContact.is_null())
                .add(site::Column::LastContact.lt(online_since)),
        );
    }
    let sites = query.all(db).await?;
    Ok(SiteGroup {
        counts,
        sites: sites.iter().map(|m| summary(m, online_since)).collect(),
    })
}

/// Up to `limit` sites, by name, whose name or VEN name contains `text`
/// (any case; `%` and `_` are matched as themselves): (key, name).
pub async fn search(
    db: &DatabaseConnection,
    text: &str,
    limit: u64,
) -> Result<Vec<(i32, String)>, DbErr> {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    let contains = |column: site::Column| {
        Expr::expr(Func::lower(Expr::col((site::Entity, column))))
            .like(LikeExpr::new(pattern.clone()).escape('\\'))
    };
    site::Entity::find()
        .select_only()
        .column(site::Column::Id)
        .column(site::Column::Name)
        .filter(
            Condition::any()
                .add(contains(site::Column::Name))
                .add(contains(site::Column::VenName)),
        )
        .order_by_asc(site::Column::Name)
        .order_by_asc(site::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Page `page` (from 0) of the sites by name, and how many there are.
pub async fn page(
    db: &DatabaseConnection,
    page: u64,
    per_page: u64,
    online_since: DateTime<Utc>,
) -> Result<(Vec<SiteSummary>, u64), DbErr> {
    page_where(db, Condition::all(), page, per_page, online_since).await
}

/// Page `page` (from 0) of the live registrations by VEN name, and how many
/// there are.
pub async fn registrations(
    db: &DatabaseConnection,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Registration>, u64), DbErr> {
    let pages = site::Entity::find()
        .filter(site::Column::RegistrationId.is_not_null())
        .order_by_asc(site::Column::VenName)
        .paginate(db, per_page);
    let total = pages.num_items().await?;
    let registrations = pages
        .fetch_page(page)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(Registration {
                registration_id: m.registration_id?,
                site_id: m.id,
                site_name: m.name,
                ven_name: m.ven_name,
                ven_id: m.ven_id,
                profile: m.profile_name,
                transport: m.transport_name,
                pull: m.http_pull_model,
                transport_address: m.transport_address,
                registered_at: m.registered_at,
                last_contact: m.last_contact,
            })
        })
        .collect();
    Ok((registrations, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entity::site;
    use crate::db::site_admin::create;
    use crate::db::{customers, testing::database};
    use crate::models::customer::CustomerForm;
    use crate::models::site::SiteForm;
    use sea_orm::{ActiveModelTrait, Set};

    #[tokio::test]
    async fn sites_are_found_by_part_of_their_name_or_ven_name_in_any_case() {
        let db = database().await;
        let acme = customers::create(
            &db,
            &CustomerForm {
                name: "Acme".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for (name, ven_name) in [
            ("North Depot", "ven-n"),
            ("South Depot", "ven-s"),
            ("Cold_Store", "fridge-1"),
            ("Office", "ven-100%"),
        ] {
            let form = SiteForm {
                customer_id: acme.id,
                name: name.into(),
                ven_name: ven_name.into(),
                ..Default::default()
            };
            create(&db, &form).await.unwrap();
        }
        let names =
            |found: Vec<(i32, String)>| found.into_iter().map(|(_, n)| n).collect::<Vec<_>>();
        assert_eq!(
            names(search(&db, " depot ", 10).await.unwrap()),
            ["North Depot", "South Depot"]
        );
        assert_eq!(
            names(search(&db, "FRIDGE", 10).await.unwrap()),
            ["Cold_Store"]
        );
        assert_eq!(
            names(search(&db, "_", 10).await.unwrap()),
            ["Cold_Store"],
            "_ is no wildcard"
        );
        assert_eq!(
            names(search(&db, "0%", 10).await.unwrap()),
            ["Office"],
            "% is no wildcard"
        );
        assert_eq!(
            search(&db, "", 2).await.unwrap().len(),
            2,
            "empty finds all, up to the limit"
        );
    }

    #[tokio::test]
    async fn a_large_group_shows_counts_and_only_its_offline_sites() {
        let db = database().await;
        let acme = customers::create(
            &db,
            &CustomerForm {
                name: "Acme".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let now = Utc::now();
        let since = now - chrono::TimeDelta::minutes(15);
        for n in 0..16 {
            let form = SiteForm {
                customer_id: acme.id,
                name: format!("site-{n:02}"),
                ven_name: format!("ven-{n:02}"),
                ..Default::default()
            };
            let created = create(&db, &form).await.unwrap();
            let mut site: site::ActiveModel = created.into();
            // Three heard from just now, one long ago; two without a customer.
            match n {
                0..3 => site.last_contact = Set(Some(now)),
                3 => site.last_contact = Set(Some(now - chrono::TimeDelta::hours(1))),
                14.. => site.customer_id = Set(None),
                _ => {}
            }
            site.update(&db).await.unwrap();
        }
        let counts = counts(&db, &[acme.id, acme.id + 1], since).await.unwrap();
        let of = |owner| counts.get(&owner).copied().unwrap_or_default();
        assert_eq!(
            of(Some(acme.id)),
            SiteCounts {
                total: 14,
                online: 3
            }
        );
        assert_eq!(
            of(None),
            SiteCounts {
                total: 2,
                online: 0
            }
        );
        assert!(!counts.contains_key(&Some(acme.id + 1)));

        let names = |g: &SiteGroup| g.sites.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        let whole = group(&db, Some(acme.id), of(Some(acme.id)), 20, since)
            .await
            .unwrap();
        assert!(!whole.offline_only());
        assert_eq!(names(&whole).len(), 14);
        let card = group(&db, Some(acme.id), of(Some(acme.id)), 12, since)
            .await
            .unwrap();
        assert!(card.offline_only());
        assert_eq!(names(&card).first().map(String::as_str), Some("site-03"));
        assert_eq!(names(&card).len(), 11, "every offline site, none online");
        assert!(card.sites.iter().all(|s| !s.online));

        let (second, total) = page_of_owner(&db, Some(acme.id), 1, 5, since)
            .await
            .unwrap();
        let second: Vec<&str> = second.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            (second, total),
            (
                vec!["site-05", "site-06", "site-07", "site-08", "site-09"],
                14
            )
        );
        let (unowned, total) = page_of_owner(&db, None, 0, 5, since).await.unwrap();
        assert_eq!((unowned.len(), total), (2, 2));
    }
}
