//! One query that tells whether a site may have anything to receive: an
//! event version not yet delivered, a queued VTN message, or a report request
//! or cancellation not yet sent. An idle poll stops here instead of loading
//! events, messages and report requests one by one (each query is a round
//! trip to the database thread). The caller checks in full only the kinds
//! that may have something.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};
use std::collections::HashSet;

/// Event versions not yet delivered (a cancellation of an event the site
/// never heard of is not one).
const EVENTS: &str = "FROM event_sites es JOIN events e ON e.id = es.event_id \
    WHERE (es.delivered_modification IS NULL OR es.delivered_modification <> e.modification_number) \
      AND NOT (e.cancelled AND es.delivered_modification IS NULL)";
/// Queued VTN messages.
const MESSAGES: &str = "FROM ven_messages WHERE delivered_at IS NULL";
/// Report requests and cancellations not yet sent.
const REPORTS: &str = "FROM report_requests \
    WHERE ((NOT sent AND state = 'requested') OR (state = 'cancelling' AND NOT cancel_sent))";

/// What a site may have pending, by kind: the caller loads only those.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    /// Event versions not yet delivered (some perhaps announced for later).
    pub events: bool,
    /// Queued VTN messages.
    pub messages: bool,
    /// Report requests or cancellations not yet sent.
    pub reports: bool,
}

impl Pending {
    /// Whether anything at all.
    pub fn any(self) -> bool {
        self.events || self.messages || self.reports
    }
}

/// What the site may have pending.
pub async fn of_site(db: &DatabaseConnection, site_id: i32) -> Result<Pending, DbErr> {
    let backend = db.get_database_backend();
    let site = match backend {
        DatabaseBackend::Postgres => "$1",
        _ => "?1",
    };
    let sql = format!(
        "SELECT (SELECT COUNT(*) {EVENTS} AND es.site_id = {site}) AS events, \
          (SELECT COUNT(*) {MESSAGES} AND site_id = {site}) AS messages, \
          (SELECT COUNT(*) {REPORTS} AND site_id = {site}) AS reports"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [site_id.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(Pending::default());
    };
    let some = |column: &str| row.try_get::<i64>("", column).map(|count| count > 0);
    Ok(Pending {
        events: some("events")?,
        messages: some("messages")?,
        reports: some("reports")?,
    })
}

/// Every site that may have something pending, in one query: the others
/// have nothing (what [`of_site`] answers for each, without a query each).
pub async fn sites(db: &DatabaseConnection) -> Result<HashSet<i32>, DbErr> {
    let sql = format!(
        "SELECT es.site_id AS site_id {EVENTS} \
         UNION SELECT site_id {MESSAGES} UNION SELECT site_id {REPORTS}"
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<i32>("", "site_id"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;
    use crate::db::{events, programs, reports, sites, ven_messages};
    use crate::models::event::NewEvent;

    /// What [`of_site`] answers, checked against [`sites`].
    async fn pending(db: &DatabaseConnection, site_id: i32) -> Pending {
        let one = of_site(db, site_id).await.unwrap();
        let all = sites(db).await.unwrap();
        assert_eq!(
            one.any(),
            all.contains(&site_id),
            "of_site and sites disagree"
        );
        one
    }

    const NOTHING: Pending = Pending {
        events: false,
        messages: false,
        reports: false,
    };

    #[tokio::test]
    async fn pending_follows_events_queued_messages_and_report_requests() {
        let db = database().await;
        let site = sites::create(&db, "s", "s", None).await.unwrap();
        let quiet = sites::create(&db, "q", "q", None).await.unwrap();
        assert_eq!(pending(&db, site.id).await, NOTHING);

        let program = programs::create(&db, "p", "http://p", 3600).await.unwrap();
        programs::add_site(&db, program.id, site.id).await.unwrap();
        let event = events::create(
            &db,
            &NewEvent {
                notification_secs: 0,
                ..NewEvent::simple(program.id, vec![site.id], chrono::Utc::now(), 600, 1.0)
            },
        )
        .await
        .unwrap();
        assert_eq!(
            pending(&db, site.id).await,
            Pending {
                events: true,
                ..NOTHING
            },
            "a new event"
        );
        let current = events::for_site(&db, site.id, chrono::Utc::now())
            .await
            .unwrap();
        events::mark_delivered(&db, site.id, &current)
            .await
            .unwrap();
        assert_eq!(pending(&db, site.id).await, NOTHING, "delivered");
        events::cancel(&db, event.id).await.unwrap();
        assert_eq!(
            pending(&db, site.id).await,
            Pending {
                events: true,
                ..NOTHING
            },
            "a cancellation to deliver"
        );
        let current = events::for_site(&db, site.id, chrono::Utc::now())
            .await
            .unwrap();
        events::mark_delivered(&db, site.id, &current)
            .await
            .unwrap();
        assert_eq!(pending(&db, site.id).await, NOTHING);

        let queued = ven_messages::queue(&db, site.id, ven_messages::REREGISTER)
            .await
            .unwrap();
        assert_eq!(
            pending(&db, site.id).await,
            Pending {
                messages: true,
                ..NOTHING
            },
            "a queued message"
        );
        ven_messages::delivered(&db, queued.id).await.unwrap();
        assert_eq!(pending(&db, site.id).await, NOTHING);

        let request = reports::create_request(
            &db,
            site.id,
            reports::NewRequest {
                report_specifier_id: "x".into(),
                report_name: "HISTORY_USAGE".into(),
                granularity_secs: 60,
                report_back_secs: 60,
                interval_start: chrono::Utc::now(),
                interval_secs: 60,
                rids: vec!["r".into()],
                sent: false,
            },
        )
        .await
        .unwrap();
        assert_eq!(
            pending(&db, site.id).await,
            Pending {
                reports: true,
                ..NOTHING
            },
            "an unsent report request"
        );
        reports::mark_sent(&db, &request).await.unwrap();
        assert_eq!(pending(&db, site.id).await, NOTHING);
        reports::cancel(&db, &request).await.unwrap();
        assert_eq!(
            pending(&db, site.id).await,
            Pending {
                reports: true,
                ..NOTHING
            },
            "a report cancellation"
        );
        assert_eq!(
            pending(&db, quiet.id).await,
            NOTHING,
            "another site's business"
        );
    }
}
