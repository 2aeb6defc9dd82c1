//! One simulated VEN: registers, registers its reports, polls (or is pushed
//! to), answers events by policy and sends telemetry whose measured power
//! drops while an event is active.

use crate::client::Link;
use crate::script::OptScript;
use crate::stats::Stats;
use anyhow::{Result, anyhow};
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use openadr::event::{CreatedEvent, EventResponse, ResponseRequired};
use openadr::poll::Poll;
use openadr::register::{
    CanceledPartyRegistration, CreatePartyRegistration, QueryRegistration, Response,
};
use openadr::report::{
    CanceledReport, CreatedReport, PayloadValue, RegisterReport, RegisteredReport, Report,
    ReportDescription, ReportInterval, ReportPayload, SamplingRate, UpdateReport,
};
use openadr::values::{Duration, OptType, ReadingType, ReportName, ReportType};
use openadr::{EiResponse, ItemBase, Message, ReadOptions};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// How a VEN answers events.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Share of events (0–1) the VEN opts out of, where the script says
    /// nothing.
    pub opt_out_fraction: f64,
    /// Decisions per VEN and event, before the share.
    pub script: Arc<OptScript>,
    /// Send telemetry every this many polls (0: never).
    pub update_every: u64,
    /// Baseline power in W.
    pub baseline_w: f64,
    /// One-minute intervals per telemetry report. 1 reports the present;
    /// more makes the VEN catch up on [`HISTORY`] of metered data, that many
    /// intervals a report, oldest first (a report-ingest load), and then
    /// report each minute once it has passed.
    pub report_intervals: usize,
}

/// How much metered history a VEN has to send when it reports several
/// intervals at a time.
pub const HISTORY: TimeDelta = TimeDelta::days(30);

/// The length of a metered interval.
const INTERVAL: TimeDelta = TimeDelta::minutes(1);

struct Active {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    level: f64,
}

/// A simulated VEN.
pub struct Ven {
    name: String,
    ven_id: String,
    link: Link,
    policy: Policy,
    /// What it saw and sent.
    pub stats: Stats,
    events: HashMap<String, Active>,
    usage_request: Option<(String, Vec<String>)>,
    /// Steps taken: polls, or wake-ups of a push VEN.
    polls: u64,
    /// Where the VTN pushes to; `None` for a polling VEN.
    transport_address: Option<String>,
    /// The start of the first interval of history not yet reported.
    history: Option<DateTime<Utc>>,
}

impl Ven {
    /// A VEN named `name` that sends over `link`; `ven_id` when it registered
    /// beforehand (see [`Self::registered`]).
    pub fn new(name: String, link: Link, policy: Policy, ven_id: Option<String>) -> Self {
        let history = (policy.report_intervals > 1).then(|| Utc::now() - HISTORY);
        Self {
            name,
            ven_id: ven_id.unwrap_or_default(),
            link,
            policy,
            stats: Stats::default(),
            events: HashMap::new(),
            usage_request: None,
            polls: 0,
            transport_address: None,
            history,
        }
    }

    /// Makes it a push VEN: it registers with httpPullModel=false and this
    /// transport address, and no longer polls.
    pub fn pushed_at(mut self, transport_address: String) -> Self {
        self.transport_address = Some(transport_address);
        self
    }

    /// Whether the VEN has a venID (registered now or beforehand).
    pub fn registered(&self) -> bool {
        !self.ven_id.is_empty()
    }

    /// Reconnections of its own connection.
    pub fn counts(&self) -> crate::client::Counts {
        self.link.counts()
    }

    /// Sends a message, records latency and code, returns the answer.
    async fn send(&mut self, service: &str, message: Message) -> Result<Message> {
        let name = message.name();
        let started = Instant::now();
        let body = match self.link.post(service, message.to_xml()).await {
            Ok(body) => body,
            Err(error) => {
                let reason = crate::client::reason(&error);
                self.stats.record(name, started.elapsed(), Err(reason));
                return Err(error);
            }
        };
        match openadr::read(&body, ReadOptions::default()) {
            Ok(read) => {
                let code = response_code(&read.message);
                self.stats.record(name, started.elapsed(), Ok(code));
                Ok(read.message)
            }
            Err(error) => {
                self.stats
                    .record(name, started.elapsed(), Err("unreadable answer"));
                Err(error.into())
            }
        }
    }

    /// Query, registration and report registration.
    pub async fn register(&mut self) -> Result<()> {
        self.send(
            "EiRegisterParty",
            QueryRegistration {
                request_id: "q".into(),
            }
            .into(),
        )
        .await?;
        let create = CreatePartyRegistration {
            request_id: "r".into(),
            registration_id: None,
            ven_id: None,
            profile_name: "2.0b".into(),
            transport_name: "simpleHttp".into(),
            transport_address: self.transport_address.clone(),
            report_only: false,
            xml_signature: false,
            ven_name: Some(self.name.clone()),
            http_pull_model: Some(self.transport_address.is_none()),
        };
        let Message::CreatedPartyRegistration(created) =
            self.send("EiRegisterParty", create.into()).await?
        else {
            return Err(anyhow!("registration refused"));
        };
        self.ven_id = created
            .ven_id
            .map(|v| v.to_string())
            .ok_or_else(|| anyhow!("no venID in the registration"))?;
        let register = RegisterReport {
            request_id: "rr".into(),
            reports: vec![
                metadata("usage", ReportName::MetadataTelemetryUsage, usage_points()),
                status_metadata(),
            ],
            ven_id: Some(self.ven_id.as_str().into()),
            report_request_id: None,
        };
        if let Message::RegisteredReport(registered) =
            self.send("EiReport", register.into()).await?
            && let Some(created) = self.accept_requests(registered)
        {
            self.send("EiReport", created.into()).await?;
        }
        Ok(())
    }

    /// Takes up the VTN's report requests; the oadrCreatedReport to answer
    /// with, if there were any.
    fn accept_requests(&mut self, registered: RegisteredReport) -> Option<CreatedReport> {
        for request in &registered.requests {
            if request.specifier.report_specifier_id.as_str() == "usage" {
                let rids = request
                    .specifier
                    .payloads
                    .iter()
                    .map(|p| p.rid.to_string())
                    .collect();
                self.usage_request = Some((request.report_request_id.to_string(), rids));
            }
        }
        (!registered.requests.is_empty()).then(|| CreatedReport {
            response: EiResponse::ok(registered.response.request_id.clone()),
            pending: registered
                .requests
                .iter()
                .map(|r| r.report_request_id.clone())
                .collect(),
            ven_id: Some(self.ven_id.as_str().into()),
        })
    }

    /// One poll and whatever follows from its answer (a push VEN does not
    /// poll); telemetry every `update_every` steps.
    pub async fn step(&mut self) -> Result<()> {
        self.polls += 1;
        if self.transport_address.is_none() {
            let answer = self
                .send(
                    "OadrPoll",
                    Poll {
                        ven_id: self.ven_id.as_str().into(),
                    }
                    .into(),
                )
                .await?;
            match self.react(answer) {
                Reaction::Answer(service, answer) => {
                    self.send(service, answer).await?;
                }
                Reaction::Reregister => self.register().await?,
                Reaction::Nothing => {}
            }
        }
        if self.policy.update_every > 0 && self.polls.is_multiple_of(self.policy.update_every) {
            self.send_telemetry().await?;
        }
        Ok(())
    }

    /// Answers a message the VTN pushed, with what a polling VEN would post
    /// back, or else a plain oadrResponse (the HTTP answer needs a body). A
    /// request to register again is acknowledged first, then done.
    pub fn answer_push(&mut self, message: Message) -> (Message, bool) {
        self.stats.record_pushed(message.name());
        let ven_id = Some(self.ven_id.as_str().into());
        let acknowledgement = || -> Message {
            Response {
                response: EiResponse::ok(Default::default()),
                ven_id,
            }
            .into()
        };
        match self.react(message) {
            Reaction::Answer(_, answer) => (answer, false),
            Reaction::Reregister => (acknowledgement(), true),
            Reaction::Nothing => (acknowledgement(), false),
        }
    }

    /// Takes in a message from the VTN and decides the answer by policy.
    fn react(&mut self, message: Message) -> Reaction {
        let ven_id = self.ven_id.clone();
        match message {
            Message::DistributeEvent(distribution) => {
                let mut responses = Vec::new();
                self.events.clear();
                for event in &distribution.events {
                    let id = event.descriptor.event_id.to_string();
                    let start = event.active_period.dtstart;
                    let length = event
                        .active_period
                        .duration
                        .to_time_delta()
                        .unwrap_or_default();
                    let level = event
                        .signals
                        .first()
                        .and_then(|s| s.intervals.first())
                        .map_or(1.0, |i| i.value);
                    if event.descriptor.status != openadr::values::EventStatus::Cancelled {
                        self.events.insert(
                            id.clone(),
                            Active {
                                start,
                                end: start + length,
                                level,
                            },
                        );
                    }
                    if event.response_required == ResponseRequired::Always {
                        let scripted = self.policy.script.decide(&self.name, &id);
                        let opt = scripted.unwrap_or_else(|| {
                            if rand::random::<f64>() < self.policy.opt_out_fraction {
                                OptType::OptOut
                            } else {
                                OptType::OptIn
                            }
                        });
                        responses.push(EventResponse {
                            code: 200,
                            description: None,
                            request_id: distribution.request_id.clone(),
                            event_id: event.descriptor.event_id.clone(),
                            modification_number: event.descriptor.modification_number,
                            opt_type: opt,
                        });
                    }
                }
                if responses.is_empty() {
                    return Reaction::Nothing;
                }
                let created = CreatedEvent {
                    response: EiResponse::ok(distribution.request_id.clone()),
                    event_responses: responses,
                    ven_id: ven_id.as_str().into(),
                };
                Reaction::Answer("EiEvent", created.into())
            }
            Message::RegisterReport(offer) => {
                let registered = RegisteredReport {
                    response: EiResponse::ok(offer.request_id),
                    requests: Vec::new(),
                    ven_id: Some(ven_id.as_str().into()),
                };
                Reaction::Answer("EiReport", registered.into())
            }
            Message::CreateReport(create) => {
                let registered = RegisteredReport {
                    response: EiResponse::ok(create.request_id),
                    requests: create.requests,
                    ven_id: None,
                };
                match self.accept_requests(registered) {
                    Some(created) => Reaction::Answer("EiReport", created.into()),
                    None => Reaction::Nothing,
                }
            }
            Message::CancelReport(cancel) => {
                if self.usage_request.as_ref().is_some_and(|(id, _)| {
                    cancel.report_request_ids.iter().any(|c| c.as_str() == id)
                }) {
                    self.usage_request = None;
                }
                let canceled = CanceledReport {
                    response: EiResponse::ok(cancel.request_id),
                    pending: Vec::new(),
                    ven_id: None,
                };
                Reaction::Answer("EiReport", canceled.into())
            }
            Message::CancelPartyRegistration(cancel) => {
                let canceled = CanceledPartyRegistration {
                    response: EiResponse::ok(cancel.request_id),
                    registration_id: Some(cancel.registration_id),
                    ven_id: Some(ven_id.as_str().into()),
                };
                Reaction::Answer("EiRegisterParty", canceled.into())
            }
            Message::RequestReregistration(_) => Reaction::Reregister,
            _ => Reaction::Nothing,
        }
    }

    /// The baseline and measured power at `at`: the baseline with a daily
    /// swing, the measured value less the shed while an event is active (15 %
    /// per SIMPLE level).
    fn power_at(&self, at: DateTime<Utc>) -> (f64, f64) {
        let hours = f64::from(at.hour());
        let baseline = self.policy.baseline_w
            * (1.0 + 0.2 * ((hours - 6.0) / 24.0 * std::f64::consts::TAU).sin());
        let shed = self
            .events
            .values()
            .filter(|e| e.start <= at && at < e.end)
            .map(|e| e.level)
            .fold(0.0, f64::max);
        (baseline, baseline * (1.0 - 0.15 * shed.clamp(0.0, 3.0)))
    }

    /// The starts of the intervals the next report carries: the present, or
    /// the next stretch of history (none when it has caught up).
    fn next_intervals(&mut self, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let Some(cursor) = &mut self.history else {
            return vec![now];
        };
        let mut starts = Vec::with_capacity(self.policy.report_intervals);
        while starts.len() < self.policy.report_intervals && *cursor + INTERVAL <= now {
            starts.push(*cursor);
            *cursor += INTERVAL;
        }
        starts
    }

    async fn send_telemetry(&mut self) -> Result<()> {
        let Some((request_id, rids)) = self.usage_request.clone() else {
            return Ok(());
        };
        let now = Utc::now();
        let starts = self.next_intervals(now);
        let Some(first) = starts.first().copied() else {
            return Ok(());
        };
        let payload = |rid: &str, value: f64| ReportPayload {
            rid: rid.into(),
            confidence: Some(100),
            accuracy: None,
            value: PayloadValue::Float((value * 10.0).round() / 10.0),
            data_quality: None,
        };
        let intervals: Vec<ReportInterval> = starts
            .iter()
            .enumerate()
            .map(|(n, start)| {
                let (baseline, measured) = self.power_at(*start);
                ReportInterval {
                    dtstart: Some(*start),
                    duration: Some(Duration::from_seconds(INTERVAL.num_seconds())),
                    uid: Some(n.to_string()),
                    payloads: rids
                        .iter()
                        .map(|rid| {
                            payload(
                                rid,
                                if rid == "baseline" {
                                    baseline
                                } else {
                                    measured
                                },
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        let readings = (intervals.len() * rids.len()) as u64;
        let update = UpdateReport {
            request_id: "u".into(),
            reports: vec![Report {
                dtstart: Some(first),
                duration: Some(Duration::from_seconds(
                    INTERVAL.num_seconds() * intervals.len() as i64,
                )),
                intervals,
                report_id: Some(format!("{}-{}", self.name, self.polls)),
                descriptions: Vec::new(),
                report_request_id: request_id.into(),
                report_specifier_id: "usage".into(),
                report_name: Some(ReportName::TelemetryUsage),
                created: now,
            }],
            ven_id: Some(self.ven_id.as_str().into()),
        };
        let answer = self.send("EiReport", update.into()).await?;
        // The VTN acknowledges only once the readings are committed.
        if matches!(&answer, Message::UpdatedReport(_)) && response_code(&answer) == 200 {
            self.stats.readings += readings;
        }
        Ok(())
    }

    /// Closes its own connection so the next request makes a new TLS
    /// handshake.
    pub fn reconnect(&mut self) {
        self.link.close();
    }
}

/// What a VEN does about a message from the VTN.
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per message, moved once: boxing would only add an allocation"
)]
enum Reaction {
    /// Answer with this message, posted to this service when polling.
    Answer(&'static str, Message),
    /// Register again.
    Reregister,
    /// Nothing to answer.
    Nothing,
}

fn description(rid: &str, report_type: ReportType, item: Option<ItemBase>) -> ReportDescription {
    ReportDescription {
        rid: rid.into(),
        subject: None,
        data_source: None,
        report_type,
        item_base: item,
        reading_type: ReadingType::DirectRead,
        market_context: None,
        sampling_rate: Some(SamplingRate {
            min_period: Duration::from_seconds(1),
            max_period: Duration::from_seconds(3600),
            on_change: false,
        }),
    }
}

fn usage_points() -> Vec<ReportDescription> {
    vec![
        description(
            "power",
            ReportType::Usage,
            Some(ItemBase::power_real("none")),
        ),
        description(
            "baseline",
            ReportType::Baseline,
            Some(ItemBase::power_real("none")),
        ),
    ]
}

fn status_metadata() -> Report {
    metadata(
        "status",
        ReportName::MetadataTelemetryStatus,
        vec![description("status", ReportType::ResourceStatus, None)],
    )
}

fn metadata(specifier: &str, name: ReportName, descriptions: Vec<ReportDescription>) -> Report {
    Report {
        dtstart: None,
        duration: Some(Duration::from_seconds(TimeDelta::days(1).num_seconds())),
        intervals: Vec::new(),
        report_id: None,
        descriptions,
        report_request_id: "0".into(),
        report_specifier_id: specifier.into(),
        report_name: Some(name),
        created: Utc::now(),
    }
}

fn response_code(message: &Message) -> u16 {
    match message {
        Message::Response(m) => m.response.code,
        Message::CreatedPartyRegistration(m) => m.response.code,
        Message::RegisteredReport(m) => m.response.code,
        Message::UpdatedReport(m) => m.response.code,
        Message::CanceledPartyRegistration(m) => m.response.code,
        Message::DistributeEvent(m) => m.response.as_ref().map_or(200, |r| r.code),
        _ => 200,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Connection, Target};

    fn ven(report_intervals: usize) -> Ven {
        let target = Target {
            addr: "127.0.0.1:9".parse().unwrap(),
            host: "localhost".into(),
            ca_pem: None,
        };
        let link = Link::own(Connection::new(target, None).unwrap(), None).unwrap();
        let policy = Policy {
            opt_out_fraction: 0.0,
            script: Arc::default(),
            update_every: 1,
            baseline_w: 10_000.0,
            report_intervals,
        };
        Ven::new("v".into(), link, policy, Some("ven-1".into()))
    }

    #[test]
    fn one_interval_reports_the_present() {
        let now = Utc::now();
        let mut live = ven(1);
        assert_eq!(live.next_intervals(now), vec![now]);
        assert_eq!(live.next_intervals(now), vec![now]);
    }

    #[test]
    fn several_intervals_catch_up_on_history_without_repeating_or_passing_now() {
        let mut backfill = ven(96);
        let now = Utc::now();
        let first = backfill.next_intervals(now);
        assert_eq!(first.len(), 96);
        assert!(first[0] <= now - HISTORY + TimeDelta::seconds(1));
        assert!(first.windows(2).all(|w| w[1] - w[0] == INTERVAL));
        let second = backfill.next_intervals(now);
        assert_eq!(
            second[0] - first[95],
            INTERVAL,
            "continues where it stopped"
        );
        let mut sent = 192;
        loop {
            let next = backfill.next_intervals(now);
            if next.is_empty() {
                break;
            }
            assert!(next.iter().all(|t| *t + INTERVAL <= now));
            sent += next.len();
        }
        assert_eq!(sent as i64, HISTORY.num_minutes());
    }
}
