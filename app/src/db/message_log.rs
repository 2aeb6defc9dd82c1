//! The per-VEN log of exchanges, bounded so a chatty VEN cannot fill the disk.

use super::entity::message_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// Exchanges kept per site (older ones are deleted).
pub const PER_SITE: u64 = 200;
/// Longest XML kept per direction; longer documents are cut.
pub const MAX_XML: usize = 64 * 1024;

fn bounded(xml: &str) -> String {
    if xml.len() <= MAX_XML {
        return xml.to_owned();
    }
    let mut end = MAX_XML;
    while !xml.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes cut)", &xml[..end], xml.len() - end)
}

/// One exchange to record.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The site, when the VEN was identified.
    pub site_id: Option<i32>,
    /// `EiEvent`, `OadrPoll`…
    pub service: &'a str,
    /// The request's message type (or `invalid`).
    pub message_type: &'a str,
    /// The answer's message type.
    pub response_type: &'a str,
    /// The request's requestID, if any.
    pub request_id: Option<&'a str>,
    /// The answer's response code.
    pub response_code: u16,
    /// Schema deviations, one per line.
    pub deviations: String,
    /// What the VEN sent.
    pub request_xml: &'a str,
    /// What the VTN answered.
    pub response_xml: &'a str,
}

/// Appends an exchange and trims the site's log to [`PER_SITE`] entries.
pub async fn append(db: &DatabaseConnection, entry: Entry<'_>) -> Result<(), DbErr> {
    let inserted = message_log::ActiveModel {
        site_id: Set(entry.site_id),
        at: Set(chrono::Utc::now()),
        service: Set(entry.service.to_owned()),
        message_type: Set(entry.message_type.to_owned()),
        response_type: Set(entry.response_type.to_owned()),
        request_id: Set(entry.request_id.map(str::to_owned)),
        response_code: Set(i32::from(entry.response_code)),
        deviations: Set(entry.deviations),
        request_xml: Set(bounded(entry.request_xml)),
        response_xml: Set(bounded(entry.response_xml)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Every 20th entry, drop what is beyond the bound (cheaper than on every insert).
    if inserted.id % 20 == 0 {
        let filter = match entry.site_id {
            Some(site) => message_log::Column::SiteId.eq(site),
            None => message_log::Column::SiteId.is_null(),
        };
        let cutoff = message_log::Entity::find()
            .filter(filter.clone())
            .order_by_desc(message_log::Column::Id)
            .offset(PER_SITE)
            .one(db)
            .await?;
        if let Some(cutoff) = cutoff {
            message_log::Entity::delete_many()
                .filter(filter)
                .filter(message_log::Column::Id.lte(cutoff.id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
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
