//! Telemetry charts, drawn on the server (see `components::chart`).

use crate::AppError;
use leptos::prelude::*;

/// Points per line at most; readings are averaged into this many buckets.
#[cfg(feature = "ssr")]
const BUCKETS: i64 = 240;

/// A site's telemetry over an event's window (an hour either side) or, with
/// no event, the last 24 hours: baseline and measured kW, or the declared
/// point `rid` when one is given. Returns the chart's markup.
#[server(endpoint = "site_chart")]
pub async fn site_chart(
    site_id: i32,
    event_id: Option<i32>,
    rid: Option<String>,
) -> Result<String, AppError> {
    use crate::components::chart_html;
    use crate::db::{self, entity::event, telemetry};
    use crate::models::telemetry::{Chart, Series};
    use chrono::{TimeDelta, Utc};
    use sea_orm::EntityTrait;
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    let window = match event_id {
        Some(id) => {
            let e = super::ssr::found(event::Entity::find_by_id(id).one(&db).await?, "event")?;
            let end = e.dtstart + TimeDelta::seconds(e.duration_secs);
            Some((e.dtstart, end))
        }
        None => None,
    };
    let (from, to) = match window {
        Some((start, end)) => (start - TimeDelta::hours(1), end + TimeDelta::hours(1)),
        None => (Utc::now() - TimeDelta::hours(24), Utc::now()),
    };
    let step = TimeDelta::seconds(((to - from).num_seconds() / BUCKETS).max(60));
    // (legend, rID, power of ten to kW; none for other points)
    let lines: Vec<(String, String, Option<i32>)> = match rid {
        Some(rid) => vec![(rid.clone(), rid, None)],
        None => {
            let points = telemetry::power_points(&db, site_id).await?;
            [
                ("baseline kW", points.baseline),
                ("measured kW", points.measured),
            ]
            .into_iter()
            .filter_map(|(name, point)| point.map(|(rid, exp)| (name.to_owned(), rid, Some(exp))))
            .collect()
        }
    };
    let mut series = Vec::new();
    for (name, rid, factor) in lines {
        let buckets = telemetry::aggregate(&db, site_id, &rid, from, to, step).await?;
        series.push(Series {
            name,
            points: buckets
                .iter()
                .map(|b| (b.start, factor.map_or(b.mean, |e| telemetry::kw(b.mean, e))))
                .collect(),
        });
    }
    let chart = Chart {
        from,
        to,
        series,
        event: window,
    };
    let caption = if event_id.is_some() {
        "Baseline vs measured power"
    } else {
        "Site telemetry"
    };
    Ok(chart_html(&chart, caption))
}
