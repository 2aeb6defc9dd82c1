//! EiEvent: the VTN distributes DR events, VENs request and answer them.

use crate::common::{EiResponse, EiTarget, ItemBase};
use crate::decode::Decoder;
use crate::error::{Error, ErrorKind};
use crate::ns::Ns;
use crate::values::{
    DateTime, Duration, EventId, EventStatus, OptType, RequestId, SignalName, SignalType, VenId,
    VtnId, format_date_time,
};
use crate::xml::{Element, Writer};

/// `oadrRequestEvent`: a VEN asks for its current events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    /// The request's ID.
    pub request_id: RequestId,
    /// The VEN.
    pub ven_id: VenId,
    /// At most this many events.
    pub reply_limit: Option<u32>,
}

/// `oadrDistributeEvent`: all of a VEN's current events.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributeEvent {
    /// Present when answering an `oadrRequestEvent`.
    pub response: Option<EiResponse>,
    /// The request's ID.
    pub request_id: RequestId,
    /// This VTN.
    pub vtn_id: VtnId,
    /// The events; an event left out is implicitly cancelled.
    pub events: Vec<Event>,
}

/// Whether the VEN must answer with `oadrCreatedEvent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseRequired {
    /// Always answer.
    Always,
    /// Never answer.
    Never,
}

/// One `oadrEvent`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `ei:eventDescriptor`.
    pub descriptor: EventDescriptor,
    /// `ei:eiActivePeriod`.
    pub active_period: ActivePeriod,
    /// `ei:eiEventSignal`s (at least one).
    pub signals: Vec<EventSignal>,
    /// `ei:eiEventBaseline`.
    pub baseline: Option<Baseline>,
    /// `ei:eiTarget`.
    pub target: EiTarget,
    /// `oadr:oadrResponseRequired`.
    pub response_required: ResponseRequired,
}

/// `ei:eventDescriptor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDescriptor {
    /// The event.
    pub event_id: EventId,
    /// 0 when created, incremented by every modification.
    pub modification_number: u32,
    /// When last modified.
    pub modification_date_time: Option<DateTime>,
    /// Why it was modified.
    pub modification_reason: Option<String>,
    /// Lower is more important; 0 means none.
    pub priority: Option<u32>,
    /// The program's market context URI.
    pub market_context: String,
    /// When created.
    pub created: DateTime,
    /// far, near, active, completed, cancelled.
    pub status: EventStatus,
    /// Any value but `false` marks a test event.
    pub test_event: Option<String>,
    /// Free text from the VTN.
    pub vtn_comment: Option<String>,
}

/// `ei:eiActivePeriod`: when the event runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivePeriod {
    /// Start.
    pub dtstart: DateTime,
    /// Length.
    pub duration: Duration,
    /// Randomisation window for the start (`tolerance/tolerate/startafter`).
    pub start_after: Option<Duration>,
    /// `x-eiNotification`.
    pub notification: Option<Duration>,
    /// `x-eiRampUp`.
    pub ramp_up: Option<Duration>,
    /// `x-eiRecovery`.
    pub recovery: Option<Duration>,
}

/// An interval of a signal or baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct EventInterval {
    /// Explicit start (rarely sent; intervals follow each other).
    pub dtstart: Option<DateTime>,
    /// Length.
    pub duration: Duration,
    /// Position: 0, 1, 2… (the index when the sender gave none).
    pub uid: String,
    /// The value (`signalPayload/payloadFloat/value`).
    pub value: f64,
}

/// `ei:eiEventSignal`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSignal {
    /// The intervals.
    pub intervals: Vec<EventInterval>,
    /// A narrower target for this signal.
    pub target: Option<EiTarget>,
    /// SIMPLE, ELECTRICITY_PRICE…
    pub name: SignalName,
    /// level, price…
    pub signal_type: SignalType,
    /// The signal's ID.
    pub id: String,
    /// Units.
    pub item_base: Option<ItemBase>,
    /// The value now (0 when the event is not active).
    pub current_value: Option<f64>,
}

/// `ei:eiEventBaseline`.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// Start.
    pub dtstart: DateTime,
    /// Length.
    pub duration: Duration,
    /// Values.
    pub intervals: Vec<EventInterval>,
    /// ID.
    pub id: String,
    /// Resources it applies to.
    pub resource_ids: Vec<String>,
    /// Name.
    pub name: String,
    /// Units.
    pub item_base: Option<ItemBase>,
}

/// `oadrCreatedEvent`: a VEN's answers to events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedEvent {
    /// Outcome of the distribution as the VEN saw it.
    pub response: EiResponse,
    /// One answer per event.
    pub event_responses: Vec<EventResponse>,
    /// The VEN.
    pub ven_id: VenId,
}

/// One `eventResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventResponse {
    /// Code.
    pub code: u16,
    /// Description.
    pub description: Option<String>,
    /// The distribution's request ID.
    pub request_id: RequestId,
    /// The event answered.
    pub event_id: EventId,
    /// Its modification number.
    pub modification_number: u32,
    /// optIn or optOut.
    pub opt_type: OptType,
}

impl RequestEvent {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let inner = d.required(el, Ns::Pyld, "eiRequestEvent")?;
        d.within("eiRequestEvent", |d| {
            Ok(Self {
                request_id: RequestId(d.text(&inner, Ns::Pyld, "requestID")?),
                ven_id: VenId(d.text(&inner, Ns::Ei, "venID")?),
                reply_limit: d.opt_parse(&inner, Ns::Pyld, "replyLimit")?,
            })
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.start(Ns::Pyld, "eiRequestEvent");
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        w.leaf(Ns::Ei, "venID", self.ven_id.as_str());
        if let Some(limit) = self.reply_limit {
            w.leaf_display(Ns::Pyld, "replyLimit", limit);
        }
        w.end(Ns::Pyld, "eiRequestEvent");
    }
}

impl DistributeEvent {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let response = match d.child(el, Ns::Ei, "eiResponse")? {
            Some(r) => Some(EiResponse::decode(d, &r)?),
            None => None,
        };
        let events = d.each(el, Ns::Oadr, "oadrEvent", Event::decode)?;
        Ok(Self {
            response,
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            vtn_id: VtnId(d.text(el, Ns::Ei, "vtnID")?),
            events,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        if let Some(response) = &self.response {
            response.encode(w);
        }
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        w.leaf(Ns::Ei, "vtnID", self.vtn_id.as_str());
        for event in &self.events {
            event.encode(w);
        }
    }
}

impl Event {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let ei_event = d.required(el, Ns::Ei, "eiEvent")?;
        let response_required = match d.text(el, Ns::Oadr, "oadrResponseRequired")?.as_str() {
            "always" => ResponseRequired::Always,
            "never" => ResponseRequired::Never,
            other => {
                return Err(d.invalid("oadrResponseRequired", other, "expected always or never"));
            }
        };
        d.within("eiEvent", |d| {
            let descriptor_el = d.required(&ei_event, Ns::Ei, "eventDescriptor")?;
            let descriptor = d.within("eventDescriptor", |d| {
                EventDescriptor::decode(d, &descriptor_el)
            })?;
            let period_el = d.required(&ei_event, Ns::Ei, "eiActivePeriod")?;
            let active_period =
                d.within("eiActivePeriod", |d| ActivePeriod::decode(d, &period_el))?;
            let signals_el = d.required(&ei_event, Ns::Ei, "eiEventSignals")?;
            let (signals, baseline) = d.within("eiEventSignals", |d| {
                let signals = d.each(&signals_el, Ns::Ei, "eiEventSignal", EventSignal::decode)?;
                if signals.is_empty() {
                    return Err(d.error(ErrorKind::Missing("eiEventSignal"), "eiEventSignal"));
                }
                let baseline = match d.child(&signals_el, Ns::Ei, "eiEventBaseline")? {
                    Some(b) => Some(d.within("eiEventBaseline", |d| Baseline::decode(d, &b))?),
                    None => None,
                };
                Ok((signals, baseline))
            })?;
            let target_el = d.required(&ei_event, Ns::Ei, "eiTarget")?;
            let target = EiTarget::decode(d, &target_el, "eiTarget")?;
            Ok(Self {
                descriptor,
                active_period,
                signals,
                baseline,
                target,
                response_required,
            })
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Oadr, "oadrEvent");
        w.start(Ns::Ei, "eiEvent");
        self.descriptor.encode(w);
        self.active_period.encode(w);
        w.start(Ns::Ei, "eiEventSignals");
        for signal in &self.signals {
            signal.encode(w);
        }
        if let Some(baseline) = &self.baseline {
            baseline.encode(w);
        }
        w.end(Ns::Ei, "eiEventSignals");
        self.target.encode_as(w, Ns::Ei, "eiTarget");
        w.end(Ns::Ei, "eiEvent");
        let required = match self.response_required {
            ResponseRequired::Always => "always",
            ResponseRequired::Never => "never",
        };
        w.leaf(Ns::Oadr, "oadrResponseRequired", required);
        w.end(Ns::Oadr, "oadrEvent");
    }
}

impl EventDescriptor {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let context_el = d.required(el, Ns::Ei, "eiMarketContext")?;
        let market_context = d.within("eiMarketContext", |d| {
            d.text(&context_el, Ns::Emix, "marketContext")
        })?;
        Ok(Self {
            event_id: EventId(d.text(el, Ns::Ei, "eventID")?),
            modification_number: d.parse(el, Ns::Ei, "modificationNumber")?,
            modification_date_time: d.opt_date_time(el, Ns::Ei, "modificationDateTime")?,
            modification_reason: d.opt_text(el, Ns::Ei, "modificationReason")?,
            priority: d.opt_parse(el, Ns::Ei, "priority")?,
            market_context,
            created: d.date_time(el, Ns::Ei, "createdDateTime")?,
            status: d.parse(el, Ns::Ei, "eventStatus")?,
            test_event: d.opt_text(el, Ns::Ei, "testEvent")?,
            vtn_comment: d.opt_text(el, Ns::Ei, "vtnComment")?,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Ei, "eventDescriptor");
        w.leaf(Ns::Ei, "eventID", self.event_id.as_str());
        w.leaf_display(Ns::Ei, "modificationNumber", self.modification_number);
        if let Some(at) = &self.modification_date_time {
            w.leaf(Ns::Ei, "modificationDateTime", &format_date_time(at));
        }
        if let Some(reason) = &self.modification_reason {
            w.leaf(Ns::Ei, "modificationReason", reason);
        }
        if let Some(priority) = self.priority {
            w.leaf_display(Ns::Ei, "priority", priority);
        }
        w.start(Ns::Ei, "eiMarketContext");
        w.leaf(Ns::Emix, "marketContext", &self.market_context);
        w.end(Ns::Ei, "eiMarketContext");
        w.leaf(Ns::Ei, "createdDateTime", &format_date_time(&self.created));
        w.leaf(Ns::Ei, "eventStatus", self.status.as_str());
        if let Some(test) = &self.test_event {
            w.leaf(Ns::Ei, "testEvent", test);
        }
        if let Some(comment) = &self.vtn_comment {
            w.leaf(Ns::Ei, "vtnComment", comment);
        }
        w.end(Ns::Ei, "eventDescriptor");
    }
}

impl ActivePeriod {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let properties = d.required(el, Ns::Xcal, "properties")?;
        d.within("properties", |d| {
            let start_after = match d.child(&properties, Ns::Xcal, "tolerance")? {
                Some(tolerance) => d.within("tolerance", |d| {
                    match d.child(&tolerance, Ns::Xcal, "tolerate")? {
                        Some(tolerate) => d.within("tolerate", |d| {
                            d.opt_parse(&tolerate, Ns::Xcal, "startafter")
                        }),
                        None => Ok(None),
                    }
                })?,
                None => None,
            };
            Ok(Self {
                dtstart: d.dtstart(&properties)?,
                duration: d.duration_prop(&properties, Ns::Xcal, "duration")?,
                start_after,
                notification: d.opt_duration_prop(&properties, Ns::Ei, "x-eiNotification")?,
                ramp_up: d.opt_duration_prop(&properties, Ns::Ei, "x-eiRampUp")?,
                recovery: d.opt_duration_prop(&properties, Ns::Ei, "x-eiRecovery")?,
            })
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Ei, "eiActivePeriod");
        w.start(Ns::Xcal, "properties");
        write_dtstart(w, &self.dtstart);
        write_duration_prop(w, Ns::Xcal, "duration", &self.duration);
        if let Some(start_after) = &self.start_after {
            w.start(Ns::Xcal, "tolerance");
            w.start(Ns::Xcal, "tolerate");
            w.leaf_display(Ns::Xcal, "startafter", start_after);
            w.end(Ns::Xcal, "tolerate");
            w.end(Ns::Xcal, "tolerance");
        }
        for (name, value) in [
            ("x-eiNotification", &self.notification),
            ("x-eiRampUp", &self.ramp_up),
            ("x-eiRecovery", &self.recovery),
        ] {
            if let Some(value) = value {
                write_duration_prop(w, Ns::Ei, name, value);
            }
        }
        w.end(Ns::Xcal, "properties");
        w.empty(Ns::Xcal, "components");
        w.end(Ns::Ei, "eiActivePeriod");
    }
}

pub(crate) fn write_dtstart(w: &mut Writer, at: &DateTime) {
    w.start(Ns::Xcal, "dtstart");
    w.leaf(Ns::Xcal, "date-time", &format_date_time(at));
    w.end(Ns::Xcal, "dtstart");
}

pub(crate) fn write_duration_prop(w: &mut Writer, ns: Ns, name: &str, duration: &Duration) {
    w.start(ns, name);
    w.leaf_display(Ns::Xcal, "duration", duration);
    w.end(ns, name);
}

fn decode_intervals(d: &mut Decoder, parent: &Element) -> Result<Vec<EventInterval>, Error> {
    let intervals = d.required(parent, Ns::Strm, "intervals")?;
    d.within("intervals", |d| {
        d.children(&intervals, Ns::Ei, "interval")?
            .into_iter()
            .enumerate()
            .map(|(index, interval)| {
                d.within("interval", |d| EventInterval::decode(d, &interval, index))
            })
            .collect()
    })
}

fn encode_intervals(w: &mut Writer, intervals: &[EventInterval]) {
    w.start(Ns::Strm, "intervals");
    for interval in intervals {
        interval.encode(w);
    }
    w.end(Ns::Strm, "intervals");
}

impl EventInterval {
    /// `index` numbers intervals that come without a uid (it is optional).
    fn decode(d: &mut Decoder, el: &Element, index: usize) -> Result<Self, Error> {
        let uid = match d.child(el, Ns::Xcal, "uid")? {
            Some(uid) => d.within("uid", |d| d.text(&uid, Ns::Xcal, "text"))?,
            None => index.to_string(),
        };
        let payloads = d.children(el, Ns::Ei, "signalPayload")?;
        let [payload] = payloads.as_slice() else {
            return Err(d.invalid(
                "signalPayload",
                &payloads.len().to_string(),
                "expected exactly one signalPayload per interval",
            ));
        };
        let value = d.within("signalPayload", |d| {
            let float = d.required(payload, Ns::Ei, "payloadFloat")?;
            d.within("payloadFloat", |d| d.finite::<f64>(&float, Ns::Ei, "value"))
        })?;
        Ok(Self {
            dtstart: d.opt_dtstart(el)?,
            duration: d.duration_prop(el, Ns::Xcal, "duration")?,
            uid,
            value,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Ei, "interval");
        if let Some(at) = &self.dtstart {
            write_dtstart(w, at);
        }
        write_duration_prop(w, Ns::Xcal, "duration", &self.duration);
        w.start(Ns::Xcal, "uid");
        w.leaf(Ns::Xcal, "text", &self.uid);
        w.end(Ns::Xcal, "uid");
        w.start(Ns::Ei, "signalPayload");
        w.start(Ns::Ei, "payloadFloat");
        w.leaf_display(Ns::Ei, "value", self.value);
        w.end(Ns::Ei, "payloadFloat");
        w.end(Ns::Ei, "signalPayload");
        w.end(Ns::Ei, "interval");
    }
}

impl EventSignal {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let target = match d.child(el, Ns::Ei, "eiTarget")? {
            Some(t) => Some(EiTarget::decode(d, &t, "eiTarget")?),
            None => None,
        };
        let current_value = match d.child(el, Ns::Ei, "currentValue")? {
            Some(current) => Some(d.within("currentValue", |d| {
                let float = d.required(&current, Ns::Ei, "payloadFloat")?;
                d.within("payloadFloat", |d| d.finite::<f64>(&float, Ns::Ei, "value"))
            })?),
            None => None,
        };
        Ok(Self {
            intervals: decode_intervals(d, el)?,
            target,
            name: d.parse(el, Ns::Ei, "signalName")?,
            signal_type: d.parse(el, Ns::Ei, "signalType")?,
            id: d.text(el, Ns::Ei, "signalID")?,
            item_base: ItemBase::decode_in(d, el)?,
            current_value,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Ei, "eiEventSignal");
        encode_intervals(w, &self.intervals);
        if let Some(target) = &self.target {
            target.encode_as(w, Ns::Ei, "eiTarget");
        }
        w.leaf(Ns::Ei, "signalName", self.name.as_str());
        w.leaf(Ns::Ei, "signalType", self.signal_type.as_str());
        w.leaf(Ns::Ei, "signalID", &self.id);
        if let Some(item) = &self.item_base {
            item.encode(w);
        }
        if let Some(value) = self.current_value {
            w.start(Ns::Ei, "currentValue");
            w.start(Ns::Ei, "payloadFloat");
            w.leaf_display(Ns::Ei, "value", value);
            w.end(Ns::Ei, "payloadFloat");
            w.end(Ns::Ei, "currentValue");
        }
        w.end(Ns::Ei, "eiEventSignal");
    }
}

impl Baseline {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            dtstart: d.dtstart(el)?,
            duration: d.duration_prop(el, Ns::Xcal, "duration")?,
            intervals: decode_intervals(d, el)?,
            id: d.text(el, Ns::Ei, "baselineID")?,
            resource_ids: d
                .children(el, Ns::Ei, "resourceID")?
                .into_iter()
                .map(|r| r.text().trim().to_owned())
                .collect(),
            name: d.text(el, Ns::Ei, "baselineName")?,
            item_base: ItemBase::decode_in(d, el)?,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Ei, "eiEventBaseline");
        write_dtstart(w, &self.dtstart);
        write_duration_prop(w, Ns::Xcal, "duration", &self.duration);
        encode_intervals(w, &self.intervals);
        w.leaf(Ns::Ei, "baselineID", &self.id);
        for id in &self.resource_ids {
            w.leaf(Ns::Ei, "resourceID", id);
        }
        w.leaf(Ns::Ei, "baselineName", &self.name);
        if let Some(item) = &self.item_base {
            item.encode(w);
        }
        w.end(Ns::Ei, "eiEventBaseline");
    }
}

impl CreatedEvent {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let inner = d.required(el, Ns::Pyld, "eiCreatedEvent")?;
        d.within("eiCreatedEvent", |d| {
            let response = EiResponse::decode_in(d, &inner)?;
            let event_responses = match d.child(&inner, Ns::Ei, "eventResponses")? {
                Some(list) => d.within("eventResponses", |d| {
                    d.children(&list, Ns::Ei, "eventResponse")?
                        .into_iter()
                        .map(|r| d.within("eventResponse", |d| EventResponse::decode(d, &r)))
                        .collect::<Result<Vec<_>, _>>()
                })?,
                None => Vec::new(),
            };
            Ok(Self {
                response,
                event_responses,
                ven_id: VenId(d.text(&inner, Ns::Ei, "venID")?),
            })
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.start(Ns::Pyld, "eiCreatedEvent");
        self.response.encode(w);
        if !self.event_responses.is_empty() {
            w.start(Ns::Ei, "eventResponses");
            for response in &self.event_responses {
                response.encode(w);
            }
            w.end(Ns::Ei, "eventResponses");
        }
        w.leaf(Ns::Ei, "venID", self.ven_id.as_str());
        w.end(Ns::Pyld, "eiCreatedEvent");
    }
}

impl EventResponse {
    fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let response = EiResponse::decode(d, el)?;
        let qualified = d.required(el, Ns::Ei, "qualifiedEventID")?;
        let (event_id, modification_number) = d.within("qualifiedEventID", |d| {
            Ok((
                EventId(d.text(&qualified, Ns::Ei, "eventID")?),
                d.parse(&qualified, Ns::Ei, "modificationNumber")?,
            ))
        })?;
        Ok(Self {
            code: response.code,
            description: response.description,
            request_id: response.request_id,
            event_id,
            modification_number,
            opt_type: d.parse(el, Ns::Ei, "optType")?,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.start(Ns::Ei, "eventResponse");
        w.leaf_display(Ns::Ei, "responseCode", self.code);
        if let Some(description) = &self.description {
            w.leaf(Ns::Ei, "responseDescription", description);
        }
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        w.start(Ns::Ei, "qualifiedEventID");
        w.leaf(Ns::Ei, "eventID", self.event_id.as_str());
        w.leaf_display(Ns::Ei, "modificationNumber", self.modification_number);
        w.end(Ns::Ei, "qualifiedEventID");
        w.leaf(Ns::Ei, "optType", self.opt_type.as_str());
        w.end(Ns::Ei, "eventResponse");
    }
}
