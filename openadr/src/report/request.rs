//! Report requests: what a party asks the other to report, and how often.

use crate::common::ItemBase;
use crate::decode::Decoder;
use crate::error::Error;
use crate::event::{write_dtstart, write_duration_prop};
use crate::ns::Ns;
use crate::values::{DateTime, Duration, ReadingType, ReportRequestId, ReportSpecifierId, Rid};
use crate::xml::{Element, Writer};

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

impl ReportRequest {
    pub(super) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let spec = d.required(el, Ns::Ei, "reportSpecifier")?;
        let specifier = d.within("reportSpecifier", |d| {
            let report_interval = match d.child(&spec, Ns::Ei, "reportInterval")? {
                Some(interval) => Some(d.within("reportInterval", |d| {
                    let properties = d.required(&interval, Ns::Xcal, "properties")?;
                    d.within("properties", |d| {
                        Ok((
                            d.dtstart(&properties)?,
                            d.duration_prop(&properties, Ns::Xcal, "duration")?,
                        ))
                    })
                })?),
                None => None,
            };
            let payloads = d
                .children(&spec, Ns::Ei, "specifierPayload")?
                .into_iter()
                .map(|p| {
                    d.within("specifierPayload", |d| {
                        Ok(SpecifierPayload {
                            rid: Rid(d.text(&p, Ns::Ei, "rID")?),
                            item_base: ItemBase::decode_in(d, &p)?,
                            reading_type: d.parse(&p, Ns::Ei, "readingType")?,
                        })
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(ReportSpecifier {
                report_specifier_id: ReportSpecifierId(d.text(
                    &spec,
                    Ns::Ei,
                    "reportSpecifierID",
                )?),
                granularity: d.duration_prop(&spec, Ns::Xcal, "granularity")?,
                report_back_duration: d.duration_prop(&spec, Ns::Ei, "reportBackDuration")?,
                report_interval,
                payloads,
            })
        })?;
        Ok(Self {
            report_request_id: ReportRequestId(d.text(el, Ns::Ei, "reportRequestID")?),
            specifier,
        })
    }

    pub(super) fn encode(&self, w: &mut Writer) {
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
