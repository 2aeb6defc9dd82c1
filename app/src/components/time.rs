//! Times as operators read them: in their own time zone, with UTC on hover.
//! The server renders UTC (it does not know the browser's zone); once the
//! page has hydrated, the browser switches the text to local time.

use chrono::{DateTime, TimeDelta, Utc};
use leptos::prelude::*;

/// Minutes the browser's zone is ahead of UTC at `at` (0 on the server).
fn local_offset_minutes(at: DateTime<Utc>) -> i64 {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
            at.timestamp_millis() as f64
        ));
        -(date.get_timezone_offset() as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at;
        0
    }
}

fn local_text(at: DateTime<Utc>) -> String {
    let offset = local_offset_minutes(at);
    let local = at + TimeDelta::minutes(offset);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{} (UTC{sign}{:02}:{:02})",
        local.format("%Y-%m-%d %H:%M"),
        offset.abs() / 60,
        offset.abs() % 60
    )
}

/// A point in time, local in the browser, UTC in the tooltip.
#[component]
pub fn Time(at: DateTime<Utc>) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let utc = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let title = utc.clone();
    view! {
        <time datetime=at.to_rfc3339() title=title>
            {move || if hydrated.get() { local_text(at) } else { utc.clone() }}
        </time>
    }
}

/// A `datetime-local` input's value (the browser's local time) as UTC.
pub fn to_utc(local: &str) -> Option<DateTime<Utc>> {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(local));
        let millis = date.get_time();
        if millis.is_nan() {
            return None;
        }
        DateTime::from_timestamp_millis(millis as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
            .ok()
            .map(|naive| naive.and_utc())
    }
}

/// `1 h 30 min`, `45 min`, `2 d`.
pub fn duration_text(secs: i64) -> String {
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    let parts: Vec<String> = [(days, "d"), (hours, "h"), (mins, "min")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() {
        format!("{secs} s")
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_naturally() {
        assert_eq!(super::duration_text(5400), "1 h 30 min");
        assert_eq!(super::duration_text(86_400), "1 d");
        assert_eq!(super::duration_text(30), "30 s");
    }
}
