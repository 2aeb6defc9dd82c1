//! What operators do with sites: list them with their online state, open one
//! with everything the VTN knows about its VEN, create and edit them.

use super::FormError;
use super::entity::{customer, message_log, opt, program, program_site, report_description, site};
use crate::models::site::{
    DeclaredPoint, DeviationCount, OptSchedule, Registration, SiteCounts, SiteDetail, SiteForm,
    SiteGroup, SiteSummary,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

/// Exchanges looked at for the deviation summary.
const DEVIATION_WINDOW: u64 = 200;

/// The list view of a site; online when heard from since `online_since`.
pub fn summary(m: &site::Model, online_since: DateTime<Utc>) -> SiteSummary {
    SiteSummary {
        id: m.id,
        name: m.name.clone(),
        ven_name: m.ven_name.clone(),
        ven_id: m.ven_id.clone(),
        customer_id: m.customer_id,
        online: m.last_contact.is_some_and(|at| at >= online_since),
        last_contact: m.last_contact,
        registered: m.registration_id.is_some(),
    }
}

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

async fn check_unique(
    db: &DatabaseConnection,
    form: &SiteForm,
    except: Option<i32>,
) -> Result<(), FormError> {
    if customer::Entity::find_by_id(form.customer_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(FormError::Invalid("choose the site's customer".into()));
    }
    let clash = |column: site::Column, value: &str| {
        let mut query = site::Entity::find().filter(column.eq(value));
        if let Some(id) = except {
            query = query.filter(site::Column::Id.ne(id));
        }
        query
    };
    if except.is_none()
        && clash(site::Column::VenName, &form.ven_name)
            .one(db)
            .await?
            .is_some()
    {
        return Err(FormError::Invalid(format!(
            "another site already has the VEN name {}",
            form.ven_name
        )));
    }
    if !form.fingerprint.is_empty()
        && let Some(other) = clash(site::Column::Fingerprint, &form.fingerprint)
            .one(db)
            .await?
    {
        return Err(FormError::Invalid(format!(
            "site {} already has the certificate {}",
            other.name, form.fingerprint
        )));
    }
    let known = program::Entity::find()
        .filter(program::Column::Id.is_in(form.program_ids.iter().copied()))
        .count(db)
        .await?;
    if known != form.program_ids.len() as u64 {
        return Err(FormError::Invalid(
            "one of the chosen programs no longer exists".into(),
        ));
    }
    Ok(())
}

fn fingerprint(form: &SiteForm) -> Option<String> {
    (!form.fingerprint.is_empty()).then(|| form.fingerprint.clone())
}

async fn set_programs(
    txn: &sea_orm::DatabaseTransaction,
    site_id: i32,
    program_ids: &[i32],
) -> Result<(), DbErr> {
    program_site::Entity::delete_many()
        .filter(program_site::Column::SiteId.eq(site_id))
        .exec(txn)
        .await?;
    for program_id in program_ids {
        program_site::ActiveModel {
            program_id: Set(*program_id),
            site_id: Set(site_id),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Creates a site from a validated form; the VEN ID is assigned here.
pub async fn create(db: &DatabaseConnection, form: &SiteForm) -> Result<site::Model, FormError> {
    check_unique(db, form, None).await?;
    let txn = db.begin().await?;
    let model = site::ActiveModel {
        name: Set(form.name.clone()),
        ven_name: Set(form.ven_name.clone()),
        ven_id: Set(super::sites::new_id("ven")),
        fingerprint: Set(fingerprint(form)),
        send_poll_freq: Set(true),
        token_hash: Set(None),
        created_at: Set(Utc::now()),
        customer_id: Set(Some(form.customer_id)),
        address: Set(form.address.clone()),
        contact: Set(form.contact.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_programs(&txn, model.id, &form.program_ids).await?;
    txn.commit().await?;
    super::changes::SITES.site(model.id);
    Ok(model)
}

/// Saves a validated form over site `id` (the VEN name stays as it was);
/// `None` if there is no such site.
pub async fn update(
    db: &DatabaseConnection,
    id: i32,
    form: &SiteForm,
) -> Result<Option<site::Model>, FormError> {
    let Some(model) = site::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    check_unique(db, form, Some(id)).await?;
    let txn = db.begin().await?;
    let mut active: site::ActiveModel = model.into();
    active.name = Set(form.name.clone());
    active.customer_id = Set(Some(form.customer_id));
    active.address = Set(form.address.clone());
    active.contact = Set(form.contact.clone());
    active.fingerprint = Set(fingerprint(form));
    let saved = active.update(&txn).await?;
    set_programs(&txn, id, &form.program_ids).await?;
    txn.commit().await?;
    // The fingerprint may have changed: the server's site index must re-read it.
    super::changes::SITES.site(id);
    Ok(Some(saved))
}

/// The site's programs (id, name) by name.
pub async fn programs_of(
    db: &DatabaseConnection,
    site_id: i32,
) -> Result<Vec<(i32, String)>, DbErr> {
    let ids: Vec<i32> = program_site::Entity::find()
        .filter(program_site::Column::SiteId.eq(site_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.program_id)
        .collect();
    Ok(program::Entity::find()
        .filter(program::Column::Id.is_in(ids))
        .order_by_asc(program::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn units(d: &report_description::Model) -> String {
    format!(
        "{}{}",
        d.si_scale.as_deref().filter(|s| *s != "none").unwrap_or(""),
        d.units.as_deref().unwrap_or("")
    )
}

fn schedule(m: opt::Model) -> OptSchedule {
    let periods: Vec<super::opts::Period> =
        serde_json::from_str(&m.availability).unwrap_or_default();
    OptSchedule {
        opt_id: m.opt_id,
        opt_type: m.opt_type,
        reason: m.opt_reason,
        periods: periods
            .into_iter()
            .map(|p| (p.start, p.duration_secs))
            .collect(),
        event_id: m.event_id,
        created_at: m.created_at,
    }
}

/// Everything the site page shows; `None` if there is no such site.
pub async fn detail(
    db: &DatabaseConnection,
    id: i32,
    online_since: DateTime<Utc>,
) -> Result<Option<SiteDetail>, DbErr> {
    let Some(model) = site::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let customer_name = match model.customer_id {
        Some(cid) => customer::Entity::find_by_id(cid)
            .one(db)
            .await?
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let reports = report_description::Entity::find()
        .filter(report_description::Column::SiteId.eq(id))
        .order_by_asc(report_description::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| DeclaredPoint {
            units: units(&d),
            report_name: d.report_name,
            rid: d.rid,
            report_type: d.report_type,
            item: d.item_kind.unwrap_or_default(),
        })
        .collect();
    let opts = opt::Entity::find()
        .filter(opt::Column::SiteId.eq(id))
        .filter(opt::Column::CancelledAt.is_null())
        .order_by_desc(opt::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(schedule)
        .collect();
    let deviating: Vec<(String, String)> = message_log::Entity::find()
        .select_only()
        .column(message_log::Column::Deviations)
        .column(message_log::Column::RequestXml)
        .filter(message_log::Column::SiteId.eq(id))
        .filter(message_log::Column::Deviations.ne(""))
        .order_by_desc(message_log::Column::Id)
        .limit(DEVIATION_WINDOW)
        .into_tuple()
        .all(db)
        .await?;
    let mut deviations: Vec<DeviationCount> = Vec::new();
    for line in deviating.iter().flat_map(|(d, _)| d.lines()) {
        match deviations.iter_mut().find(|d| d.text == line) {
            Some(d) => d.count += 1,
            None => deviations.push(DeviationCount {
                text: line.to_owned(),
                count: 1,
            }),
        }
    }
    deviations.sort_by(|a, b| b.count.cmp(&a.count).then(a.text.cmp(&b.text)));
    Ok(Some(SiteDetail {
        summary: summary(&model, online_since),
        customer_name,
        address: model.address,
        contact: model.contact,
        fingerprint: model.fingerprint.unwrap_or_default(),
        programs: programs_of(db, id).await?,
        registration_id: model.registration_id,
        profile: model.profile_name,
        pull: model.http_pull_model,
        transport_address: model.transport_address,
        registered_at: model.registered_at,
        reports,
        opts,
        deviations,
        deviation_example: deviating.into_iter().next().map(|(_, xml)| xml),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{customers, programs, testing::database};
    use crate::models::customer::CustomerForm;

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

    #[tokio::test]
    async fn sites_are_created_with_programs_and_edited_without_changing_the_ven_name() {
        let db = database().await;
        let customer = customers::create(
            &db,
            &CustomerForm {
                name: "Acme".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let peak = programs::create(&db, "Peak", "http://p/peak", 3600)
            .await
            .unwrap();
        let form = SiteForm {
            customer_id: customer.id,
            name: "Depot".into(),
            ven_name: "depot-ven".into(),
            address: "1 Main St".into(),
            contact: String::new(),
            fingerprint: "C7:8F:B8:73:70:AA:8F:EE:56:37".into(),
            program_ids: vec![peak.id],
        };
        let site = create(&db, &form).await.unwrap();
        assert!(site.ven_id.starts_with("ven-"));

        let duplicate = create(
            &db,
            &SiteForm {
                name: "Other".into(),
                ..form.clone()
            },
        )
        .await;
        assert!(duplicate.unwrap_err().to_string().contains("VEN name"));

        let edited = update(
            &db,
            site.id,
            &SiteForm {
                name: "Depot North".into(),
                ven_name: "ignored".into(),
                program_ids: vec![],
                ..form
            },
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            (edited.name.as_str(), edited.ven_name.as_str()),
            ("Depot North", "depot-ven")
        );
        let detail = detail(&db, site.id, Utc::now()).await.unwrap().unwrap();
        assert_eq!(detail.customer_name, "Acme");
        assert!(detail.programs.is_empty());
        assert!(!detail.summary.online);
        assert_eq!(
            list(&db, Some(customer.id), Utc::now())
                .await
                .unwrap()
                .len(),
            1
        );
    }
}
