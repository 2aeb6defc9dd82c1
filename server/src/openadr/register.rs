//! EiRegisterParty: query, registration, cancellation, and the VEN's answers
//! to VTN-initiated re-registration and cancellation.

use super::error::OadrError;
use super::exchange::Request;
use app::db::audit;
use app::db::sites::{self, Registration};
use app::db::ven_messages;
use openadr::register::{CanceledPartyRegistration, CreatedPartyRegistration, Profile, Response};
use openadr::{EiResponse, Message};

/// Handles a message posted to EiRegisterParty.
pub async fn handle(request: Request<'_>) -> Result<Message, OadrError> {
    let Request {
        state,
        site,
        message,
    } = request;
    let db = &state.db;
    let created = |request_id, registration_id: Option<String>, ven_id: Option<String>| {
        CreatedPartyRegistration {
            response: EiResponse::ok(request_id),
            registration_id: registration_id.map(Into::into),
            ven_id: ven_id.map(Into::into),
            vtn_id: state.oadr.vtn_id.as_str().into(),
            profiles: vec![Profile {
                name: "2.0b".into(),
                transports: vec!["simpleHttp".into()],
            }],
            poll_freq: site.send_poll_freq.then_some(state.oadr.poll_freq),
            service_specific_info: Vec::new(),
        }
    };
    match message {
        Message::QueryRegistration(query) => Ok(created(query.request_id, None, None).into()),
        Message::CreatePartyRegistration(create) => {
            if let Some(name) = create
                .ven_name
                .as_deref()
                .filter(|name| *name != site.ven_name)
            {
                return Err(OadrError::invalid_id(format!(
                    "venName {name} does not match this certificate's site (registered as {})",
                    site.ven_name
                )));
            }
            if let Some(id) = create
                .registration_id
                .as_ref()
                .filter(|id| site.registration_id.as_deref() != Some(id.as_str()))
            {
                return Err(OadrError::invalid_id(format!(
                    "registrationID {id} is not this VEN's registration"
                )));
            }
            if create.profile_name != "2.0b" {
                return Err(OadrError::new(
                    451,
                    format!(
                        "profile {} is not supported; this VTN speaks 2.0b",
                        create.profile_name
                    ),
                ));
            }
            if create.transport_name != "simpleHttp" {
                return Err(OadrError::new(
                    451,
                    format!(
                        "transport {} is not supported; use simpleHttp",
                        create.transport_name
                    ),
                ));
            }
            let registration = Registration {
                profile_name: create.profile_name,
                transport_name: create.transport_name,
                transport_address: create.transport_address,
                http_pull_model: create.http_pull_model,
                report_only: create.report_only,
                xml_signature: create.xml_signature,
            };
            let site = sites::register(db, &site, registration).await?;
            tracing::info!(ven_id = %site.ven_id, ven_name = %site.ven_name, "VEN registered");
            let target = format!(
                "registration {}",
                site.registration_id.as_deref().unwrap_or("")
            );
            audit::record(
                db,
                &format!("ven:{}", site.ven_id),
                "ven.register",
                &target,
                "openadr",
            )
            .await;
            // 2.0b: after registration both parties offer their reports.
            ven_messages::queue(db, site.id, ven_messages::REGISTER_REPORT).await?;
            Ok(created(create.request_id, site.registration_id, Some(site.ven_id)).into())
        }
        Message::CancelPartyRegistration(cancel) => {
            if site.registration_id.as_deref() != Some(cancel.registration_id.as_str()) {
                return Err(OadrError::invalid_id(format!(
                    "registrationID {} is not this VEN's registration",
                    cancel.registration_id
                )));
            }
            let site = sites::cancel_registration(db, &site).await?;
            tracing::info!(ven_id = %site.ven_id, "VEN cancelled its registration");
            let target = format!("registration {}", cancel.registration_id);
            audit::record(
                db,
                &format!("ven:{}", site.ven_id),
                "ven.cancel-registration",
                &target,
                "openadr",
            )
            .await;
            Ok(CanceledPartyRegistration {
                response: EiResponse::ok(cancel.request_id),
                registration_id: Some(cancel.registration_id),
                ven_id: Some(site.ven_id.into()),
            }
            .into())
        }
        // The VEN's acknowledgements of what the VTN sent on a poll.
        Message::CanceledPartyRegistration(answer) => {
            Ok(acknowledge(answer.response.request_id, &site.ven_id))
        }
        Message::Response(answer) => Ok(acknowledge(answer.response.request_id, &site.ven_id)),
        other => Err(OadrError::not_recognized(other.name(), "EiRegisterParty")),
    }
}

/// A plain 200 `oadrResponse`.
pub fn acknowledge(request_id: openadr::values::RequestId, ven_id: &str) -> Message {
    Response {
        response: EiResponse::ok(request_id),
        ven_id: Some(ven_id.into()),
    }
    .into()
}
