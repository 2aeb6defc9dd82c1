//! EiEvent: a VEN asks for its events, or answers them.

use super::distribute;
use super::error::OadrError;
use super::exchange::Request;
use super::register::acknowledge;
use app::db::events::{self, EventError};
use openadr::Message;

/// Handles a message posted to EiEvent.
pub async fn handle(request: Request<'_>) -> Result<Message, OadrError> {
    let Request {
        state,
        site,
        message,
    } = request;
    match message {
        Message::RequestEvent(ask) => {
            let now = chrono::Utc::now();
            let current = events::for_site(&state.db, site.id, now).await?;
            let mut distribution = distribute::build(
                &state.oadr.vtn_id,
                &site,
                &current,
                now,
                Some(ask.request_id),
            );
            if let Some(limit) = ask.reply_limit.and_then(|l| usize::try_from(l).ok()) {
                distribution.events.truncate(limit);
            }
            events::mark_delivered(&state.db, site.id, &current).await?;
            Ok(distribution.into())
        }
        Message::CreatedEvent(created) => {
            let mut unknown = Vec::new();
            for answer in &created.event_responses {
                let modification = i32::try_from(answer.modification_number).unwrap_or(i32::MAX);
                match events::record_opt(
                    &state.db,
                    site.id,
                    answer.event_id.as_str(),
                    modification,
                    answer.opt_type.as_str(),
                )
                .await
                {
                    Ok(()) => {
                        tracing::info!(ven_id = %site.ven_id, event_id = %answer.event_id, opt = %answer.opt_type, "event answered")
                    }
                    Err(EventError::Unknown(id)) => unknown.push(id),
                    Err(EventError::Db(e)) => return Err(e.into()),
                    Err(EventError::Invalid(reason)) => return Err(OadrError::new(454, reason)),
                }
            }
            if unknown.is_empty() {
                Ok(acknowledge(created.response.request_id, &site.ven_id))
            } else {
                Err(OadrError::invalid_id(format!(
                    "unknown event(s) for this VEN: {}",
                    unknown.join(", ")
                )))
            }
        }
        other => Err(OadrError::not_recognized(other.name(), "EiEvent")),
    }
}
