//! One request/response exchange with a VEN: identify it by its certificate,
//! read the message, dispatch it to its service, answer, log and count.

use super::Caller;
use super::error::OadrError;
use super::{event, opt, poll, register, report};
use crate::sites::Key;
use crate::state::AppState;
use app::db::entity::site;
use app::db::message_log;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use openadr::{EiResponse, Message, Mode, ReadOptions};
use std::sync::Arc;
use std::time::Instant;

/// OpenADR behaviour the operator configures.
#[derive(Debug, Clone)]
pub struct OadrSettings {
    /// This VTN's ID.
    pub vtn_id: String,
    /// How often VENs should poll.
    pub poll_freq: openadr::values::Duration,
    /// Lenient (log deviations) or strict (refuse them).
    pub mode: Mode,
    /// A site is offline when not heard from for this long.
    pub offline_after: std::time::Duration,
    /// Which TLS-terminating gateways to believe.
    pub gateway: super::gateway::GatewaySettings,
}

impl OadrSettings {
    /// Sites heard from since this instant are online.
    pub fn online_since(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
            - chrono::TimeDelta::from_std(self.offline_after)
                .unwrap_or(chrono::TimeDelta::minutes(15))
    }
}

/// The five services of the Simple HTTP transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Registration.
    EiRegisterParty,
    /// Events.
    EiEvent,
    /// Reports.
    EiReport,
    /// Opts.
    EiOpt,
    /// Polling.
    OadrPoll,
}

impl Service {
    /// The service named in a URL.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Service::EiRegisterParty,
            Service::EiEvent,
            Service::EiReport,
            Service::EiOpt,
            Service::OadrPoll,
        ]
        .into_iter()
        .find(|service| service.as_str() == name)
    }

    /// The endpoint's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::EiRegisterParty => "EiRegisterParty",
            Service::EiEvent => "EiEvent",
            Service::EiReport => "EiReport",
            Service::EiOpt => "EiOpt",
            Service::OadrPoll => "OadrPoll",
        }
    }
}

/// What the handlers of a service get.
pub struct Request<'a> {
    /// Shared state.
    pub state: &'a AppState,
    /// The calling VEN's site.
    pub site: Arc<site::Model>,
    /// The message.
    pub message: Message,
}

/// What is known of a request, for the answer and the log, however far
/// handling got.
struct Meta {
    site_id: Option<i32>,
    message_type: &'static str,
    request_id: Option<String>,
    deviations: String,
}

/// Serves one OpenADR request. Always answers HTTP 200 with an OpenADR
/// payload: a refusal is an `oadrResponse` with the matching response code.
pub async fn serve(state: &AppState, caller: Caller, body: Bytes, service: Service) -> Response {
    let started = Instant::now();
    let mut outcome = Meta {
        site_id: None,
        message_type: "invalid",
        request_id: None,
        deviations: String::new(),
    };
    let answer = handle(state, caller, &body, service, &mut outcome).await;
    let (answer, code) = match answer {
        Ok(message) => {
            let code = response_code(&message);
            (message, code)
        }
        Err(error) => {
            tracing::info!(service = service.as_str(), code = error.code, description = %error.description, "OpenADR request refused");
            let response = openadr::register::Response {
                response: EiResponse {
                    code: error.code,
                    description: Some(error.description),
                    request_id: outcome.request_id.clone().unwrap_or_default().into(),
                },
                ven_id: None,
            };
            (Message::Response(response), error.code)
        }
    };
    let xml = answer.to_xml();
    // A poll with nothing due is counted below and shows as the site's last
    // contact, but is not logged: the log keeps 200 exchanges per site, and
    // a VEN polling every 10 s would push an event's delivery out of it
    // within half an hour (and writing every poll costs more than the poll).
    let idle_poll = outcome.message_type == "oadrPoll"
        && code == 200
        && matches!(answer, Message::Response(_))
        && outcome.deviations.is_empty();
    // Likewise a VEN sending telemetry many times a minute would fill its
    // log with reports: one accepted report a minute is kept (every reading
    // is stored, in the readings).
    let routine_report = code == 200
        && matches!(&answer, Message::UpdatedReport(u) if u.cancel.is_none())
        && outcome.deviations.is_empty();
    let logged = !idle_poll
        && outcome
            .site_id
            .is_none_or(|site| !routine_report || state.logbook.routine_due(site));
    if logged {
        state.logbook.record(message_log::Entry {
            at: chrono::Utc::now(),
            site_id: outcome.site_id,
            service: service.as_str(),
            message_type: outcome.message_type,
            response_type: answer.name(),
            request_id: outcome.request_id,
            response_code: code,
            deviations: outcome.deviations,
            request_xml: String::from_utf8_lossy(&body).into_owned(),
            response_xml: xml.clone(),
        });
    }
    let labels = [
        ("service", service.as_str()),
        ("message", outcome.message_type),
    ];
    metrics::counter!("oadr_messages_total", &labels).increment(1);
    metrics::histogram!("oadr_message_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        xml,
    )
        .into_response()
}

async fn handle(
    state: &AppState,
    caller: Caller,
    body: &[u8],
    service: Service,
    meta: &mut Meta,
) -> Result<Message, OadrError> {
    let site = identify(state, caller).await?;
    meta.site_id = Some(site.id);
    state.sites.contact(&site, chrono::Utc::now());
    let options = ReadOptions {
        mode: state.oadr.mode,
        ..ReadOptions::default()
    };
    let parsed = openadr::read(body, options)
        .map_err(|e| OadrError::new(e.response_code(), e.to_string()))?;
    meta.message_type = parsed.message.name();
    meta.request_id = request_id(&parsed.message).map(str::to_owned);
    meta.deviations = parsed
        .deviations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(first) = parsed.deviations.first() {
        tracing::info!(ven_id = %site.ven_id, count = parsed.deviations.len(), %first, "schema deviations tolerated");
        for deviation in &parsed.deviations {
            metrics::counter!("oadr_schema_deviations_total", "kind" => deviation.kind.code())
                .increment(1);
        }
    }
    if let Some(claimed) = ven_id(&parsed.message).filter(|claimed| *claimed != site.ven_id) {
        return Err(OadrError::invalid_id(format!(
            "venID {claimed} is not the VEN ID of this certificate's site ({})",
            site.ven_id
        )));
    }
    dispatch(
        Request {
            state,
            site,
            message: parsed.message,
        },
        service,
    )
    .await
}

async fn dispatch(request: Request<'_>, service: Service) -> Result<Message, OadrError> {
    match service {
        Service::EiRegisterParty => register::handle(request).await,
        Service::EiEvent => event::handle(request).await,
        Service::EiReport => report::handle(request).await,
        Service::EiOpt => opt::handle(request).await,
        Service::OadrPoll => poll::handle(request).await,
    }
}

/// Handles a VEN's answer to a pushed message as if the VEN had posted it:
/// an oadrCreatedEvent records opts, an oadrCreatedReport acknowledges
/// requests, and so on. A plain oadrResponse needs nothing.
pub async fn from_ven(
    state: &AppState,
    site: Arc<site::Model>,
    message: Message,
) -> Result<(), OadrError> {
    let service = match &message {
        Message::Response(_) => return Ok(()),
        Message::CreatedEvent(_) => Service::EiEvent,
        Message::CreatedReport(_)
        | Message::CanceledReport(_)
        | Message::RegisteredReport(_)
        | Message::UpdateReport(_) => Service::EiReport,
        Message::CanceledPartyRegistration(_) | Message::CreatePartyRegistration(_) => {
            Service::EiRegisterParty
        }
        Message::CreateOpt(_) | Message::CancelOpt(_) => Service::EiOpt,
        other => return Err(OadrError::not_recognized(other.name(), "a push answer")),
    };
    dispatch(
        Request {
            state,
            site,
            message,
        },
        service,
    )
    .await
    .map(|_| ())
}

/// The site of the caller: by certificate fingerprint or by URL token.
async fn identify(state: &AppState, caller: Caller) -> Result<Arc<site::Model>, OadrError> {
    match caller {
        Caller::Certificate(cert) => {
            let fingerprint = &*cert.fingerprint;
            // Connections opened before the revocation (keep-alive) and
            // certificates forwarded by a gateway are refused here.
            if app::pki::revoked::REVOKED.contains(fingerprint) {
                return Err(OadrError::new(
                    464,
                    format!("certificate {fingerprint} has been revoked"),
                ));
            }
            state
                .sites
                .find(&state.db, Key::Fingerprint(fingerprint))
                .await?
                .ok_or_else(|| {
                    OadrError::new(
                        464,
                        format!("certificate {fingerprint} is not bound to any site on this VTN"),
                    )
                })
        }
        Caller::Token(token) => state
            .sites
            .find(&state.db, Key::Token(&token))
            .await?
            .ok_or_else(|| OadrError::new(464, "this URL token is not (or no longer) valid")),
        Caller::Anonymous => Err(OadrError::new(
            464,
            "no client certificate: VENs must present their certificate",
        )),
        Caller::Refused(reason) => Err(OadrError::new(464, reason)),
    }
}

/// The response code of an answer the VTN is about to send.
fn response_code(message: &Message) -> u16 {
    match message {
        Message::Response(m) => m.response.code,
        Message::CreatedPartyRegistration(m) => m.response.code,
        Message::CanceledPartyRegistration(m) => m.response.code,
        Message::DistributeEvent(m) => m.response.as_ref().map_or(200, |r| r.code),
        Message::RegisteredReport(m) => m.response.code,
        Message::CreatedOpt(m) => m.response.code,
        Message::CanceledOpt(m) => m.response.code,
        _ => 200,
    }
}

/// The requestID a message carries, to echo in the answer.
pub fn request_id(message: &Message) -> Option<&str> {
    Some(
        match message {
            Message::QueryRegistration(m) => &m.request_id,
            Message::CreatePartyRegistration(m) => &m.request_id,
            Message::CancelPartyRegistration(m) => &m.request_id,
            Message::RequestEvent(m) => &m.request_id,
            Message::CreatedEvent(m) => &m.response.request_id,
            Message::RegisterReport(m) => &m.request_id,
            Message::CreateReport(m) => &m.request_id,
            Message::UpdateReport(m) => &m.request_id,
            Message::CancelReport(m) => &m.request_id,
            Message::CreateOpt(m) => &m.request_id,
            Message::CancelOpt(m) => &m.request_id,
            Message::Response(m) => &m.response.request_id,
            Message::CanceledPartyRegistration(m) => &m.response.request_id,
            Message::CreatedReport(m) => &m.response.request_id,
            Message::CanceledReport(m) => &m.response.request_id,
            _ => return None,
        }
        .as_str(),
    )
}

/// The venID a message claims, if it has one.
fn ven_id(message: &Message) -> Option<&str> {
    match message {
        Message::CreatePartyRegistration(m) => m.ven_id.as_ref(),
        Message::CancelPartyRegistration(m) => m.ven_id.as_ref(),
        Message::CanceledPartyRegistration(m) => m.ven_id.as_ref(),
        Message::Response(m) => m.ven_id.as_ref(),
        Message::RequestEvent(m) => Some(&m.ven_id),
        Message::CreatedEvent(m) => Some(&m.ven_id),
        Message::RegisterReport(m) => m.ven_id.as_ref(),
        Message::CreatedReport(m) => m.ven_id.as_ref(),
        Message::UpdateReport(m) => m.ven_id.as_ref(),
        Message::CanceledReport(m) => m.ven_id.as_ref(),
        Message::CreateOpt(m) => Some(&m.ven_id),
        Message::CancelOpt(m) => Some(&m.ven_id),
        Message::Poll(m) => Some(&m.ven_id),
        _ => None,
    }
    .map(|id| id.as_str())
    .filter(|id| !id.is_empty())
}
