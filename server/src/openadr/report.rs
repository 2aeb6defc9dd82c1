//! EiReport, as far as registration needs it: a VEN's report registration is
//! acknowledged without requesting any report. The report lifecycle
//! (requests, data, cancellation) is not implemented yet.

use super::error::OadrError;
use super::exchange::Request;
use openadr::report::RegisteredReport;
use openadr::{EiResponse, Message};

/// Handles a message posted to EiReport.
pub async fn handle(request: Request<'_>) -> Result<Message, OadrError> {
    let Request { site, message, .. } = request;
    match message {
        Message::RegisterReport(register) => Ok(RegisteredReport {
            response: EiResponse::ok(register.request_id),
            requests: Vec::new(),
            ven_id: Some(site.ven_id.as_str().into()),
        }
        .into()),
        other => Err(OadrError::new(
            462,
            format!("{} is not supported by this VTN yet", other.name()),
        )),
    }
}
