//! EiOpt: a VEN's availability schedules and per-event opt-outs.

use crate::common::{EiResponse, EiTarget};
use crate::decode::Decoder;
use crate::error::Error;
use crate::event::{write_dtstart, write_duration_prop};
use crate::ns::Ns;
use crate::values::{
    DateTime, Duration, EventId, OptId, OptReason, OptType, RequestId, VenId, format_date_time,
};
use crate::xml::{Element, Writer};

/// One available (or unavailable) period of a `vavailability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Availability {
    /// Start.
    pub dtstart: DateTime,
    /// Length.
    pub duration: Duration,
}

/// `oadrCreateOpt`: an opt schedule (with `vavailability`) or an opt on one
/// event (with `qualifiedEventID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOpt {
    /// The opt's ID.
    pub opt_id: OptId,
    /// optIn or optOut.
    pub opt_type: OptType,
    /// Why.
    pub opt_reason: OptReason,
    /// The program it concerns.
    pub market_context: Option<String>,
    /// The VEN.
    pub ven_id: VenId,
    /// The periods (schedule opts).
    pub availability: Option<Vec<Availability>>,
    /// When created.
    pub created: DateTime,
    /// The request's ID.
    pub request_id: RequestId,
    /// The event and modification (event opts).
    pub event: Option<(EventId, u32)>,
    /// The resources concerned.
    pub target: EiTarget,
}

/// `oadrCreatedOpt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedOpt {
    /// Outcome.
    pub response: EiResponse,
    /// The opt.
    pub opt_id: OptId,
}

/// `oadrCancelOpt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelOpt {
    /// The request's ID.
    pub request_id: RequestId,
    /// The opt to withdraw.
    pub opt_id: OptId,
    /// The VEN.
    pub ven_id: VenId,
}

/// `oadrCanceledOpt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanceledOpt {
    /// Outcome.
    pub response: EiResponse,
    /// The withdrawn opt.
    pub opt_id: Option<OptId>,
}

impl CreateOpt {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let availability = match d.child(el, Ns::Xcal, "vavailability")? {
            Some(v) => Some(d.within("vavailability", |d| {
                let components = d.required(&v, Ns::Xcal, "components")?;
                d.within("components", |d| {
                    d.children(&components, Ns::Xcal, "available")?
                        .into_iter()
                        .map(|available| {
                            d.within("available", |d| {
                                let properties = d.required(&available, Ns::Xcal, "properties")?;
                                d.within("properties", |d| {
                                    Ok(Availability {
                                        dtstart: d.dtstart(&properties)?,
                                        duration: d.duration_prop(
                                            &properties,
                                            Ns::Xcal,
                                            "duration",
                                        )?,
                                    })
                                })
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })?),
            None => None,
        };
        let event = match d.child(el, Ns::Ei, "qualifiedEventID")? {
            Some(q) => Some(d.within("qualifiedEventID", |d| {
                Ok((
                    EventId(d.text(&q, Ns::Ei, "eventID")?),
                    d.parse(&q, Ns::Ei, "modificationNumber")?,
                ))
            })?),
            None => None,
        };
        let target_el = d.required(el, Ns::Ei, "eiTarget")?;
        Ok(Self {
            opt_id: OptId(d.text(el, Ns::Ei, "optID")?),
            opt_type: d.parse(el, Ns::Ei, "optType")?,
            opt_reason: d.parse(el, Ns::Ei, "optReason")?,
            market_context: d.opt_text(el, Ns::Emix, "marketContext")?,
            ven_id: VenId(d.text(el, Ns::Ei, "venID")?),
            availability,
            created: d.date_time(el, Ns::Ei, "createdDateTime")?,
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            event,
            target: EiTarget::decode(d, &target_el, "eiTarget")?,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Ei, "optID", self.opt_id.as_str());
        w.leaf(Ns::Ei, "optType", self.opt_type.as_str());
        w.leaf(Ns::Ei, "optReason", self.opt_reason.as_str());
        if let Some(context) = &self.market_context {
            w.leaf(Ns::Emix, "marketContext", context);
        }
        w.leaf(Ns::Ei, "venID", self.ven_id.as_str());
        if let Some(periods) = &self.availability {
            w.start(Ns::Xcal, "vavailability");
            w.start(Ns::Xcal, "components");
            for period in periods {
                w.start(Ns::Xcal, "available");
                w.start(Ns::Xcal, "properties");
                write_dtstart(w, &period.dtstart);
                write_duration_prop(w, Ns::Xcal, "duration", &period.duration);
                w.end(Ns::Xcal, "properties");
                w.end(Ns::Xcal, "available");
            }
            w.end(Ns::Xcal, "components");
            w.end(Ns::Xcal, "vavailability");
        }
        w.leaf(Ns::Ei, "createdDateTime", &format_date_time(&self.created));
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        if let Some((event_id, modification)) = &self.event {
            w.start(Ns::Ei, "qualifiedEventID");
            w.leaf(Ns::Ei, "eventID", event_id.as_str());
            w.leaf_display(Ns::Ei, "modificationNumber", modification);
            w.end(Ns::Ei, "qualifiedEventID");
        }
        self.target.encode_as(w, Ns::Ei, "eiTarget");
    }
}

impl CreatedOpt {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            opt_id: OptId(d.text(el, Ns::Ei, "optID")?),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        w.leaf(Ns::Ei, "optID", self.opt_id.as_str());
    }
}

impl CancelOpt {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            opt_id: OptId(d.text(el, Ns::Ei, "optID")?),
            ven_id: VenId(d.text(el, Ns::Ei, "venID")?),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        w.leaf(Ns::Ei, "optID", self.opt_id.as_str());
        w.leaf(Ns::Ei, "venID", self.ven_id.as_str());
    }
}

impl CanceledOpt {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            opt_id: d.opt_text(el, Ns::Ei, "optID")?.map(OptId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        if let Some(id) = &self.opt_id {
            w.leaf(Ns::Ei, "optID", id.as_str());
        }
    }
}
