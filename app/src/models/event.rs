//! DR events as the operator defines them, and the status rules that apply
//! to them over time.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// One signal of an event: its name and type (OpenADR 2.0b vocabulary, e.g.
/// `SIMPLE`/`level` or `ELECTRICITY_PRICE`/`price`) and consecutive intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Signal {
    /// `SIMPLE`, `ELECTRICITY_PRICE`, … or an `x-` extension.
    pub name: String,
    /// `level`, `price`, …
    pub signal_type: String,
    /// The signal's ID.
    pub id: String,
    /// Consecutive intervals from the event's start.
    pub intervals: Vec<Interval>,
}

impl Signal {
    /// A SIMPLE signal at one `level` (0–3) for `duration_secs`.
    pub fn simple(duration_secs: i64, level: f64) -> Self {
        Self {
            name: "SIMPLE".into(),
            signal_type: "level".into(),
            id: "simple".into(),
            intervals: vec![Interval {
                duration_secs,
                value: level,
            }],
        }
    }

    /// An ELECTRICITY_PRICE signal of one price per hour.
    pub fn hourly_prices(prices: &[f64]) -> Self {
        Self {
            name: "ELECTRICITY_PRICE".into(),
            signal_type: "price".into(),
            id: "price".into(),
            intervals: prices
                .iter()
                .map(|value| Interval {
                    duration_secs: 3600,
                    value: *value,
                })
                .collect(),
        }
    }
}

/// An interval of a signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Interval {
    /// Length in seconds.
    pub duration_secs: i64,
    /// The value (a SIMPLE level 0–3, a price…).
    pub value: f64,
}

/// Targets beyond the event's sites (groupID, resourceID, partyID).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExtraTargets {
    /// `ei:groupID`s.
    pub group_ids: Vec<String>,
    /// `ei:resourceID`s.
    pub resource_ids: Vec<String>,
    /// `ei:partyID`s.
    pub party_ids: Vec<String>,
}

/// What an operator (or the API) gives to create an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewEvent {
    /// The program (its market context goes to VENs).
    pub program_id: i32,
    /// Sites of that program that receive the event.
    pub site_ids: Vec<i32>,
    /// Start.
    pub dtstart: DateTime<Utc>,
    /// VENs hear of the event this long before it starts.
    pub notification_secs: i64,
    /// At least one signal; each signal's intervals cover the whole event.
    pub signals: Vec<Signal>,
    /// Ramp-up period.
    pub ramp_up_secs: Option<i64>,
    /// Recovery period.
    pub recovery_secs: Option<i64>,
    /// Randomised start window.
    pub start_after_secs: Option<i64>,
    /// Priority (lower is more important).
    pub priority: Option<i32>,
    /// A test event: VENs do not act on it.
    pub test_event: bool,
    /// Free text to VENs.
    pub vtn_comment: Option<String>,
    /// VENs must answer (oadrCreatedEvent).
    pub response_required: bool,
    /// Extra targets.
    pub targets: ExtraTargets,
}

/// The lifecycle states of OpenADR's `eventStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    /// Starts later than the program's near window.
    Far,
    /// Starts within the near window.
    Near,
    /// Running.
    Active,
    /// Over.
    Completed,
    /// Cancelled by the operator.
    Cancelled,
}

impl EventStatus {
    /// The OpenADR value.
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Far => "far",
            EventStatus::Near => "near",
            EventStatus::Active => "active",
            EventStatus::Completed => "completed",
            EventStatus::Cancelled => "cancelled",
        }
    }

    /// The status at `now` of an event starting at `start` for `duration`.
    pub fn at(
        now: DateTime<Utc>,
        start: DateTime<Utc>,
        duration: TimeDelta,
        near_window: TimeDelta,
        cancelled: bool,
    ) -> Self {
        if cancelled {
            EventStatus::Cancelled
        } else if now >= start + duration {
            EventStatus::Completed
        } else if now >= start {
            EventStatus::Active
        } else if now >= start - near_window {
            EventStatus::Near
        } else {
            EventStatus::Far
        }
    }
}

impl NewEvent {
    /// A SIMPLE event at one `level` (0–3) for `duration_secs`, notified a day
    /// ahead, answer required: the common case, with the optional parts empty.
    pub fn simple(
        program_id: i32,
        site_ids: Vec<i32>,
        dtstart: DateTime<Utc>,
        duration_secs: i64,
        level: f64,
    ) -> Self {
        Self {
            program_id,
            site_ids,
            dtstart,
            notification_secs: 86_400,
            signals: vec![Signal::simple(duration_secs, level)],
            ramp_up_secs: None,
            recovery_secs: None,
            start_after_secs: None,
            priority: None,
            test_event: false,
            vtn_comment: None,
            response_required: true,
            targets: ExtraTargets::default(),
        }
    }

    /// Length of the event: the sum of the first signal's intervals.
    pub fn duration_secs(&self) -> i64 {
        self.signals
            .first()
            .map_or(0, |s| s.intervals.iter().map(|i| i.duration_secs).sum())
    }

    /// Checks the OpenADR rules an event must follow; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.site_ids.is_empty() {
            return Err("choose at least one site".into());
        }
        if self.signals.is_empty() {
            return Err("an event needs at least one signal".into());
        }
        if self.notification_secs < 0 {
            return Err("the notification time cannot be negative".into());
        }
        let total = self.duration_secs();
        if total <= 0 {
            return Err("an event needs intervals with a positive duration".into());
        }
        for signal in &self.signals {
            if signal.intervals.is_empty() || signal.intervals.iter().any(|i| i.duration_secs <= 0)
            {
                return Err(format!(
                    "every interval of signal {} needs a positive duration",
                    signal.name
                ));
            }
            let sum: i64 = signal.intervals.iter().map(|i| i.duration_secs).sum();
            if sum != total {
                return Err(format!(
                    "the intervals of signal {} last {sum} s, but the event lasts {total} s (they must add up)",
                    signal.name
                ));
            }
            if signal.intervals.iter().any(|i| !i.value.is_finite()) {
                return Err(format!(
                    "signal {} has a value that is not a number",
                    signal.name
                ));
            }
            if signal.name.eq_ignore_ascii_case("SIMPLE")
                && signal
                    .intervals
                    .iter()
                    .any(|i| ![0.0, 1.0, 2.0, 3.0].contains(&i.value))
            {
                return Err("SIMPLE signal levels are 0, 1, 2 or 3".into());
            }
        }
        Ok(())
    }
}

/// Which events a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum EventFilter {
    /// Every event.
    All,
    /// Not started yet (far or near), not cancelled.
    Scheduled,
    /// Running now.
    Active,
    /// Over.
    Completed,
    /// Cancelled.
    Cancelled,
}

impl EventFilter {
    /// Whether an event in `status` passes.
    pub fn accepts(self, status: EventStatus) -> bool {
        match self {
            EventFilter::All => true,
            EventFilter::Scheduled => matches!(status, EventStatus::Far | EventStatus::Near),
            EventFilter::Active => status == EventStatus::Active,
            EventFilter::Completed => status == EventStatus::Completed,
            EventFilter::Cancelled => status == EventStatus::Cancelled,
        }
    }

    /// The name in URLs and labels.
    pub fn as_str(self) -> &'static str {
        match self {
            EventFilter::All => "all",
            EventFilter::Scheduled => "scheduled",
            EventFilter::Active => "active",
            EventFilter::Completed => "completed",
            EventFilter::Cancelled => "cancelled",
        }
    }

    /// Every filter, in display order.
    pub const ALL: [EventFilter; 5] = [
        EventFilter::All,
        EventFilter::Scheduled,
        EventFilter::Active,
        EventFilter::Completed,
        EventFilter::Cancelled,
    ];

    /// The filter named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The filter named `name` (unknown names show everything).
    pub fn parse(name: &str) -> Self {
        Self::from_name(name).unwrap_or(EventFilter::All)
    }
}

/// An event as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventSummary {
    /// Primary key.
    pub id: i32,
    /// The OpenADR eventID.
    pub event_id: String,
    /// Program name.
    pub program: String,
    /// Status now.
    pub status: EventStatus,
    /// Start.
    pub dtstart: DateTime<Utc>,
    /// Length in seconds.
    pub duration_secs: i64,
    /// E.g. `SIMPLE level 2` or `ELECTRICITY_PRICE 24 intervals`.
    pub signal: String,
    /// Modification number.
    pub modification_number: i32,
    /// Sites targeted.
    pub sites: u32,
    /// Sites that have the current version.
    pub delivered: u32,
    /// Sites that opted in.
    pub opted_in: u32,
    /// Sites that opted out.
    pub opted_out: u32,
    /// A test event.
    pub test_event: bool,
}

/// A page of events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventPage {
    /// The events, newest start first.
    pub events: Vec<EventSummary>,
    /// Events passing the filter in all.
    pub total: u32,
}

/// One site's state for an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteDelivery {
    /// Site key.
    pub site_id: i32,
    /// Site name.
    pub site: String,
    /// VEN name.
    pub ven_name: String,
    /// `pending`, `delivered` (current version) or `answered`.
    pub state: String,
    /// The version delivered last, if any.
    pub delivered_modification: Option<i32>,
    /// When delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// `optIn`, `optOut`, `none` or no answer.
    pub opt: Option<String>,
    /// When answered.
    pub opted_at: Option<DateTime<Utc>>,
}

/// Everything the event page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventDetail {
    /// The list fields.
    pub summary: EventSummary,
    /// Program key.
    pub program_id: i32,
    /// Notification period, seconds.
    pub notification_secs: i64,
    /// Randomised start window, seconds.
    pub start_after_secs: Option<i64>,
    /// Priority.
    pub priority: Option<i32>,
    /// Answer required.
    pub response_required: bool,
    /// Comment to VENs.
    pub vtn_comment: Option<String>,
    /// Why it was last modified.
    pub modification_reason: Option<String>,
    /// The signals.
    pub signals: Vec<Signal>,
    /// Per site.
    pub deliveries: Vec<SiteDelivery>,
}

/// Describes a signal in a few words for lists.
pub fn describe(signals: &[Signal]) -> String {
    let Some(first) = signals.first() else {
        return "no signal".into();
    };
    let mut text = if first.name == "SIMPLE" && first.intervals.len() == 1 {
        format!("SIMPLE level {}", first.intervals[0].value)
    } else {
        format!("{} ({} intervals)", first.name, first.intervals.len())
    };
    if signals.len() > 1 {
        text.push_str(&format!(" + {} more", signals.len() - 1));
    }
    text
}

/// The value of a signal at `now` for an event starting at `start`: the
/// active interval's value while the event runs, 0 otherwise (rule 14).
pub fn current_value(
    signal: &Signal,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    cancelled: bool,
) -> f64 {
    if cancelled || now < start {
        return 0.0;
    }
    let mut end = start;
    for interval in &signal.intervals {
        end += TimeDelta::seconds(interval.duration_secs);
        if now < end {
            return interval.value;
        }
    }
    0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0)
            .single()
            .unwrap()
    }

    #[test]
    fn status_follows_time() {
        let (start, hour, day) = (at(12), TimeDelta::hours(1), TimeDelta::hours(24));
        let status = |now| EventStatus::at(now, start, hour * 2, hour * 2, false);
        assert_eq!(status(at(9)), EventStatus::Far);
        assert_eq!(status(at(10)), EventStatus::Near);
        assert_eq!(status(at(12)), EventStatus::Active);
        assert_eq!(status(at(14)), EventStatus::Completed);
        assert_eq!(
            EventStatus::at(at(13), start, day, hour, true),
            EventStatus::Cancelled
        );
    }

    #[test]
    fn current_value_is_the_active_intervals_and_zero_otherwise() {
        let signal = Signal {
            name: "SIMPLE".into(),
            signal_type: "level".into(),
            id: "s".into(),
            intervals: vec![
                Interval {
                    duration_secs: 3600,
                    value: 1.0,
                },
                Interval {
                    duration_secs: 3600,
                    value: 3.0,
                },
            ],
        };
        assert_eq!(current_value(&signal, at(12), at(11), false), 0.0);
        assert_eq!(current_value(&signal, at(12), at(12), false), 1.0);
        assert_eq!(current_value(&signal, at(12), at(13), false), 3.0);
        assert_eq!(current_value(&signal, at(12), at(14), false), 0.0);
        assert_eq!(current_value(&signal, at(12), at(13), true), 0.0);
    }

    #[test]
    fn validation_enforces_durations_and_simple_levels() {
        let mut event = NewEvent {
            program_id: 1,
            site_ids: vec![1],
            dtstart: at(12),
            notification_secs: 0,
            signals: vec![Signal {
                name: "SIMPLE".into(),
                signal_type: "level".into(),
                id: "s".into(),
                intervals: vec![Interval {
                    duration_secs: 3600,
                    value: 2.0,
                }],
            }],
            ramp_up_secs: None,
            recovery_secs: None,
            start_after_secs: None,
            priority: None,
            test_event: false,
            vtn_comment: None,
            response_required: true,
            targets: ExtraTargets::default(),
        };
        assert_eq!(event.validate(), Ok(()));
        event.signals[0].intervals[0].value = 4.0;
        assert!(event.validate().unwrap_err().contains("0, 1, 2 or 3"));
        event.signals[0].intervals[0].value = 1.0;
        event.signals.push(Signal {
            name: "x-other".into(),
            intervals: vec![Interval {
                duration_secs: 60,
                value: 5.0,
            }],
            ..event.signals[0].clone()
        });
        assert!(event.validate().unwrap_err().contains("must add up"));
    }
}
