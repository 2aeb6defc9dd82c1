//! Telemetry readings: stored all-or-nothing and idempotently, queried by
//! site, point and time window.

use super::entity::reading;
use crate::models::report::Reading;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Statement, TransactionTrait, Value,
};

/// One reading to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReading {
    /// The report request (primary key) it answers.
    pub request_id: i32,
    /// The point.
    pub rid: String,
    /// Start of the interval.
    pub dtstart: DateTime<Utc>,
    /// Length of the interval.
    pub duration_secs: Option<i64>,
    /// A float value.
    pub value: Option<f64>,
    /// A resource status, as JSON.
    pub status: Option<String>,
    /// Data quality.
    pub quality: Option<String>,
    /// Confidence 0–100.
    pub confidence: Option<i32>,
}

/// Stores readings in one transaction: all or none. A reading already stored
/// (same request, point and start) is left as it is, so a resent interval
/// does not duplicate data. Returns how many were new.
pub async fn store(
    db: &DatabaseConnection,
    site_id: i32,
    readings: Vec<NewReading>,
) -> Result<u64, DbErr> {
    store_many(db, &[(site_id, readings)]).await
}

/// Stores the readings of several sites in one transaction, all or none, as
/// [`store`] does for one: one commit for many reports.
pub async fn store_many(
    db: &DatabaseConnection,
    batches: &[(i32, Vec<NewReading>)],
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let rows: Vec<(i32, &NewReading)> = batches
        .iter()
        .flat_map(|(site_id, readings)| readings.iter().map(move |r| (*site_id, r)))
        .collect();
    let txn = db.begin().await?;
    let mut inserted = 0;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut values = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for (site_id, r) in chunk {
            values.extend([
                Value::from(*site_id),
                Value::from(r.request_id),
                Value::from(r.rid.as_str()),
                Value::from(r.dtstart),
                Value::from(r.duration_secs),
                Value::from(r.value),
                Value::from(r.status.clone()),
                Value::from(r.quality.clone()),
                Value::from(r.confidence),
                Value::from(now),
            ]);
        }
        let sql = insert_sql(backend, chunk.len());
        inserted += txn
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?
            .rows_affected();
    }
    txn.commit().await?;
    Ok(inserted)
}

const COLUMNS: [&str; 10] = [
    "site_id",
    "request_id",
    "rid",
    "dtstart",
    "duration_secs",
    "value",
    "status",
    "quality",
    "confidence",
    "received_at",
];

/// Rows per INSERT: 5,000 parameters, within SQLite's limit (32,766 since
/// 3.32) and PostgreSQL's (65,535). Full chunks share one SQL text, so the
/// driver's statement cache prepares it once per connection.
const ROWS_PER_INSERT: usize = 500;

/// A multi-row INSERT of `rows` readings that skips those already stored.
/// Written by hand: building it through the query builder cost more than
/// SQLite took to run it.
fn insert_sql(backend: DbBackend, rows: usize) -> String {
    let mut sql = format!("INSERT INTO readings ({}) VALUES ", COLUMNS.join(", "));
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..COLUMNS.len() {
            n += 1;
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                DbBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (request_id, rid, dtstart) DO NOTHING");
    sql
}

impl From<reading::Model> for Reading {
    fn from(m: reading::Model) -> Self {
        Self {
            rid: m.rid,
            start: m.dtstart,
            duration_secs: m.duration_secs,
            value: m.value,
            quality: m.quality,
        }
    }
}

/// A site's readings with `from <= start < to`, of one point or (`rid` none)
/// of all, by point and then oldest first.
pub async fn of_site(
    db: &DatabaseConnection,
    site_id: i32,
    rid: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Reading>, DbErr> {
    let mut query = reading::Entity::find()
        .filter(reading::Column::SiteId.eq(site_id))
        .filter(reading::Column::Dtstart.gte(from))
        .filter(reading::Column::Dtstart.lt(to));
    if let Some(rid) = rid {
        query = query.filter(reading::Column::Rid.eq(rid));
    }
    Ok(query
        .order_by_asc(reading::Column::Rid)
        .order_by_asc(reading::Column::Dtstart)
        .all(db)
        .await?
        .into_iter()
        .map(Reading::from)
        .collect())
}

/// The CSV of [`of_site`] for every point: `site,rid,time,duration_s,value,quality`.
pub async fn site_csv(
    db: &DatabaseConnection,
    site_name: &str,
    site_id: i32,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<String, DbErr> {
    use super::telemetry::csv_text;
    let mut body = String::from("site,rid,time,duration_s,value,quality\n");
    for r in of_site(db, site_id, None, from, to).await? {
        body.push_str(&format!(
            "{},{},{},{},{},{}\n",
            csv_text(site_name),
            csv_text(&r.rid),
            r.start.to_rfc3339(),
            r.duration_secs.map(|d| d.to_string()).unwrap_or_default(),
            r.value.map(|v| v.to_string()).unwrap_or_default(),
            csv_text(r.quality.as_deref().unwrap_or("")),
        ));
    }
    Ok(body)
}

/// A site's readings of one point with `from <= dtstart < to`, oldest first.
pub async fn window(
    db: &DatabaseConnection,
    site_id: i32,
    rid: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<reading::Model>, DbErr> {
    reading::Entity::find()
        .filter(reading::Column::SiteId.eq(site_id))
        .filter(reading::Column::Rid.eq(rid))
        .filter(reading::Column::Dtstart.gte(from))
        .filter(reading::Column::Dtstart.lt(to))
        .order_by_asc(reading::Column::Dtstart)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::reports::{self, NewRequest};
    use crate::db::sites;
    use crate::db::testing::database;
    use chrono::{TimeDelta, TimeZone};

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
            .single()
            .unwrap()
            + TimeDelta::minutes(minute)
    }

    async fn request(db: &DatabaseConnection, name: &str) -> (i32, i32) {
        let site = sites::create(db, name, name, None).await.unwrap();
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
                rids: vec!["power".into()],
                sent: true,
            },
        )
        .await
        .unwrap();
        (site.id, request.id)
    }

    fn readings(request_id: i32, minutes: std::ops::Range<i64>) -> Vec<NewReading> {
        minutes
            .map(|minute| NewReading {
                request_id,
                rid: "power".into(),
                dtstart: at(minute),
                duration_secs: Some(60),
                value: Some(minute as f64 / 4.0),
                status: (minute == 0).then(|| "{\"online\":true}".into()),
                quality: Some("Quality Good - Non Specific".into()),
                confidence: Some(100),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_group_stores_every_sites_readings_once() {
        let db = database().await;
        let (north, north_request) = request(&db, "north").await;
        let (south, south_request) = request(&db, "south").await;
        // More rows than one INSERT takes, and a resent interval.
        let group = [
            (north, readings(north_request, 0..700)),
            (south, readings(south_request, 0..3)),
        ];
        assert_eq!(store_many(&db, &group).await.unwrap(), 703);
        let again = [(north, readings(north_request, 699..701))];
        assert_eq!(store_many(&db, &again).await.unwrap(), 1);

        let stored = window(&db, north, "power", at(0), at(1000)).await.unwrap();
        assert_eq!(stored.len(), 701);
        let first = &stored[0];
        assert_eq!(
            (
                first.request_id,
                first.dtstart,
                first.duration_secs,
                first.value
            ),
            (north_request, at(0), Some(60), Some(0.0))
        );
        assert_eq!(first.status.as_deref(), Some("{\"online\":true}"));
        assert_eq!(first.confidence, Some(100));
        assert_eq!(stored[700].value, Some(175.0));
        let south_rows = window(&db, south, "power", at(0), at(1000)).await.unwrap();
        assert_eq!(south_rows.len(), 3);
    }
}
