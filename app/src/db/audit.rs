//! The audit log: operator, API, command-line and VEN registration actions.
//! A failure to record is logged but never fails the action itself.

use super::entity::audit;
use crate::models::audit::{AuditEntry, AuditPage};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryOrder, Set,
};

/// Records an action now.
pub async fn record(
    db: &DatabaseConnection,
    actor: &str,
    action: &str,
    target: &str,
    source: &str,
) {
    let entry = audit::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(actor.to_owned()),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        source: Set(source.to_owned()),
        ..Default::default()
    };
    if let Err(error) = entry.insert(db).await {
        tracing::error!(%error, actor, action, target, "could not record an audit entry");
    }
}

impl From<audit::Model> for AuditEntry {
    fn from(m: audit::Model) -> Self {
        Self {
            at: m.at,
            actor: m.actor,
            action: m.action,
            target: m.target,
            source: m.source,
        }
    }
}

/// Page `page` (0-based) of `per_page` entries, newest first.
pub async fn page(db: &DatabaseConnection, page: u64, per_page: u64) -> Result<AuditPage, DbErr> {
    let pages = audit::Entity::find()
        .order_by_desc(audit::Column::Id)
        .paginate(db, per_page.max(1));
    Ok(AuditPage {
        total: pages.num_items().await?,
        entries: pages
            .fetch_page(page)
            .await?
            .into_iter()
            .map(AuditEntry::from)
            .collect(),
    })
}

/// The whole log as CSV (`time,actor,action,target,source`), oldest first.
pub async fn export_csv(db: &DatabaseConnection, mut write: impl FnMut(&str)) -> Result<(), DbErr> {
    use super::telemetry::csv_text;
    write("time,actor,action,target,source\n");
    let mut pages = audit::Entity::find()
        .order_by_asc(audit::Column::Id)
        .paginate(db, 1000);
    while let Some(rows) = pages.fetch_and_next().await? {
        for r in rows {
            write(&format!(
                "{},{},{},{},{}\n",
                r.at.to_rfc3339(),
                csv_text(&r.actor),
                csv_text(&r.action),
                csv_text(&r.target),
                csv_text(&r.source)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;

    #[tokio::test]
    async fn actions_are_listed_newest_first_and_exported_oldest_first() {
        let db = database().await;
        record(
            &db,
            "user:alice",
            "customer.save",
            "customer 1 Acme, Inc.",
            "127.0.0.1",
        )
        .await;
        record(&db, "cli", "token.create", "token 1 scada", "local").await;
        let listed = page(&db, 0, 10).await.unwrap();
        assert_eq!(listed.total, 2);
        assert_eq!(listed.entries[0].action, "token.create");
        let mut csv = String::new();
        export_csv(&db, |chunk| csv.push_str(chunk)).await.unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "time,actor,action,target,source");
        assert!(
            lines[1].ends_with(",user:alice,customer.save,\"customer 1 Acme, Inc.\",127.0.0.1")
        );
    }
}
