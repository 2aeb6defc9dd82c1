//! What operators do with one site: open it with everything the VTN knows
//! about its VEN, create and edit it. Lists are in `site_lists`.

use super::FormError;
use super::entity::{customer, message_log, opt, program, program_site, report_description, site};
use crate::models::site::{
    DeclaredPoint, DeviationCount, OptSchedule, SiteDetail, SiteForm, SiteSummary,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

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
            crate::db::site_lists::list(&db, Some(customer.id), Utc::now())
                .await
                .unwrap()
                .len(),
            1
        );
    }
}
