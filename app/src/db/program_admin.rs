//! What admins do with programs: list them with their sites, create and
//! edit them (membership can be changed from the program or the site).

use super::FormError;
use super::entity::{program, program_site, site};
use crate::models::program::{Program, ProgramForm};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::collections::HashMap;

/// All programs by name, each with its sites by name.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<Program>, DbErr> {
    let programs = program::Entity::find()
        .order_by_asc(program::Column::Name)
        .all(db)
        .await?;
    with_sites(db, programs).await
}

/// The program by key, with its sites by name.
pub async fn get(db: &DatabaseConnection, id: i32) -> Result<Option<Program>, DbErr> {
    let found = program::Entity::find_by_id(id).all(db).await?;
    Ok(with_sites(db, found).await?.pop())
}

async fn with_sites(
    db: &DatabaseConnection,
    programs: Vec<program::Model>,
) -> Result<Vec<Program>, DbErr> {
    // Members by subquery, not an `IN (…)` list: a program may have more
    // sites than a query may have parameters.
    let mut member_ids = Query::select()
        .column(program_site::Column::SiteId)
        .from(program_site::Entity)
        .to_owned();
    let mut members = program_site::Entity::find();
    if let [only] = programs.as_slice() {
        member_ids.and_where(program_site::Column::ProgramId.eq(only.id));
        members = members.filter(program_site::Column::ProgramId.eq(only.id));
    }
    let members = members.all(db).await?;
    let names: HashMap<i32, String> = site::Entity::find()
        .filter(site::Column::Id.in_subquery(member_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(programs
        .into_iter()
        .map(|p| Program {
            sites: members_of(p.id, &members, &names),
            day_ahead: super::day_ahead::settings_of(&p),
            id: p.id,
            name: p.name,
            market_context: p.market_context,
            near_window_secs: p.near_window_secs,
            usage: (p.usage_granularity_secs, p.usage_report_back_secs),
            status: (p.status_granularity_secs, p.status_report_back_secs),
        })
        .collect())
}

/// A program's sites (id, name) by name.
fn members_of(
    program_id: i32,
    members: &[program_site::Model],
    names: &HashMap<i32, String>,
) -> Vec<(i32, String)> {
    let mut sites: Vec<(i32, String)> = members
        .iter()
        .filter(|m| m.program_id == program_id)
        .filter_map(|m| Some((m.site_id, names.get(&m.site_id)?.clone())))
        .collect();
    sites.sort_by(|a, b| a.1.cmp(&b.1));
    sites
}

async fn check_unique(
    db: &DatabaseConnection,
    form: &ProgramForm,
    except: Option<i32>,
) -> Result<(), FormError> {
    for (column, value, what) in [
        (program::Column::Name, &form.name, "name"),
        (
            program::Column::MarketContext,
            &form.market_context,
            "market context",
        ),
    ] {
        let mut query = program::Entity::find().filter(column.eq(value.as_str()));
        if let Some(id) = except {
            query = query.filter(program::Column::Id.ne(id));
        }
        if query.one(db).await?.is_some() {
            return Err(FormError::Invalid(format!(
                "another program already has the {what} {value}"
            )));
        }
    }
    let known = site::Entity::find()
        .filter(site::Column::Id.is_in(form.site_ids.iter().copied()))
        .count(db)
        .await?;
    if known != form.site_ids.len() as u64 {
        return Err(FormError::Invalid(
            "one of the chosen sites no longer exists".into(),
        ));
    }
    Ok(())
}

/// Sets the columns from a form whose day-ahead settings were checked
/// (`day_ahead` is their zone name and publish minute).
fn apply(active: &mut program::ActiveModel, form: &ProgramForm, day_ahead: (String, i32)) {
    active.name = Set(form.name.clone());
    active.market_context = Set(form.market_context.clone());
    active.near_window_secs = Set(form.near_window_mins * 60);
    active.usage_granularity_secs = Set(form.usage_granularity_secs);
    active.usage_report_back_secs = Set(form.usage_report_back_secs);
    active.status_granularity_secs = Set(form.status_granularity_secs);
    active.status_report_back_secs = Set(form.status_report_back_secs);
    active.day_ahead_enabled = Set(form.day_ahead.enabled);
    active.day_ahead_time_zone = Set(day_ahead.0);
    active.day_ahead_publish_minute = Set(day_ahead.1);
}

/// Creates (`id` none) or edits a program from a validated form, and sets its
/// sites. `None` when editing a program that does not exist.
pub async fn save(
    db: &DatabaseConnection,
    id: Option<i32>,
    form: &ProgramForm,
) -> Result<Option<i32>, FormError> {
    let day_ahead =
        super::day_ahead::check_settings(&form.day_ahead).map_err(FormError::Invalid)?;
    check_unique(db, form, id).await?;
    let txn = db.begin().await?;
    let saved = match id {
        Some(id) => {
            let Some(model) = program::Entity::find_by_id(id).one(&txn).await? else {
                return Ok(None);
            };
            let mut active: program::ActiveModel = model.into();
            apply(&mut active, form, day_ahead);
            active.update(&txn).await?
        }
        None => {
            let mut active = program::ActiveModel {
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            };
            apply(&mut active, form, day_ahead);
            active.insert(&txn).await?
        }
    };
    program_site::Entity::delete_many()
        .filter(program_site::Column::ProgramId.eq(saved.id))
        .exec(&txn)
        .await?;
    for site_id in &form.site_ids {
        program_site::ActiveModel {
            program_id: Set(saved.id),
            site_id: Set(*site_id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(Some(saved.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{sites, testing::database};
    use crate::models::day_ahead::DayAheadSettings;

    #[tokio::test]
    async fn programs_are_saved_with_their_sites_and_names_stay_unique() {
        let db = database().await;
        let a = sites::create(&db, "Alpha", "alpha", None).await.unwrap();
        let b = sites::create(&db, "Beta", "beta", None).await.unwrap();
        let form = ProgramForm {
            name: "Peak".into(),
            market_context: "http://u/peak".into(),
            near_window_mins: 60,
            usage_granularity_secs: 900,
            usage_report_back_secs: 3600,
            status_granularity_secs: 300,
            status_report_back_secs: 300,
            site_ids: vec![a.id, b.id],
            day_ahead: DayAheadSettings {
                enabled: true,
                time_zone: "America/New_York".into(),
                publish_time: "16:30".into(),
            },
        };
        let id = save(&db, None, &form).await.unwrap().unwrap();
        let listed = list(&db).await.unwrap();
        assert_eq!(
            listed[0].sites,
            vec![(a.id, "Alpha".into()), (b.id, "Beta".into())]
        );
        assert_eq!(listed[0].usage, (900, 3600));
        assert_eq!(listed[0].day_ahead, form.day_ahead);
        let unknown_zone = save(
            &db,
            Some(id),
            &ProgramForm {
                day_ahead: DayAheadSettings {
                    time_zone: "America/Springfield".into(),
                    ..form.day_ahead.clone()
                },
                ..form.clone()
            },
        )
        .await;
        assert!(
            unknown_zone
                .unwrap_err()
                .to_string()
                .contains("not an IANA time zone")
        );

        let again = save(
            &db,
            None,
            &ProgramForm {
                name: "Other".into(),
                ..form.clone()
            },
        )
        .await;
        assert!(again.unwrap_err().to_string().contains("market context"));

        save(
            &db,
            Some(id),
            &ProgramForm {
                site_ids: vec![b.id],
                ..form
            },
        )
        .await
        .unwrap();
        assert_eq!(
            list(&db).await.unwrap()[0].sites,
            vec![(b.id, "Beta".into())]
        );
    }
}
