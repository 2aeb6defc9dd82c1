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

/// Appends exchanges in one transaction, then trims the sites concerned to
/// [`PER_SITE`] entries each.
pub async fn append(db: &DatabaseConnection, entries: Vec<Entry>) -> Result<(), DbErr> {
    if entries.is_empty() {
        return Ok(());
    }
    let sites: BTreeSet<Option<i32>> = entries.iter().map(|e| e.site_id).collect();
    let models = entries.into_iter().map(|entry| message_log::ActiveModel {
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
    });
    let txn = db.begin().await?;
    message_log::Entity::insert_many(models)
        .exec_without_returning(&txn)
        .await?;
    for site in sites {
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
