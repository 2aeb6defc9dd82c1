//! EiOpt: availability schedules and per-event opts from VENs.

use super::error::OadrError;
use super::exchange::Request;
use app::db::events::{self, EventError};
use app::db::opts::{self, NewOpt, Period};
use openadr::opt::{CanceledOpt, CreatedOpt};
use openadr::{EiResponse, Message};

/// Handles a message posted to EiOpt.
pub async fn handle(request: Request<'_>) -> Result<Message, OadrError> {
    let Request {
        state,
        site,
        message,
    } = request;
    let db = &state.db;
    match message {
        Message::CreateOpt(create) => {
            let event = create
                .event
                .as_ref()
                .map(|(id, m)| (id.to_string(), i32::try_from(*m).unwrap_or(i32::MAX)));
            if let Some((event_id, modification)) = &event {
                // An event opt counts like an answer through oadrCreatedEvent.
                match events::record_opt(
                    db,
                    site.id,
                    event_id,
                    *modification,
                    create.opt_type.as_str(),
                )
                .await
                {
                    Ok(()) => {}
                    Err(EventError::Unknown(id)) => {
                        return Err(OadrError::invalid_id(format!(
                            "unknown event {id} for this VEN"
                        )));
                    }
                    Err(EventError::Db(e)) => return Err(e.into()),
                    Err(EventError::Invalid(reason)) => return Err(OadrError::new(454, reason)),
                }
            }
            let availability = create
                .availability
                .iter()
                .flatten()
                .map(|a| {
                    a.duration
                        .to_time_delta()
                        .filter(|d| d.num_seconds() > 0)
                        .map(|d| Period {
                            start: a.dtstart,
                            duration_secs: d.num_seconds(),
                        })
                        .ok_or_else(|| {
                            OadrError::new(
                                454,
                                format!(
                                    "availability duration {} is not a positive length",
                                    a.duration
                                ),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let stored = opts::upsert(
                db,
                site.id,
                NewOpt {
                    opt_id: create.opt_id.to_string(),
                    opt_type: create.opt_type.to_string(),
                    opt_reason: create.opt_reason.to_string(),
                    market_context: create.market_context.clone(),
                    event,
                    availability,
                    resource_ids: create.target.resource_ids.clone(),
                },
            )
            .await?;
            tracing::info!(ven_id = %site.ven_id, opt_id = %stored.opt_id, opt = %stored.opt_type, "opt stored");
            Ok(CreatedOpt {
                response: EiResponse::ok(create.request_id),
                opt_id: create.opt_id,
            }
            .into())
        }
        Message::CancelOpt(cancel) => {
            match opts::cancel(db, site.id, cancel.opt_id.as_str()).await? {
                Some(_) => Ok(CanceledOpt {
                    response: EiResponse::ok(cancel.request_id),
                    opt_id: Some(cancel.opt_id),
                }
                .into()),
                None => Err(OadrError::invalid_id(format!(
                    "unknown opt {} for this VEN",
                    cancel.opt_id
                ))),
            }
        }
        other => Err(OadrError::not_recognized(other.name(), "EiOpt")),
    }
}
