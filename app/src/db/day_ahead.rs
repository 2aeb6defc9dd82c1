//! Day-ahead prices: a program's publishing schedule and the prices stored
//! for each of its local dates (validated against that date's hours), with
//! what became of them (published as an event, or an alert).

use super::entity::{day_ahead_alert, day_ahead_price, day_ahead_publication, event, program};
use crate::local_day;
use crate::models::day_ahead::{
    DayAheadAlert, DayAheadSettings, DayPrices, Publication, format_publish_time,
    parse_publish_time,
};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

/// Why a day-ahead operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DayAheadError {
    /// The request is wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// No such program.
    #[error("no program {0}")]
    UnknownProgram(i32),
    /// The date was published already; its prices can no longer change here.
    #[error("{0}")]
    Published(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The program's schedule as people see it.
pub fn settings_of(program: &program::Model) -> DayAheadSettings {
    DayAheadSettings {
        enabled: program.day_ahead_enabled,
        time_zone: program.day_ahead_time_zone.clone(),
        publish_time: format_publish_time(program.day_ahead_publish_minute),
    }
}

/// The settings checked: a known time zone and a `HH:MM` publish time, as
/// (zone name, minutes after midnight).
pub fn check_settings(settings: &DayAheadSettings) -> Result<(String, i32), String> {
    let zone = local_day::parse_zone(&settings.time_zone)?;
    let minute = parse_publish_time(&settings.publish_time)?;
    Ok((zone.name().to_owned(), minute))
}

/// Sets a program's schedule; `None` when there is no such program.
pub async fn set_settings(
    db: &DatabaseConnection,
    program_id: i32,
    settings: &DayAheadSettings,
) -> Result<Option<DayAheadSettings>, DayAheadError> {
    let (zone, minute) = check_settings(settings).map_err(DayAheadError::Invalid)?;
    let updated = program::Entity::update_many()
        .col_expr(
            program::Column::DayAheadEnabled,
            Expr::value(settings.enabled),
        )
        .col_expr(program::Column::DayAheadTimeZone, Expr::value(zone))
        .col_expr(program::Column::DayAheadPublishMinute, Expr::value(minute))
        .filter(program::Column::Id.eq(program_id))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    Ok(program::Entity::find_by_id(program_id)
        .one(db)
        .await?
        .map(|p| settings_of(&p)))
}

/// Stores (or replaces) a program's prices for a local date, one per local
/// hour of that date in the program's time zone. Refused once the date was
/// published: the event is what VENs hold, and it is changed as an event.
pub async fn store_prices(
    db: &DatabaseConnection,
    program_id: i32,
    date: NaiveDate,
    prices: &[f64],
    by: &str,
) -> Result<DayPrices, DayAheadError> {
    let program = program::Entity::find_by_id(program_id)
        .one(db)
        .await?
        .ok_or(DayAheadError::UnknownProgram(program_id))?;
    let zone = local_day::parse_zone(&program.day_ahead_time_zone)
        .map_err(|e| DayAheadError::Invalid(format!("program {}: {e}", program.name)))?;
    local_day::check_prices(date, zone, prices).map_err(DayAheadError::Invalid)?;
    if let Some(published) = publication(db, program_id, date).await? {
        return Err(DayAheadError::Published(format!(
            "the prices for {date} were published as event {} at {}; cancel or modify that event instead",
            published.event_id,
            published.published_at.to_rfc3339()
        )));
    }
    let json = serde_json::to_string(prices)
        .map_err(|e| DayAheadError::Invalid(format!("prices: {e}")))?;
    day_ahead_price::Entity::insert(day_ahead_price::ActiveModel {
        program_id: Set(program_id),
        local_date: Set(date),
        prices: Set(json),
        updated_at: Set(Utc::now()),
        updated_by: Set(by.to_owned()),
    })
    .on_conflict(
        OnConflict::columns([
            day_ahead_price::Column::ProgramId,
            day_ahead_price::Column::LocalDate,
        ])
        .update_columns([
            day_ahead_price::Column::Prices,
            day_ahead_price::Column::UpdatedAt,
            day_ahead_price::Column::UpdatedBy,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    prices_of(db, program_id, date)
        .await?
        .ok_or_else(|| DayAheadError::Db(DbErr::RecordNotFound("prices just stored".into())))
}

/// The stored prices of a program's local date, as numbers. Unreadable JSON
/// (never written by this module) reads as no prices, which raises an alert
/// rather than publishing nonsense.
pub async fn stored_prices(
    db: &DatabaseConnection,
    program_id: i32,
    date: NaiveDate,
) -> Result<Option<(day_ahead_price::Model, Vec<f64>)>, DbErr> {
    let Some(row) = day_ahead_price::Entity::find_by_id((program_id, date))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    match serde_json::from_str::<Vec<f64>>(&row.prices) {
        Ok(values) => Ok(Some((row, values))),
        Err(error) => {
            tracing::error!(program_id, %date, %error, "stored day-ahead prices are not a list of numbers");
            Ok(None)
        }
    }
}

/// The publication of a program's local date, if it was published.
pub async fn publication(
    db: &DatabaseConnection,
    program_id: i32,
    date: NaiveDate,
) -> Result<Option<Publication>, DbErr> {
    let Some(row) = day_ahead_publication::Entity::find()
        .filter(day_ahead_publication::Column::ProgramId.eq(program_id))
        .filter(day_ahead_publication::Column::LocalDate.eq(date))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    // The foreign key cascades, so the event is there.
    let Some(event) = event::Entity::find_by_id(row.event_id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(Publication {
        event: event.id,
        event_id: event.event_id,
        published_at: row.published_at,
    }))
}

fn alert_of(row: day_ahead_alert::Model, program: &str) -> DayAheadAlert {
    DayAheadAlert {
        program_id: row.program_id,
        program: program.to_owned(),
        date: row.local_date,
        message: row.message,
        raised_at: row.raised_at,
        resolved_at: row.resolved_at,
    }
}

/// A program's prices for a local date with their publication and alert;
/// `None` when no prices were stored for it.
pub async fn prices_of(
    db: &DatabaseConnection,
    program_id: i32,
    date: NaiveDate,
) -> Result<Option<DayPrices>, DbErr> {
    let Some(program) = program::Entity::find_by_id(program_id).one(db).await? else {
        return Ok(None);
    };
    let Some((row, prices)) = stored_prices(db, program_id, date).await? else {
        return Ok(None);
    };
    let start = local_day::parse_zone(&program.day_ahead_time_zone)
        .map(|zone| local_day::start_of(date, zone))
        .unwrap_or_else(|_| date.and_time(chrono::NaiveTime::MIN).and_utc());
    let alert = day_ahead_alert::Entity::find()
        .filter(day_ahead_alert::Column::ProgramId.eq(program_id))
        .filter(day_ahead_alert::Column::LocalDate.eq(date))
        .one(db)
        .await?
        .map(|a| alert_of(a, &program.name));
    Ok(Some(DayPrices {
        program_id,
        date,
        time_zone: program.day_ahead_time_zone,
        start,
        prices,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
        publication: publication(db, program_id, date).await?,
        alert,
    }))
}

/// Alerts not resolved yet, newest date first, for the overview and the API.
pub async fn open_alerts(db: &DatabaseConnection) -> Result<Vec<DayAheadAlert>, DbErr> {
    let rows = day_ahead_alert::Entity::find()
        .filter(day_ahead_alert::Column::ResolvedAt.is_null())
        .order_by_desc(day_ahead_alert::Column::LocalDate)
        .order_by_asc(day_ahead_alert::Column::ProgramId)
        .all(db)
        .await?;
    let programs = program::Entity::find()
        .filter(program::Column::Id.is_in(rows.iter().map(|r| r.program_id)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = programs
                .iter()
                .find(|p| p.id == row.program_id)
                .map_or_else(|| format!("program {}", row.program_id), |p| p.name.clone());
            alert_of(row, &name)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::programs;
    use crate::db::testing::database;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    async fn new_york_program(db: &DatabaseConnection) -> i32 {
        let program = programs::create(db, "NHEC", "http://nhec.example/da", 3600)
            .await
            .unwrap();
        let settings = DayAheadSettings {
            enabled: true,
            time_zone: "America/New_York".into(),
            publish_time: "17:00".into(),
        };
        let saved = set_settings(db, program.id, &settings)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(saved, settings);
        program.id
    }

    #[tokio::test]
    async fn prices_are_stored_per_local_date_and_a_later_put_replaces_them() {
        let db = database().await;
        let id = new_york_program(&db).await;
        let day = date(2027, 6, 2);
        store_prices(&db, id, day, &[0.1; 24], "token:a")
            .await
            .unwrap();
        let stored = store_prices(&db, id, day, &[0.2; 24], "token:b")
            .await
            .unwrap();
        assert_eq!(stored.prices, vec![0.2; 24]);
        assert_eq!(stored.updated_by, "token:b");
        assert_eq!(stored.time_zone, "America/New_York");
        assert_eq!(
            stored.start,
            chrono::DateTime::parse_from_rfc3339("2027-06-02T04:00:00Z").unwrap()
        );
        assert_eq!((&stored.publication, &stored.alert), (&None, &None));
        assert_eq!(prices_of(&db, id, day).await.unwrap(), Some(stored));
        assert_eq!(prices_of(&db, id, date(2027, 6, 3)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn prices_that_do_not_fit_the_local_day_are_refused_with_the_reason() {
        let db = database().await;
        let id = new_york_program(&db).await;
        let error = store_prices(&db, id, date(2027, 3, 14), &[0.1; 24], "t")
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "2027-03-14 in America/New_York has 23 hours, got 24 prices"
        );
        assert!(matches!(error, DayAheadError::Invalid(_)));
        let error = store_prices(&db, id, date(2027, 11, 7), &[0.1; 24], "t")
            .await
            .unwrap_err();
        assert!(error.to_string().contains("has 25 hours"), "{error}");
        assert!(matches!(
            store_prices(&db, 999, date(2027, 6, 2), &[0.1; 24], "t").await,
            Err(DayAheadError::UnknownProgram(999))
        ));
        assert_eq!(prices_of(&db, id, date(2027, 3, 14)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn settings_refuse_unknown_zones_and_times_and_missing_programs() {
        let db = database().await;
        let id = new_york_program(&db).await;
        let bad_zone = DayAheadSettings {
            time_zone: "Eastern".into(),
            ..DayAheadSettings::default()
        };
        assert!(matches!(
            set_settings(&db, id, &bad_zone).await,
            Err(DayAheadError::Invalid(m)) if m.contains("IANA")
        ));
        let bad_time = DayAheadSettings {
            publish_time: "5pm".into(),
            ..DayAheadSettings::default()
        };
        assert!(matches!(
            set_settings(&db, id, &bad_time).await,
            Err(DayAheadError::Invalid(m)) if m.contains("HH:MM")
        ));
        assert_eq!(
            set_settings(&db, 999, &DayAheadSettings::default())
                .await
                .unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn prices_of_a_published_date_can_no_longer_be_changed() {
        let db = database().await;
        let id = new_york_program(&db).await;
        let site = crate::db::sites::create(&db, "Barn", "barn", None)
            .await
            .unwrap();
        programs::add_site(&db, id, site.id).await.unwrap();
        let day = date(2027, 6, 2);
        store_prices(&db, id, day, &[0.1; 24], "t").await.unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2027-06-01T21:00:00Z")
            .unwrap()
            .to_utc();
        let report = crate::db::publications::publish_due(&db, now)
            .await
            .unwrap();
        assert_eq!(report.published.len(), 1);
        let error = store_prices(&db, id, day, &[0.2; 24], "t")
            .await
            .unwrap_err();
        assert!(matches!(error, DayAheadError::Published(_)));
        assert!(error.to_string().contains(&report.published[0].2));
        let shown = prices_of(&db, id, day).await.unwrap().unwrap();
        assert_eq!(shown.prices, vec![0.1; 24], "unchanged");
        assert_eq!(shown.publication.unwrap().event_id, report.published[0].2);
    }
}
