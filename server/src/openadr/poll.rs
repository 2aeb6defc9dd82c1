//! OadrPoll: whatever the VTN has for the VEN, one message per poll.

use super::distribute;
use super::error::OadrError;
use super::exchange::Request;
use super::register::acknowledge;
use super::report;
use app::db::{events, reports, sites, ven_messages};
use openadr::Message;
use openadr::register::{CancelPartyRegistration, RequestReregistration};
use openadr::report::{CreateReport, RegisterReport};

/// Answers a poll: the VEN's events if they changed since the last delivery,
/// else the oldest queued registration message, else a report request or
/// cancellation waiting to be sent, else a plain 200.
pub async fn handle(request: Request<'_>) -> Result<Message, OadrError> {
    let Request {
        state,
        site,
        message,
    } = request;
    let Message::Poll(_) = message else {
        return Err(OadrError::not_recognized(message.name(), "OadrPoll"));
    };
    let db = &state.db;
    let now = chrono::Utc::now();
    let current = events::for_site(db, site.id, now).await?;
    if current.iter().any(|e| e.undelivered()) {
        let distribution = distribute::build(&state.oadr.vtn_id, &site, &current, now, None);
        events::mark_delivered(db, site.id, &current).await?;
        return Ok(distribution.into());
    }
    if let Some(queued) = ven_messages::next(db, site.id).await? {
        ven_messages::delivered(db, queued.id).await?;
        let message = match queued.kind.as_str() {
            ven_messages::CANCEL_REGISTRATION => {
                let registration_id = site.registration_id.clone().unwrap_or_default();
                sites::cancel_registration(db, &site).await?;
                CancelPartyRegistration {
                    request_id: sites::new_id("req").into(),
                    registration_id: registration_id.into(),
                    ven_id: Some(site.ven_id.as_str().into()),
                }
                .into()
            }
            ven_messages::REGISTER_REPORT => RegisterReport {
                request_id: sites::new_id("req").into(),
                reports: Vec::new(),
                ven_id: Some(site.ven_id.as_str().into()),
                report_request_id: None,
            }
            .into(),
            _ => RequestReregistration {
                ven_id: site.ven_id.as_str().into(),
            }
            .into(),
        };
        return Ok(message);
    }
    if let Some(request) = reports::next_unsent(db, site.id).await? {
        reports::mark_sent(db, &request).await?;
        if request.state == reports::CANCELLING {
            return Ok(report::cancel_message(&request, &site.ven_id).into());
        }
        let offered = reports::offered(db, site.id).await?;
        return Ok(CreateReport {
            request_id: sites::new_id("req").into(),
            requests: vec![report::to_wire(&request, &offered)],
            ven_id: Some(site.ven_id.as_str().into()),
        }
        .into());
    }
    Ok(acknowledge(Default::default(), &site.ven_id))
}
