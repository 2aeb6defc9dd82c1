//! The report subscription lifecycle: what a VEN offers (METADATA), what the
//! VTN requests, and the state of each request:
//! requested → created → receiving → cancelling → cancelled (or completed).

use super::entity::{report_description, report_request};
use crate::models::report::ReportRequest;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait, sea_query::Expr,
};

/// Requested, not yet acknowledged.
pub const REQUESTED: &str = "requested";
/// The VEN acknowledged (oadrCreatedReport).
pub const CREATED: &str = "created";
/// Data is arriving.
pub const RECEIVING: &str = "receiving";
/// The VTN asked the VEN to stop.
pub const CANCELLING: &str = "cancelling";
/// Stopped.
pub const CANCELLED: &str = "cancelled";

/// One data point a VEN offers.
#[derive(Debug, Clone)]
pub struct OfferedPoint {
    /// The report it belongs to.
    pub report_specifier_id: String,
    /// e.g. `TELEMETRY_USAGE` (a `METADATA_` prefix is removed).
    pub report_name: String,
    /// The point.
    pub rid: String,
    /// usage, reading…
    pub report_type: String,
    /// Direct Read…
    pub reading_type: String,
    /// e.g. `powerReal`.
    pub item_kind: Option<String>,
    /// e.g. `W`.
    pub units: Option<String>,
    /// e.g. `k`.
    pub si_scale: Option<String>,
    /// Fastest sampling.
    pub min_period_secs: Option<i64>,
    /// Slowest sampling.
    pub max_period_secs: Option<i64>,
}

/// Replaces what a site offers and returns it as stored; the site's earlier
/// requests end (the VEN starts over after a new registration).
pub async fn register(
    db: &DatabaseConnection,
    site_id: i32,
    points: Vec<OfferedPoint>,
) -> Result<Vec<report_description::Model>, DbErr> {
    let txn = db.begin().await?;
    report_description::Entity::delete_many()
        .filter(report_description::Column::SiteId.eq(site_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    let rows = points
        .into_iter()
        .map(|point| report_description::ActiveModel {
            site_id: Set(site_id),
            report_specifier_id: Set(point.report_specifier_id),
            report_name: Set(point.report_name.trim_start_matches("METADATA_").to_owned()),
            rid: Set(point.rid),
            report_type: Set(point.report_type),
            reading_type: Set(point.reading_type),
            item_kind: Set(point.item_kind),
            units: Set(point.units),
            si_scale: Set(point.si_scale),
            min_period_secs: Set(point.min_period_secs),
            max_period_secs: Set(point.max_period_secs),
            registered_at: Set(now),
            ..Default::default()
        });
    // One statement for every point: each query is a round trip to the
    // database's thread, which is what a registration costs most.
    let mut offered = report_description::Entity::insert_many(rows)
        .exec_with_returning(&txn)
        .await?;
    offered.sort_by_key(|d| d.id);
    report_request::Entity::update_many()
        .col_expr(report_request::Column::State, Expr::value(CANCELLED))
        .col_expr(report_request::Column::UpdatedAt, Expr::value(now))
        .filter(report_request::Column::SiteId.eq(site_id))
        .filter(report_request::Column::State.is_not_in([CANCELLED]))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    super::changes::REPORTS.site(site_id);
    Ok(offered)
}

/// What a site offers.
pub async fn offered(
    db: &DatabaseConnection,
    site_id: i32,
) -> Result<Vec<report_description::Model>, DbErr> {
    report_description::Entity::find()
        .filter(report_description::Column::SiteId.eq(site_id))
        .order_by_asc(report_description::Column::Id)
        .all(db)
        .await
}

/// A report to request.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The offered report.
    pub report_specifier_id: String,
    /// Its name.
    pub report_name: String,
    /// Sampling interval.
    pub granularity_secs: i64,
    /// How often the VEN sends data.
    pub report_back_secs: i64,
    /// Start of reporting.
    pub interval_start: DateTime<Utc>,
    /// Length of reporting.
    pub interval_secs: i64,
    /// The points wanted.
    pub rids: Vec<String>,
    /// Already on its way (in a registration answer) rather than waiting for a poll.
    pub sent: bool,
}

/// Stores a request with a new report request ID.
pub async fn create_request(
    db: &DatabaseConnection,
    site_id: i32,
    new: NewRequest,
) -> Result<report_request::Model, DbErr> {
    let request = new_request(site_id, new, Utc::now()).insert(db).await?;
    super::changes::OUTBOX.site(site_id);
    super::changes::REPORTS.site(site_id);
    Ok(request)
}

fn new_request(site_id: i32, new: NewRequest, now: DateTime<Utc>) -> report_request::ActiveModel {
    report_request::ActiveModel {
        site_id: Set(site_id),
        report_request_id: Set(super::sites::new_id("rr")),
        report_specifier_id: Set(new.report_specifier_id),
        report_name: Set(new.report_name),
        granularity_secs: Set(new.granularity_secs),
        report_back_secs: Set(new.report_back_secs),
        interval_start: Set(new.interval_start),
        interval_secs: Set(new.interval_secs),
        rids: Set(serde_json::to_string(&new.rids).unwrap_or_else(|_| "[]".into())),
        state: Set(REQUESTED.into()),
        sent: Set(new.sent),
        cancel_sent: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The requests the VTN makes by default of what a site offers: every point
/// of its TELEMETRY_USAGE and TELEMETRY_STATUS reports, at its program's
/// granularity and report-back period (within the VEN's sampling limits),
/// reporting for a year. `offered` is what [`register`] stored.
pub async fn request_defaults(
    db: &DatabaseConnection,
    site_id: i32,
    offered: &[report_description::Model],
    now: DateTime<Utc>,
) -> Result<Vec<report_request::Model>, DbErr> {
    let program = super::programs::first_of_site(db, site_id).await?;
    let (usage, status) = program.map_or(((3600, 86_400), (300, 300)), |p| {
        (
            (p.usage_granularity_secs, p.usage_report_back_secs),
            (p.status_granularity_secs, p.status_report_back_secs),
        )
    });
    let mut specifiers: Vec<(&str, &str)> = offered
        .iter()
        .map(|d| (d.report_specifier_id.as_str(), d.report_name.as_str()))
        .collect();
    specifiers.dedup();
    let mut wanted = Vec::new();
    for (specifier, name) in specifiers {
        let (granularity, report_back) = match name {
            "TELEMETRY_USAGE" => usage,
            "TELEMETRY_STATUS" => status,
            _ => continue,
        };
        let points: Vec<&report_description::Model> = offered
            .iter()
            .filter(|d| d.report_specifier_id == specifier)
            .collect();
        let fastest = points
            .iter()
            .filter_map(|d| d.min_period_secs)
            .max()
            .unwrap_or(0);
        let slowest = points
            .iter()
            .filter_map(|d| d.max_period_secs)
            .filter(|s| *s > 0)
            .min()
            .unwrap_or(i64::MAX);
        let granularity = granularity.clamp(fastest.min(slowest), slowest.max(fastest));
        let request = NewRequest {
            report_specifier_id: specifier.to_owned(),
            report_name: name.to_owned(),
            granularity_secs: granularity,
            report_back_secs: report_back,
            interval_start: now,
            interval_secs: TimeDelta::days(365).num_seconds(),
            rids: points.iter().map(|d| d.rid.clone()).collect(),
            sent: true,
        };
        wanted.push(new_request(site_id, request, now));
    }
    let mut created = report_request::Entity::insert_many(wanted)
        .exec_with_returning(db)
        .await?;
    created.sort_by_key(|r| r.id);
    if !created.is_empty() {
        super::changes::OUTBOX.site(site_id);
        super::changes::REPORTS.site(site_id);
    }
    Ok(created)
}

/// A site's request with this report request ID.
pub async fn request(
    db: &DatabaseConnection,
    site_id: i32,
    report_request_id: &str,
) -> Result<Option<report_request::Model>, DbErr> {
    report_request::Entity::find()
        .filter(report_request::Column::SiteId.eq(site_id))
        .filter(report_request::Column::ReportRequestId.eq(report_request_id))
        .one(db)
        .await
}

/// All of a site's requests, oldest first.
pub async fn requests(
    db: &DatabaseConnection,
    site_id: i32,
) -> Result<Vec<report_request::Model>, DbErr> {
    report_request::Entity::find()
        .filter(report_request::Column::SiteId.eq(site_id))
        .order_by_asc(report_request::Column::Id)
        .all(db)
        .await
}

async fn set(
    db: &DatabaseConnection,
    request: &report_request::Model,
    column: report_request::Column,
    value: impl Into<sea_orm::Value>,
) -> Result<(), DbErr> {
    report_request::Entity::update_many()
        .col_expr(column, Expr::value(value))
        .col_expr(report_request::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(report_request::Column::Id.eq(request.id))
        .exec(db)
        .await?;
    super::changes::REPORTS.site(request.site_id);
    Ok(())
}

/// Moves a request to a state.
pub async fn set_state(
    db: &DatabaseConnection,
    request: &report_request::Model,
    state: &str,
) -> Result<(), DbErr> {
    set(db, request, report_request::Column::State, state).await?;
    if state == REQUESTED || state == CANCELLING {
        // Something to send again.
        super::changes::OUTBOX.site(request.site_id);
    }
    Ok(())
}

/// The VEN acknowledged these requests (oadrCreatedReport): those of the
/// site's still requested become created; others (unknown, or already further
/// along) stay as they are.
pub async fn created(
    db: &DatabaseConnection,
    site_id: i32,
    report_request_ids: &[&str],
) -> Result<(), DbErr> {
    if report_request_ids.is_empty() {
        return Ok(());
    }
    report_request::Entity::update_many()
        .col_expr(report_request::Column::State, Expr::value(CREATED))
        .col_expr(report_request::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(report_request::Column::SiteId.eq(site_id))
        .filter(report_request::Column::ReportRequestId.is_in(report_request_ids.iter().copied()))
        .filter(report_request::Column::State.eq(REQUESTED))
        .exec(db)
        .await?;
    super::changes::REPORTS.site(site_id);
    Ok(())
}

/// Records that a request (or its cancellation) was delivered.
pub async fn mark_sent(
    db: &DatabaseConnection,
    request: &report_request::Model,
) -> Result<(), DbErr> {
    if request.state == CANCELLING {
        set(db, request, report_request::Column::CancelSent, true).await
    } else {
        set(db, request, report_request::Column::Sent, true).await
    }
}

/// The next request or cancellation waiting for the site's poll.
pub async fn next_unsent(
    db: &DatabaseConnection,
    site_id: i32,
) -> Result<Option<report_request::Model>, DbErr> {
    let all = requests(db, site_id).await?;
    Ok(all
        .into_iter()
        .find(|r| (!r.sent && r.state == REQUESTED) || (r.state == CANCELLING && !r.cancel_sent)))
}

/// Asks the VEN to stop a report (delivered on its next poll).
pub async fn cancel(db: &DatabaseConnection, request: &report_request::Model) -> Result<(), DbErr> {
    set_state(db, request, CANCELLING).await
}

/// Stops request `id`: one not yet delivered ends at once, a live one is
/// cancelled with the VEN on its next poll, one already over stays as it is
/// (so a retry is harmless). The request as it now is; `None` if there is none.
pub async fn stop(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<report_request::Model>, DbErr> {
    let Some(request) = report_request::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    match request.state.as_str() {
        REQUESTED if !request.sent => set_state(db, &request, CANCELLED).await?,
        REQUESTED | CREATED | RECEIVING => cancel(db, &request).await?,
        _ => return Ok(Some(request)),
    }
    report_request::Entity::find_by_id(id).one(db).await
}

impl From<report_request::Model> for ReportRequest {
    fn from(m: report_request::Model) -> Self {
        Self {
            rids: rids(&m),
            id: m.id,
            site_id: m.site_id,
            report_request_id: m.report_request_id,
            report_specifier_id: m.report_specifier_id,
            report_name: m.report_name,
            granularity_secs: m.granularity_secs,
            report_back_secs: m.report_back_secs,
            state: m.state,
            sent: m.sent,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The VEN confirmed: every request it was asked to stop is cancelled.
pub async fn confirm_cancellations(db: &DatabaseConnection, site_id: i32) -> Result<(), DbErr> {
    report_request::Entity::update_many()
        .col_expr(report_request::Column::State, Expr::value(CANCELLED))
        .col_expr(report_request::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(report_request::Column::SiteId.eq(site_id))
        .filter(report_request::Column::State.eq(CANCELLING))
        .filter(report_request::Column::CancelSent.eq(true))
        .exec(db)
        .await?;
    super::changes::REPORTS.site(site_id);
    Ok(())
}

/// The rIDs a request asked for.
pub fn rids(request: &report_request::Model) -> Vec<String> {
    serde_json::from_str(&request.rids).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sites;
    use crate::db::testing::database;

    fn point(specifier: &str, name: &str, rid: &str) -> OfferedPoint {
        OfferedPoint {
            report_specifier_id: specifier.into(),
            report_name: name.into(),
            rid: rid.into(),
            report_type: "usage".into(),
            reading_type: "Direct Read".into(),
            item_kind: Some("powerReal".into()),
            units: Some("W".into()),
            si_scale: None,
            min_period_secs: Some(60),
            max_period_secs: Some(3600),
        }
    }

    async fn registered(db: &DatabaseConnection, name: &str) -> (i32, Vec<report_request::Model>) {
        let site = sites::create(db, name, name, None).await.unwrap();
        let points = vec![
            point("usage", "METADATA_TELEMETRY_USAGE", "power"),
            point("usage", "METADATA_TELEMETRY_USAGE", "energy"),
            point("status", "METADATA_TELEMETRY_STATUS", "status"),
            point("history", "METADATA_HISTORY_USAGE", "power"),
        ];
        let offered = register(db, site.id, points).await.unwrap();
        let requests = request_defaults(db, site.id, &offered, Utc::now())
            .await
            .unwrap();
        (site.id, requests)
    }

    #[tokio::test]
    async fn registering_stores_the_offer_and_requests_telemetry_in_one_go() {
        let db = database().await;
        let (site, requests) = registered(&db, "north").await;
        let stored: Vec<(String, String, String)> = offered(&db, site)
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.report_specifier_id, d.report_name, d.rid))
            .collect();
        assert_eq!(
            stored[0],
            ("usage".into(), "TELEMETRY_USAGE".into(), "power".into())
        );
        assert_eq!(stored.len(), 4);
        let asked: Vec<(&str, Vec<String>, i64)> = requests
            .iter()
            .map(|r| (r.report_specifier_id.as_str(), rids(r), r.granularity_secs))
            .collect();
        assert_eq!(
            asked,
            [
                ("usage", vec!["power".to_owned(), "energy".to_owned()], 3600),
                ("status", vec!["status".to_owned()], 300),
            ]
        );
        assert!(requests.iter().all(|r| r.state == REQUESTED && r.sent));

        // A new registration replaces the offer and ends the old requests.
        let again = register(&db, site, vec![point("usage", "TELEMETRY_USAGE", "power")])
            .await
            .unwrap();
        assert_eq!(again.len(), 1);
        let states: Vec<String> = self::requests(&db, site)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.state)
            .collect();
        assert_eq!(states, [CANCELLED, CANCELLED]);
    }

    #[tokio::test]
    async fn only_the_sites_own_requested_requests_become_created() {
        let db = database().await;
        let (north, mine) = registered(&db, "north").await;
        let (south, theirs) = registered(&db, "south").await;
        set_state(&db, &mine[1], RECEIVING).await.unwrap();
        let ids = [
            mine[0].report_request_id.as_str(),
            mine[1].report_request_id.as_str(),
            theirs[0].report_request_id.as_str(),
            "rr-unknown",
        ];
        created(&db, north, &ids).await.unwrap();
        let states = |site| {
            let db = db.clone();
            async move {
                self::requests(&db, site)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.state)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(states(north).await, [CREATED, RECEIVING]);
        assert_eq!(states(south).await, [REQUESTED, REQUESTED]);
    }
}
