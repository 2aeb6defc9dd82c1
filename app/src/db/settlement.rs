//! Settlement of a day-ahead program: each participating site's usage per
//! local hour of one date, from the TELEMETRY_USAGE readings its VEN sent,
//! written as CSV (`site,ven_id,hour,start,kwh,readings`).
//!
//! Participants are the sites the date's price event went to; before a date
//! is published, the program's current sites. A site's usage point is its
//! TELEMETRY_USAGE energy point if it offers one (readings are the energy of
//! their interval, summed per hour), else its power point (the hour's mean
//! power times one hour). Hours without readings are written with an empty
//! `kwh` and 0 readings, so gaps show instead of reading as zero usage.

use super::entity::{event_site, program, program_site, report_description, site};
use super::telemetry::{aggregate, csv_text, kw, kw_exponent};
use crate::local_day;
use chrono::{NaiveDate, TimeDelta};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Why a settlement export failed.
#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    /// The program's days cannot be divided into hours; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// How a usage point's readings make kWh.
#[derive(Debug, Clone, PartialEq)]
enum Point {
    /// Interval energy: the hour's readings summed.
    Energy(String, i32),
    /// Power: the hour's mean times one hour.
    Power(String, i32),
}

async fn usage_point(db: &DatabaseConnection, site_id: i32) -> Result<Option<Point>, DbErr> {
    let offered = report_description::Entity::find()
        .filter(report_description::Column::SiteId.eq(site_id))
        .filter(report_description::Column::ReportName.eq("TELEMETRY_USAGE"))
        .filter(report_description::Column::ReportType.ne("baseline"))
        .order_by_asc(report_description::Column::Id)
        .all(db)
        .await?;
    let of = |kind: &str| {
        offered
            .iter()
            .find(|d| d.item_kind.as_deref() == Some(kind))
            .map(|d| (d.rid.clone(), kw_exponent(d.si_scale.as_deref())))
    };
    Ok(of("EnergyReal")
        .map(|(rid, e)| Point::Energy(rid, e))
        .or_else(|| of("PowerReal").map(|(rid, e)| Point::Power(rid, e))))
}

async fn participants(
    db: &DatabaseConnection,
    program_id: i32,
    date: NaiveDate,
) -> Result<Vec<site::Model>, DbErr> {
    let ids: Vec<i32> = match super::day_ahead::publication(db, program_id, date).await? {
        Some(published) => event_site::Entity::find()
            .filter(event_site::Column::EventId.eq(published.event))
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.site_id)
            .collect(),
        None => program_site::Entity::find()
            .filter(program_site::Column::ProgramId.eq(program_id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.site_id)
            .collect(),
    };
    site::Entity::find()
        .filter(site::Column::Id.is_in(ids))
        .order_by_asc(site::Column::Name)
        .order_by_asc(site::Column::Id)
        .all(db)
        .await
}

/// Writes the program's settlement for a local date as CSV, with a header
/// row and one row per participating site and local hour (23, 24 or 25 per
/// site). `None` when there is no such program; otherwise the rows written.
pub async fn export_csv(
    db: &DatabaseConnection,
    program_id: i32,
    date: NaiveDate,
    mut write: impl FnMut(&str),
) -> Result<Option<u64>, SettlementError> {
    let Some(program) = program::Entity::find_by_id(program_id).one(db).await? else {
        return Ok(None);
    };
    let zone = local_day::parse_zone(&program.day_ahead_time_zone)
        .map_err(|e| SettlementError::Invalid(format!("program {}: {e}", program.name)))?;
    let (start, hours) = local_day::hours_of(date, zone).map_err(SettlementError::Invalid)?;
    let end = start + TimeDelta::hours(i64::from(hours));
    write("site,ven_id,hour,start,kwh,readings\n");
    let mut rows = 0;
    for site in participants(db, program_id, date).await? {
        let point = usage_point(db, site.id).await?;
        let buckets = match &point {
            Some(Point::Energy(rid, _) | Point::Power(rid, _)) => {
                aggregate(db, site.id, rid, start, end, TimeDelta::hours(1)).await?
            }
            None => Vec::new(),
        };
        let (name, ven_id) = (csv_text(&site.name), csv_text(&site.ven_id));
        for hour in 0..hours {
            let hour_start = start + TimeDelta::hours(i64::from(hour));
            let bucket = buckets.iter().find(|b| b.start == hour_start);
            let kwh = match (&point, bucket) {
                (Some(Point::Energy(_, e)), Some(b)) => format!("{}", kw(b.sum, *e)),
                (Some(Point::Power(_, e)), Some(b)) => format!("{}", kw(b.mean, *e)),
                _ => String::new(),
            };
            write(&format!(
                "{name},{ven_id},{hour},{},{kwh},{}\n",
                hour_start.with_timezone(&zone).to_rfc3339(),
                bucket.map_or(0, |b| b.count)
            ));
            rows += 1;
        }
    }
    Ok(Some(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::readings::{self, NewReading};
    use crate::db::reports::{self, NewRequest, OfferedPoint};
    use crate::db::testing::database;
    use crate::db::{day_ahead, programs, sites};
    use crate::models::day_ahead::DayAheadSettings;
    use chrono::{DateTime, Utc};

    fn point(rid: &str, kind: &str, report_type: &str, units: &str) -> OfferedPoint {
        OfferedPoint {
            report_specifier_id: "usage".into(),
            report_name: "METADATA_TELEMETRY_USAGE".into(),
            rid: rid.into(),
            report_type: report_type.into(),
            reading_type: "Direct Read".into(),
            item_kind: Some(kind.into()),
            units: Some(units.into()),
            si_scale: Some("none".into()),
            min_period_secs: None,
            max_period_secs: None,
        }
    }

    /// A site offering `points`, with `values` stored as (rid, start, value).
    async fn site_with(
        db: &DatabaseConnection,
        program_id: i32,
        name: &str,
        points: Vec<OfferedPoint>,
        values: &[(&str, DateTime<Utc>, f64)],
    ) {
        let site = sites::create(db, name, &name.to_lowercase(), None)
            .await
            .unwrap();
        programs::add_site(db, program_id, site.id).await.unwrap();
        let rids = points.iter().map(|p| p.rid.clone()).collect();
        reports::register(db, site.id, points).await.unwrap();
        let request = reports::create_request(
            db,
            site.id,
            NewRequest {
                report_specifier_id: "usage".into(),
                report_name: "TELEMETRY_USAGE".into(),
                granularity_secs: 900,
                report_back_secs: 3600,
                interval_start: values.first().map_or_else(Utc::now, |v| v.1),
                interval_secs: 86_400,
                rids,
                sent: true,
            },
        )
        .await
        .unwrap();
        let readings = values
            .iter()
            .map(|(rid, at, value)| NewReading {
                request_id: request.id,
                rid: (*rid).into(),
                dtstart: *at,
                duration_secs: Some(900),
                value: Some(*value),
                status: None,
                quality: None,
                confidence: None,
            })
            .collect();
        readings::store(db, site.id, readings).await.unwrap();
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[tokio::test]
    async fn settlement_has_one_row_per_site_and_local_hour_with_kwh_from_usage_readings() {
        let db = database().await;
        let program = programs::create(&db, "NHEC", "http://nhec.example/da", 3600)
            .await
            .unwrap();
        day_ahead::set_settings(
            &db,
            program.id,
            &DayAheadSettings {
                enabled: false,
                time_zone: "America/New_York".into(),
                publish_time: "17:00".into(),
            },
        )
        .await
        .unwrap();
        // 2027-03-14 begins at 05:00 UTC and has 23 hours.
        let mut power = vec![
            // The evening before: not this date.
            ("power", at("2027-03-14T04:45:00Z"), 9000.0),
            // Hour 0: a steady 2 kW.
            ("power", at("2027-03-14T05:00:00Z"), 2000.0),
            ("power", at("2027-03-14T05:15:00Z"), 2000.0),
            ("power", at("2027-03-14T05:30:00Z"), 2000.0),
            ("power", at("2027-03-14T05:45:00Z"), 2000.0),
            // Hour 2 (03:00 EDT, the clocks skipped 02:00): 1 kW then 3 kW.
            ("power", at("2027-03-14T07:00:00Z"), 1000.0),
            ("power", at("2027-03-14T07:30:00Z"), 3000.0),
        ];
        power.push(("base", at("2027-03-14T05:00:00Z"), 7000.0));
        site_with(
            &db,
            program.id,
            "Barn",
            vec![
                point("power", "PowerReal", "usage", "W"),
                point("base", "PowerReal", "baseline", "W"),
            ],
            &power,
        )
        .await;
        site_with(
            &db,
            program.id,
            "Co-op, store",
            vec![
                point("power", "PowerReal", "usage", "W"),
                point("energy", "EnergyReal", "usage", "Wh"),
            ],
            &[
                ("energy", at("2027-03-14T05:00:00Z"), 250.0),
                ("energy", at("2027-03-14T05:15:00Z"), 250.5),
                ("energy", at("2027-03-14T05:30:00Z"), 249.5),
                ("energy", at("2027-03-14T05:45:00Z"), 250.0),
                ("power", at("2027-03-14T05:00:00Z"), 99_000.0),
            ],
        )
        .await;

        let mut csv = String::new();
        let rows = export_csv(
            &db,
            program.id,
            NaiveDate::from_ymd_opt(2027, 3, 14).unwrap(),
            |c| csv.push_str(c),
        )
        .await
        .unwrap();
        assert_eq!(rows, Some(46), "23 hours for each of two sites");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "site,ven_id,hour,start,kwh,readings");
        let barn: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with("Barn,"))
            .collect();
        assert_eq!(barn.len(), 23);
        let fields = |line: &str| {
            line.split(',')
                .skip(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(barn[0]),
            ["0", "2027-03-14T00:00:00-05:00", "2", "4"]
        );
        assert_eq!(fields(barn[1]), ["1", "2027-03-14T01:00:00-05:00", "", "0"]);
        assert_eq!(
            fields(barn[2]),
            ["2", "2027-03-14T03:00:00-04:00", "2", "2"]
        );
        assert_eq!(
            fields(barn[22]),
            ["22", "2027-03-14T23:00:00-04:00", "", "0"]
        );
        let store: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with("\"Co-op, store\","))
            .collect();
        assert_eq!(store.len(), 23);
        assert!(
            store[0].ends_with(",0,2027-03-14T00:00:00-05:00,1,4"),
            "energy readings are summed, the power point is ignored: {}",
            store[0]
        );
        assert_eq!(
            export_csv(
                &db,
                999,
                NaiveDate::from_ymd_opt(2027, 3, 14).unwrap(),
                |_| {}
            )
            .await
            .unwrap(),
            None
        );
    }
}
