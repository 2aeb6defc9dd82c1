//! Telemetry readings: stored all-or-nothing and idempotently, queried by
//! site, point and time window.

use super::entity::reading;
use crate::models::report::Reading;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
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
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut inserted = 0;
    for chunk in readings.chunks(200) {
        let models = chunk.iter().cloned().map(|r| reading::ActiveModel {
            site_id: Set(site_id),
            request_id: Set(r.request_id),
            rid: Set(r.rid),
            dtstart: Set(r.dtstart),
            duration_secs: Set(r.duration_secs),
            value: Set(r.value),
            status: Set(r.status),
            quality: Set(r.quality),
            confidence: Set(r.confidence),
            received_at: Set(now),
            ..Default::default()
        });
        let result = reading::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([
                    reading::Column::RequestId,
                    reading::Column::Rid,
                    reading::Column::Dtstart,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        inserted += result;
    }
    txn.commit().await?;
    Ok(inserted)
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
