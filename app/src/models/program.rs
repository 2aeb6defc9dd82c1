//! DR programs.

use super::day_ahead::{DayAheadSettings, parse_publish_time};
use super::problem::{Problem, first};
use serde::{Deserialize, Serialize};

/// A program with its sites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Program {
    /// Primary key.
    pub id: i32,
    /// Unique name.
    pub name: String,
    /// Market context URI VENs know the program by.
    pub market_context: String,
    /// Events are `near` this many seconds before they start.
    pub near_window_secs: i64,
    /// TELEMETRY_USAGE granularity and report-back period (seconds).
    pub usage: (i64, i64),
    /// TELEMETRY_STATUS granularity and report-back period (seconds).
    pub status: (i64, i64),
    /// Member sites (id, name).
    pub sites: Vec<(i32, String)>,
    /// Day-ahead price publishing.
    pub day_ahead: DayAheadSettings,
}

/// The longest near window: a week.
const MAX_NEAR_WINDOW_MINS: i64 = 7 * 24 * 60;
/// The longest report granularity or report-back period: 31 days.
const MAX_REPORT_PERIOD_SECS: i64 = 31 * 24 * 3600;

/// What an admin enters for a program.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgramForm {
    /// Name.
    pub name: String,
    /// Market context URI.
    pub market_context: String,
    /// Near window in minutes.
    pub near_window_mins: i64,
    /// Usage report granularity, seconds.
    pub usage_granularity_secs: i64,
    /// Usage report-back period, seconds.
    pub usage_report_back_secs: i64,
    /// Status report granularity, seconds.
    pub status_granularity_secs: i64,
    /// Status report-back period, seconds.
    pub status_report_back_secs: i64,
    /// Member sites.
    pub site_ids: Vec<i32>,
    /// Day-ahead price publishing (the server also checks the time zone).
    pub day_ahead: DayAheadSettings,
}

impl ProgramForm {
    /// What is wrong with the form, field by field.
    pub fn problems(&self) -> Vec<Problem> {
        let mut found = Vec::new();
        if self.name.trim().is_empty() {
            found.push(Problem::new("name", "the program needs a name"));
        }
        let market_context = self.market_context.trim();
        if market_context.is_empty() || market_context.contains(char::is_whitespace) {
            found.push(Problem::new(
                "market_context",
                "the market context is a URI without spaces, e.g. http://utility.example/dr/peak",
            ));
        }
        if !(0..=MAX_NEAR_WINDOW_MINS).contains(&self.near_window_mins) {
            found.push(Problem::new(
                "near_window_mins",
                format!("the near window is 0 to {MAX_NEAR_WINDOW_MINS} minutes (a week)"),
            ));
        }
        for (field, value, what) in [
            (
                "usage_granularity_secs",
                self.usage_granularity_secs,
                "usage granularity",
            ),
            (
                "usage_report_back_secs",
                self.usage_report_back_secs,
                "usage report-back period",
            ),
            (
                "status_granularity_secs",
                self.status_granularity_secs,
                "status granularity",
            ),
            (
                "status_report_back_secs",
                self.status_report_back_secs,
                "status report-back period",
            ),
        ] {
            if !(1..=MAX_REPORT_PERIOD_SECS).contains(&value) {
                found.push(Problem::new(
                    field,
                    format!("the {what} is 1 to {MAX_REPORT_PERIOD_SECS} seconds (31 days)"),
                ));
            }
        }
        if self.day_ahead.time_zone.trim().is_empty() {
            found.push(Problem::new(
                "time_zone",
                "the day-ahead time zone is needed, e.g. America/New_York or UTC",
            ));
        }
        if let Err(message) = parse_publish_time(&self.day_ahead.publish_time) {
            found.push(Problem::new("publish_time", message));
        }
        found
    }

    /// The form cleaned up, or what is wrong with it.
    pub fn validated(self) -> Result<Self, String> {
        first(self.problems())?;
        let name = self.name.trim().to_owned();
        let market_context = self.market_context.trim().to_owned();
        let time_zone = self.day_ahead.time_zone.trim().to_owned();
        let day_ahead = DayAheadSettings {
            time_zone,
            publish_time: self.day_ahead.publish_time.trim().to_owned(),
            ..self.day_ahead
        };
        let mut site_ids = self.site_ids;
        site_ids.sort_unstable();
        site_ids.dedup();
        Ok(Self {
            name,
            market_context,
            site_ids,
            day_ahead,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProgramForm {
        ProgramForm {
            name: " Peak ".into(),
            market_context: "http://utility.example/dr/peak".into(),
            near_window_mins: 15,
            usage_granularity_secs: 60,
            usage_report_back_secs: 300,
            status_granularity_secs: 60,
            status_report_back_secs: 300,
            site_ids: vec![3, 1, 3],
            day_ahead: DayAheadSettings::default(),
        }
    }

    #[test]
    fn a_program_form_is_trimmed_and_its_sites_deduplicated() {
        let ok = form().validated().unwrap();
        assert_eq!((ok.name.as_str(), ok.site_ids), ("Peak", vec![1, 3]));
    }

    #[test]
    fn windows_and_periods_outside_their_range_are_refused() {
        let too_near = ProgramForm {
            near_window_mins: i64::MAX,
            ..form()
        };
        assert!(too_near.validated().unwrap_err().contains("near window"));
        let negative = ProgramForm {
            near_window_mins: -1,
            ..form()
        };
        assert!(negative.validated().is_err());
        let huge = ProgramForm {
            usage_report_back_secs: 40 * 24 * 3600,
            ..form()
        };
        assert!(huge.validated().unwrap_err().contains("usage report-back"));
        let zero = ProgramForm {
            status_granularity_secs: 0,
            ..form()
        };
        assert!(zero.validated().unwrap_err().contains("status granularity"));
    }
}
