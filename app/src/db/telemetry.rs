//! Telemetry for people: readings aggregated to a granularity, and the
//! per-event export (site, time, baseline kW, measured kW) written as CSV a
//! page at a time, so an export never holds all readings in memory.

use super::entity::{event, event_site, reading, report_description, site};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

/// Readings of one point within one time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Start of the bucket.
    pub start: DateTime<Utc>,
    /// Mean of the values.
    pub mean: f64,
    /// Sum of the values (interval energy adds up; a mean times a count
    /// would not give back the same digits).
    pub sum: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Number of readings.
    pub count: u32,
}

const PAGE: u64 = 1000;

/// A site's readings of one point in `[from, to)`, in buckets of
/// `granularity` from `from` (empty buckets are left out).
pub async fn aggregate(
    db: &DatabaseConnection,
    site_id: i32,
    rid: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    granularity: TimeDelta,
) -> Result<Vec<Bucket>, DbErr> {
    let step = granularity.num_seconds().max(1);
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut pages = reading::Entity::find()
        .filter(reading::Column::SiteId.eq(site_id))
        .filter(reading::Column::Rid.eq(rid))
        .filter(reading::Column::Dtstart.gte(from))
        .filter(reading::Column::Dtstart.lt(to))
        .order_by_asc(reading::Column::Dtstart)
        .paginate(db, PAGE);
    while let Some(page) = pages.fetch_and_next().await? {
        for r in page {
            let Some(value) = r.value else { continue };
            let index = (r.dtstart - from).num_seconds().div_euclid(step);
            let start = from + TimeDelta::seconds(index * step);
            match buckets.last_mut().filter(|b| b.start == start) {
                Some(b) => {
                    b.mean += (value - b.mean) / f64::from(b.count + 1);
                    b.sum += value;
                    b.min = b.min.min(value);
                    b.max = b.max.max(value);
                    b.count += 1;
                }
                None => buckets.push(Bucket {
                    start,
                    mean: value,
                    sum: value,
                    min: value,
                    max: value,
                    count: 1,
                }),
            }
        }
    }
    Ok(buckets)
}

/// Which of a site's points is measured power and which the baseline, and
/// the power of ten that turns each into kW.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerPoints {
    /// Measured power rID and its kW exponent.
    pub measured: Option<(String, i32)>,
    /// Baseline power rID and its kW exponent.
    pub baseline: Option<(String, i32)>,
}

/// The power of ten that turns a value with this SI scale (`k`, `M`, none…)
/// of W into kW, or of Wh into kWh.
pub fn kw_exponent(scale: Option<&str>) -> i32 {
    match scale {
        Some("k") => 0,
        Some("M") => 3,
        Some("G") => 6,
        Some("m") => -6,
        _ => -3,
    }
}

/// A reading in kW, given its power-of-ten exponent. Dividing (rather than
/// multiplying by 0.001) keeps 1001 W at exactly 1.001 kW in exports.
pub fn kw(value: f64, exponent: i32) -> f64 {
    if exponent < 0 {
        value / 10f64.powi(-exponent)
    } else {
        value * 10f64.powi(exponent)
    }
}

/// Reads the site's declared reports: power points of report type `baseline`
/// are the baseline, other power points the measurement.
pub async fn power_points(db: &DatabaseConnection, site_id: i32) -> Result<PowerPoints, DbErr> {
    let offered = report_description::Entity::find()
        .filter(report_description::Column::SiteId.eq(site_id))
        .order_by_asc(report_description::Column::Id)
        .all(db)
        .await?;
    let power = |d: &&report_description::Model| d.item_kind.as_deref() == Some("PowerReal");
    let point = |d: &report_description::Model| (d.rid.clone(), kw_exponent(d.si_scale.as_deref()));
    Ok(PowerPoints {
        measured: offered
            .iter()
            .filter(power)
            .find(|d| d.report_type != "baseline")
            .map(point),
        baseline: offered
            .iter()
            .filter(power)
            .find(|d| d.report_type == "baseline")
            .map(point),
    })
}

fn cell(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{v}"))
}

/// A CSV field, quoted when it holds a comma, quote or newline.
pub fn csv_text(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Writes the event's telemetry as CSV (`site,time,baseline_kw,measured_kw`),
/// one row per reading time over the event's active period, site by site.
/// Returns the number of rows written (without the header).
pub async fn export_event_csv(
    db: &DatabaseConnection,
    event_pk: i32,
    mut write: impl FnMut(&str),
) -> Result<u64, DbErr> {
    write("site,time,baseline_kw,measured_kw\n");
    let Some(event) = event::Entity::find_by_id(event_pk).one(db).await? else {
        return Ok(0);
    };
    let (from, to) = (
        event.dtstart,
        event.dtstart + TimeDelta::seconds(event.duration_secs),
    );
    let site_ids: Vec<i32> = event_site::Entity::find()
        .filter(event_site::Column::EventId.eq(event.id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.site_id)
        .collect();
    let mut rows = 0;
    for site in site::Entity::find()
        .filter(site::Column::Id.is_in(site_ids))
        .order_by_asc(site::Column::Name)
        .all(db)
        .await?
    {
        let points = power_points(db, site.id).await?;
        let rids: Vec<&str> = [&points.measured, &points.baseline]
            .into_iter()
            .flatten()
            .map(|(rid, _)| rid.as_str())
            .collect();
        if rids.is_empty() {
            continue;
        }
        let name = csv_text(&site.name);
        let mut pages = reading::Entity::find()
            .filter(reading::Column::SiteId.eq(site.id))
            .filter(reading::Column::Rid.is_in(rids))
            .filter(reading::Column::Dtstart.gte(from))
            .filter(reading::Column::Dtstart.lt(to))
            .order_by_asc(reading::Column::Dtstart)
            .order_by_asc(reading::Column::Id)
            .paginate(db, PAGE);
        // Readings of both points at one time make one row; a row is written
        // when the next time starts (or at the end).
        let mut pending: Option<(DateTime<Utc>, Option<f64>, Option<f64>)> = None;
        let flush = |row: (DateTime<Utc>, Option<f64>, Option<f64>),
                     write: &mut dyn FnMut(&str)| {
            write(&format!(
                "{name},{},{},{}\n",
                row.0.to_rfc3339(),
                cell(row.1),
                cell(row.2)
            ));
        };
        while let Some(page) = pages.fetch_and_next().await? {
            for r in page {
                if let Some(row) = pending.take_if(|p| p.0 != r.dtstart) {
                    flush(row, &mut write);
                    rows += 1;
                }
                let row = pending.get_or_insert((r.dtstart, None, None));
                let value = r.value;
                match (&points.baseline, &points.measured) {
                    (Some((rid, factor)), _) if *rid == r.rid => {
                        row.1 = value.map(|v| kw(v, *factor))
                    }
                    (_, Some((rid, factor))) if *rid == r.rid => {
                        row.2 = value.map(|v| kw(v, *factor))
                    }
                    _ => {}
                }
            }
        }
        if let Some(row) = pending.take() {
            flush(row, &mut write);
            rows += 1;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::readings::{self, NewReading};
    use crate::db::reports::{self, NewRequest, OfferedPoint};
    use crate::db::testing::database;
    use crate::db::{events, programs, sites};
    use crate::models::event::NewEvent;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0)
            .single()
            .unwrap()
            + TimeDelta::minutes(minute)
    }

    fn point(rid: &str, report_type: &str, scale: &str) -> OfferedPoint {
        OfferedPoint {
            report_specifier_id: "usage".into(),
            report_name: "TELEMETRY_USAGE".into(),
            rid: rid.into(),
            report_type: report_type.into(),
            reading_type: "Direct Read".into(),
            item_kind: Some("PowerReal".into()),
            units: Some("W".into()),
            si_scale: Some(scale.into()),
            min_period_secs: None,
            max_period_secs: None,
        }
    }

    async fn site_with_readings(db: &DatabaseConnection) -> (i32, i32) {
        let site = sites::create(db, "Depot, North", "depot", None)
            .await
            .unwrap();
        reports::register(
            db,
            site.id,
            vec![
                point("measured", "usage", "none"),
                point("base", "baseline", "k"),
            ],
        )
        .await
        .unwrap();
        let request = reports::create_request(
            db,
            site.id,
            NewRequest {
                report_specifier_id: "usage".into(),
                report_name: "TELEMETRY_USAGE".into(),
                granularity_secs: 60,
                report_back_secs: 60,
                interval_start: at(0),
                interval_secs: 3600,
                rids: vec!["measured".into(), "base".into()],
                sent: true,
            },
        )
        .await
        .unwrap();
        let reading = |rid: &str, minute: i64, value: f64| NewReading {
            request_id: request.id,
            rid: rid.into(),
            dtstart: at(minute),
            duration_secs: Some(60),
            value: Some(value),
            status: None,
            quality: None,
            confidence: None,
        };
        let mut all = Vec::new();
        for minute in 0..30 {
            all.push(reading("measured", minute, 4000.0 + minute as f64));
            all.push(reading("base", minute, 5.0));
        }
        readings::store(db, site.id, all).await.unwrap();
        (site.id, request.id)
    }

    #[tokio::test]
    async fn readings_aggregate_to_buckets() {
        let db = database().await;
        let (site, _) = site_with_readings(&db).await;
        let buckets = aggregate(&db, site, "measured", at(0), at(30), TimeDelta::minutes(10))
            .await
            .unwrap();
        assert_eq!(buckets.len(), 3);
        assert_eq!(
            (
                buckets[0].start,
                buckets[0].count,
                buckets[0].min,
                buckets[0].max
            ),
            (at(0), 10, 4000.0, 4009.0)
        );
        assert!((buckets[0].mean - 4004.5).abs() < 1e-9);
        assert_eq!(buckets[2].start, at(20));
    }

    #[tokio::test]
    async fn the_event_export_pairs_baseline_and_measured_kw_per_time() {
        let db = database().await;
        let (site, _) = site_with_readings(&db).await;
        let program = programs::create(&db, "Shed", "http://x/shed", 3600)
            .await
            .unwrap();
        programs::add_site(&db, program.id, site).await.unwrap();
        let event = events::create(
            &db,
            &NewEvent {
                notification_secs: 0,
                ..NewEvent::simple(program.id, vec![site], at(10), 600, 1.0)
            },
        )
        .await
        .unwrap();
        let mut csv = String::new();
        let rows = export_event_csv(&db, event.id, |chunk| csv.push_str(chunk))
            .await
            .unwrap();
        assert_eq!(rows, 10, "the event's 10 minutes");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "site,time,baseline_kw,measured_kw");
        assert_eq!(
            lines[1],
            "\"Depot, North\",2026-11-23T14:10:00+00:00,5,4.01"
        );
        assert_eq!(lines.len(), 11);
    }
}
