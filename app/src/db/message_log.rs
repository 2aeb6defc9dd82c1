//! The per-VEN log of exchanges, bounded so a chatty VEN cannot fill the disk.

use super::entity::message_log;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::BTreeSet;

/// Exchanges kept per site (older ones are deleted).
pub const PER_SITE: u64 = 200;
/// Longest XML kept per direction; longer documents are cut.
pub const MAX_XML: usize = 64 * 1024;

fn bounded(mut xml: String) -> String {
    if xml.len() <= MAX_XML {
        return xml;
    }
    let mut end = MAX_XML;
    while !xml.is_char_boundary(end) {
        end -= 1;
    }
    let cut = xml.len() - end;
    xml.truncate(end);
    xml.push_str(&format!("… ({cut} bytes cut)"));
    xml
}

/// One exchange to record.
#[derive(Debug, Clone)]
pub struct Entry {
    /// When.
    pub at: DateTime<Utc>,
    /// The site, when the VEN was identified.
    pub site_id: Option<i32>,
    /// `EiEvent`, `OadrPoll`, `push`…
    pub service: &'static str,
    /// The request's message type (or `invalid`).
    pub message_type: &'static str,
    /// The answer's message type.
    pub response_type: &'static str,
    /// The request's requestID, if any.
    pub request_id: Option<String>,
    /// The answer's response code.
    pub response_code: u16,
    /// Schema deviations, one per line.
    pub deviations: String,
    /// What the VEN sent.
    pub request_xml: String,
    /// What the VTN answered.
    pub response_xml: String,
}

/// Appends exchanges in one transaction, and trims the logs of `trim` to
/// [`PER_SITE`] entries each (the caller decides which sites may be over).
pub async fn append(
    db: &DatabaseConnection,
    entries: Vec<Entry>,
    trim: &BTreeSet<Option<i32>>,
) -> Result<(), DbErr> {
    if entries.is_empty() && trim.is_empty() {
        return Ok(());
    }
    let models: Vec<message_log::ActiveModel> = entries
        .into_iter()
        .map(|entry| message_log::ActiveModel {
            site_id: Set(entry.site_id),
            at: Set(entry.at),
            service: Set(entry.service.to_owned()),
            message_type: Set(entry.message_type.to_owned()),
            response_type: Set(entry.response_type.to_owned()),
            request_id: Set(entry.request_id),
            response_code: Set(i32::from(entry.response_code)),
            deviations: Set(entry.deviations),
            request_xml: Set(bounded(entry.request_xml)),
            response_xml: Set(bounded(entry.response_xml)),
            ..Default::default()
        })
        .collect();
    let txn = db.begin().await?;
    if !models.is_empty() {
        message_log::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
    }
    for site in trim.iter().copied() {
        let filter = match site {
            Some(site) => message_log::Column::SiteId.eq(site),
            None => message_log::Column::SiteId.is_null(),
        };
        let cutoff = message_log::Entity::find()
            .filter(filter.clone())
            .order_by_desc(message_log::Column::Id)
            .offset(PER_SITE)
            .one(&txn)
            .await?;
        if let Some(cutoff) = cutoff {
            message_log::Entity::delete_many()
                .filter(filter)
                .filter(message_log::Column::Id.lte(cutoff.id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await
}

/// A site's most recent exchanges, newest first.
pub async fn recent(
    db: &DatabaseConnection,
    site_id: i32,
    limit: u64,
) -> Result<Vec<message_log::Model>, DbErr> {
    message_log::Entity::find()
        .filter(message_log::Column::SiteId.eq(site_id))
        .order_by_desc(message_log::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{sites, testing::database};

    fn entry(site_id: i32, n: usize) -> Entry {
        Entry {
            at: Utc::now(),
            site_id: Some(site_id),
            service: "OadrPoll",
            message_type: "oadrPoll",
            response_type: "oadrResponse",
            request_id: None,
            response_code: 200,
            deviations: String::new(),
            request_xml: format!("<poll n=\"{n}\"/>"),
            response_xml: "x".repeat(MAX_XML + 10),
        }
    }

    #[tokio::test]
    async fn the_log_keeps_the_newest_entries_of_each_site_and_cuts_long_documents() {
        let db = database().await;
        let site = sites::create(&db, "s", "s", None).await.unwrap();
        let entries = (0..250).map(|n| entry(site.id, n)).collect();
        append(&db, entries, &BTreeSet::from([Some(site.id)]))
            .await
            .unwrap();
        let kept = recent(&db, site.id, 1000).await.unwrap();
        assert_eq!(kept.len() as u64, PER_SITE);
        assert_eq!(kept[0].request_xml, "<poll n=\"249\"/>", "newest first");
        assert!(kept[0].response_xml.ends_with("(10 bytes cut)"));
    }
}
