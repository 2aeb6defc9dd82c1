//! EiReport: the report subscription lifecycle with a VEN. The VEN offers
//! reports (oadrRegisterReport) and the VTN answers with its requests; the VEN
//! acknowledges them (oadrCreatedReport), sends data (oadrUpdateReport) and
//! confirms cancellations (oadrCanceledReport). The VTN offers no reports of
//! its own, so its METADATA (sent after registration) is empty.

use super::error::OadrError;
use super::exchange::Request;
use super::register::acknowledge;
use app::db::entity::report_request;
use app::db::readings::NewReading;
use app::db::reports::{self, OfferedPoint};
use chrono::{DateTime, TimeDelta, Utc};
use openadr::report::{
    CancelReport, PayloadValue, RegisteredReport, Report, ReportRequest, ReportSpecifier,
    SpecifierPayload, UpdatedReport,
};
use openadr::values::Duration;
use openadr::{EiResponse, Message};

/// Handles a message posted to EiReport.
pub async fn handle(request: Request<'_>) -> Result<Message, OadrError> {
    let Request {
        state,
        site,
        message,
    } = request;
    let db = &state.db;
    match message {
        Message::RegisterReport(register) => {
            let points = register.reports.iter().flat_map(offered_points).collect();
            let offered = reports::register(db, site.id, points).await?;
            let requests = reports::request_defaults(db, site.id, &offered, Utc::now()).await?;
            tracing::info!(ven_id = %site.ven_id, offered = offered.len(), requested = requests.len(), "VEN registered its reports");
            Ok(RegisteredReport {
                response: EiResponse::ok(register.request_id),
                requests: requests.iter().map(|r| to_wire(r, &offered)).collect(),
                ven_id: Some(site.ven_id.as_str().into()),
            }
            .into())
        }
        Message::CreatedReport(created) => {
            let ids: Vec<&str> = created.pending.iter().map(|id| id.as_str()).collect();
            reports::created(db, site.id, &ids).await?;
            Ok(acknowledge(created.response.request_id, &site.ven_id))
        }
        Message::UpdateReport(update) => {
            let mut batch = Vec::new();
            let mut started = Vec::new();
            for report in &update.reports {
                let request = state
                    .sites
                    .report_request(db, site.id, report.report_request_id.as_str())
                    .await?
                    .ok_or_else(|| {
                        OadrError::invalid_id(format!(
                            "reportRequestID {} is not this VEN's",
                            report.report_request_id
                        ))
                    })?;
                if request.state == reports::CANCELLED {
                    return Err(OadrError::invalid_id(format!(
                        "report request {} was cancelled",
                        request.report_request_id
                    )));
                }
                batch.extend(readings_of(report, &request)?);
                // pyoadr-ven never sends oadrCreatedReport: its first data creates the request.
                if matches!(
                    request.state.as_str(),
                    reports::REQUESTED | reports::CREATED
                ) {
                    started.push(request);
                }
            }
            let count = batch.len();
            // Committed before the acknowledgement below is sent.
            state.ingest.store(site.id, batch).await?;
            for request in started {
                reports::set_state(db, &request, reports::RECEIVING).await?;
            }
            tracing::debug!(ven_id = %site.ven_id, readings = count, "report data stored");
            // A cancellation the VEN has not seen yet rides along with the
            // acknowledgement (none when the site is known to be idle).
            let unsent = if state.sites.idle(site.id) {
                None
            } else {
                reports::next_unsent(db, site.id).await?
            };
            let cancel = match unsent.filter(|r| r.state == reports::CANCELLING) {
                Some(request) => {
                    reports::mark_sent(db, &request).await?;
                    Some(cancel_message(&request, &site.ven_id))
                }
                None => None,
            };
            Ok(UpdatedReport {
                response: EiResponse::ok(update.request_id),
                cancel,
                ven_id: Some(site.ven_id.as_str().into()),
            }
            .into())
        }
        Message::CanceledReport(canceled) => {
            reports::confirm_cancellations(db, site.id).await?;
            Ok(acknowledge(canceled.response.request_id, &site.ven_id))
        }
        // The VEN's answer to the VTN's (empty) METADATA.
        Message::RegisteredReport(registered) => {
            Ok(acknowledge(registered.response.request_id, &site.ven_id))
        }
        Message::CreateReport(_) => Err(OadrError::new(462, "this VTN offers no reports")),
        other => Err(OadrError::not_recognized(other.name(), "EiReport")),
    }
}

fn seconds(duration: &Duration) -> Option<i64> {
    duration.to_time_delta().map(|d| d.num_seconds())
}

fn offered_points(report: &Report) -> Vec<OfferedPoint> {
    let name = report
        .report_name
        .as_ref()
        .map_or_else(String::new, |n| n.as_str().to_owned());
    report
        .descriptions
        .iter()
        .map(|d| OfferedPoint {
            report_specifier_id: report.report_specifier_id.to_string(),
            report_name: name.clone(),
            rid: d.rid.to_string(),
            report_type: d.report_type.to_string(),
            reading_type: d.reading_type.to_string(),
            item_kind: d.item_base.as_ref().map(|i| format!("{:?}", i.kind)),
            units: d.item_base.as_ref().map(|i| i.units.clone()),
            si_scale: d.item_base.as_ref().and_then(|i| i.si_scale.clone()),
            min_period_secs: d
                .sampling_rate
                .as_ref()
                .and_then(|r| seconds(&r.min_period)),
            max_period_secs: d
                .sampling_rate
                .as_ref()
                .and_then(|r| seconds(&r.max_period)),
        })
        .collect()
}

/// The request as the VEN receives it. Always with a reportInterval: it is
/// optional in the schema, but pyoadr-ven fails without one.
pub fn to_wire(
    request: &report_request::Model,
    offered: &[app::db::entity::report_description::Model],
) -> ReportRequest {
    let reading_type = |rid: &str| {
        offered
            .iter()
            .find(|d| d.rid == rid && d.report_specifier_id == request.report_specifier_id)
            .map_or_else(|| "x-notApplicable".to_owned(), |d| d.reading_type.clone())
    };
    ReportRequest {
        report_request_id: request.report_request_id.as_str().into(),
        specifier: ReportSpecifier {
            report_specifier_id: request.report_specifier_id.as_str().into(),
            granularity: Duration::from_seconds(request.granularity_secs),
            report_back_duration: Duration::from_seconds(request.report_back_secs),
            report_interval: Some((
                request.interval_start,
                Duration::from_seconds(request.interval_secs),
            )),
            payloads: reports::rids(request)
                .into_iter()
                .map(|rid| SpecifierPayload {
                    reading_type: reading_type(&rid)
                        .parse()
                        .unwrap_or_else(|never| match never {}),
                    rid: rid.into(),
                    item_base: None,
                })
                .collect(),
        },
    }
}

/// `oadrCancelReport` for a request.
pub fn cancel_message(request: &report_request::Model, ven_id: &str) -> CancelReport {
    CancelReport {
        request_id: app::db::sites::new_id("req").into(),
        report_request_ids: vec![request.report_request_id.as_str().into()],
        report_to_follow: false,
        ven_id: Some(ven_id.into()),
    }
}

/// The readings of a data report, checked against its request: every rID must
/// be one requested, every interval must have a start (its own, or following
/// the previous from the report's start).
fn readings_of(
    report: &Report,
    request: &report_request::Model,
) -> Result<Vec<NewReading>, OadrError> {
    let wanted = reports::rids(request);
    let mut next_start: Option<DateTime<Utc>> = report.dtstart;
    let mut out = Vec::new();
    for interval in &report.intervals {
        let start = interval.dtstart.or(next_start).ok_or_else(|| {
            OadrError::new(
                454,
                "an interval has no start and the report has no dtstart",
            )
        })?;
        let duration = interval.duration.as_ref().and_then(seconds);
        next_start = duration.map(|d| start + TimeDelta::seconds(d));
        for payload in &interval.payloads {
            if !wanted.iter().any(|rid| rid == payload.rid.as_str()) {
                return Err(OadrError::new(
                    454,
                    format!(
                        "rID {} is not part of report request {}",
                        payload.rid, request.report_request_id
                    ),
                ));
            }
            let (value, status) = match &payload.value {
                PayloadValue::Float(v) => (Some(*v), None),
                PayloadValue::ResourceStatus(s) => (
                    None,
                    Some(format!(
                        "{{\"online\":{},\"manual_override\":{}}}",
                        s.online, s.manual_override
                    )),
                ),
            };
            out.push(NewReading {
                request_id: request.id,
                rid: payload.rid.to_string(),
                dtstart: start,
                duration_secs: duration,
                value,
                status,
                quality: payload.data_quality.clone(),
                confidence: payload.confidence.and_then(|c| i32::try_from(c).ok()),
            });
        }
    }
    Ok(out)
}
