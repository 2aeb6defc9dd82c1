//! Value types shared by all services: date-times, xcal durations, open
//! enumerations and identifiers.

use crate::deviation::DeviationKind;
use chrono::{NaiveDateTime, SecondsFormat, TimeDelta, Utc};
use std::fmt;
use std::str::FromStr;

/// Date-times are always UTC on the wire (`…Z`).
pub type DateTime = chrono::DateTime<Utc>;

/// Parses an xcal date-time. A numeric offset or a missing zone is accepted
/// and reported as a deviation (the schema wants `Z`).
pub(crate) fn parse_date_time(text: &str) -> Result<(DateTime, Option<DeviationKind>), String> {
    if let Ok(parsed) = chrono::DateTime::parse_from_rfc3339(text) {
        let deviation = (!text.ends_with('Z') && !text.ends_with('z')).then(|| {
            DeviationKind::DateTimeWithOffset {
                value: text.to_owned(),
            }
        });
        return Ok((parsed.with_timezone(&Utc), deviation));
    }
    match NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        Ok(naive) => Ok((
            naive.and_utc(),
            Some(DeviationKind::DateTimeWithoutZone {
                value: text.to_owned(),
            }),
        )),
        Err(_) => Err("expected a date-time like 2026-11-23T14:00:00Z".into()),
    }
}

/// Formats a date-time as the schema wants it.
pub fn format_date_time(value: &DateTime) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An xcal duration (ISO 8601): `PT1H`, `P1D`, `-PT5M`, `P2W`.
///
/// Years and months are kept as written; they have no fixed length, so
/// [`Duration::to_time_delta`] refuses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    /// `-` before the `P`.
    pub negative: bool,
    /// Years.
    pub years: u32,
    /// Months.
    pub months: u32,
    /// Weeks (only alone, per ISO 8601 and the schema).
    pub weeks: u32,
    /// Days.
    pub days: u32,
    /// Hours.
    pub hours: u32,
    /// Minutes.
    pub minutes: u32,
    /// Seconds.
    pub seconds: u32,
}

impl Duration {
    /// A duration of whole seconds; negative for negative values. Uses days,
    /// hours, minutes and seconds, never weeks, months or years.
    pub fn from_seconds(total: i64) -> Self {
        let negative = total < 0;
        let mut rest = total.unsigned_abs();
        let days = rest / 86_400;
        rest %= 86_400;
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        Self {
            negative,
            days: clamp(days),
            hours: clamp(rest / 3600),
            minutes: clamp(rest % 3600 / 60),
            seconds: clamp(rest % 60),
            ..Self::default()
        }
    }

    /// Converts a `TimeDelta` (sub-second parts are dropped).
    pub fn from_time_delta(delta: TimeDelta) -> Self {
        Self::from_seconds(delta.num_seconds())
    }

    /// The length as a `TimeDelta`, unless it uses years or months.
    pub fn to_time_delta(&self) -> Option<TimeDelta> {
        if self.years != 0 || self.months != 0 {
            return None;
        }
        let seconds = i64::from(self.weeks) * 604_800
            + i64::from(self.days) * 86_400
            + i64::from(self.hours) * 3600
            + i64::from(self.minutes) * 60
            + i64::from(self.seconds);
        let delta = TimeDelta::seconds(seconds);
        Some(if self.negative { -delta } else { delta })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str("P")?;
        if self.weeks != 0 {
            return write!(f, "{}W", self.weeks);
        }
        for (value, unit) in [(self.years, 'Y'), (self.months, 'M'), (self.days, 'D')] {
            if value != 0 {
                write!(f, "{value}{unit}")?;
            }
        }
        let time = [(self.hours, 'H'), (self.minutes, 'M'), (self.seconds, 'S')];
        if time.iter().any(|(v, _)| *v != 0) {
            f.write_str("T")?;
            for (value, unit) in time {
                if value != 0 {
                    write!(f, "{value}{unit}")?;
                }
            }
        } else if self.years == 0 && self.months == 0 && self.days == 0 {
            f.write_str("T0S")?;
        }
        Ok(())
    }
}

/// Why a duration does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an ISO 8601 duration like PT1H, P1D or -PT5M")]
pub struct ParseDurationError(String);

impl FromStr for Duration {
    type Err = ParseDurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || ParseDurationError(s.to_owned());
        let mut d = Duration::default();
        let mut rest = s.trim();
        if let Some(r) = rest.strip_prefix('-') {
            d.negative = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('+') {
            rest = r;
        }
        rest = rest.strip_prefix('P').ok_or_else(error)?;
        if rest.is_empty() {
            return Err(error());
        }
        let mut in_time = false;
        let mut seen_any = false;
        // Where the digits before the next unit begin: sliced, not copied.
        let mut number = None;
        for (at, c) in rest.char_indices() {
            match c {
                '0'..='9' => {
                    number.get_or_insert(at);
                }
                'T' if !in_time && number.is_none() => in_time = true,
                unit => {
                    let digits = rest
                        .get(number.take().unwrap_or(at)..at)
                        .unwrap_or_default();
                    let value: u32 = digits.parse().map_err(|_| error())?;
                    seen_any = true;
                    let slot = match (in_time, unit) {
                        (false, 'Y') => &mut d.years,
                        (false, 'M') => &mut d.months,
                        (false, 'W') => &mut d.weeks,
                        (false, 'D') => &mut d.days,
                        (true, 'H') => &mut d.hours,
                        (true, 'M') => &mut d.minutes,
                        (true, 'S') => &mut d.seconds,
                        _ => return Err(error()),
                    };
                    *slot = value;
                }
            }
        }
        if number.is_some() || !seen_any {
            return Err(error());
        }
        Ok(d)
    }
}

/// Declares an open enumeration: the schema's values as variants, anything
/// else (e.g. `x-…` extensions) kept in `Other`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value outside the schema's list, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(other) => other,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// `ei:eventStatus`.
    EventStatus {
        /// No event pending.
        None => "none",
        /// Pending in the far future.
        Far => "far",
        /// Pending in the near future.
        Near => "near",
        /// Running now.
        Active => "active",
        /// Over.
        Completed => "completed",
        /// Cancelled.
        Cancelled => "cancelled",
    }
}

open_enum! {
    /// `ei:signalName`.
    SignalName {
        /// SIMPLE levels 0–3.
        Simple => "SIMPLE",
        /// Lower-case alias allowed by the schema.
        SimpleLower => "simple",
        /// Electricity price.
        ElectricityPrice => "ELECTRICITY_PRICE",
        /// Energy price.
        EnergyPrice => "ENERGY_PRICE",
        /// Demand charge.
        DemandCharge => "DEMAND_CHARGE",
        /// Bid price.
        BidPrice => "BID_PRICE",
        /// Bid load.
        BidLoad => "BID_LOAD",
        /// Bid energy.
        BidEnergy => "BID_ENERGY",
        /// Charge state.
        ChargeState => "CHARGE_STATE",
        /// Load dispatch.
        LoadDispatch => "LOAD_DISPATCH",
        /// Load control.
        LoadControl => "LOAD_CONTROL",
    }
}

open_enum! {
    /// `ei:signalType`.
    SignalType {
        /// Delta.
        Delta => "delta",
        /// Level.
        Level => "level",
        /// Multiplier.
        Multiplier => "multiplier",
        /// Price.
        Price => "price",
        /// Price multiplier.
        PriceMultiplier => "priceMultiplier",
        /// Relative price.
        PriceRelative => "priceRelative",
        /// Set point.
        Setpoint => "setpoint",
        /// Load control capacity.
        LoadControlCapacity => "x-loadControlCapacity",
        /// Load control level offset.
        LoadControlLevelOffset => "x-loadControlLevelOffset",
        /// Load control percent offset.
        LoadControlPercentOffset => "x-loadControlPercentOffset",
        /// Load control set point.
        LoadControlSetpoint => "x-loadControlSetpoint",
    }
}

open_enum! {
    /// `ei:optType`.
    OptType {
        /// Will take part.
        OptIn => "optIn",
        /// Will not take part.
        OptOut => "optOut",
    }
}

open_enum! {
    /// `ei:optReason`.
    OptReason {
        /// Economic.
        Economic => "economic",
        /// Emergency.
        Emergency => "emergency",
        /// Must run.
        MustRun => "mustRun",
        /// Not participating.
        NotParticipating => "notParticipating",
        /// Outage.
        OutageRunStatus => "outageRunStatus",
        /// Override.
        OverrideStatus => "overrideStatus",
        /// Participating.
        Participating => "participating",
        /// Schedule.
        Schedule => "x-schedule",
    }
}

open_enum! {
    /// `ei:reportName`.
    ReportName {
        /// Metadata of history usage.
        MetadataHistoryUsage => "METADATA_HISTORY_USAGE",
        /// History usage.
        HistoryUsage => "HISTORY_USAGE",
        /// Metadata of Green Button history.
        MetadataHistoryGreenbutton => "METADATA_HISTORY_GREENBUTTON",
        /// Green Button history.
        HistoryGreenbutton => "HISTORY_GREENBUTTON",
        /// Metadata of telemetry usage.
        MetadataTelemetryUsage => "METADATA_TELEMETRY_USAGE",
        /// Telemetry usage.
        TelemetryUsage => "TELEMETRY_USAGE",
        /// Metadata of telemetry status.
        MetadataTelemetryStatus => "METADATA_TELEMETRY_STATUS",
        /// Telemetry status.
        TelemetryStatus => "TELEMETRY_STATUS",
    }
}

open_enum! {
    /// `ei:reportType`.
    ReportType {
        /// Reading.
        Reading => "reading",
        /// Usage.
        Usage => "usage",
        /// Demand.
        Demand => "demand",
        /// Set point.
        SetPoint => "setPoint",
        /// Delta usage.
        DeltaUsage => "deltaUsage",
        /// Delta set point.
        DeltaSetPoint => "deltaSetPoint",
        /// Delta demand.
        DeltaDemand => "deltaDemand",
        /// Baseline.
        Baseline => "baseline",
        /// Deviation.
        Deviation => "deviation",
        /// Average usage.
        AvgUsage => "avgUsage",
        /// Average demand.
        AvgDemand => "avgDemand",
        /// Operating state.
        OperatingState => "operatingState",
        /// Up-regulation capacity.
        UpRegulationCapacityAvailable => "upRegulationCapacityAvailable",
        /// Down-regulation capacity.
        DownRegulationCapacityAvailable => "downRegulationCapacityAvailable",
        /// Regulation set point.
        RegulationSetpoint => "regulationSetpoint",
        /// Stored energy.
        StoredEnergy => "storedEnergy",
        /// Target energy storage.
        TargetEnergyStorage => "targetEnergyStorage",
        /// Available energy storage.
        AvailableEnergyStorage => "availableEnergyStorage",
        /// Price.
        Price => "price",
        /// Level.
        Level => "level",
        /// Power factor.
        PowerFactor => "powerFactor",
        /// Percent usage.
        PercentUsage => "percentUsage",
        /// Percent demand.
        PercentDemand => "percentDemand",
        /// Resource status.
        ResourceStatus => "x-resourceStatus",
    }
}

open_enum! {
    /// `ei:readingType`.
    ReadingType {
        /// Direct read.
        DirectRead => "Direct Read",
        /// Net.
        Net => "Net",
        /// Allocated.
        Allocated => "Allocated",
        /// Estimated.
        Estimated => "Estimated",
        /// Summed.
        Summed => "Summed",
        /// Derived.
        Derived => "Derived",
        /// Mean.
        Mean => "Mean",
        /// Peak.
        Peak => "Peak",
        /// Hybrid.
        Hybrid => "Hybrid",
        /// Contract.
        Contract => "Contract",
        /// Projected.
        Projected => "Projected",
        /// RMS.
        Rms => "x-RMS",
        /// Not applicable.
        NotApplicable => "x-notApplicable",
    }
}

/// Declares a string identifier newtype.
macro_rules! identifier {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub String);

        impl $name {
            /// The identifier's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

identifier!(
    /// `ei:venID`.
    VenId
);
identifier!(
    /// `ei:vtnID`.
    VtnId
);
identifier!(
    /// `pyld:requestID`.
    RequestId
);
identifier!(
    /// `ei:registrationID`.
    RegistrationId
);
identifier!(
    /// `ei:eventID`.
    EventId
);
identifier!(
    /// `ei:optID`.
    OptId
);
identifier!(
    /// `ei:reportRequestID`.
    ReportRequestId
);
identifier!(
    /// `ei:reportSpecifierID`.
    ReportSpecifierId
);
identifier!(
    /// `ei:rID`.
    Rid
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_canonically() {
        for (text, seconds) in [
            ("PT1H", 3600),
            ("P1D", 86_400),
            ("-PT5M", -300),
            ("PT1H30M", 5400),
            ("P2W", 1_209_600),
            ("PT0S", 0),
        ] {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d.to_time_delta().unwrap().num_seconds(), seconds, "{text}");
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(Duration::from_seconds(90_061).to_string(), "P1DT1H1M1S");
        assert_eq!("P1M".parse::<Duration>().unwrap().to_time_delta(), None);
        assert_eq!("PT1M".parse::<Duration>().unwrap().minutes, 1);
    }

    #[test]
    fn bad_durations_are_refused() {
        for bad in [
            "", "P", "PT", "1H", "PT1", "PTH", "P1H", "PT1D", "P1.5D", "PT-1H",
        ] {
            assert!(bad.parse::<Duration>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn date_times_without_zone_or_with_offset_are_deviations() {
        let (utc, none) = parse_date_time("2026-11-23T14:00:00Z").unwrap();
        assert!(none.is_none());
        let (naive, deviation) = parse_date_time("2026-11-23T14:00:00").unwrap();
        assert_eq!(naive, utc);
        assert!(matches!(
            deviation,
            Some(DeviationKind::DateTimeWithoutZone { .. })
        ));
        let (offset, deviation) = parse_date_time("2026-11-23T15:00:00+01:00").unwrap();
        assert_eq!(offset, utc);
        assert!(matches!(
            deviation,
            Some(DeviationKind::DateTimeWithOffset { .. })
        ));
        assert!(parse_date_time("yesterday").is_err());
        assert_eq!(format_date_time(&utc), "2026-11-23T14:00:00Z");
    }

    #[test]
    fn open_enums_keep_unknown_values() {
        assert_eq!("SIMPLE".parse::<SignalName>().unwrap(), SignalName::Simple);
        let custom: SignalName = "x-myUtilitySignal".parse().unwrap();
        assert_eq!(custom.as_str(), "x-myUtilitySignal");
    }
}
