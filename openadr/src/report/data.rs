//! The report itself: METADATA descriptions, data intervals and readings.

use crate::common::{EiTarget, ItemBase};
use crate::decode::Decoder;
use crate::error::{Error, ErrorKind};
use crate::event::{write_dtstart, write_duration_prop};
use crate::ns::Ns;
use crate::values::{
    DateTime, Duration, ReadingType, ReportName, ReportRequestId, ReportSpecifierId, ReportType,
    Rid, format_date_time,
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

impl Report {
    pub(super) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let intervals = match d.child(el, Ns::Strm, "intervals")? {
            Some(list) => d.within("intervals", |d| {
                d.each(&list, Ns::Ei, "interval", ReportInterval::decode)
            })?,
            None => Vec::new(),
        };
        let descriptions = d.each(
            el,
            Ns::Oadr,
            "oadrReportDescription",
            ReportDescription::decode,
        )?;
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

    pub(super) fn encode(&self, w: &mut Writer) {
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
    pub(super) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let subject = match d.child(el, Ns::Ei, "reportSubject")? {
            Some(t) => Some(EiTarget::decode(d, &t, "reportSubject")?),
            None => None,
        };
        let data_source = match d.child(el, Ns::Ei, "reportDataSource")? {
            Some(t) => Some(EiTarget::decode(d, &t, "reportDataSource")?),
            None => None,
        };
        let sampling_rate = match d.child(el, Ns::Oadr, "oadrSamplingRate")? {
            Some(rate) => Some(d.within("oadrSamplingRate", |d| {
                Ok(SamplingRate {
                    min_period: d.parse(&rate, Ns::Oadr, "oadrMinPeriod")?,
                    max_period: d.parse(&rate, Ns::Oadr, "oadrMaxPeriod")?,
                    on_change: d.boolean(&rate, Ns::Oadr, "oadrOnChange")?,
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

    pub(super) fn encode(&self, w: &mut Writer) {
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
    pub(super) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let uid = match d.child(el, Ns::Xcal, "uid")? {
            Some(uid) => Some(d.within("uid", |d| d.text(&uid, Ns::Xcal, "text"))?),
            None => None,
        };
        let payloads = d.each(el, Ns::Oadr, "oadrReportPayload", ReportPayload::decode)?;
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

    pub(super) fn encode(&self, w: &mut Writer) {
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
    pub(super) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let value = if let Some(float) = d.child(el, Ns::Ei, "payloadFloat")? {
            PayloadValue::Float(d.within("payloadFloat", |d| d.finite(&float, Ns::Ei, "value"))?)
        } else if let Some(status) = d.child(el, Ns::Oadr, "oadrPayloadResourceStatus")? {
            PayloadValue::ResourceStatus(d.within("oadrPayloadResourceStatus", |d| {
                ResourceStatus::decode(d, &status)
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

    pub(super) fn encode(&self, w: &mut Writer) {
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
    pub(super) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let load_control = match d.child(el, Ns::Oadr, "oadrLoadControlState")? {
            Some(state) => Some(d.within("oadrLoadControlState", |d| {
                let mut values = [None; 4];
                for (slot, name) in values.iter_mut().zip(LOAD_CONTROL) {
                    if let Some(v) = d.child(&state, Ns::Oadr, name)? {
                        *slot = Some(d.within(name, |d| {
                            Ok(LoadControlValue {
                                min: d.opt_finite(&v, Ns::Oadr, "oadrMin")?,
                                max: d.opt_finite(&v, Ns::Oadr, "oadrMax")?,
                                current: d.finite(&v, Ns::Oadr, "oadrCurrent")?,
                                normal: d.opt_finite(&v, Ns::Oadr, "oadrNormal")?,
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

    pub(super) fn encode(&self, w: &mut Writer) {
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
