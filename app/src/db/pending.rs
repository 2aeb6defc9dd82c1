//! One query that tells whether a site may have anything to receive: an
//! event version not yet delivered, a queued VTN message, or a report request
//! or cancellation not yet sent. An idle poll stops here instead of loading
//! events, messages and report requests one by one (each query is a round
//! trip to the database thread). A "maybe" is checked in full by the caller.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

const SQL: &str = "SELECT \
    (SELECT COUNT(*) FROM event_sites es JOIN events e ON e.id = es.event_id \
      WHERE es.site_id = $1 \
        AND (es.delivered_modification IS NULL OR es.delivered_modification <> e.modification_number) \
        AND NOT (e.cancelled AND es.delivered_modification IS NULL)) \
  + (SELECT COUNT(*) FROM ven_messages WHERE site_id = $1 AND delivered_at IS NULL) \
  + (SELECT COUNT(*) FROM report_requests WHERE site_id = $1 \
      AND ((NOT sent AND state = 'requested') OR (state = 'cancelling' AND NOT cancel_sent))) AS pending";

/// Whether the site may have something pending.
pub async fn maybe(db: &DatabaseConnection, site_id: i32) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => SQL.to_owned(),
        _ => SQL.replace("$1", "?1"),
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [site_id.into()],
        ))
        .await?;
    let count: i64 = match row {
        Some(row) => row.try_get("", "pending")?,
        None => 0,
    };
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;
    use crate::db::{events, programs, reports, sites, ven_messages};
    use crate::models::event::NewEvent;

    #[tokio::test]
    async fn pending_follows_events_queued_messages_and_report_requests() {
        let db = database().await;
        let site = sites::create(&db, "s", "s", None).await.unwrap();
        assert!(!maybe(&db, site.id).await.unwrap());

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
        assert!(maybe(&db, site.id).await.unwrap(), "a new event");
        let current = events::for_site(&db, site.id, chrono::Utc::now())
            .await
            .unwrap();
        events::mark_delivered(&db, site.id, &current)
            .await
            .unwrap();
        assert!(!maybe(&db, site.id).await.unwrap(), "delivered");
        events::cancel(&db, event.id).await.unwrap();
        assert!(
            maybe(&db, site.id).await.unwrap(),
            "a cancellation to deliver"
        );
        let current = events::for_site(&db, site.id, chrono::Utc::now())
            .await
            .unwrap();
        events::mark_delivered(&db, site.id, &current)
            .await
            .unwrap();
        assert!(!maybe(&db, site.id).await.unwrap());

        let queued = ven_messages::queue(&db, site.id, ven_messages::REREGISTER)
            .await
            .unwrap();
        assert!(maybe(&db, site.id).await.unwrap(), "a queued message");
        ven_messages::delivered(&db, queued.id).await.unwrap();
        assert!(!maybe(&db, site.id).await.unwrap());

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
        assert!(
            maybe(&db, site.id).await.unwrap(),
            "an unsent report request"
        );
        reports::mark_sent(&db, &request).await.unwrap();
        assert!(!maybe(&db, site.id).await.unwrap());
        reports::cancel(&db, &request).await.unwrap();
        assert!(maybe(&db, site.id).await.unwrap(), "a report cancellation");
    }
}
