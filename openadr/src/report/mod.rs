//! EiReport: report registration (METADATA), requests, data and cancellation.

mod data;
mod request;

pub use data::*;
pub use request::*;

use crate::common::EiResponse;
use crate::decode::Decoder;
use crate::error::{Error, ErrorKind};
use crate::ns::Ns;
use crate::values::{ReportRequestId, RequestId, VenId};
use crate::xml::{Element, Writer};

/// `oadrRegisterReport`: the reports a party can produce.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterReport {
    /// The request's ID.
    pub request_id: RequestId,
    /// METADATA reports.
    pub reports: Vec<Report>,
    /// The VEN.
    pub ven_id: Option<VenId>,
    /// Present when answering a METADATA request.
    pub report_request_id: Option<ReportRequestId>,
}

/// `oadrRegisteredReport`: acknowledges registration and requests reports.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredReport {
    /// Outcome.
    pub response: EiResponse,
    /// Reports wanted.
    pub requests: Vec<ReportRequest>,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrCreateReport`: requests reports.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateReport {
    /// The request's ID.
    pub request_id: RequestId,
    /// Reports wanted (at least one).
    pub requests: Vec<ReportRequest>,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrCreatedReport`: acknowledges, listing all pending report requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedReport {
    /// Outcome.
    pub response: EiResponse,
    /// Every report request still running.
    pub pending: Vec<ReportRequestId>,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrUpdateReport`: report data.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateReport {
    /// The request's ID.
    pub request_id: RequestId,
    /// Data reports.
    pub reports: Vec<Report>,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrUpdatedReport`: acknowledges data, optionally cancelling reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedReport {
    /// Outcome.
    pub response: EiResponse,
    /// Reports to stop.
    pub cancel: Option<CancelReport>,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrCancelReport`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelReport {
    /// The request's ID.
    pub request_id: RequestId,
    /// Report requests to end (at least one).
    pub report_request_ids: Vec<ReportRequestId>,
    /// Send one more report with the remaining data.
    pub report_to_follow: bool,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrCanceledReport`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanceledReport {
    /// Outcome.
    pub response: EiResponse,
    /// Every report request still running.
    pub pending: Vec<ReportRequestId>,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

fn decode_reports(d: &mut Decoder, el: &Element) -> Result<Vec<Report>, Error> {
    d.each(el, Ns::Oadr, "oadrReport", Report::decode)
}

fn decode_requests(d: &mut Decoder, el: &Element) -> Result<Vec<ReportRequest>, Error> {
    d.each(el, Ns::Oadr, "oadrReportRequest", ReportRequest::decode)
}

fn decode_pending(d: &mut Decoder, el: &Element) -> Result<Vec<ReportRequestId>, Error> {
    let pending = d.required(el, Ns::Oadr, "oadrPendingReports")?;
    Ok(d.children(&pending, Ns::Ei, "reportRequestID")?
        .into_iter()
        .map(|r| ReportRequestId(r.text().trim().to_owned()))
        .collect())
}

fn encode_pending(w: &mut Writer, pending: &[ReportRequestId]) {
    w.start(Ns::Oadr, "oadrPendingReports");
    for id in pending {
        w.leaf(Ns::Ei, "reportRequestID", id.as_str());
    }
    w.end(Ns::Oadr, "oadrPendingReports");
}

fn encode_ven(w: &mut Writer, ven_id: &Option<VenId>) {
    if let Some(id) = ven_id {
        w.leaf(Ns::Ei, "venID", id.as_str());
    }
}

impl RegisterReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            reports: decode_reports(d, el)?,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
            report_request_id: d
                .opt_text(el, Ns::Ei, "reportRequestID")?
                .map(ReportRequestId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        for report in &self.reports {
            report.encode(w);
        }
        encode_ven(w, &self.ven_id);
        if let Some(id) = &self.report_request_id {
            w.leaf(Ns::Ei, "reportRequestID", id.as_str());
        }
    }
}

impl RegisteredReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            requests: decode_requests(d, el)?,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        for request in &self.requests {
            request.encode(w);
        }
        encode_ven(w, &self.ven_id);
    }
}

impl CreateReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let requests = decode_requests(d, el)?;
        if requests.is_empty() {
            return Err(d.error(ErrorKind::Missing("oadrReportRequest"), "oadrReportRequest"));
        }
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            requests,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        for request in &self.requests {
            request.encode(w);
        }
        encode_ven(w, &self.ven_id);
    }
}

impl CreatedReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            pending: decode_pending(d, el)?,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        encode_pending(w, &self.pending);
        encode_ven(w, &self.ven_id);
    }
}

impl UpdateReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            reports: decode_reports(d, el)?,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        for report in &self.reports {
            report.encode(w);
        }
        encode_ven(w, &self.ven_id);
    }
}

impl UpdatedReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let cancel = match d.child(el, Ns::Oadr, "oadrCancelReport")? {
            Some(c) => Some(d.within("oadrCancelReport", |d| CancelReport::decode(d, &c))?),
            None => None,
        };
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            cancel,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        if let Some(cancel) = &self.cancel {
            w.start(Ns::Oadr, "oadrCancelReport");
            cancel.encode(w);
            w.end(Ns::Oadr, "oadrCancelReport");
        }
        encode_ven(w, &self.ven_id);
    }
}

impl CancelReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let ids: Vec<ReportRequestId> = d
            .children(el, Ns::Ei, "reportRequestID")?
            .into_iter()
            .map(|r| ReportRequestId(r.text().trim().to_owned()))
            .collect();
        if ids.is_empty() {
            return Err(d.error(ErrorKind::Missing("reportRequestID"), "reportRequestID"));
        }
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            report_request_ids: ids,
            report_to_follow: d.boolean(el, Ns::Pyld, "reportToFollow")?,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        for id in &self.report_request_ids {
            w.leaf(Ns::Ei, "reportRequestID", id.as_str());
        }
        w.leaf_display(Ns::Pyld, "reportToFollow", self.report_to_follow);
        encode_ven(w, &self.ven_id);
    }
}

impl CanceledReport {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            pending: decode_pending(d, el)?,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        encode_pending(w, &self.pending);
        encode_ven(w, &self.ven_id);
    }
}
