//! EiReport: report registration (METADATA), requests, data and cancellation.

use crate::common::{EiResponse, EiTarget, ItemBase};
use crate::decode::Decoder;
use crate::error::{Error, ErrorKind};
use crate::event::{write_dtstart, write_duration_prop};
use crate::ns::Ns;
use crate::values::{
    DateTime, Duration, ReadingType, ReportName, ReportRequestId, ReportSpecifierId, ReportType,
    RequestId, Rid, VenId, format_date_time,
};
use crate::xml::{Element, Writer};

/// `oadrReport`: METADATA (descriptions, no intervals) or data (intervals).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Start of the data.
    pub dtstart: Option<DateTime>,
    /// Length of the data.
    pub duration: Option<Duration>,
    /// Data intervals.
    pub intervals: Vec<ReportInterval>,
    /// `ei:eiReportID` (absent in METADATA reports).
    pub report_id: Option<String>,
    /// What each rID measures (METADATA reports).
    pub descriptions: Vec<ReportDescription>,
    /// The request this data answers (`0` in METADATA).
    pub report_request_id: ReportRequestId,
    /// The report's specifier.
    pub report_specifier_id: ReportSpecifierId,
    /// TELEMETRY_USAGE, METADATA_TELEMETRY_STATUS…
    pub report_name: Option<ReportName>,
    /// When created.
    pub created: DateTime,
}

/// `oadrReportDescription`: one data point a VEN can report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDescription {
    /// The point's ID.
    pub rid: Rid,
    /// What it is about.
    pub subject: Option<EiTarget>,
    /// Where it comes from.
    pub data_source: Option<EiTarget>,
    /// usage, reading, x-resourceStatus…
    pub report_type: ReportType,
    /// Units.
    pub item_base: Option<ItemBase>,
    /// Direct Read, Net…
    pub reading_type: ReadingType,
    /// The program it is for.
    pub market_context: Option<String>,
    /// How often it can be sampled.
    pub sampling_rate: Option<SamplingRate>,
}

/// `oadrSamplingRate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplingRate {
    /// Shortest period.
    pub min_period: Duration,
    /// Longest period.
    pub max_period: Duration,
    /// Also reports on change.
    pub on_change: bool,
}

/// One interval of report data.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInterval {
    /// Start.
    pub dtstart: Option<DateTime>,
    /// Length.
    pub duration: Option<Duration>,
    /// Position.
    pub uid: Option<String>,
    /// One reading per rID.
    pub payloads: Vec<ReportPayload>,
}

/// `oadrReportPayload`: one reading.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPayload {
    /// The point.
    pub rid: Rid,
    /// 0–100.
    pub confidence: Option<u32>,
    /// Accuracy in the point's units.
    pub accuracy: Option<f32>,
    /// The reading.
    pub value: PayloadValue,
    /// Data quality (open list).
    pub data_quality: Option<String>,
}

/// The value of a reading.
#[derive(Debug, Clone, PartialEq)]
pub enum PayloadValue {
    /// `ei:payloadFloat`.
    Float(f64),
    /// `oadr:oadrPayloadResourceStatus`.
    ResourceStatus(ResourceStatus),
}

/// `oadrPayloadResourceStatus`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResourceStatus {
    /// The resource is online.
    pub online: bool,
    /// Someone overrode it locally.
    pub manual_override: bool,
    /// Load control state.
    pub load_control: Option<LoadControlState>,
}

/// `oadrLoadControlState`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadControlState {
    /// `oadrCapacity`.
    pub capacity: Option<LoadControlValue>,
    /// `oadrLevelOffset`.
    pub level_offset: Option<LoadControlValue>,
    /// `oadrPercentOffset`.
    pub percent_offset: Option<LoadControlValue>,
    /// `oadrSetPoint`.
    pub set_point: Option<LoadControlValue>,
}

/// Min, max, current and normal of a load control quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadControlValue {
    /// `oadrMin`.
    pub min: Option<f32>,
    /// `oadrMax`.
    pub max: Option<f32>,
    /// `oadrCurrent`.
    pub current: f32,
    /// `oadrNormal`.
    pub normal: Option<f32>,
}

/// `oadrReportRequest`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRequest {
    /// Assigned by the requester; used in every update.
    pub report_request_id: ReportRequestId,
    /// What is wanted.
    pub specifier: ReportSpecifier,
}

/// `ei:reportSpecifier`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSpecifier {
    /// The offered report's specifier.
    pub report_specifier_id: ReportSpecifierId,
    /// Sampling interval.
    pub granularity: Duration,
    /// How often to send.
    pub report_back_duration: Duration,
    /// When to report (start and length).
    pub report_interval: Option<(DateTime, Duration)>,
    /// The points wanted.
    pub payloads: Vec<SpecifierPayload>,
}

/// `ei:specifierPayload`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecifierPayload {
    /// The point.
    pub rid: Rid,
    /// Units.
    pub item_base: Option<ItemBase>,
    /// Reading type.
    pub reading_type: ReadingType,
}

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
    d.children(el, Ns::Oadr, "oadrReport")?
        .into_iter()
        .map(|r| d.within("oadrReport", |d| Report::decode(d, r)))
        .collect()
}

fn decode_requests(d: &mut Decoder, el: &Element) -> Result<Vec<ReportRequest>, Error> {
    d.children(el, Ns::Oadr, "oadrReportRequest")?
        .into_iter()
        .map(|r| d.within("oadrReportRequest", |d| ReportRequest::decode(d, r)))
        .collect()
}

fn decode_pending(d: &mut Decoder, el: &Element) -> Result<Vec<ReportRequestId>, Error> {
    let pending = d.required(el, Ns::Oadr, "oadrPendingReports")?;
    Ok(d.children(pending, Ns::Ei, "reportRequestID")?
        .into_iter()
        .map(|r| ReportRequestId(r.text.trim().to_owned()))
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

impl Report {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let intervals = match d.child(el, Ns::Strm, "intervals")? {
            Some(list) => d.within("intervals", |d| {
                d.children(list, Ns::Ei, "interval")?
                    .into_iter()
                    .map(|i| d.within("interval", |d| ReportInterval::decode(d, i)))
                    .collect::<Result<Vec<_>, _>>()
            })?,
            None => Vec::new(),
        };
        let descriptions = d
            .children(el, Ns::Oadr, "oadrReportDescription")?
            .into_iter()
            .map(|r| d.within("oadrReportDescription", |d| ReportDescription::decode(d, r)))
            .collect::<Result<Vec<_>, _>>()?;
        // A METADATA report (descriptions, no data) implies request ID 0;
        // pyoadr-ven leaves it out.
        let report_request_id =
            ReportRequestId(if intervals.is_empty() && !descriptions.is_empty() {
                d.text_or_assume(el, Ns::Ei, "reportRequestID", "0")?
            } else {
                d.text(el, Ns::Ei, "reportRequestID")?
            });
        Ok(Self {
            dtstart: d.opt_dtstart(el)?,
            duration: d.opt_duration_prop(el, Ns::Xcal, "duration")?,
            intervals,
            report_id: d.opt_text(el, Ns::Ei, "eiReportID")?,
            descriptions,
            report_request_id,
            report_specifier_id: ReportSpecifierId(d.text(el, Ns::Ei, "reportSpecifierID")?),
            report_name: d.opt_parse(el, Ns::Ei, "reportName")?,
            created: d.date_time(el, Ns::Ei, "createdDateTime")?,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Oadr, "oadrReport");
        if let Some(at) = &self.dtstart {
            write_dtstart(w, at);
        }
        if let Some(duration) = &self.duration {
            write_duration_prop(w, Ns::Xcal, "duration", duration);
        }
        if !self.intervals.is_empty() {
            w.start(Ns::Strm, "intervals");
            for interval in &self.intervals {
                interval.encode(w);
            }
            w.end(Ns::Strm, "intervals");
        }
        if let Some(id) = &self.report_id {
            w.leaf(Ns::Ei, "eiReportID", id);
        }
        for description in &self.descriptions {
            description.encode(w);
        }
        w.leaf(Ns::Ei, "reportRequestID", self.report_request_id.as_str());
        w.leaf(
            Ns::Ei,
            "reportSpecifierID",
            self.report_specifier_id.as_str(),
        );
        if let Some(name) = &self.report_name {
            w.leaf(Ns::Ei, "reportName", name.as_str());
        }
        w.leaf(Ns::Ei, "createdDateTime", &format_date_time(&self.created));
        w.end(Ns::Oadr, "oadrReport");
    }
}

impl ReportDescription {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let subject = match d.child(el, Ns::Ei, "reportSubject")? {
            Some(t) => Some(EiTarget::decode(d, t, "reportSubject")?),
            None => None,
        };
        let data_source = match d.child(el, Ns::Ei, "reportDataSource")? {
            Some(t) => Some(EiTarget::decode(d, t, "reportDataSource")?),
            None => None,
        };
        let sampling_rate = match d.child(el, Ns::Oadr, "oadrSamplingRate")? {
            Some(rate) => Some(d.within("oadrSamplingRate", |d| {
                Ok(SamplingRate {
                    min_period: d.parse(rate, Ns::Oadr, "oadrMinPeriod")?,
                    max_period: d.parse(rate, Ns::Oadr, "oadrMaxPeriod")?,
                    on_change: d.boolean(rate, Ns::Oadr, "oadrOnChange")?,
                })
            })?),
            None => None,
        };
        Ok(Self {
            rid: Rid(d.text(el, Ns::Ei, "rID")?),
            subject,
            data_source,
            report_type: d.parse(el, Ns::Ei, "reportType")?,
            item_base: ItemBase::decode_in(d, el)?,
            reading_type: d.parse(el, Ns::Ei, "readingType")?,
            market_context: d.opt_text(el, Ns::Emix, "marketContext")?,
            sampling_rate,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Oadr, "oadrReportDescription");
        w.leaf(Ns::Ei, "rID", self.rid.as_str());
        if let Some(subject) = &self.subject {
            subject.encode_as(w, Ns::Ei, "reportSubject");
        }
        if let Some(source) = &self.data_source {
            source.encode_as(w, Ns::Ei, "reportDataSource");
        }
        w.leaf(Ns::Ei, "reportType", self.report_type.as_str());
        if let Some(item) = &self.item_base {
            item.encode(w);
        }
        w.leaf(Ns::Ei, "readingType", self.reading_type.as_str());
        if let Some(context) = &self.market_context {
            w.leaf(Ns::Emix, "marketContext", context);
        }
        if let Some(rate) = &self.sampling_rate {
            w.start(Ns::Oadr, "oadrSamplingRate");
            w.leaf_display(Ns::Oadr, "oadrMinPeriod", rate.min_period);
            w.leaf_display(Ns::Oadr, "oadrMaxPeriod", rate.max_period);
            w.leaf_display(Ns::Oadr, "oadrOnChange", rate.on_change);
            w.end(Ns::Oadr, "oadrSamplingRate");
        }
        w.end(Ns::Oadr, "oadrReportDescription");
    }
}

impl ReportInterval {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let uid = match d.child(el, Ns::Xcal, "uid")? {
            Some(uid) => Some(d.within("uid", |d| d.text(uid, Ns::Xcal, "text"))?),
            None => None,
        };
        let payloads = d
            .children(el, Ns::Oadr, "oadrReportPayload")?
            .into_iter()
            .map(|p| d.within("oadrReportPayload", |d| ReportPayload::decode(d, p)))
            .collect::<Result<Vec<_>, _>>()?;
        if payloads.is_empty() {
            return Err(d.error(ErrorKind::Missing("oadrReportPayload"), "oadrReportPayload"));
        }
        Ok(Self {
            dtstart: d.opt_dtstart(el)?,
            duration: d.opt_duration_prop(el, Ns::Xcal, "duration")?,
            uid,
            payloads,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Ei, "interval");
        if let Some(at) = &self.dtstart {
            write_dtstart(w, at);
        }
        if let Some(duration) = &self.duration {
            write_duration_prop(w, Ns::Xcal, "duration", duration);
        }
        if let Some(uid) = &self.uid {
            w.start(Ns::Xcal, "uid");
            w.leaf(Ns::Xcal, "text", uid);
            w.end(Ns::Xcal, "uid");
        }
        for payload in &self.payloads {
            payload.encode(w);
        }
        w.end(Ns::Ei, "interval");
    }
}

impl ReportPayload {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let value = if let Some(float) = d.child(el, Ns::Ei, "payloadFloat")? {
            PayloadValue::Float(d.within("payloadFloat", |d| d.finite(float, Ns::Ei, "value"))?)
        } else if let Some(status) = d.child(el, Ns::Oadr, "oadrPayloadResourceStatus")? {
            PayloadValue::ResourceStatus(d.within("oadrPayloadResourceStatus", |d| {
                ResourceStatus::decode(d, status)
            })?)
        } else {
            return Err(d.error(ErrorKind::Missing("payloadFloat"), "payloadFloat"));
        };
        let confidence = d.opt_parse::<u32>(el, Ns::Ei, "confidence")?;
        if let Some(c) = confidence.filter(|c| *c > 100) {
            return Err(d.invalid("confidence", &c.to_string(), "confidence is 0 to 100"));
        }
        Ok(Self {
            rid: Rid(d.text(el, Ns::Ei, "rID")?),
            confidence,
            accuracy: d.opt_finite(el, Ns::Ei, "accuracy")?,
            value,
            data_quality: d.opt_text(el, Ns::Oadr, "oadrDataQuality")?,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Oadr, "oadrReportPayload");
        w.leaf(Ns::Ei, "rID", self.rid.as_str());
        if let Some(confidence) = self.confidence {
            w.leaf_display(Ns::Ei, "confidence", confidence);
        }
        if let Some(accuracy) = self.accuracy {
            w.leaf_display(Ns::Ei, "accuracy", accuracy);
        }
        match &self.value {
            PayloadValue::Float(value) => {
                w.start(Ns::Ei, "payloadFloat");
                w.leaf_display(Ns::Ei, "value", value);
                w.end(Ns::Ei, "payloadFloat");
            }
            PayloadValue::ResourceStatus(status) => status.encode(w),
        }
        if let Some(quality) = &self.data_quality {
            w.leaf(Ns::Oadr, "oadrDataQuality", quality);
        }
        w.end(Ns::Oadr, "oadrReportPayload");
    }
}

const LOAD_CONTROL: [&str; 4] = [
    "oadrCapacity",
    "oadrLevelOffset",
    "oadrPercentOffset",
    "oadrSetPoint",
];

impl ResourceStatus {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let load_control = match d.child(el, Ns::Oadr, "oadrLoadControlState")? {
            Some(state) => Some(d.within("oadrLoadControlState", |d| {
                let mut values = [None; 4];
                for (slot, name) in values.iter_mut().zip(LOAD_CONTROL) {
                    if let Some(v) = d.child(state, Ns::Oadr, name)? {
                        *slot = Some(d.within(name, |d| {
                            Ok(LoadControlValue {
                                min: d.opt_finite(v, Ns::Oadr, "oadrMin")?,
                                max: d.opt_finite(v, Ns::Oadr, "oadrMax")?,
                                current: d.finite(v, Ns::Oadr, "oadrCurrent")?,
                                normal: d.opt_finite(v, Ns::Oadr, "oadrNormal")?,
                            })
                        })?);
                    }
                }
                let [capacity, level_offset, percent_offset, set_point] = values;
                Ok(LoadControlState {
                    capacity,
                    level_offset,
                    percent_offset,
                    set_point,
                })
            })?),
            None => None,
        };
        Ok(Self {
            online: d.boolean(el, Ns::Oadr, "oadrOnline")?,
            manual_override: d.boolean(el, Ns::Oadr, "oadrManualOverride")?,
            load_control,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Oadr, "oadrPayloadResourceStatus");
        w.leaf_display(Ns::Oadr, "oadrOnline", self.online);
        w.leaf_display(Ns::Oadr, "oadrManualOverride", self.manual_override);
        if let Some(state) = &self.load_control {
            w.start(Ns::Oadr, "oadrLoadControlState");
            let values = [
                state.capacity,
                state.level_offset,
                state.percent_offset,
                state.set_point,
            ];
            for (value, name) in values.iter().zip(LOAD_CONTROL) {
                if let Some(v) = value {
                    w.start(Ns::Oadr, name);
                    if let Some(min) = v.min {
                        w.leaf_display(Ns::Oadr, "oadrMin", min);
                    }
                    if let Some(max) = v.max {
                        w.leaf_display(Ns::Oadr, "oadrMax", max);
                    }
                    w.leaf_display(Ns::Oadr, "oadrCurrent", v.current);
                    if let Some(normal) = v.normal {
                        w.leaf_display(Ns::Oadr, "oadrNormal", normal);
                    }
                    w.end(Ns::Oadr, name);
                }
            }
            w.end(Ns::Oadr, "oadrLoadControlState");
        }
        w.end(Ns::Oadr, "oadrPayloadResourceStatus");
    }
}

impl ReportRequest {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let spec = d.required(el, Ns::Ei, "reportSpecifier")?;
        let specifier = d.within("reportSpecifier", |d| {
            let report_interval = match d.child(spec, Ns::Ei, "reportInterval")? {
                Some(interval) => Some(d.within("reportInterval", |d| {
                    let properties = d.required(interval, Ns::Xcal, "properties")?;
                    d.within("properties", |d| {
                        Ok((
                            d.dtstart(properties)?,
                            d.duration_prop(properties, Ns::Xcal, "duration")?,
                        ))
                    })
                })?),
                None => None,
            };
            let payloads = d
                .children(spec, Ns::Ei, "specifierPayload")?
                .into_iter()
                .map(|p| {
                    d.within("specifierPayload", |d| {
                        Ok(SpecifierPayload {
                            rid: Rid(d.text(p, Ns::Ei, "rID")?),
                            item_base: ItemBase::decode_in(d, p)?,
                            reading_type: d.parse(p, Ns::Ei, "readingType")?,
                        })
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(ReportSpecifier {
                report_specifier_id: ReportSpecifierId(d.text(
                    spec,
                    Ns::Ei,
                    "reportSpecifierID",
                )?),
                granularity: d.duration_prop(spec, Ns::Xcal, "granularity")?,
                report_back_duration: d.duration_prop(spec, Ns::Ei, "reportBackDuration")?,
                report_interval,
                payloads,
            })
        })?;
        Ok(Self {
            report_request_id: ReportRequestId(d.text(el, Ns::Ei, "reportRequestID")?),
            specifier,
        })
    }

    fn encode(&self, w: &mut Writer) {
        let s = &self.specifier;
        w.start(Ns::Oadr, "oadrReportRequest");
        w.leaf(Ns::Ei, "reportRequestID", self.report_request_id.as_str());
        w.start(Ns::Ei, "reportSpecifier");
        w.leaf(Ns::Ei, "reportSpecifierID", s.report_specifier_id.as_str());
        write_duration_prop(w, Ns::Xcal, "granularity", &s.granularity);
        write_duration_prop(w, Ns::Ei, "reportBackDuration", &s.report_back_duration);
        if let Some((start, duration)) = &s.report_interval {
            w.start(Ns::Ei, "reportInterval");
            w.start(Ns::Xcal, "properties");
            write_dtstart(w, start);
            write_duration_prop(w, Ns::Xcal, "duration", duration);
            w.end(Ns::Xcal, "properties");
            w.end(Ns::Ei, "reportInterval");
        }
        for payload in &s.payloads {
            w.start(Ns::Ei, "specifierPayload");
            w.leaf(Ns::Ei, "rID", payload.rid.as_str());
            if let Some(item) = &payload.item_base {
                item.encode(w);
            }
            w.leaf(Ns::Ei, "readingType", payload.reading_type.as_str());
            w.end(Ns::Ei, "specifierPayload");
        }
        w.end(Ns::Ei, "reportSpecifier");
        w.end(Ns::Oadr, "oadrReportRequest");
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
            Some(c) => Some(d.within("oadrCancelReport", |d| CancelReport::decode(d, c))?),
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
            .map(|r| ReportRequestId(r.text.trim().to_owned()))
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
