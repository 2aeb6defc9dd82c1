//! What the VTN has for a VEN, one message at a time, in the order 2.0b
//! expects: its events when they changed since the last delivery, then queued
//! registration messages, then report requests and cancellations. A poll takes
//! the next message at once; a push records it as delivered only once the VEN
//! has it, so nothing is lost when a VEN cannot be reached.

use super::{Service, distribute, report};
use crate::state::AppState;
use app::db::entity::{report_request, site};
use app::db::events::{self, SiteEvent};
use app::db::{reports, sites, ven_messages};
use openadr::Message;
use openadr::register::{CancelPartyRegistration, RequestReregistration};
use openadr::report::{CreateReport, RegisterReport};
use sea_orm::DbErr;

/// A message for a VEN and what to record once it is delivered.
#[derive(Debug)]
pub struct Outgoing {
    /// The message.
    pub message: Message,
    /// The VEN service it goes to when pushed.
    pub service: Service,
    delivered: Delivered,
}

#[derive(Debug)]
enum Delivered {
    Events(Vec<SiteEvent>),
    Queued { id: i32, cancels_registration: bool },
    Report(report_request::Model),
}

/// The next message for the site, if any.
pub async fn next(state: &AppState, site: &site::Model) -> Result<Option<Outgoing>, DbErr> {
    let db = &state.db;
    if state.sites.idle(site.id) {
        return Ok(None);
    }
    let version = app::db::changes::OUTBOX.version();
    let pending = app::db::pending::of_site(db, site.id).await?;
    if !pending.any() {
        state.sites.mark_idle(site.id, version, None);
        return Ok(None);
    }
    let now = chrono::Utc::now();
    if pending.events {
        let current = events::for_site(db, site.id, now).await?;
        if current.iter().any(|e| e.undelivered()) {
            let distribution = distribute::build(&state.oadr.vtn_id, site, &current, now, None);
            return Ok(Some(Outgoing {
                message: distribution.into(),
                service: Service::EiEvent,
                delivered: Delivered::Events(current),
            }));
        }
    }
    let queued = if pending.messages {
        ven_messages::next(db, site.id).await?
    } else {
        None
    };
    if let Some(queued) = queued {
        let ven_id = Some(site.ven_id.as_str().into());
        let (message, service): (Message, Service) = match queued.kind.as_str() {
            ven_messages::CANCEL_REGISTRATION => (
                CancelPartyRegistration {
                    request_id: sites::new_id("req").into(),
                    registration_id: site.registration_id.clone().unwrap_or_default().into(),
                    ven_id,
                }
                .into(),
                Service::EiRegisterParty,
            ),
            ven_messages::REGISTER_REPORT => (
                RegisterReport {
                    request_id: sites::new_id("req").into(),
                    reports: Vec::new(),
                    ven_id,
                    report_request_id: None,
                }
                .into(),
                Service::EiReport,
            ),
            _ => (
                RequestReregistration {
                    ven_id: site.ven_id.as_str().into(),
                }
                .into(),
                Service::EiRegisterParty,
            ),
        };
        let cancels_registration = queued.kind == ven_messages::CANCEL_REGISTRATION;
        return Ok(Some(Outgoing {
            message,
            service,
            delivered: Delivered::Queued {
                id: queued.id,
                cancels_registration,
            },
        }));
    }
    let request = if pending.reports {
        reports::next_unsent(db, site.id).await?
    } else {
        None
    };
    if let Some(request) = request {
        let message: Message = if request.state == reports::CANCELLING {
            report::cancel_message(&request, &site.ven_id).into()
        } else {
            let offered = reports::offered(db, site.id).await?;
            CreateReport {
                request_id: sites::new_id("req").into(),
                requests: vec![report::to_wire(&request, &offered)],
                ven_id: Some(site.ven_id.as_str().into()),
            }
            .into()
        };
        return Ok(Some(Outgoing {
            message,
            service: Service::EiReport,
            delivered: Delivered::Report(request),
        }));
    }
    // Something counted as pending but nothing is due: an event announced
    // for later, or one that ended before this site heard of it. Nothing
    // changes until the next announced event falls due (or a write).
    let until = if pending.events {
        events::next_notification(db, site.id, now).await?
    } else {
        None
    };
    state.sites.mark_idle(site.id, version, until);
    Ok(None)
}

/// Records that the VEN received `outgoing`.
pub async fn delivered(
    state: &AppState,
    site: &site::Model,
    outgoing: &Outgoing,
) -> Result<(), DbErr> {
    let db = &state.db;
    match &outgoing.delivered {
        Delivered::Events(current) => events::mark_delivered(db, site.id, current).await,
        Delivered::Queued {
            id,
            cancels_registration,
        } => {
            ven_messages::delivered(db, *id).await?;
            if *cancels_registration {
                sites::cancel_registration(db, site).await?;
            }
            Ok(())
        }
        Delivered::Report(request) => reports::mark_sent(db, request).await,
    }
}
