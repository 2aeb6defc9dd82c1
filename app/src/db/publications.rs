//! The day-ahead publisher's one pass: for each program publishing on
//! schedule whose publish time has come, create tomorrow's price event from
//! the stored prices, exactly once, or raise an alert saying why it cannot;
//! and raise one when a day begins with its prices stored but unpublished
//! (no pass ran in its window).
//!
//! Exactly once is the database's doing: the publication row, unique per
//! program and local date, is written in the event's own transaction, so of
//! two publishers (a restart, a second server, a second tick) only one
//! commits and the other's event is rolled back with its row.

use super::day_ahead::{publication, stored_prices};
use super::entity::{day_ahead_alert, day_ahead_publication, program, program_site};
use super::events::{self, EventError};
use crate::local_day;
use crate::models::event::{NewEvent, Signal};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, SqlErr,
};

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Dates published: program, date, the new event's eventID.
    pub published: Vec<(i32, NaiveDate, String)>,
    /// Dates that could not be published: program, date, why.
    pub alerts: Vec<(i32, NaiveDate, String)>,
}

/// Publishes every date due at `now` and not yet published; raises (or
/// keeps) an alert for each due date that cannot be published. A program
/// whose settings cannot be read is skipped with an error in the log.
pub async fn publish_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<PassReport, DbErr> {
    let mut report = PassReport::default();
    let programs = program::Entity::find()
        .filter(program::Column::DayAheadEnabled.eq(true))
        .order_by_asc(program::Column::Id)
        .all(db)
        .await?;
    for program in programs {
        let schedule = local_day::parse_zone(&program.day_ahead_time_zone).and_then(|zone| {
            Ok((
                zone,
                local_day::publish_time(program.day_ahead_publish_minute)?,
            ))
        });
        let (zone, publish_at) = match schedule {
            Ok(schedule) => schedule,
            Err(error) => {
                tracing::error!(program = %program.name, %error, "day-ahead schedule unreadable; not publishing");
                continue;
            }
        };
        let today = now.with_timezone(&zone).date_naive();
        if let Some(message) = missed(db, program.id, today).await? {
            raise_alert(db, &program, today, &message, now).await?;
            report.alerts.push((program.id, today, message));
        }
        let Some(date) = local_day::due_date(now, zone, publish_at) else {
            continue;
        };
        // Only a shortcut: the unique key decides.
        if publication(db, program.id, date).await?.is_some() {
            continue;
        }
        match publish(db, &program, zone, date, now).await {
            Ok(Some(event_id)) => {
                resolve_alert(db, program.id, date, now).await?;
                tracing::info!(program = %program.name, %date, %event_id, "day-ahead prices published");
                super::audit::record(
                    db,
                    "publisher",
                    "day_ahead.publish",
                    &format!("program {} {date} event {event_id}", program.name),
                    "local",
                )
                .await;
                report.published.push((program.id, date, event_id));
            }
            Ok(None) => {}
            Err(Unpublishable::Db(error)) => return Err(error),
            Err(Unpublishable::Why(message)) => {
                raise_alert(db, &program, date, &message, now).await?;
                report.alerts.push((program.id, date, message));
            }
        }
    }
    Ok(report)
}

enum Unpublishable {
    /// A reason for people.
    Why(String),
    Db(DbErr),
}

impl From<DbErr> for Unpublishable {
    fn from(error: DbErr) -> Self {
        Self::Db(error)
    }
}

/// Creates the date's event with its publication row; `None` when another
/// publisher committed first.
async fn publish(
    db: &DatabaseConnection,
    program: &program::Model,
    zone: chrono_tz::Tz,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<String>, Unpublishable> {
    let Some((_, prices)) = stored_prices(db, program.id, date).await? else {
        return Err(Unpublishable::Why(format!(
            "no prices for {date} by the publish time; PUT /api/v1/programs/{}/prices/{date}",
            program.id
        )));
    };
    // The time zone may have changed since the prices were stored.
    local_day::check_prices(date, zone, &prices).map_err(Unpublishable::Why)?;
    let (start, _) = local_day::hours_of(date, zone).map_err(Unpublishable::Why)?;
    let site_ids: Vec<i32> = program_site::Entity::find()
        .filter(program_site::Column::ProgramId.eq(program.id))
        .order_by_asc(program_site::Column::SiteId)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.site_id)
        .collect();
    if site_ids.is_empty() {
        return Err(Unpublishable::Why(format!(
            "program {} has no sites to publish {date} to",
            program.name
        )));
    }
    let new = NewEvent {
        // VENs hear of it at once: rounded up, so that the notification
        // time is not a fraction of a second after `now`.
        notification_secs: ((start - now).num_milliseconds().max(0) + 999) / 1000,
        signals: vec![Signal::hourly_prices(&prices)],
        vtn_comment: Some(format!("day-ahead prices for {date}")),
        ..NewEvent::simple(program.id, site_ids, start, 1, 0.0)
    };
    let program_id = program.id;
    let created = events::create_with(db, &new, move |txn, event| {
        Box::pin(async move {
            day_ahead_publication::ActiveModel {
                program_id: Set(program_id),
                local_date: Set(date),
                event_id: Set(event.id),
                published_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map(|_| ())
        })
    })
    .await;
    match created {
        Ok(event) => Ok(Some(event.event_id)),
        Err(EventError::Db(error))
            if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
        {
            tracing::info!(program = %program.name, %date, "day-ahead prices were published by another pass");
            Ok(None)
        }
        Err(EventError::Db(error)) => Err(Unpublishable::Db(error)),
        Err(error) => Err(Unpublishable::Why(error.to_string())),
    }
}

/// Why `today` is a silent gap, if it is one: its prices were stored but it
/// began unpublished and without an alert, so no pass ran between the
/// publish time and midnight (the VTN was down). Dates without prices are
/// left alone: a program enabled today has no gap to report.
async fn missed(
    db: &DatabaseConnection,
    program_id: i32,
    today: NaiveDate,
) -> Result<Option<String>, DbErr> {
    if stored_prices(db, program_id, today).await?.is_none()
        || publication(db, program_id, today).await?.is_some()
    {
        return Ok(None);
    }
    let alerted = day_ahead_alert::Entity::find()
        .filter(day_ahead_alert::Column::ProgramId.eq(program_id))
        .filter(day_ahead_alert::Column::LocalDate.eq(today))
        .one(db)
        .await?
        .is_some();
    Ok((!alerted).then(|| {
        format!(
            "the prices for {today} were stored but not published before the day began; was the VTN running at the publish time?"
        )
    }))
}

/// Records the alert, once per program and date (the unique key again); a
/// new reason replaces the old one's text.
async fn raise_alert(
    db: &DatabaseConnection,
    program: &program::Model,
    date: NaiveDate,
    message: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = day_ahead_alert::Entity::find()
        .filter(day_ahead_alert::Column::ProgramId.eq(program.id))
        .filter(day_ahead_alert::Column::LocalDate.eq(date))
        .one(db)
        .await?;
    match existing {
        Some(alert) if alert.message == message => Ok(()),
        Some(alert) => {
            day_ahead_alert::Entity::update_many()
                .col_expr(day_ahead_alert::Column::Message, Expr::value(message))
                .filter(day_ahead_alert::Column::Id.eq(alert.id))
                .exec(db)
                .await?;
            Ok(())
        }
        None => {
            tracing::warn!(program = %program.name, %date, message, "day-ahead prices could not be published");
            day_ahead_alert::Entity::insert(day_ahead_alert::ActiveModel {
                program_id: Set(program.id),
                local_date: Set(date),
                message: Set(message.to_owned()),
                raised_at: Set(now),
                resolved_at: Set(None),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([
                    day_ahead_alert::Column::ProgramId,
                    day_ahead_alert::Column::LocalDate,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            Ok(())
        }
    }
}

/// Marks the date's alert resolved: it was published after all.
async fn resolve_alert(
    db: &DatabaseConnection,
    program_id: i32,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    day_ahead_alert::Entity::update_many()
        .col_expr(day_ahead_alert::Column::ResolvedAt, Expr::value(now))
        .filter(day_ahead_alert::Column::ProgramId.eq(program_id))
        .filter(day_ahead_alert::Column::LocalDate.eq(date))
        .filter(day_ahead_alert::Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::day_ahead::{open_alerts, set_settings, store_prices};
    use crate::db::entity::{event, event_site};
    use crate::db::testing::database;
    use crate::db::{programs, sites};
    use crate::models::day_ahead::DayAheadSettings;
    use chrono::TimeZone;
    use sea_orm::PaginatorTrait;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A program publishing at 17:00 New York time with two sites.
    async fn nhec(db: &DatabaseConnection) -> (program::Model, Vec<i32>) {
        let program = programs::create(db, "NHEC TOU", "http://nhec.example/da", 3600)
            .await
            .unwrap();
        let mut site_ids = Vec::new();
        for name in ["Barn", "Co-op store"] {
            let site = sites::create(db, name, &name.to_lowercase(), None)
                .await
                .unwrap();
            programs::add_site(db, program.id, site.id).await.unwrap();
            site_ids.push(site.id);
        }
        set_settings(
            db,
            program.id,
            &DayAheadSettings {
                enabled: true,
                time_zone: "America/New_York".into(),
                publish_time: "17:00".into(),
            },
        )
        .await
        .unwrap()
        .unwrap();
        (program, site_ids)
    }

    /// Prices as a feed sends them: short decimals (0.10, 0.11, …).
    fn prices(n: usize) -> Vec<f64> {
        (0..n)
            .map(|h| format!("0.{}", 10 + h).parse().unwrap())
            .collect()
    }

    async fn events_of(db: &DatabaseConnection) -> Vec<event::Model> {
        event::Entity::find().all(db).await.unwrap()
    }

    #[tokio::test]
    async fn tomorrows_prices_are_published_once_at_the_local_publish_time() {
        let db = database().await;
        let (program, site_ids) = nhec(&db).await;
        store_prices(&db, program.id, date(2027, 6, 2), &prices(24), "test")
            .await
            .unwrap();

        // 16:59 EDT: not yet.
        let early = publish_due(&db, utc(2027, 6, 1, 20) + chrono::TimeDelta::minutes(59))
            .await
            .unwrap();
        assert_eq!(early, PassReport::default());
        assert!(events_of(&db).await.is_empty());

        let now = utc(2027, 6, 1, 21);
        let first = publish_due(&db, now).await.unwrap();
        assert_eq!(first.published.len(), 1, "{first:?}");
        assert!(first.alerts.is_empty());
        let (_, published_date, event_id) = &first.published[0];
        assert_eq!(*published_date, date(2027, 6, 2));

        let events = events_of(&db).await;
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert_eq!(&event.event_id, event_id);
        assert_eq!(event.dtstart, utc(2027, 6, 2, 4), "local midnight EDT");
        assert_eq!(event.duration_secs, 24 * 3600);
        assert_eq!(event.notification_secs, 7 * 3600, "VENs hear at once");
        let signals: Vec<Signal> = serde_json::from_str(&event.signals).unwrap();
        assert_eq!(signals, vec![Signal::hourly_prices(&prices(24))]);
        assert_eq!(signals[0].name, "ELECTRICITY_PRICE");
        let mut targeted: Vec<i32> = event_site::Entity::find()
            .filter(event_site::Column::EventId.eq(event.id))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.site_id)
            .collect();
        targeted.sort_unstable();
        assert_eq!(targeted, site_ids);

        // A second tick, and a restart later the same evening: nothing more.
        assert_eq!(publish_due(&db, now).await.unwrap(), PassReport::default());
        assert_eq!(
            publish_due(&db, utc(2027, 6, 2, 1)).await.unwrap(),
            PassReport::default()
        );
        assert_eq!(events_of(&db).await.len(), 1);
        let shown = publication(&db, program.id, date(2027, 6, 2))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(shown.event, event.id);
    }

    #[tokio::test]
    async fn the_unique_key_stops_a_second_publisher_that_missed_the_first() {
        let db = database().await;
        let (program, _) = nhec(&db).await;
        let day = date(2027, 6, 2);
        store_prices(&db, program.id, day, &prices(24), "test")
            .await
            .unwrap();
        let program = program::Entity::find_by_id(program.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let zone = chrono_tz::America::New_York;
        let now = utc(2027, 6, 1, 21);
        // Both passes decided to publish before either committed: the
        // shortcut check cannot help, the unique key must.
        let first = publish(&db, &program, zone, day, now).await;
        let second = publish(&db, &program, zone, day, now).await;
        assert!(matches!(first, Ok(Some(_))));
        assert!(matches!(second, Ok(None)), "the second publisher backs off");
        assert_eq!(events_of(&db).await.len(), 1, "its event was rolled back");
        assert_eq!(
            day_ahead_publication::Entity::find()
                .count(&db)
                .await
                .unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn missing_prices_raise_one_alert_and_are_published_when_they_arrive_that_evening() {
        let db = database().await;
        let (program, _) = nhec(&db).await;
        let day = date(2027, 6, 2);

        let at_five = publish_due(&db, utc(2027, 6, 1, 21)).await.unwrap();
        assert!(at_five.published.is_empty());
        assert_eq!(at_five.alerts.len(), 1);
        assert!(at_five.alerts[0].2.contains("no prices for 2027-06-02"));
        publish_due(&db, utc(2027, 6, 1, 22)).await.unwrap();
        let alerts = open_alerts(&db).await.unwrap();
        assert_eq!(alerts.len(), 1, "one alert however many ticks");
        assert_eq!((alerts[0].program_id, alerts[0].date), (program.id, day));
        assert_eq!(alerts[0].program, "NHEC TOU");
        assert_eq!(alerts[0].raised_at, utc(2027, 6, 1, 21));
        assert!(events_of(&db).await.is_empty());

        store_prices(&db, program.id, day, &prices(24), "late")
            .await
            .unwrap();
        let at_eight = publish_due(&db, utc(2027, 6, 2, 0)).await.unwrap();
        assert_eq!(at_eight.published.len(), 1);
        assert!(open_alerts(&db).await.unwrap().is_empty(), "resolved");
        let day_prices = crate::db::day_ahead::prices_of(&db, program.id, day)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            day_prices.alert.unwrap().resolved_at,
            Some(utc(2027, 6, 2, 0))
        );
        assert!(day_prices.publication.is_some());
    }

    #[tokio::test]
    async fn a_program_without_sites_is_an_alert_not_a_silent_gap() {
        let db = database().await;
        let (program, _) = nhec(&db).await;
        crate::db::program_admin::save(
            &db,
            Some(program.id),
            &crate::models::program::ProgramForm {
                name: program.name.clone(),
                market_context: program.market_context.clone(),
                near_window_mins: 60,
                usage_granularity_secs: 900,
                usage_report_back_secs: 3600,
                status_granularity_secs: 300,
                status_report_back_secs: 300,
                site_ids: vec![],
                day_ahead: DayAheadSettings {
                    enabled: true,
                    time_zone: "America/New_York".into(),
                    publish_time: "17:00".into(),
                },
            },
        )
        .await
        .unwrap();
        store_prices(&db, program.id, date(2027, 6, 2), &prices(24), "test")
            .await
            .unwrap();
        let report = publish_due(&db, utc(2027, 6, 1, 21)).await.unwrap();
        assert_eq!(report.alerts.len(), 1);
        assert!(report.alerts[0].2.contains("has no sites"), "{report:?}");
        assert!(events_of(&db).await.is_empty());
    }

    #[tokio::test]
    async fn daylight_saving_days_are_published_with_23_and_25_hourly_intervals() {
        let db = database().await;
        let (program, _) = nhec(&db).await;
        store_prices(&db, program.id, date(2027, 3, 14), &prices(23), "test")
            .await
            .unwrap();
        store_prices(&db, program.id, date(2027, 11, 7), &prices(25), "test")
            .await
            .unwrap();
        // 17:00 EST on the eves is 22:00 UTC.
        publish_due(&db, utc(2027, 3, 13, 22)).await.unwrap();
        publish_due(&db, utc(2027, 11, 6, 21)).await.unwrap();
        let mut events = events_of(&db).await;
        events.sort_by_key(|e| e.dtstart);
        assert_eq!(events.len(), 2);
        for (event, hours, start) in [
            (&events[0], 23, utc(2027, 3, 14, 5)),
            (&events[1], 25, utc(2027, 11, 7, 4)),
        ] {
            let signals: Vec<Signal> = serde_json::from_str(&event.signals).unwrap();
            assert_eq!(signals[0].intervals.len(), hours);
            assert_eq!(event.duration_secs, hours as i64 * 3600);
            assert_eq!(event.dtstart, start);
        }
    }

    #[tokio::test]
    async fn stored_prices_left_unpublished_by_a_down_vtn_raise_an_alert_the_next_day() {
        let db = database().await;
        let (program, _) = nhec(&db).await;
        let day = date(2027, 6, 2);
        store_prices(&db, program.id, day, &prices(24), "test")
            .await
            .unwrap();
        // No pass ran on the evening of the 1st; the next is at 08:00 on the 2nd.
        let morning = publish_due(&db, utc(2027, 6, 2, 12)).await.unwrap();
        assert!(morning.published.is_empty());
        assert_eq!(morning.alerts.len(), 1, "{morning:?}");
        assert_eq!(
            (morning.alerts[0].0, morning.alerts[0].1),
            (program.id, day)
        );
        assert!(
            morning.alerts[0]
                .2
                .contains("not published before the day began")
        );
        assert!(events_of(&db).await.is_empty(), "nothing is published late");
        assert_eq!(
            publish_due(&db, utc(2027, 6, 2, 13)).await.unwrap(),
            PassReport::default(),
            "raised once"
        );
        assert_eq!(open_alerts(&db).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn disabled_programs_publish_nothing_and_raise_nothing() {
        let db = database().await;
        let program = programs::create(&db, "Peak", "http://u/peak", 3600)
            .await
            .unwrap();
        let report = publish_due(&db, utc(2027, 6, 1, 21)).await.unwrap();
        assert_eq!(report, PassReport::default());
        assert!(open_alerts(&db).await.unwrap().is_empty());
        assert!(!program.day_ahead_enabled);
    }
}
