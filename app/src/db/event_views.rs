//! Events as operators see them: lists with status and delivery counts, and
//! one event with each site's delivery and answer.

use super::entity::{event, event_site, program, site};
use crate::models::event::{
    EventDetail, EventFilter, EventPage, EventStatus, EventSummary, Signal, SiteDelivery, describe,
};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

fn status(e: &event::Model, near_window_secs: i64, now: DateTime<Utc>) -> EventStatus {
    EventStatus::at(
        now,
        e.dtstart,
        TimeDelta::seconds(e.duration_secs),
        TimeDelta::seconds(near_window_secs),
        e.cancelled,
    )
}

fn summarize(
    e: &event::Model,
    program: Option<&program::Model>,
    rows: &[&event_site::Model],
    now: DateTime<Utc>,
) -> EventSummary {
    let signals: Vec<Signal> = serde_json::from_str(&e.signals).unwrap_or_default();
    let count =
        |f: &dyn Fn(&event_site::Model) -> bool| rows.iter().filter(|r| f(r)).count() as u32;
    EventSummary {
        id: e.id,
        event_id: e.event_id.clone(),
        program: program.map(|p| p.name.clone()).unwrap_or_default(),
        status: status(e, program.map_or(0, |p| p.near_window_secs), now),
        dtstart: e.dtstart,
        duration_secs: e.duration_secs,
        signal: describe(&signals),
        modification_number: e.modification_number,
        sites: rows.len() as u32,
        delivered: count(&|r| r.delivered_modification == Some(e.modification_number)),
        opted_in: count(&|r| r.opt_type.as_deref() == Some("optIn")),
        opted_out: count(&|r| r.opt_type.as_deref() == Some("optOut")),
        test_event: e.test_event,
    }
}

/// Events passing `filter` at `now`, newest start first, `per_page` from
/// page `page` (0-based); `site_id` limits them to one site's.
pub async fn list(
    db: &DatabaseConnection,
    filter: EventFilter,
    site_id: Option<i32>,
    page: u32,
    per_page: u32,
    now: DateTime<Utc>,
) -> Result<EventPage, DbErr> {
    let mut query = event::Entity::find().order_by_desc(event::Column::Dtstart);
    if let Some(site_id) = site_id {
        let ids: Vec<i32> = event_site::Entity::find()
            .filter(event_site::Column::SiteId.eq(site_id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.event_id)
            .collect();
        query = query.filter(event::Column::Id.is_in(ids));
    }
    let events = query.all(db).await?;
    let programs: HashMap<i32, program::Model> = program::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let passing: Vec<&event::Model> = events
        .iter()
        .filter(|e| {
            let near = programs
                .get(&e.program_id)
                .map_or(0, |p| p.near_window_secs);
            filter.accepts(status(e, near, now))
        })
        .collect();
    let shown: Vec<&event::Model> = passing
        .iter()
        .skip((page as usize).saturating_mul(per_page as usize))
        .take(per_page as usize)
        .copied()
        .collect();
    let rows = event_site::Entity::find()
        .filter(event_site::Column::EventId.is_in(shown.iter().map(|e| e.id)))
        .all(db)
        .await?;
    Ok(EventPage {
        events: shown
            .iter()
            .map(|e| {
                let mine: Vec<&event_site::Model> =
                    rows.iter().filter(|r| r.event_id == e.id).collect();
                summarize(e, programs.get(&e.program_id), &mine, now)
            })
            .collect(),
        total: passing.len() as u32,
    })
}

fn delivery_state(row: &event_site::Model, modification: i32) -> &'static str {
    if row.opt_type.is_some() && row.opt_modification == Some(modification) {
        "answered"
    } else if row.delivered_modification == Some(modification) {
        "delivered"
    } else {
        "pending"
    }
}

/// The event page's data; `None` if there is no such event.
pub async fn detail(
    db: &DatabaseConnection,
    id: i32,
    now: DateTime<Utc>,
) -> Result<Option<EventDetail>, DbErr> {
    let Some(e) = event::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let program = program::Entity::find_by_id(e.program_id).one(db).await?;
    let rows = event_site::Entity::find()
        .filter(event_site::Column::EventId.eq(id))
        .all(db)
        .await?;
    let sites: HashMap<i32, site::Model> = site::Entity::find()
        .filter(site::Column::Id.is_in(rows.iter().map(|r| r.site_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut deliveries: Vec<SiteDelivery> = rows
        .iter()
        .map(|r| {
            let site = sites.get(&r.site_id);
            SiteDelivery {
                site_id: r.site_id,
                site: site.map(|s| s.name.clone()).unwrap_or_default(),
                ven_name: site.map(|s| s.ven_name.clone()).unwrap_or_default(),
                state: delivery_state(r, e.modification_number).to_owned(),
                delivered_modification: r.delivered_modification,
                delivered_at: r.delivered_at,
                opt: r.opt_type.clone(),
                opted_at: r.opted_at,
            }
        })
        .collect();
    deliveries.sort_by(|a, b| a.site.cmp(&b.site));
    let refs: Vec<&event_site::Model> = rows.iter().collect();
    Ok(Some(EventDetail {
        summary: summarize(&e, program.as_ref(), &refs, now),
        program_id: e.program_id,
        notification_secs: e.notification_secs,
        start_after_secs: e.start_after_secs,
        priority: e.priority,
        response_required: e.response_required,
        vtn_comment: e.vtn_comment.clone(),
        modification_reason: e.modification_reason.clone(),
        signals: serde_json::from_str(&e.signals).unwrap_or_default(),
        deliveries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{events, programs, sites, testing::database};
    use crate::models::event::NewEvent;

    #[tokio::test]
    async fn lists_filter_by_status_and_the_detail_follows_delivery_and_answers() {
        let db = database().await;
        let site = sites::create(&db, "Depot", "depot", None).await.unwrap();
        let program = programs::create(&db, "Peak", "http://p", 3600)
            .await
            .unwrap();
        programs::add_site(&db, program.id, site.id).await.unwrap();
        let now = Utc::now();
        let running = events::create(
            &db,
            &NewEvent::simple(
                program.id,
                vec![site.id],
                now - TimeDelta::minutes(5),
                3600,
                2.0,
            ),
        )
        .await
        .unwrap();
        let later = events::create(
            &db,
            &NewEvent::simple(
                program.id,
                vec![site.id],
                now + TimeDelta::days(2),
                3600,
                1.0,
            ),
        )
        .await
        .unwrap();
        events::cancel(&db, later.id).await.unwrap();

        let active = list(&db, EventFilter::Active, None, 0, 20, now)
            .await
            .unwrap();
        assert_eq!(active.total, 1);
        assert_eq!(active.events[0].signal, "SIMPLE level 2");
        let cancelled = list(&db, EventFilter::Cancelled, Some(site.id), 0, 20, now)
            .await
            .unwrap();
        assert_eq!(cancelled.events[0].id, later.id);
        assert_eq!(
            list(&db, EventFilter::All, None, 1, 1, now)
                .await
                .unwrap()
                .events
                .len(),
            1
        );

        let pending = detail(&db, running.id, now).await.unwrap().unwrap();
        assert_eq!(pending.deliveries[0].state, "pending");
        let shown = events::for_site(&db, site.id, now).await.unwrap();
        events::mark_delivered(&db, site.id, &shown).await.unwrap();
        assert_eq!(
            detail(&db, running.id, now)
                .await
                .unwrap()
                .unwrap()
                .deliveries[0]
                .state,
            "delivered"
        );
        events::record_opt(&db, site.id, &running.event_id, 0, "optIn")
            .await
            .unwrap();
        let answered = detail(&db, running.id, now).await.unwrap().unwrap();
        assert_eq!(answered.deliveries[0].state, "answered");
        assert_eq!(answered.summary.opted_in, 1);
    }
}
