//! Local days in a program's time zone: where a date begins and ends, how
//! many hours it has (23, 24 or 25 around daylight saving), and which date's
//! day-ahead prices are due to be published at a given moment.
//!
//! Pure functions of their arguments (no clock, no database), so that the
//! daylight-saving cases can be tested exactly.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// Parses an IANA time zone name (`America/New_York`), saying what is wrong.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "{name:?} is not an IANA time zone name (e.g. America/New_York, Europe/London, UTC)"
        )
    })
}

/// The first instant of `date` in `zone`. Where local midnight does not exist
/// (zones that moved their clocks at 00:00), the day begins when the clocks
/// resume; where it exists twice, at the first.
pub fn start_of(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    // Clock changes skip at most a few hours, in steps of at least 15 minutes;
    // the first quarter hour that exists is where the day begins.
    (0..=16)
        .find_map(|quarter| {
            zone.from_local_datetime(&(midnight + TimeDelta::minutes(15 * quarter)))
                .earliest()
        })
        .map_or_else(
            // No zone skips four hours; should one, UTC midnight is a
            // defined answer rather than a panic.
            || midnight.and_utc(),
            |local| local.with_timezone(&Utc),
        )
}

/// The local day `date` in `zone`: its start and its number of whole hours.
/// A day whose length is not a whole number of hours (a half-hour clock
/// change, as on Lord Howe Island) cannot carry hourly prices.
pub fn hours_of(date: NaiveDate, zone: Tz) -> Result<(DateTime<Utc>, u32), String> {
    let next = date
        .succ_opt()
        .ok_or_else(|| format!("{date} is the last date there is"))?;
    let start = start_of(date, zone);
    let seconds = (start_of(next, zone) - start).num_seconds();
    if seconds <= 0 || seconds % 3600 != 0 {
        return Err(format!(
            "{date} in {zone} lasts {seconds} s, not a whole number of hours"
        ));
    }
    let hours = u32::try_from(seconds / 3600)
        .map_err(|_| format!("{date} in {zone} has an impossible length"))?;
    Ok((start, hours))
}

/// Checks that `prices` hold one finite value per local hour of `date`.
pub fn check_prices(date: NaiveDate, zone: Tz, prices: &[f64]) -> Result<(), String> {
    let (_, hours) = hours_of(date, zone)?;
    if prices.len() != hours as usize {
        return Err(format!(
            "{date} in {zone} has {hours} hours, got {} prices",
            prices.len()
        ));
    }
    if let Some(hour) = prices.iter().position(|p| !p.is_finite()) {
        return Err(format!("the price of hour {hour} is not a finite number"));
    }
    Ok(())
}

/// The date whose prices are due at `now` for a program publishing at local
/// time `publish_at` in `zone`: from `publish_at` on day D until the end of D,
/// that is D+1. Before `publish_at` nothing is due (yesterday's window closed
/// at midnight, when its date began).
pub fn due_date(now: DateTime<Utc>, zone: Tz, publish_at: NaiveTime) -> Option<NaiveDate> {
    let local = now.with_timezone(&zone);
    // Wall-clock comparison: a publish time inside a spring-forward gap falls
    // due when the clocks resume; in a fall-back repeat, at its first pass.
    if local.time() >= publish_at {
        local.date_naive().succ_opt()
    } else {
        None
    }
}

/// The publish time from minutes after midnight (0–1439).
pub fn publish_time(minute: i32) -> Result<NaiveTime, String> {
    u32::try_from(minute)
        .ok()
        .and_then(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0))
        .ok_or_else(|| format!("publish minute {minute} is not within a day (0–1439)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
    }

    fn five_pm() -> NaiveTime {
        NaiveTime::from_hms_opt(17, 0, 0).unwrap()
    }

    #[test]
    fn spring_forward_day_in_new_york_has_23_hours_from_local_midnight() {
        let (start, hours) = hours_of(date(2027, 3, 14), New_York).unwrap();
        assert_eq!(hours, 23);
        assert_eq!(start, utc(2027, 3, 14, 5, 0), "midnight EST is 05:00 UTC");
    }

    #[test]
    fn fall_back_day_in_new_york_has_25_hours() {
        let (start, hours) = hours_of(date(2027, 11, 7), New_York).unwrap();
        assert_eq!(hours, 25);
        assert_eq!(start, utc(2027, 11, 7, 4, 0), "midnight EDT is 04:00 UTC");
    }

    #[test]
    fn ordinary_days_and_utc_have_24_hours() {
        assert_eq!(hours_of(date(2027, 3, 15), New_York).unwrap().1, 24);
        assert_eq!(hours_of(date(2027, 3, 14), Tz::UTC).unwrap().1, 24);
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_begins_when_the_clocks_resume() {
        // Chile moved its clocks from 00:00 to 01:00 on 2022-09-11.
        let (start, hours) = hours_of(date(2022, 9, 11), chrono_tz::America::Santiago).unwrap();
        assert_eq!(start, utc(2022, 9, 11, 4, 0), "01:00 -03 is 04:00 UTC");
        assert_eq!(hours, 23);
    }

    #[test]
    fn half_hour_clock_changes_are_refused_for_hourly_prices() {
        // Lord Howe Island moves its clocks by 30 minutes.
        let error = hours_of(date(2027, 4, 4), chrono_tz::Australia::Lord_Howe).unwrap_err();
        assert!(error.contains("not a whole number of hours"), "{error}");
    }

    #[test]
    fn prices_must_match_the_hours_of_the_day_and_be_finite() {
        let error = check_prices(date(2027, 3, 14), New_York, &[1.0; 24]).unwrap_err();
        assert_eq!(
            error,
            "2027-03-14 in America/New_York has 23 hours, got 24 prices"
        );
        assert!(check_prices(date(2027, 3, 14), New_York, &[1.0; 23]).is_ok());
        assert!(check_prices(date(2027, 11, 7), New_York, &[1.0; 25]).is_ok());
        let mut prices = [0.1; 24];
        prices[5] = f64::INFINITY;
        let error = check_prices(date(2027, 6, 1), New_York, &prices).unwrap_err();
        assert_eq!(error, "the price of hour 5 is not a finite number");
    }

    #[test]
    fn nothing_is_due_before_the_local_publish_time_and_tomorrow_is_due_after_it() {
        // 16:59 and 17:00 EDT on 2027-06-01 are 20:59 and 21:00 UTC.
        assert_eq!(due_date(utc(2027, 6, 1, 20, 59), New_York, five_pm()), None);
        assert_eq!(
            due_date(utc(2027, 6, 1, 21, 0), New_York, five_pm()),
            Some(date(2027, 6, 2))
        );
        // 23:59 local is still the same evening…
        assert_eq!(
            due_date(utc(2027, 6, 2, 3, 59), New_York, five_pm()),
            Some(date(2027, 6, 2))
        );
        // …and after local midnight the window has closed.
        assert_eq!(due_date(utc(2027, 6, 2, 4, 0), New_York, five_pm()), None);
    }

    #[test]
    fn the_date_due_follows_local_time_not_utc_across_a_clock_change() {
        // 17:00 EST on 2027-11-07 (after fall-back) is 22:00 UTC, not 21:00.
        assert_eq!(
            due_date(utc(2027, 11, 7, 21, 30), New_York, five_pm()),
            None
        );
        assert_eq!(
            due_date(utc(2027, 11, 7, 22, 0), New_York, five_pm()),
            Some(date(2027, 11, 8))
        );
        // The eve of spring-forward is still EST: 17:00 is 22:00 UTC.
        assert_eq!(
            due_date(utc(2027, 3, 13, 22, 0), New_York, five_pm()),
            Some(date(2027, 3, 14))
        );
    }

    #[test]
    fn a_publish_time_inside_the_spring_forward_gap_falls_due_when_clocks_resume() {
        let half_past_two = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        // 01:59 EST, then 03:00 EDT (07:00 UTC) on 2027-03-14.
        assert_eq!(
            due_date(utc(2027, 3, 14, 6, 59), New_York, half_past_two),
            None
        );
        assert_eq!(
            due_date(utc(2027, 3, 14, 7, 0), New_York, half_past_two),
            Some(date(2027, 3, 15))
        );
    }

    #[test]
    fn zone_names_and_publish_minutes_are_checked() {
        assert_eq!(parse_zone("America/New_York").unwrap(), New_York);
        assert!(parse_zone("Mars/Olympus").unwrap_err().contains("IANA"));
        assert_eq!(publish_time(1020).unwrap(), five_pm());
        assert!(publish_time(1440).is_err());
        assert!(publish_time(-1).is_err());
    }
}
