//! Day-ahead price publishing as people and integrations see it: a program's
//! schedule, the prices of a local date and whether they were published, and
//! the alerts raised when a date could not be published on time.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A program's day-ahead schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayAheadSettings {
    /// Prices are published on schedule.
    pub enabled: bool,
    /// IANA time zone of the program's local days, e.g. `America/New_York`.
    pub time_zone: String,
    /// Local publish time, `HH:MM` (24-hour clock).
    pub publish_time: String,
}

impl Default for DayAheadSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            time_zone: "UTC".into(),
            publish_time: "17:00".into(),
        }
    }
}

/// Minutes after midnight of a `HH:MM` time, or what is wrong with it.
pub fn parse_publish_time(text: &str) -> Result<i32, String> {
    let wrong = || format!("publish time {text:?} is not HH:MM (00:00–23:59)");
    let (h, m) = text.trim().split_once(':').ok_or_else(wrong)?;
    let (h, m) = (
        h.parse::<i32>().map_err(|_| wrong())?,
        m.parse::<i32>().map_err(|_| wrong())?,
    );
    if (0..24).contains(&h) && (0..60).contains(&m) && text.trim().len() <= 5 {
        Ok(h * 60 + m)
    } else {
        Err(wrong())
    }
}

/// Prices from a CSV file, one row per hour: the last field of each row, so
/// both a single column and `hour,price` rows work. A first row whose last
/// field is not a number is a header; blank rows are skipped.
pub fn prices_from_csv(text: &str) -> Result<Vec<f64>, String> {
    let mut prices = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(last) = line
            .split([',', ';', '\t'])
            .map(str::trim)
            .rfind(|f| !f.is_empty())
        else {
            continue;
        };
        let value = last.trim_matches('"');
        match value.parse::<f64>().ok().filter(|p| p.is_finite()) {
            Some(price) => prices.push(price),
            None if i == 0 => {}
            None => return Err(format!("row {}: {value:?} is not a price", i + 1)),
        }
    }
    if prices.is_empty() {
        return Err("the file holds no prices".into());
    }
    Ok(prices)
}

/// `HH:MM` of minutes after midnight.
pub fn format_publish_time(minute: i32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// That a date was published, as which event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Publication {
    /// The event's primary key.
    pub event: i32,
    /// The OpenADR eventID.
    pub event_id: String,
    /// When.
    pub published_at: DateTime<Utc>,
}

/// A date that could not be published at publish time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayAheadAlert {
    /// Program key.
    pub program_id: i32,
    /// Program name.
    pub program: String,
    /// The local date that was due.
    pub date: NaiveDate,
    /// What is wrong.
    pub message: String,
    /// When it was raised.
    pub raised_at: DateTime<Utc>,
    /// When the date was published after all, if it was.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The prices of one program for one local date, and what became of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayPrices {
    /// Program key.
    pub program_id: i32,
    /// The local date.
    pub date: NaiveDate,
    /// The program's time zone.
    pub time_zone: String,
    /// Start of the date (local midnight) in UTC.
    pub start: DateTime<Utc>,
    /// One price per local hour (23, 24 or 25).
    pub prices: Vec<f64>,
    /// When they were stored.
    pub updated_at: DateTime<Utc>,
    /// By whom.
    pub updated_by: String,
    /// The event they were published as, once published.
    pub publication: Option<Publication>,
    /// The alert raised for this date, if any.
    pub alert: Option<DayAheadAlert>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_times_are_hours_and_minutes_of_one_day() {
        assert_eq!(parse_publish_time("17:00"), Ok(1020));
        assert_eq!(parse_publish_time(" 0:05 "), Ok(5));
        assert_eq!(format_publish_time(1020), "17:00");
        for bad in ["24:00", "17", "17:60", "-1:00", "ab:cd", "17:00:00"] {
            assert!(parse_publish_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csv_prices_are_the_last_column_after_an_optional_header() {
        let with_hours = "hour,price\r\n1,0.12\r\n2,\"0.11\"\r\n\r\n3,0.15\r\n";
        assert_eq!(prices_from_csv(with_hours), Ok(vec![0.12, 0.11, 0.15]));
        assert_eq!(prices_from_csv("0.1\n0.2\n"), Ok(vec![0.1, 0.2]));
        assert_eq!(prices_from_csv("a;b\n1;0.3;\n"), Ok(vec![0.3]));
        assert!(
            prices_from_csv("hour,price\n1,cheap\n")
                .unwrap_err()
                .contains("row 2")
        );
        assert!(prices_from_csv("hour,price\n").is_err());
    }
}
